"""The board a kid holds in Python, and how boards are found.

* :mod:`~calliope_lib.board.board`: :class:`Board`, :func:`connect`, :func:`connect_all`
* :mod:`~calliope_lib.board.discovery`: boards on USB (ports, drives, kinds)

The facade is imported on first use, so ``calliope_lib.board.discovery`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calliope_lib.board.board import Board, BoardInfo, Boards, Sample, connect, connect_all

_FACADE = ("Board", "BoardInfo", "Boards", "Sample", "connect", "connect_all")


def __getattr__(name: str) -> Any:
    if name in _FACADE:
        value = getattr(importlib.import_module("calliope_lib.board.board"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'calliope_lib.board' has no attribute {name!r}")


__all__ = list(_FACADE)
