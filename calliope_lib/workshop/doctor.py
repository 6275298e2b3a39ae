"""``calliope-mini doctor``: everything a workshop leader would otherwise check by hand.

Each check gives a :class:`Check` with a status (``ok``, ``info``, ``warn``, ``fail``), one
line saying what was found and, for a problem, one line saying what to do::

    >>> from calliope_lib.workshop.doctor import run_checks
    >>> for check in run_checks():                  # doctest: +SKIP
    ...     print(check.line())
    ✔ Python 3.11.7
    ✘ /dev/ttyACM0: keine Erlaubnis -> sudo usermod -aG dialout anna, dann ab- und anmelden

The checks:

1. Python and package versions (required and optional packages);
2. serial ports seen, and which of them are boards (with their drives);
3. on Linux: may this user open the ports (group ``dialout``; the exact command to fix it);
4. on Linux: a udev rule for J-Link boards (Calliope mini 2.x), with how to install ours;
5. whether each board answers and what it runs; our firmware's version against the library's;
6. drives without a port, boards without a drive, a board in MAINTENANCE mode.

Every input can be handed in (ports, drives, group lists, rule folders), so the tests replay
captured listings and a simulated board on a pseudo-terminal instead of mocking.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from calliope_lib import messages
from calliope_lib.protocol.version import FIRMWARE_VERSION
from calliope_lib.transports import login_name
from calliope_lib.workshop.udev import RULE_NAME, rule_path

messages.register({
    "doctor.title": {"de": "Calliope-mini-Doktor", "en": "Calliope mini doctor"},
    "doctor.python": {"de": "Python {version}", "en": "Python {version}"},
    "doctor.python_old": {"de": "Python {version} ist zu alt", "en": "Python {version} is too old"},
    "doctor.python_old.fix": {"de": "Installiere Python 3.10 oder neuer.",
                              "en": "Install Python 3.10 or newer."},
    "doctor.package": {"de": "{name} {version}", "en": "{name} {version}"},
    "doctor.package_missing": {"de": "{name} fehlt", "en": "{name} is missing"},
    "doctor.package_missing.fix": {"de": 'pip install "{install}"', "en": 'pip install "{install}"'},
    "doctor.optional_missing": {"de": "{name} fehlt (nur nötig für: {what})",
                                "en": "{name} is missing (only needed for: {what})"},
    "doctor.ports": {"de": "Serielle Anschlüsse ({count}): {names}",
                     "en": "Serial ports ({count}): {names}"},
    "doctor.no_ports": {"de": "Keine seriellen Anschlüsse", "en": "No serial ports"},
    "doctor.board": {"de": "{port}: {label}, Laufwerk {drive}, Seriennr. {serial}",
                     "en": "{port}: {label}, drive {drive}, serial {serial}"},
    "doctor.board_unverified": {
        "de": "{port}: vermutlich {label} (USB-Kennung nicht an echter Hardware geprüft)",
        "en": "{port}: probably {label} (USB ID not checked on real hardware)"},
    "doctor.no_boards": {"de": "Kein Board eingesteckt", "en": "No board plugged in"},
    "doctor.no_boards.fix": {
        "de": ("Board einstecken und warten, bis das Laufwerk MINI erscheint; erscheint es "
               "nicht, ein anderes USB-Kabel nehmen (manche Kabel laden nur)."),
        "en": ("Plug in a board and wait for the MINI drive; if it does not appear, try "
               "another USB cable (some cables only charge).")},
    "doctor.dialout_ok": {"de": "Du darfst die Anschlüsse öffnen (Gruppe {group})",
                          "en": "You may open the ports (group {group})"},
    "doctor.dialout_missing": {"de": "{user} ist nicht in der Gruppe {group}",
                               "en": "{user} is not in the group {group}"},
    "doctor.dialout_missing.fix": {
        "de": "sudo usermod -aG {group} {user} -- danach ab- und wieder anmelden",
        "en": "sudo usermod -aG {group} {user} -- then log out and back in"},
    "doctor.dialout_relogin": {
        "de": "{user} ist in der Gruppe {group}, aber diese Sitzung weiß es noch nicht",
        "en": "{user} is in the group {group}, but this session does not know yet"},
    "doctor.dialout_relogin.fix": {"de": "Ab- und wieder anmelden (oder neu starten).",
                                   "en": "Log out and back in (or restart)."},
    "doctor.port_denied": {"de": "{port}: keine Erlaubnis zum Öffnen",
                           "en": "{port}: no permission to open it"},
    "doctor.udev_ok": {"de": "udev-Regel für J-Link-Boards gefunden: {path}",
                       "en": "udev rule for J-Link boards found: {path}"},
    "doctor.udev_missing": {"de": "Keine udev-Regel für J-Link-Boards (Calliope mini 2.x)",
                            "en": "No udev rule for J-Link boards (Calliope mini 2.x)"},
    "doctor.udev_missing.fix": {
        "de": ("sudo cp {rule} /etc/udev/rules.d/ && sudo udevadm control --reload-rules && "
               "sudo udevadm trigger -- dann die Boards neu einstecken"),
        "en": ("sudo cp {rule} /etc/udev/rules.d/ && sudo udevadm control --reload-rules && "
               "sudo udevadm trigger -- then replug the boards")},
    "doctor.udev_not_needed": {
        "de": "Keine udev-Regel für J-Link installiert (nur für Calliope mini 2.x nötig)",
        "en": "No udev rule for J-Link installed (only needed for Calliope mini 2.x)"},
    "doctor.runs": {"de": "{port}: {what}", "en": "{port}: {what}"},
    "doctor.fw_old": {"de": "{port}: Firmware {board}, die Bibliothek erwartet {host}",
                      "en": "{port}: firmware {board}, the library expects {host}"},
    "doctor.fw_old.fix": {
        "de": "calliope-mini firmware build, dann calliope-mini flash <datei>.hex --all",
        "en": "calliope-mini firmware build, then calliope-mini flash <file>.hex --all"},
    "doctor.port_error": {"de": "{port}: {error}", "en": "{port}: {error}"},
    "doctor.port_busy.fix": {
        "de": "Schließe Mu, Thonny, andere Notebooks oder MakeCode-Tabs, die das Board benutzen.",
        "en": "Close Mu, Thonny, other notebooks or MakeCode tabs that use the board."},
    "doctor.port_other.fix": {"de": "Board neu einstecken.", "en": "Replug the board."},
    "doctor.no_drive": {"de": "{port}: kein Laufwerk MINI gefunden",
                        "en": "{port}: no MINI drive found"},
    "doctor.no_drive.fix": {
        "de": ("Zum Flashen wird das Laufwerk gebraucht: warten, bis es erscheint, oder mit "
               "--drive PFAD angeben. Messen geht auch ohne."),
        "en": ("Flashing needs the drive: wait until it appears, or name it with --drive "
               "PATH. Measuring works without it.")},
    "doctor.no_port": {"de": "Laufwerk {drive} ohne seriellen Anschluss",
                       "en": "Drive {drive} without a serial port"},
    "doctor.no_port.fix": {
        "de": ("Flashen geht, Messen nicht. Anderes USB-Kabel oder anderen Anschluss probieren; "
               "unter Windows 7 fehlt der mbed-Treiber."),
        "en": ("Flashing works, measuring does not. Try another cable or USB socket; Windows 7 "
               "lacks the mbed serial driver.")},
    "doctor.maintenance": {"de": "Ein Board ist im Wartungsmodus ({drive})",
                           "en": "A board is in maintenance mode ({drive})"},
    "doctor.maintenance.fix": {
        "de": "Board ausstecken und ohne gedrückten Reset-Knopf wieder einstecken.",
        "en": "Unplug the board and plug it in again without holding the reset button."},
    "doctor.summary_ok": {"de": "Alles in Ordnung.", "en": "Everything is fine."},
    "doctor.summary": {"de": "{count} Problem(e):", "en": "{count} problem(s):"},
})

#: Packages the library needs, and optional ones with what they are for.
REQUIRED = (("pyserial", "serial"), ("numpy", "numpy"), ("matplotlib", "matplotlib"),
            ("tqdm", "tqdm"))
OPTIONAL = (("pandas", "rec.to_pandas()", "calliope-lib[pandas]"),
            ("micropython-microbit-fs", "calliope-mini firmware", "calliope-lib[firmware]"),
            ("intelhex", "calliope-mini firmware", "calliope-lib[firmware]"),
            ("nbgrader", "calliope-mini course", "calliope-lib[lessons]"),
            ("fpdf2", "calliope-mini worksheets", "calliope-lib[worksheets]"))

#: Where udev reads rules from (admin rules first, then the ones packages install).
RULE_DIRS = ("/etc/udev/rules.d", "/run/udev/rules.d", "/lib/udev/rules.d",
             "/usr/lib/udev/rules.d")


@dataclass
class Check:
    """One finding. ``status``: ``ok``, ``info``, ``warn`` or ``fail``; ``fix``: what to do."""

    topic: str
    status: str
    text: str
    fix: str = ""

    @property
    def problem(self) -> bool:
        return self.status in ("warn", "fail")

    def line(self) -> str:
        mark = {"ok": "✔", "info": "·", "warn": "!", "fail": "✘"}[self.status]
        return f"{mark} {self.text}" + (f"  ->  {self.fix}" if self.fix else "")


# ---------------------------------------------------------------------------------------------
# Single checks
# ---------------------------------------------------------------------------------------------


def check_python(version: Sequence[int] = tuple(sys.version_info[:3])) -> list[Check]:
    text = ".".join(map(str, version))
    if tuple(version[:2]) < (3, 10):
        return [Check("python", "fail", messages.t("doctor.python_old", version=text),
                      messages.t("doctor.python_old.fix"))]
    return [Check("python", "ok", messages.t("doctor.python", version=text))]


def check_packages() -> list[Check]:
    from importlib import metadata

    out = []
    try:
        own = metadata.version("calliope-lib")
    except metadata.PackageNotFoundError:
        own = "(nicht installiert / not installed)"
    out.append(Check("package", "ok", messages.t("doctor.package", name="calliope-lib",
                                                 version=own)))
    for dist, _module in REQUIRED:
        try:
            out.append(Check("package", "ok", messages.t("doctor.package", name=dist,
                                                         version=metadata.version(dist))))
        except metadata.PackageNotFoundError:
            out.append(Check("package", "fail", messages.t("doctor.package_missing", name=dist),
                             messages.t("doctor.package_missing.fix", install=dist)))
    for dist, what, install in OPTIONAL:
        try:
            out.append(Check("package", "ok", messages.t("doctor.package", name=dist,
                                                         version=metadata.version(dist))))
        except metadata.PackageNotFoundError:
            out.append(Check("package", "info",
                             messages.t("doctor.optional_missing", name=dist, what=what),
                             messages.t("doctor.package_missing.fix", install=install)))
    return out


def port_group(ports: Iterable[str]) -> str:
    """The group owning the board ports (``dialout`` on Debian/Ubuntu, ``uucp`` on Arch)."""
    try:
        import grp

        for port in ports:
            try:
                return grp.getgrgid(os.stat(port).st_gid).gr_name
            except (OSError, KeyError):
                continue
        for name in ("dialout", "uucp"):
            try:
                grp.getgrnam(name)
                return name
            except KeyError:
                continue
    except ImportError:
        pass
    return "dialout"


def check_dialout(ports: Sequence[str], *, user: str | None = None, uid: int | None = None,
                  session_groups: Iterable[str] | None = None,
                  member_groups: Iterable[str] | None = None,
                  group: str | None = None) -> list[Check]:
    """Linux: may this user open the board ports?

    ``session_groups``: groups of this login session (``os.getgroups()``); ``member_groups``:
    groups the user is listed in (``/etc/group``). A user added to ``dialout`` needs a new
    login before it counts: that case gets its own remedy.
    """
    user = user or login_name()
    uid = os.geteuid() if uid is None else uid
    group = group or port_group(ports)
    if session_groups is None or member_groups is None:
        import grp

        session = {grp.getgrgid(g).gr_name for g in os.getgroups() if _has_gid(g)}
        member = {g.gr_name for g in grp.getgrall() if user in g.gr_mem} | session
        session_groups = session if session_groups is None else session_groups
        member_groups = member if member_groups is None else member_groups
    session_set, member_set = set(session_groups), set(member_groups)
    out = []
    denied = [p for p in ports if os.path.exists(p) and not os.access(p, os.R_OK | os.W_OK)]
    if uid == 0 or group in session_set:
        out.append(Check("dialout", "ok", messages.t("doctor.dialout_ok", group=group)))
    elif group in member_set:
        out.append(Check("dialout", "fail" if denied else "warn",
                         messages.t("doctor.dialout_relogin", user=user, group=group),
                         messages.t("doctor.dialout_relogin.fix")))
    else:
        out.append(Check("dialout", "fail" if denied or ports else "warn",
                         messages.t("doctor.dialout_missing", user=user, group=group),
                         messages.t("doctor.dialout_missing.fix", group=group, user=user)))
    for p in denied:
        out.append(Check("dialout", "fail", messages.t("doctor.port_denied", port=p),
                         messages.t("doctor.dialout_missing.fix", group=group, user=user)))
    return out


def _has_gid(gid: int) -> bool:
    import grp

    try:
        grp.getgrgid(gid)
        return True
    except KeyError:
        return False


def rule_source() -> str:
    """Where our udev rule file is on disk (package data, :mod:`calliope_lib.workshop.udev`),
    for the ``sudo cp`` line; just its name when the package is zipped."""
    return rule_path() or RULE_NAME


def find_jlink_rule(rule_dirs: Iterable[str] = RULE_DIRS) -> str | None:
    """The first installed udev rule file that mentions SEGGER's vendor ID 1366."""
    for folder in rule_dirs:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if not name.endswith(".rules"):
                continue
            path = os.path.join(folder, name)
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if '"1366"' in text or "idVendor}==\"1366" in text:
                return path
    return None


def check_udev(boards: Sequence[Any], rule_dirs: Iterable[str] = RULE_DIRS) -> list[Check]:
    found = find_jlink_rule(rule_dirs)
    if found:
        return [Check("udev", "ok", messages.t("doctor.udev_ok", path=found))]
    if any(getattr(b, "vid", None) == 0x1366 for b in boards):
        return [Check("udev", "fail", messages.t("doctor.udev_missing"),
                      messages.t("doctor.udev_missing.fix", rule=rule_source()))]
    return [Check("udev", "info", messages.t("doctor.udev_not_needed"),
                  messages.t("doctor.udev_missing.fix", rule=rule_source()))]


def check_boards(boards: Sequence[Any], port_names: Sequence[str]) -> list[Check]:
    out = []
    if port_names:
        out.append(Check("ports", "info", messages.t("doctor.ports", count=len(port_names),
                                                     names=", ".join(port_names))))
    else:
        out.append(Check("ports", "info", messages.t("doctor.no_ports")))
    if not boards:
        out.append(Check("boards", "warn", messages.t("doctor.no_boards"),
                         messages.t("doctor.no_boards.fix")))
    for b in boards:
        if b.port is None:
            out.append(Check("boards", "warn", messages.t("doctor.no_port", drive=b.drive),
                             messages.t("doctor.no_port.fix")))
            continue
        key = "doctor.board_unverified" if b.unverified else "doctor.board"
        out.append(Check("boards", "ok", messages.t(key, port=b.port, label=b.label,
                                                     drive=b.drive or "-",
                                                     serial=b.serial_number or "-")))
        if not b.drive:
            out.append(Check("drives", "info", messages.t("doctor.no_drive", port=b.port),
                             messages.t("doctor.no_drive.fix")))
    return out


def check_maintenance(volumes: Iterable[tuple[str, str]]) -> list[Check]:
    return [Check("drives", "warn", messages.t("doctor.maintenance", drive=path),
                  messages.t("doctor.maintenance.fix"))
            for path, label in volumes if label.upper() in ("MAINTENANCE", "RPI-RP2")]


def check_answers(boards: Sequence[Any], probe_fn: Callable[[str], Any] | None = None,
                  host_version: str = FIRMWARE_VERSION) -> list[Check]:
    """Ask every board (in parallel) what it runs; compare our firmware's version."""
    from concurrent.futures import ThreadPoolExecutor

    from calliope_lib.workshop.flashing import probe

    probe_fn = probe_fn or probe
    ports = [b.port for b in boards if b.port]
    if not ports:
        return []
    with ThreadPoolExecutor(max_workers=len(ports)) as pool:
        probes = list(pool.map(probe_fn, ports))
    out = []
    for port, pr in zip(ports, probes):
        if pr.what == "error":
            if pr.reason == "permission":
                continue  # the dialout check already says what to do
            fix = "doctor.port_busy.fix" if pr.reason == "port_busy" else "doctor.port_other.fix"
            out.append(Check("answers", "fail", messages.t("doctor.port_error", port=port,
                                                            error=pr.error), messages.t(fix)))
        elif pr.what == "firmware" and pr.firmware != host_version:
            out.append(Check("answers", "warn", messages.t("doctor.fw_old", port=port,
                                                            board=pr.firmware, host=host_version),
                             messages.t("doctor.fw_old.fix")))
        else:
            out.append(Check("answers", "ok", messages.t("doctor.runs", port=port,
                                                          what=pr.describe())))
    return out


# ---------------------------------------------------------------------------------------------
# All of them
# ---------------------------------------------------------------------------------------------


def run_checks(*, ports: Iterable[Any] | None = None, drives: Iterable[Any] | None = None,
               volumes: Iterable[tuple[str, str]] | None = None, platform: str = sys.platform,
               rule_dirs: Iterable[str] = RULE_DIRS, probe_fn: Callable[[str], Any] | None = None,
               dialout: dict[str, Any] | None = None, ask_boards: bool = True) -> list[Check]:
    """Run every check; inputs default to this computer (see the module docstring)."""
    from calliope_lib.board.discovery import _list_ports, find_boards, find_drives

    port_list = _list_ports() if ports is None else list(ports)
    drive_list = find_drives() if drives is None else list(drives)
    boards = find_boards(port_list, drive_list)
    checks = check_python() + check_packages()
    checks += check_boards(boards, [p.device for p in port_list])
    if volumes is None:
        volumes = _volumes(platform)
    checks += check_maintenance(volumes)
    if platform.startswith("linux"):
        checks += check_dialout([b.port for b in boards if b.port], **(dialout or {}))
        checks += check_udev(boards, rule_dirs)
    if ask_boards:
        checks += check_answers(boards, probe_fn)
    return checks


def _volumes(platform: str) -> list[tuple[str, str]]:
    try:
        if platform.startswith("linux"):
            from calliope_lib.board import drives_linux as backend
        elif platform == "darwin":
            from calliope_lib.board import drives_macos as backend
        elif platform.startswith("win"):
            from calliope_lib.board import drives_windows as backend
        else:
            return []
        return backend.mounted_volumes()
    except Exception:
        return []


def report(checks: Sequence[Check]) -> str:
    """The full text: every finding, then a summary with one line per problem and its remedy."""
    lines = [messages.t("doctor.title"), ""]
    lines += [c.line() for c in checks]
    problems = [c for c in checks if c.problem]
    lines.append("")
    if not problems:
        lines.append(messages.t("doctor.summary_ok"))
    else:
        lines.append(messages.t("doctor.summary", count=len(problems)))
        for c in problems:
            lines.append(f"  - {c.text}" + (f": {c.fix}" if c.fix else ""))
    return "\n".join(lines)
