"""pyserial URL handler ``replay://``: a saved recording played back like a live board.

``replay://meine_messung.csv`` (relative path) or ``replay:///home/kim/messung.csv``
(absolute). Options: ``?speed=10`` plays ten times faster (timestamps follow), ``?loop=1``
starts again at the end.

Each row of the file comes out as one JSON line (``{"temperature": 21.5, "light": 128}``)
at the moment it was recorded, so the host reads it in listen mode exactly like a kid's
program. Through :class:`~calliope_lib.transports.contract.PortFeatures` the port tells
the host the units of the file (``units``), that no firmware can answer here
(``listen_only``) and, without ``loop``, when the last row has been sent (``finished``).
"""

from __future__ import annotations

import json
import math
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from serial.serialutil import SerialException

from calliope_lib.errors import CalliopeError
from calliope_lib.transports.virtual import VirtualPort

if TYPE_CHECKING:
    from calliope_lib.simulator.board import SimClock


@dataclass
class ReplayData:
    """What a replay needs from a recording file: units and rows in time order.

    ``rows``: ``(seconds, {channel: value})``, only the channels that have a value then.
    """

    units: Mapping[str, str]
    rows: Sequence[tuple[float, Mapping[str, float]]]


#: Reads a recording file into :class:`ReplayData`; raises a CalliopeError if it cannot.
ReplayReader = Callable[[str], ReplayData]

# Reading recording files is the recording package's business, and transports sit below it
# (they only move bytes). Whoever opens boards (calliope_lib.board.opening) hands the reader
# in here, the way pyserial lets applications add URL handlers.
_reader: ReplayReader | None = None


def use_reader(reader: ReplayReader) -> None:
    """Tell ``replay://`` how to read recording files (done by :mod:`calliope_lib.board.opening`)."""
    global _reader
    _reader = reader


def parse_replay_url(url: str) -> tuple[str, dict[str, str]]:
    """``(path, options)`` from a ``replay://`` URL."""
    if not url.lower().startswith("replay://"):
        raise SerialException(f"expected a URL starting with replay://, got {url!r}")
    rest = url[len("replay://"):]
    path, _, query = rest.partition("?")
    return urllib.parse.unquote(path), dict(urllib.parse.parse_qsl(query))


class Serial(VirtualPort):
    """A serial port that sends the rows of a recording file at their recorded times.

    The playback clock starts with the first read, so a host that takes its time to set up
    misses nothing.
    """

    #: Tells the host not to look for our firmware here.
    listen_only = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.clock: SimClock | None = None
        self.units: dict[str, str] = {}
        self.finished: bool = False
        self._lines: list[tuple[float, bytes]] = []
        self._index = 0
        self._offset = 0.0
        self._pending = bytearray()
        super().__init__(*args, **kwargs)

    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        path, options = parse_replay_url(self.port)
        try:
            speed = float(options.get("speed", "1"))
        except ValueError:
            raise SerialException(f"replay:// speed={options['speed']!r} is not a number") from None
        self._loop = options.get("loop", "0") not in ("0", "", "false")
        if _reader is None:
            raise SerialException(f"could not open port {self.port}: no reader for recording "
                                  "files (open it with calliope_lib.connect)")
        try:
            data = _reader(path)
        except CalliopeError as exc:
            raise SerialException(2, f"could not open port {self.port}: {exc}") from exc
        self.units = dict(data.units)
        first = data.rows[0][0] if data.rows else 0.0
        self._lines = [(when - first, (json.dumps(values) + "\r\n").encode())
                       for when, values in data.rows]
        self._duration = self._lines[-1][0] if self._lines else 0.0
        # Imported here, not at the top: ``cl.connect`` imports this module for every board,
        # and only a replay needs the simulated world's clock.
        from calliope_lib.simulator.board import SimClock

        self.clock = SimClock(speed=speed)
        self._started = False
        self._index = 0
        self._offset = 0.0
        self.finished = not self._lines
        self.is_open = True

    def _due(self) -> None:
        assert self.clock is not None
        if not self._started:
            self._started = True
            self.clock.restart()
        now = self.clock.now()
        lines = self._lines
        while self._index < len(lines) and lines[self._index][0] + self._offset <= now:
            self._pending += lines[self._index][1]
            self._index += 1
            if self._index == len(lines) and self._loop:
                self._index = 0
                self._offset += self._duration + 0.001
        if self._index >= len(lines) and not self._loop:
            self.finished = True

    def _seconds_to_next(self) -> float:
        if self._index >= len(self._lines):
            return math.inf
        assert self.clock is not None
        return max(0.0, self._lines[self._index][0] + self._offset - self.clock.now())

    def _poll(self) -> bytes:
        self._due()
        out = bytes(self._pending)
        self._pending.clear()
        return out

    def write(self, data: bytes) -> int:
        self._check_open()
        return len(data)  # a recording does not listen
