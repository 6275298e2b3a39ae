"""Copy one hex file onto many boards at once, and check that each board runs it afterwards.

How a board is flashed (DAPLink drag-and-drop, also J-Link OB on the Calliope 2.x): a ``.hex``
file is copied onto the board's drive (``MINI``, ``MICROBIT``); the interface chip programs
the main chip while the bytes arrive, then the drive disconnects and comes back. A
``FAIL.TXT`` on the returned drive holds the error text if programming failed.

:func:`flash` does that for every board in parallel, one worker thread per drive:

1. check the file is a sound Intel hex that suits the board (:mod:`calliope_lib.workshop.firmware.hexfile`);
2. write it in chunks, then flush and ``fsync`` (so the bytes really reach the board before
   we wait for it);
3. wait for the drive to vanish and come back (deadlines, not endless loops);
4. read ``FAIL.TXT`` if there is one;
5. verify on the serial port: our firmware answers ``hello`` with ``$HELLO calliope-lab ...
   fw=<version>``; for any other program it is enough that the port is back and opens.

A failure on one board (drive vanished mid-copy, read-only or full drive, never came back,
wrong firmware) is reported for that board; the others carry on. Each result has a reason
word for programs and a sentence with what to do for people::

    >>> from calliope_lib.board.discovery import find_boards
    >>> from calliope_lib.workshop.flashing import flash, targets_from_boards
    >>> results = flash("messgeraet.hex", targets_from_boards(find_boards()))  # doctest: +SKIP
    >>> for r in results:                                                      # doctest: +SKIP
    ...     print(r.line())
    ✔ /dev/ttyACM0 (Calliope mini 3, /media/anna/MINI): geflasht und geprüft, Firmware 0.1.0
"""

from __future__ import annotations

import errno
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from calliope_lib import messages
from calliope_lib.board.discovery import FoundBoard, drive_from_path, find_port_by_serial, pair
from calliope_lib.workshop.firmware.hexfile import HexInfo, inspect_hex

# ---------------------------------------------------------------------------------------------
# Texts: one line per board, what happened and what to do
# ---------------------------------------------------------------------------------------------

messages.register({
    "flash.ok.verified": {"de": "geflasht und geprüft, Firmware {fw}",
                          "en": "flashed and verified, firmware {fw}"},
    "flash.ok.back": {"de": "geflasht, das Board ist wieder da ({what})",
                      "en": "flashed, the board is back ({what})"},
    "flash.ok.unverified": {"de": "geflasht (nicht geprüft: --no-verify)",
                            "en": "flashed (not verified: --no-verify)"},
    "flash.ok.no_port": {
        "de": "geflasht; kein serieller Anschluss zu diesem Board, darum nicht geprüft",
        "en": "flashed; no serial port for this board, so not verified"},
    "flash.hex_unsuitable": {
        "de": ("Die Datei passt nicht zu diesem Board: sie ist nur für {chips}. Lade eine Datei "
               "für {label} herunter (im Calliope-Editor speichert 'Herunterladen' eine Datei "
               "für alle Versionen)."),
        "en": ("The file does not suit this board: it is only for {chips}. Download a file for "
               "{label} (the Calliope editor's 'Download' saves one for all versions).")},
    "flash.no_drive": {
        "de": ("Zu diesem Board gibt es kein Laufwerk MINI. Warte, bis es erscheint, oder nenne "
               "es mit --drive PFAD. Erscheint nur MAINTENANCE: Board ohne gedrückten "
               "Reset-Knopf neu einstecken."),
        "en": ("This board has no MINI drive. Wait until it appears, or name it with --drive "
               "PATH. If only MAINTENANCE appears: replug the board without holding reset.")},
    "flash.read_only": {
        "de": ("Das Laufwerk {drive} ist schreibgeschützt ({error}). Stecke das Board neu ein "
               "und starte dann mit --retry."),
        "en": ("The drive {drive} is read-only ({error}). Replug the board, then run again "
               "with --retry.")},
    "flash.drive_full": {
        "de": ("Auf dem Laufwerk {drive} ist kein Platz ({error}). Stecke das Board neu ein "
               "(danach ist das Laufwerk leer) und starte mit --retry."),
        "en": ("The drive {drive} is full ({error}). Replug the board (the drive is empty "
               "afterwards) and run again with --retry.")},
    "flash.vanished": {
        "de": ("Das Laufwerk verschwand beim Kopieren ({error}). Wackelt das Kabel oder der "
               "USB-Hub? Stecke das Board fest ein und starte mit --retry."),
        "en": ("The drive vanished while copying ({error}). Is the cable or the USB hub "
               "loose? Plug the board in firmly and run again with --retry.")},
    "flash.copy_error": {
        "de": "Kopieren ging schief ({error}). Stecke das Board neu ein und starte mit --retry.",
        "en": "Copying failed ({error}). Replug the board and run again with --retry."},
    "flash.no_remount": {
        "de": ("Das Board kam nach dem Kopieren nicht zurück (nach {seconds:.0f} s). Stecke es "
               "aus und wieder ein, prüfe mit 'calliope-mini boards' und starte mit --retry."),
        "en": ("The board did not come back after copying (after {seconds:.0f} s). Unplug "
               "and replug it, check with 'calliope-mini boards', run again with --retry.")},
    "flash.fail_txt": {
        "de": ("Das Board meldet einen Fehler in FAIL.TXT: \"{text}\". Meist ist die Datei "
               "beschädigt oder für ein anderes Board: lade sie neu herunter, dann --retry."),
        "en": ("The board reports an error in FAIL.TXT: \"{text}\". Usually the file is "
               "damaged or for another board: download it again, then --retry.")},
    "flash.not_answering": {
        "de": ("Die Messgeräte-Firmware meldet sich nicht (kein $HELLO in {seconds:.0f} s). "
               "Drücke den Reset-Knopf, prüfe mit 'calliope-mini boards --probe', dann --retry."),
        "en": ("The measuring firmware does not answer (no $HELLO within {seconds:.0f} s). "
               "Press reset, check with 'calliope-mini boards --probe', then --retry.")},
    "flash.port_gone": {
        "de": ("Der serielle Anschluss des Boards kam nicht zurück (nach {seconds:.0f} s). "
               "Stecke das Board neu ein und starte mit --retry."),
        "en": ("The board's serial port did not come back (after {seconds:.0f} s). Replug "
               "the board and run again with --retry.")},
    "flash.wrong_firmware": {
        "de": ("Auf dem Board läuft Firmware {board}, die Datei enthält {expected}. Das "
               "Flashen hat nicht gewirkt: stecke das Board neu ein und starte mit --retry."),
        "en": ("The board runs firmware {board}, the file holds {expected}. Flashing did not "
               "take: replug the board and run again with --retry.")},
    "flash.permission": {
        "de": ("Keine Erlaubnis für {port}, darum nicht geprüft. Einmal ausführen: "
               "sudo usermod -aG dialout {user}, dann ab- und wieder anmelden."),
        "en": ("No permission for {port}, so not verified. Run once: sudo usermod -aG "
               "dialout {user}, then log out and back in.")},
    "flash.port_busy": {
        "de": ("{port} ist von einem anderen Programm belegt (Mu, Thonny, MakeCode-Tab?), "
               "darum nicht geprüft. Schließe es und starte mit --retry."),
        "en": ("{port} is held by another program (Mu, Thonny, a MakeCode tab?), so not "
               "verified. Close it and run again with --retry.")},
    "flash.summary": {"de": "{ok} von {total} Boards fertig, {failed} mit Fehler.",
                      "en": "{ok} of {total} boards done, {failed} failed."},
    "flash.phase.copy": {"de": "kopiere", "en": "copying"},
    "flash.phase.wait": {"de": "kopiert, warte auf Neustart", "en": "copied, waiting for restart"},
    "flash.phase.verify": {"de": "prüfe", "en": "verifying"},
    "probe.firmware": {"de": "Messgeräte-Firmware {fw}", "en": "measuring firmware {fw}"},
    "probe.micropython": {"de": "MicroPython-Eingabe (>>>)", "en": "MicroPython prompt (>>>)"},
    "probe.output": {"de": "ein Programm, das etwas ausgibt: {sample}",
                     "en": "a program that prints: {sample}"},
    "probe.silent": {"de": "still (ein Programm ohne Ausgabe)",
                     "en": "silent (a program that prints nothing)"},
    "probe.error": {"de": "nicht zu öffnen: {error}", "en": "cannot be opened: {error}"},
})

# ---------------------------------------------------------------------------------------------
# Timeouts (seconds). A real DAPLink takes ~15-40 s for a 1 MB hex; J-Link OB is unverified.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    """How long each step may take before the board counts as failed (seconds)."""

    #: after the last byte: until the drive disconnects (DAPLink programs while receiving)
    vanish: float = 60.0
    #: after it disconnected: until it is mounted again
    come_back: float = 30.0
    #: until the serial port is there again after the remount
    port: float = 15.0
    #: until our firmware answers hello
    hello: float = 8.0


#: Bytes per write call: small enough for a smooth progress bar, big enough to be fast.
CHUNK = 32 * 1024
POLL_S = 0.05

# ---------------------------------------------------------------------------------------------
# Targets and results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlashTarget:
    """One board to flash: its drive, and (for verification) its serial port or serial number."""

    drive: str | None
    port: str | None = None
    serial_number: str | None = None
    kind: str = "unknown"
    label: str = "Calliope mini"
    board_id: str | None = None

    @property
    def name(self) -> str:
        """How the board is named in messages: its port, else its drive."""
        return self.port or self.drive or "?"

    @classmethod
    def from_board(cls, board: FoundBoard) -> "FlashTarget":
        return cls(drive=board.drive, port=board.port, serial_number=board.serial_number,
                   kind=board.kind, label=board.label, board_id=board.board_id)

    @classmethod
    def from_drive(cls, path: str | os.PathLike[str], port: str | None = None) -> "FlashTarget":
        """A target for ``--drive PATH``: what the drive's label and DETAILS.TXT tell, + ``--port``."""
        drive = drive_from_path(path)
        found = pair([], [drive])  # a drive alone: kind from its label and board ID
        board = found[0] if found else None
        return cls(drive=drive.path, port=port, serial_number=drive.unique_id,
                   kind=board.kind if board else "unknown",
                   label=board.label if board else drive.label,
                   board_id=drive.board_id)


def targets_from_boards(boards: Iterable[FoundBoard]) -> list[FlashTarget]:
    return [FlashTarget.from_board(b) for b in boards]


@dataclass
class FlashResult:
    """What happened to one board. ``ok``; ``reason`` a word; ``message`` the sentence."""

    target: FlashTarget
    ok: bool
    reason: str
    message: str
    firmware: str | None = None
    seconds: float = 0.0
    port: str | None = None  # the port the board was verified on (may differ after remount)

    def line(self) -> str:
        """One line for the final list: mark, board, what happened (and what to do)."""
        mark = "✔" if self.ok else "✘"
        where = ", ".join(x for x in (self.target.label, self.target.drive if self.target.port
                                      else None) if x)
        return f"{mark} {self.target.name} ({where}): {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"drive": self.target.drive, "port": self.target.port,
                "serial_number": self.target.serial_number, "kind": self.target.kind,
                "label": self.target.label, "ok": self.ok, "reason": self.reason,
                "message": self.message, "firmware": self.firmware,
                "seconds": round(self.seconds, 2)}


#: A progress callback: (target, phase, done, total). Phases: "copy", "wait", "verify", "done".
Progress = Callable[[FlashTarget, str, int, int], None]


class _Failed(Exception):
    def __init__(self, reason: str, key: str, **fields: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = messages.t(key, **fields)


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


def _classify_os_error(exc: OSError, drive: str) -> _Failed:
    error = exc.strerror or str(exc)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _Failed("read_only", "flash.read_only", drive=drive, error=error)
    if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        return _Failed("drive_full", "flash.drive_full", drive=drive, error=error)
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO, errno.ESTALE, errno.EPIPE,
                     errno.ENOTDIR, getattr(errno, "ENOMEDIUM", -1)):
        return _Failed("vanished", "flash.vanished", error=error)
    return _Failed("copy_error", "flash.copy_error", error=error)


def copy_hex(data: bytes, drive: str, name: str,
             progress: Callable[[int, int], None] | None = None) -> None:
    """Write ``data`` as ``drive/name`` in chunks; flush and fsync so it reaches the board.

    Raises ``_Failed`` with the reason (read_only, drive_full, vanished, copy_error).
    """
    target = os.path.join(drive, name)
    total = len(data)
    written = 0
    try:
        with open(target, "wb", buffering=0) as fh:
            while written < total:
                n = fh.write(data[written:written + CHUNK])
                written += n or 0
                if progress:
                    progress(written, total)
            try:
                os.fsync(fh.fileno())
            except OSError as exc:
                # A board that already took every byte may drop off the bus before fsync
                # returns; DAPLink then has the whole file. Only an unfinished write counts.
                # EINVAL: the file cannot be synced at all (some FUSE mounts, a pipe).
                if exc.errno not in (errno.EIO, errno.ENODEV, errno.ENXIO, errno.EINVAL):
                    raise
    except OSError as exc:
        if written >= total and exc.errno in (errno.EIO, errno.ENODEV, errno.ENXIO, errno.ENOENT):
            return  # the close after the last byte met a drive already remounting
        raise _classify_os_error(exc, drive) from exc


def _drive_present(drive: str) -> bool:
    try:
        return os.path.isdir(drive) and bool(os.listdir(drive))
    except OSError:
        return False


def wait_for_remount(drive: str, name: str, timeouts: Timeouts,
                     had_details: bool) -> tuple[bool, float]:
    """Wait until the drive disconnects and comes back. Returns (came back, seconds waited).

    A remount too quick to see (between two polls) still shows: the copied file is gone from
    the drive, because DAPLink never keeps it.
    """
    start = time.monotonic()
    deadline = start + timeouts.vanish
    copied = os.path.join(drive, name)
    gone = False
    while time.monotonic() < deadline:
        if not _drive_present(drive):
            gone = True
            break
        if not os.path.exists(copied):
            return True, time.monotonic() - start  # already back
        time.sleep(POLL_S)
    if not gone:
        return False, time.monotonic() - start
    deadline = time.monotonic() + timeouts.come_back
    while time.monotonic() < deadline:
        if _drive_present(drive) and (
                not had_details or os.path.exists(os.path.join(drive, "DETAILS.TXT"))):
            return True, time.monotonic() - start
        time.sleep(POLL_S)
    return False, time.monotonic() - start


def read_fail_txt(drive: str) -> str | None:
    """The text of FAIL.TXT on the drive, or None when there is none."""
    for fname in ("FAIL.TXT", "fail.txt"):
        try:
            text = Path(drive, fname).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        return " ".join(text.split())[:200]
    return None


# ---------------------------------------------------------------------------------------------
# The serial side: probe a port, verify after flashing
# ---------------------------------------------------------------------------------------------

_HELLO = re.compile(r"\$HELLO calliope-lab proto=(\d+) fw=(\S+)(?: board=(\S+))?")


@dataclass
class Probe:
    """What a board's serial port shows. ``what``: firmware / micropython / output / silent / error."""

    what: str
    firmware: str | None = None
    board: str | None = None
    sample: str = ""
    error: str | None = None
    reason: str | None = None  # for errors: permission / port_busy / port_missing

    def describe(self) -> str:
        if self.what == "firmware":
            return messages.t("probe.firmware", fw=self.firmware)
        if self.what == "error":
            return messages.t("probe.error", error=self.error)
        return messages.t(f"probe.{self.what}", sample=self.sample[:40])


def _open_serial(port: str, timeout: float = 0.05) -> Any:
    import serial

    return serial.serial_for_url(port, baudrate=115200, timeout=timeout)


def _serial_error(exc: Exception) -> tuple[str, str]:
    """(reason, text) for an exception from opening a port."""
    text = str(exc)
    low = text.lower()
    err = getattr(exc, "errno", None)
    if isinstance(exc, PermissionError) or err in (errno.EACCES, errno.EPERM) or \
            "permission denied" in low or "zugriff verweigert" in low or "access is denied" in low:
        return "permission", text
    if err == errno.EBUSY or "busy" in low or "could not exclusively lock" in low:
        return "port_busy", text
    if isinstance(exc, FileNotFoundError) or err == errno.ENOENT or "no such file" in low or \
            "could not open port" in low:
        return "port_missing", text
    return "error", text


def probe(port: str, seconds: float = 2.0, ask: bool = True) -> Probe:
    """Find out what a board runs: our firmware (and version), a MicroPython prompt, a program
    that prints, or silence.

    Opening the port does not reset a DAPLink board, and what it printed before is lost, so we
    listen, then send ``hello`` (our firmware answers ``$HELLO``; a MicroPython prompt answers
    with an error and ``>>>``; a kid's program ignores it). Nothing is interrupted.
    """
    try:
        ser = _open_serial(port)
    except Exception as exc:  # serial.SerialException, OSError
        reason, text = _serial_error(exc)
        return Probe("error", error=text, reason=reason)
    buf = b""
    try:
        deadline = time.monotonic() + seconds
        next_ask = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            if ask and time.monotonic() >= next_ask:
                ser.write(b"hello\r\n")
                next_ask = time.monotonic() + 0.7
            buf += ser.read(4096)
            text = buf.decode("utf-8", "replace")
            m = _HELLO.search(text)
            if m:
                return Probe("firmware", firmware=m.group(2), board=m.group(3))
            if ">>>" in text or "MicroPython" in text:
                return Probe("micropython", sample=text.strip()[-60:])
    except Exception as exc:
        reason, text = _serial_error(exc)
        return Probe("error", error=text, reason=reason)
    finally:
        try:
            ser.close()
        except Exception:
            pass
    text = buf.decode("utf-8", "replace").replace("\r", "")
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if lines:
        return Probe("output", sample=lines[-1])
    return Probe("silent")


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:
        return "$USER"


def verify(target: FlashTarget, info: HexInfo, timeouts: Timeouts,
           find_port: Callable[[str], str | None]) -> tuple[str, str | None, str]:
    """Check on the serial port that the board runs what was flashed.

    Returns (message, firmware version seen, port). Raises ``_Failed``.
    """
    # A board named only by its drive (--drive without --port) may have no port we can find
    # (no serial driver, a J-Link S/N that list_ports reports differently): look briefly.
    deadline = time.monotonic() + (timeouts.port if target.port else min(timeouts.port, 3.0))
    port = None
    while time.monotonic() < deadline:
        # The port can get a new name when the board re-enumerates: look it up by serial.
        port = (find_port(target.serial_number) if target.serial_number else None) or target.port
        if port and (not port.startswith("/") or os.path.exists(port)):
            break
        time.sleep(0.1)
    else:
        if not target.port:
            raise _Failed("no_port", "flash.ok.no_port")
        raise _Failed("port_gone", "flash.port_gone", seconds=timeouts.port)
    assert port is not None
    # A board that has just restarted may hold the port closed for a moment: retry opening.
    last: Probe | None = None
    hello_deadline = time.monotonic() + (timeouts.hello if info.ours else 2.0)
    while True:
        remaining = hello_deadline - time.monotonic()
        last = probe(port, seconds=max(0.5, min(remaining, 3.0)), ask=info.ours)
        if last.what == "firmware" or time.monotonic() >= hello_deadline:
            break
        if last.what != "error" and not info.ours:
            break
        if last.what == "error" and last.reason in ("permission", "port_busy"):
            break
        time.sleep(0.2)
    if last.what == "error":
        if last.reason == "permission":
            raise _Failed("permission", "flash.permission", port=port, user=_user())
        if last.reason == "port_busy":
            raise _Failed("port_busy", "flash.port_busy", port=port)
        raise _Failed("port_gone", "flash.port_gone", seconds=timeouts.port)
    if info.ours:
        if last.what != "firmware":
            raise _Failed("not_answering", "flash.not_answering", seconds=timeouts.hello)
        if info.firmware and last.firmware != info.firmware:
            raise _Failed("wrong_firmware", "flash.wrong_firmware", board=last.firmware,
                          expected=info.firmware)
        return messages.t("flash.ok.verified", fw=last.firmware), last.firmware, port
    return messages.t("flash.ok.back", what=last.describe()), last.firmware, port


# ---------------------------------------------------------------------------------------------
# One board, all boards
# ---------------------------------------------------------------------------------------------


def flash_one(data: bytes, info: HexInfo, target: FlashTarget, *, name: str,
              verify_serial: bool = True, timeouts: Timeouts = Timeouts(),
              progress: Progress | None = None,
              find_port: Callable[[str], str | None] = find_port_by_serial) -> FlashResult:
    """Flash one board (see :func:`flash`); never raises for a board's own trouble."""
    start = time.monotonic()

    def report(phase: str, done: int = 0, total: int = 0) -> None:
        if progress:
            progress(target, phase, done, total)

    def _done(result: FlashResult) -> FlashResult:
        report("done")
        return result

    try:
        if not info.suits(target.kind, target.board_id):
            raise _Failed("hex_unsuitable", "flash.hex_unsuitable", chips=info.chips_text(),
                          label=target.label)
        if not target.drive:
            raise _Failed("no_drive", "flash.no_drive")
        if not os.path.isdir(target.drive):
            raise _Failed("vanished", "flash.vanished", error=f"{target.drive} fehlt / missing")
        had_details = os.path.exists(os.path.join(target.drive, "DETAILS.TXT"))
        copy_hex(data, target.drive, name, lambda d, t: report("copy", d, t))
        report("wait")
        back, waited = wait_for_remount(target.drive, name, timeouts, had_details)
        fail = read_fail_txt(target.drive) if back else None
        if fail:
            raise _Failed("fail_txt", "flash.fail_txt", text=fail)
        if not verify_serial:
            if not back:
                raise _Failed("no_remount", "flash.no_remount", seconds=waited)
            msg, fw, port = messages.t("flash.ok.unverified"), None, target.port
        elif not target.port and not target.serial_number:
            if not back:
                raise _Failed("no_remount", "flash.no_remount", seconds=waited)
            msg, fw, port = messages.t("flash.ok.no_port"), None, None
        else:
            report("verify")
            try:
                msg, fw, port = verify(target, info, timeouts, find_port)
            except _Failed as exc:
                if exc.reason == "no_port" and back:  # flashed; nothing to verify it on
                    return _done(FlashResult(target, True, "ok", exc.message,
                                             seconds=time.monotonic() - start))
                if not back:  # the drive never returned and the port says nothing either
                    raise _Failed("no_remount", "flash.no_remount", seconds=waited) from None
                raise
        result = FlashResult(target, True, "ok", msg, fw, time.monotonic() - start, port)
    except _Failed as exc:
        result = FlashResult(target, False, exc.reason, exc.message,
                             seconds=time.monotonic() - start)
    except Exception as exc:  # a bug or an OS surprise: this board fails, the others go on
        result = FlashResult(target, False, "copy_error",
                             messages.t("flash.copy_error", error=f"{type(exc).__name__}: {exc}"),
                             seconds=time.monotonic() - start)
    return _done(result)


def flash(hex_path: str | os.PathLike[str], targets: Sequence[FlashTarget], *,
          verify_serial: bool = True, timeouts: Timeouts = Timeouts(),
          progress: Progress | None = None,
          find_port: Callable[[str], str | None] = find_port_by_serial,
          info: HexInfo | None = None) -> list[FlashResult]:
    """Flash ``hex_path`` onto every target at the same time; one result per target, in order.

    Raises :class:`~calliope_lib.workshop.firmware.hexfile.HexFileError` only when the file itself is bad (then
    no board is touched). Everything that goes wrong with one board is in its result.
    """
    info = info or inspect_hex(hex_path)
    data = Path(hex_path).read_bytes()
    name = _drive_file_name(Path(hex_path).name)
    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=len(targets), thread_name_prefix="flash") as pool:
        futures = [pool.submit(flash_one, data, info, t, name=name, verify_serial=verify_serial,
                               timeouts=timeouts, progress=progress, find_port=find_port)
                   for t in targets]
        return [f.result() for f in futures]


def _drive_file_name(name: str) -> str:
    """A name the FAT drive takes: plain ASCII, ends in .hex (DAPLink looks at the extension)."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(name).stem)[:40] or "programm"
    return f"{stem}.hex"


# ---------------------------------------------------------------------------------------------
# Remember the last run, for --retry
# ---------------------------------------------------------------------------------------------


def state_file() -> Path:
    """Where the last flash run is remembered (``CALLIOPE_STATE_DIR`` overrides)."""
    base = os.environ.get("CALLIOPE_STATE_DIR")
    if base:
        return Path(base) / "last_flash.json"
    if os.name == "nt":
        root = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return root / "calliope-lib" / "last_flash.json"


def save_results(hex_path: str, results: Sequence[FlashResult]) -> None:
    import json

    path = state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"hex": os.path.abspath(hex_path), "time": time.time(),
                                    "results": [r.to_json() for r in results]}, indent=1),
                        encoding="utf-8")
    except OSError:
        pass  # remembering is a convenience; flashing worked or failed regardless


def load_failed() -> list[dict[str, Any]]:
    """The boards that failed in the last run (as saved by :func:`save_results`)."""
    import json

    try:
        state = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in state.get("results", []) if not r.get("ok")]


def select_failed(targets: Sequence[FlashTarget], failed: Sequence[dict[str, Any]]) -> list[FlashTarget]:
    """The targets that match a failed board (by serial number, else drive, else port)."""
    chosen = []
    for t in targets:
        for f in failed:
            if (t.serial_number and f.get("serial_number") == t.serial_number) or \
                    (t.drive and f.get("drive") == t.drive) or (t.port and f.get("port") == t.port):
                chosen.append(t)
                break
    return chosen

