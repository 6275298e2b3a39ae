"""What we know about a board, and one measured value: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Sample(NamedTuple):
    """One value: ``time`` in seconds since the start, the ``channel`` and the ``value``."""

    time: float
    channel: str
    value: float


@dataclass
class BoardInfo:
    """What we know about a connected board.

    * ``kind``: ``"calliope-mini-1"`` (also 2.x), ``"calliope-mini-3"``, ``"microbit"``,
      ``"simulated"`` or ``"unknown"``
    * ``port``: the port or URL it is connected through
    * ``serial_number``: the USB serial number (finds the board again after unplugging)
    * ``firmware``: the version of our firmware on the board, None for a kid's own program
    * ``mode``: ``"firmware"`` or ``"listen"``
    * ``name``: a short name (channel prefix when recording several boards)
    * ``board_id``: the id our firmware names in its ``$HELLO`` (``id=``), if it sends one;
      with the serial number it tells one board from another after a reconnect
    """

    kind: str = "unknown"
    port: str = ""
    serial_number: str | None = None
    firmware: str | None = None
    mode: str = "listen"
    product: str | None = None
    name: str = ""
    #: the firmware's own board word where it says more than ``kind`` (``"microbit-v2"``)
    variant: str | None = None
    board_id: str | None = None
