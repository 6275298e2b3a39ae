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
    from calliope_lib.errors import RecordingFileMissing, RecordingIsFolder

    path = Path(path)
    if path.is_file():
        return path
    if path.is_dir():
        raise RecordingIsFolder.at(path, ending)
    raise RecordingFileMissing.at(path, ending)


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
