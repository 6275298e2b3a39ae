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

from .errors import (
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
from .firmware.version import FIRMWARE_VERSION

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .board import Board, BoardInfo, Sample, connect, connect_all
    from .recording import Recording

_LAZY = {
    "connect": ("board", "connect"),
    "connect_all": ("board", "connect_all"),
    "Board": ("board", "Board"),
    "BoardInfo": ("board", "BoardInfo"),
    "Sample": ("board", "Sample"),
    "Recording": ("recording", "Recording"),
    "load": ("storage", "load_recording"),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'calliope_lib' has no attribute {name!r}") from None
    import importlib

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
