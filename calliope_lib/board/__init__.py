"""The board a kid holds in Python, and how boards are found.

* :mod:`~calliope_lib.board.board`: :class:`Board` (read, record, stream), :class:`BoardInfo`
* :mod:`~calliope_lib.board.opening`: :func:`connect` (a port, a URL, the first board found)
* :mod:`~calliope_lib.board.several`: :func:`connect_all`, :class:`Boards`
* :mod:`~calliope_lib.board.session`: the recording loop (timing, gaps, reconnecting)
* :mod:`~calliope_lib.board.link`: the host's end of the wire (bytes, events, commands)
* :mod:`~calliope_lib.board.info`: :class:`BoardInfo`, :class:`Sample` (plain data)
* :mod:`~calliope_lib.board.discovery`: boards on USB (ports, drives, kinds)

The facade is imported on first use, so ``calliope_lib.board.discovery`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calliope_lib.lazy import lazy_names

if TYPE_CHECKING:
    from calliope_lib.board.board import Board
    from calliope_lib.board.info import BoardInfo, Sample
    from calliope_lib.board.opening import connect
    from calliope_lib.board.several import Boards, connect_all

#: Public name -> the module that defines it.
_FACADE = {
    "Board": "board",
    "BoardInfo": "info",
    "Sample": "info",
    "connect": "opening",
    "Boards": "several",
    "connect_all": "several",
}


__getattr__ = lazy_names(__name__, _FACADE)

__all__ = ["Board", "BoardInfo", "Boards", "Sample", "connect", "connect_all"]
