"""Checks a command makes before it starts work: a typo must never cost a recording.

Each raises one of the library's errors (a :class:`~calliope_lib.errors.CalliopeError`), so
the command line's one handler prints it as a sentence and exits with 1.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from calliope_lib.messages import register, t

register({
    "cli.bad_ending": {
        "de": "{path}: Dateien mit der Endung '{ending}' kann ich nicht schreiben. Möglich: "
              "{allowed}.{extra}",
        "en": "{path}: I cannot write files ending in '{ending}'. Possible: {allowed}.{extra}",
    },
    "cli.no_drive": {
        "de": "Das Laufwerk {path} gibt es nicht (oder es ist kein Ordner). Ist das Board "
              "eingesteckt und das Laufwerk MINI (oder MICROBIT) zu sehen? calliope-mini boards "
              "zeigt die Laufwerke.",
        "en": "There is no drive {path} (or it is not a folder). Is the board plugged in and "
              "the MINI (or MICROBIT) drive visible? calliope-mini boards lists the drives.",
    },
    "cli.is_folder": {
        "de": "{path} ist ein Ordner, keine Datei. Gib eine Datei darin an, zum Beispiel: "
              "{files}",
        "en": "{path} is a folder, not a file. Name a file in it, for example: {files}",
    },
})


def check_ending(path: str | Path, allowed: tuple[str, ...], extra: str = "") -> Path:
    """Refuse a file ending we would not write truthfully (``.xlsx`` is not CSV text)."""
    from calliope_lib.errors import InvalidParameter

    path = Path(path)
    ending = path.suffix.lower()
    if ending not in allowed:
        raise InvalidParameter(t("cli.bad_ending", path=str(path), ending=ending,
                                 allowed=", ".join(allowed), extra=extra))
    return path


def existing_file(path: str | Path, ending: str = ".csv") -> Path:
    """``path`` if it is a file; else a clear error: "is a folder" (naming files in it) or
    the library's "file missing" error (naming the files of that ``ending`` next to it)."""
    from calliope_lib.errors import InvalidParameter, RecordingFileMissing

    path = Path(path)
    if path.is_file():
        return path
    if path.is_dir():
        raise InvalidParameter(t("cli.is_folder", path=str(path), files=_some_files(path, ending)))
    folder = path.parent if str(path.parent) else Path(".")
    raise RecordingFileMissing(path=str(path), folder=str(folder.resolve()),
                               files=_some_files(folder, path.suffix or ending))


def _some_files(folder: Path, ending: str, count: int = 10) -> str:
    """Up to ``count`` visible files in ``folder`` ending in ``ending``, sorted; ``-`` if none.

    Only this one folder is listed (never its subfolders: a home folder can hold thousands).
    """
    try:
        names = sorted(entry.name for entry in os.scandir(folder)
                       if entry.name.lower().endswith(ending.lower())
                       and not entry.name.startswith(".") and entry.is_file())
    except OSError:
        return "-"
    return ", ".join(names[:count]) or "-"


def existing_drive(path: str | Path) -> Path:
    """A board's drive named with ``--drive``: it must be there, as a folder."""
    from calliope_lib.errors import InvalidParameter

    if not Path(path).is_dir():
        raise InvalidParameter(t("cli.no_drive", path=str(path)))
    return Path(path)


def existing_port(port: str) -> str:
    """A serial port path named by the user: it must exist (URLs and COM ports pass)."""
    from calliope_lib.errors import PortNotFoundError, os_reason

    if "://" in port or port.upper().startswith("COM") or os.path.exists(port):
        return port
    raise PortNotFoundError(port=port, reason=os_reason(FileNotFoundError(errno.ENOENT, "")))
