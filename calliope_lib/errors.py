"""One family of exceptions: each says what happened, why, and what to do, in German or English.

Every error is a :class:`CalliopeError` **and** the built-in exception a Python programmer
would expect (``NoBoardFound`` is a ``LookupError``, ``PortPermissionError`` a
``PermissionError`` ...), so ``except PermissionError`` keeps working.

Each error carries

* ``reason``: a short machine-checkable word (``"no_board"``, ``"permission"``...),
* ``title`` and ``detail``: the two sentences a person reads, in the current language
  (see :mod:`calliope_lib.messages`), and ``text(lang)`` for the other language.

Example::

    >>> import calliope_lib as cl
    >>> try:
    ...     cl.connect("/dev/does-not-exist")
    ... except cl.CalliopeError as err:
    ...     print(err.reason)
    port_missing
"""

from __future__ import annotations

import difflib
import errno as errno_module
import os
from pathlib import Path
from typing import Any, Iterable

from calliope_lib.messages import register, t


class CalliopeError(Exception):
    """Base class of every error the library raises on purpose."""

    #: short machine-checkable reason; subclasses set it
    reason: str = "error"
    #: the key of the message pair in :mod:`calliope_lib.messages` (``KEY.title``/``KEY.detail``)
    key: str | None = None

    def __init__(self, *args: object, **fields: Any) -> None:
        self.fields = fields
        if self.key is not None and not args:
            args = (self.text(),)
        super().__init__(*args)

    @property
    def title(self) -> str:
        """One short line: what happened."""
        return t(f"{self.key}.title", **self.fields) if self.key else str(self.args[0])

    @property
    def detail(self) -> str:
        """Why, and what to do about it."""
        return t(f"{self.key}.detail", **self.fields) if self.key else ""

    def text(self, lang: str | None = None) -> str:
        """Title and detail in ``lang`` ("de" or "en"; default: the current language)."""
        if self.key is None:
            return str(self.args[0]) if self.args else self.reason
        title = t(f"{self.key}.title", lang, **self.fields)
        detail = t(f"{self.key}.detail", lang, **self.fields)
        return f"{title}. {detail}"


class NoBoardFound(CalliopeError, LookupError):
    """No Calliope mini or micro:bit is plugged in (or the cable carries no data)."""

    reason = "no_board"
    key = "no_board"


class PortPermissionError(CalliopeError, PermissionError):
    """The operating system does not let this user open the serial port (Linux: ``dialout``)."""

    reason = "permission"
    key = "permission"


class PortBusyError(CalliopeError, OSError):
    """Another program (Mu, Thonny, a MakeCode tab) holds the serial port."""

    reason = "port_busy"
    key = "port_busy"


class PortNotFoundError(CalliopeError, FileNotFoundError):
    """The named port does not exist (board not plugged in, or a typo)."""

    reason = "port_missing"
    key = "port_missing"


class BadAddressError(CalliopeError, ValueError):
    """``connect()`` got an address it cannot understand."""

    reason = "bad_url"
    key = "bad_url"


class BoardNotAnswering(CalliopeError, TimeoutError):
    """The board sent nothing for too long."""

    reason = "not_answering"
    key = "not_answering"


class CommandRefused(CalliopeError, RuntimeError):
    """The firmware answered a command with an error."""

    reason = "command_refused"
    key = "command_failed"


class UnknownChannel(CalliopeError, KeyError):
    """A channel name that the board or recording does not have."""

    reason = "unknown_channel"
    key = "unknown_channel"

    def __init__(self, channel: str, known: Iterable[str]) -> None:
        known = list(known)
        guesses = difflib.get_close_matches(channel, known, n=1)
        hint = t("unknown_channel.hint", guess=guesses[0]) if guesses else ""
        super().__init__(channel=channel, known=", ".join(known) or "-", hint=hint)
        self.channel = channel
        self.known = known
        self.guess = guesses[0] if guesses else None

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.text()


class NoDataYet(CalliopeError, TimeoutError):
    """A channel exists in principle but no value arrived in time."""

    reason = "no_data"
    key = "no_data_yet"


class RecordingFileError(CalliopeError, ValueError):
    """A file cannot be read as a recording."""

    reason = "bad_file"
    key = "file_not_recording"


class RecordingFileMissing(CalliopeError, FileNotFoundError):
    """A recording file that does not exist."""

    reason = "file_missing"
    key = "file_missing"

    @classmethod
    def at(cls, path: "str | os.PathLike[str]", ending: str = ".csv") -> "RecordingFileMissing":
        """The error for ``path``, naming the files with ``ending`` in its folder.

        >>> RecordingFileMissing.at("/nirgends/messung.csv").fields["files"]
        '-'
        """
        path = Path(path)
        folder = path.parent if str(path.parent) else Path(".")
        return cls(path=str(path), folder=str(folder.resolve()),
                   files=some_files(folder, path.suffix or ending))


class RecordingIsFolder(CalliopeError, IsADirectoryError):
    """A folder was named where a file belongs (``cl.load("messungen")``)."""

    reason = "file_is_folder"
    key = "file_is_folder"

    @classmethod
    def at(cls, path: "str | os.PathLike[str]", ending: str = ".csv") -> "RecordingIsFolder":
        """The error for the folder ``path``, naming files with ``ending`` inside it."""
        return cls(path=str(path), files=some_files(Path(path), ending))


register({
    "file_is_folder.title": {
        "de": "{path} ist ein Ordner, keine Datei",
        "en": "{path} is a folder, not a file",
    },
    "file_is_folder.detail": {
        "de": "Gib eine Datei darin an, zum Beispiel: {files}",
        "en": "Name a file in it, for example: {files}",
    },
})


def some_files(folder: Path, ending: str, count: int = 10) -> str:
    """Up to ``count`` visible files in ``folder`` ending in ``ending``, sorted; ``-`` if none.

    Only this one folder is listed, never its subfolders (a home folder can hold thousands).
    """
    try:
        names = sorted(entry.name for entry in os.scandir(folder)
                       if entry.name.lower().endswith(ending.lower())
                       and not entry.name.startswith(".") and entry.is_file())
    except OSError:
        return "-"
    return ", ".join(names[:count]) or "-"


class FileWriteError(CalliopeError, OSError):
    """A file cannot be written: the title names the file, the detail the real cause.

    Made by :func:`write_error` from the operating system's error, so the text says what the
    system said (``Permission denied``, ``No such file or directory``...), not a guess.
    """

    reason = "write_failed"
    key = "write_failed"


class DiskFullError(FileWriteError):
    """Writing failed because the disk (or USB stick) is full."""

    reason = "disk_full"
    key = "disk_full"


class FileInUseError(CalliopeError, OSError):
    """Another recording (another program, another notebook) is writing this file right now."""

    reason = "file_in_use"
    key = "file_in_use"


register({
    "write_failed.title": {
        "de": "Die Datei {path} kann ich nicht schreiben",
        "en": "I cannot write the file {path}",
    },
    "write_failed.detail": {
        "de": "Grund: {reason}. Prüfe den Namen und den Ordner, oder wähle einen anderen Ort.",
        "en": "Reason: {reason}. Check the name and the folder, or choose another place.",
    },
    "file_in_use.title": {
        "de": "In die Datei {path} schreibt gerade eine andere Messung",
        "en": "Another recording is writing to {path} right now",
    },
    "file_in_use.detail": {
        "de": "Zwei Messungen in einer Datei würden sich vermischen. Wähle einen anderen "
              "Dateinamen oder warte, bis die andere Messung fertig ist.",
        "en": "Two recordings in one file would mix. Choose another file name or wait until "
              "the other recording has finished.",
    },
})

#: errno values that mean the medium is full (ENOSPC, EDQUOT).
_FULL_ERRNOS = tuple(getattr(errno_module, name) for name in ("ENOSPC", "EDQUOT")
                     if hasattr(errno_module, name))


#: The operating system's reasons a kid or teacher meets most, in their words. The system's
#: own text (``exc.strerror``) is English on most machines and stays the fallback.
_OS_REASONS = {
    "ENOENT": {"de": "Datei oder Ordner gibt es nicht", "en": "no such file or folder"},
    "EACCES": {"de": "keine Berechtigung", "en": "permission denied"},
    "EPERM": {"de": "nicht erlaubt", "en": "operation not permitted"},
    "ENOSPC": {"de": "der Speicher ist voll", "en": "no space left on the device"},
    "EDQUOT": {"de": "dein Speicherplatz-Kontingent ist aufgebraucht",
               "en": "disk quota exceeded"},
    "EROFS": {"de": "das Laufwerk ist schreibgeschützt", "en": "the drive is read-only"},
    "EISDIR": {"de": "das ist ein Ordner, keine Datei", "en": "that is a folder, not a file"},
    "ENOTDIR": {"de": "ein Teil des Pfads ist kein Ordner",
                "en": "a part of the path is not a folder"},
    "EEXIST": {"de": "das gibt es schon", "en": "it exists already"},
    "EBUSY": {"de": "wird gerade benutzt", "en": "busy, in use right now"},
    "ENAMETOOLONG": {"de": "der Name ist zu lang", "en": "the name is too long"},
    "EIO": {"de": "Lese- oder Schreibfehler am Gerät (Kabel oder Speicher prüfen)",
            "en": "input/output error (check the cable or the medium)"},
    "ENODEV": {"de": "das Gerät ist nicht (mehr) da", "en": "no such device (any more)"},
    "ENXIO": {"de": "das Gerät ist nicht (mehr) da", "en": "no such device (any more)"},
    "ECONNREFUSED": {"de": "die Gegenstelle lehnt die Verbindung ab",
                     "en": "connection refused"},
    "ETIMEDOUT": {"de": "keine Antwort in der erwarteten Zeit", "en": "timed out"},
    "EHOSTUNREACH": {"de": "der Rechner ist nicht erreichbar (Netzwerk prüfen)",
                     "en": "host unreachable (check the network)"},
    "ENETUNREACH": {"de": "kein Netzwerk erreichbar (WLAN/Kabel prüfen)",
                    "en": "network unreachable (check Wi-Fi or cable)"},
}
register({f"os.{name}": texts for name, texts in _OS_REASONS.items()})
_OS_REASON_KEYS = {getattr(errno_module, name): f"os.{name}" for name in _OS_REASONS
                   if hasattr(errno_module, name)}


def os_reason(exc: OSError, lang: str | None = None) -> str:
    """Why the operating system refused, in the user's language where we know the reason.

    >>> os_reason(FileNotFoundError(2, "No such file or directory"), "de")
    'Datei oder Ordner gibt es nicht'
    >>> os_reason(OSError(9999, "Something rare"))
    'Something rare'
    """
    # An SSL error's errno is a code of the SSL library (1 = SSL_ERROR_SSL), not the system's
    # EPERM: only true OS errors are translated (ssl is not imported just to ask).
    from_ssl = any(cls.__name__ == "SSLError" for cls in type(exc).__mro__)
    key = _OS_REASON_KEYS.get(exc.errno) if exc.errno is not None and not from_ssl else None
    if key is not None:
        return t(key, lang)
    return exc.strerror or str(exc) or type(exc).__name__


def write_error(path: object, exc: OSError) -> FileWriteError:
    """The error to raise when writing ``path`` failed with ``exc``: it names both.

    >>> write_error("/x/m.csv", FileNotFoundError(2, "No such file or directory")).reason
    'write_failed'
    """
    cause = os_reason(exc)
    cls = DiskFullError if exc.errno in _FULL_ERRNOS else FileWriteError
    return cls(path=str(path), reason=cause)


class MissingOptionalPackage(CalliopeError, ImportError):
    """An optional package (pandas, nbgrader...) is needed for this and not installed."""

    reason = "optional_missing"
    key = "optional_missing"


class InvalidParameter(CalliopeError, ValueError):
    """A parameter that makes no sense (negative resistance, ``every=0``...).

    Pass ``message=`` for a text of your own, or a ``key`` of :mod:`calliope_lib.messages`.
    """

    reason = "invalid_parameter"

    def __init__(self, message: str | None = None, *, key: str | None = None, **fields: Any):
        if key is not None:
            message = t(key, **fields)
        super().__init__(message or "invalid parameter")
        self.fields = fields


def require(package: str, install: str | None = None) -> Any:
    """Import an optional package or raise :class:`MissingOptionalPackage` saying how to get it.

    >>> pd = require("pandas", "calliope-lib[pandas]")  # doctest: +SKIP
    """
    import importlib

    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise MissingOptionalPackage(package=package,
                                     install=shell_quoted(install or package)) from exc


def shell_quoted(spec: str) -> str:
    """A pip requirement as a shell command needs it: ``"calliope-lib[worksheets]"`` in quotes.

    zsh (the macOS default) reads ``[...]`` as a file pattern and refuses the unquoted form;
    double quotes work in zsh, bash, PowerShell and cmd alike.

    >>> shell_quoted("calliope-lib[worksheets]"), shell_quoted("pandas")
    ('"calliope-lib[worksheets]"', 'pandas')
    """
    if any(c in spec for c in "[]<>=; ") and not spec.startswith('"'):
        return f'"{spec}"'
    return spec
