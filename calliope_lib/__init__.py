"""calliope_lib: a measuring lab with the Calliope mini.

>>> import calliope_lib as cl
>>> board = cl.connect("sim")                       # doctest: +SKIP
>>> rec = board.record(["temperature"], seconds=10)  # doctest: +SKIP
>>> rec.plot()                                      # doctest: +SKIP

Heavy parts (the board, pyserial, matplotlib, pandas) are imported only when first used, so
``import calliope_lib`` stays fast in a kid's notebook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calliope_lib.errors import (
    BoardNotAnswering,
    CalliopeError,
    CommandRefused,
    InvalidParameter,
    NoBoardFound,
    PortBusyError,
    PortNotFoundError,
    PortPermissionError,
    RecordingFileError,
    UnknownChannel,
)
from calliope_lib import _old_names
from calliope_lib.protocol.version import FIRMWARE_VERSION

__version__ = "0.1.0"

# Old module names (``calliope_lib.course.kernel``, ``calliope_lib.lesson``...) keep working.
_old_names.install()

if TYPE_CHECKING:
    from calliope_lib.board import Board, BoardInfo, Sample, connect, connect_all
    from calliope_lib.recording import Recording

_LAZY = {
    "connect": ("board.opening", "connect"),
    "connect_all": ("board.several", "connect_all"),
    "Board": ("board.board", "Board"),
    "BoardInfo": ("board.info", "BoardInfo"),
    "Sample": ("board.info", "Sample"),
    "Recording": ("recording", "Recording"),
    "load": ("recording.files", "load_recording"),
}


#: Lazy names that need no numpy (plain data classes).
_LIGHT = {"BoardInfo", "Sample"}


def _numpy_first() -> None:
    """Import numpy here, near the bottom of the call stack, before a lazy module needs it.

    Why: on CPython 3.11, numpy's typing module, imported deep inside our own import chain,
    can run its loops right at the edge of a frame-stack chunk; every call then maps and
    unmaps memory (``cl.connect`` cost ~1400 munmap calls and 25 ms more; measured with
    strace, see benchmarks/RESULTS.md). Imported from here it runs at the depth a plain
    ``import numpy`` does. Costs nothing: everything below needs numpy anyway.
    """
    import numpy  # noqa: F401


def __getattr__(name: str) -> Any:
    import importlib

    if f"calliope_lib.{name}" in _old_names.OLD_NAMES:
        # ``from calliope_lib import lesson`` (the lessons' own words): the module, by its old name
        _numpy_first()
        return importlib.import_module(f"calliope_lib.{name}")
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'calliope_lib' has no attribute {name!r}") from None
    if name not in _LIGHT:
        _numpy_first()
    value = getattr(importlib.import_module(f".{module_name}", __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "Board",
    "BoardInfo",
    "BoardNotAnswering",
    "CalliopeError",
    "CommandRefused",
    "FIRMWARE_VERSION",
    "InvalidParameter",
    "NoBoardFound",
    "PortBusyError",
    "PortNotFoundError",
    "PortPermissionError",
    "Recording",
    "RecordingFileError",
    "Sample",
    "UnknownChannel",
    "connect",
    "connect_all",
    "load",
]
