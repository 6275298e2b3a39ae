"""The host's end of the wire to one board: bytes out, parsed events in, commands answered.

A :class:`BoardLink` owns the transport, the stream parser and what the board told us
(:class:`~calliope_lib.board.info.BoardInfo`, its channels, its error reports). The
:class:`~calliope_lib.board.board.Board` a kid holds and the recording
:class:`~calliope_lib.board.session.Session` both work through it; its methods are the
named interface between them, so neither reaches into the other's state.

Timeouts here are real time (:func:`time.monotonic` deadlines): an answer needs real time to
come through the cable, however fast a simulated board's world runs.
"""

from __future__ import annotations

import time
from typing import Any, Mapping, Sequence

from calliope_lib import messages
from calliope_lib.board.info import BoardInfo
from calliope_lib.clock import Clock, clock_for
from calliope_lib.errors import BoardNotAnswering, CommandRefused, UnknownChannel
from calliope_lib.protocol import BadLine, BoardMessage, Hello, Reply, Row, StreamParser
from calliope_lib.protocol import firmware as fw
from calliope_lib.protocol.version import FIRMWARE_VERSION
from calliope_lib.transports.contract import PortFeatures, Transport, features_of

#: How long ``connect`` waits for our firmware's ``$HELLO`` before assuming a kid's program.
HELLO_WAIT_S = 0.6
#: How long a command waits for its answer.
REPLY_WAIT_S = 2.0
#: Channels recorded when none are named, if the board has them. Not the compass (on a real
#: board it starts a calibration game) and not the pins (unwired pins give random numbers).
DEFAULT_CHANNELS = ("temperature", "light", "sound", "acceleration_x", "acceleration_y",
                    "acceleration_z", "button_a", "button_b")
#: The nRF51 firmware's receive buffer holds 64 bytes: longer commands go out in pieces of
#: this size, this many seconds apart (PROTOCOL.md, "Link").
WRITE_PIECE_BYTES = 32
WRITE_PAUSE_S = 0.01
#: A normal read asks for this many bytes and waits up to the port's timeout for them.
READ_CHUNK_BYTES = 4096


class BoardLink:
    """One open connection to a board, and what the board has told about itself.

    Made by :class:`~calliope_lib.board.board.Board`; opening the port is
    :mod:`calliope_lib.board.opening`'s job. ``info`` is the board's
    :class:`BoardInfo`, shared with the Board.
    """

    def __init__(self, transport: Transport, url: str, info: BoardInfo) -> None:
        self.transport = transport
        self.url = url
        self.info = info
        self.features: PortFeatures = features_of(transport)
        #: The clock for timestamps: the simulated board's when it has one, else real time.
        self.clock: Clock = clock_for(self.features.clock)
        self.parser = StreamParser()
        self.closed = False
        self._pending: list[Row] = []  # data rows that arrived while waiting for an answer
        self._seen_channels: dict[str, None] = {}  # listen mode: names in order of appearance
        self._fw_channels: list[str] = []  # firmware mode: what ``channels`` answered
        self._messages: list[str] = []  # error reports the board printed

    # -- connecting -------------------------------------------------------------------------
    def handshake(self) -> None:
        """Find out whether our firmware runs: ask for hello, wait briefly for ``$HELLO``."""
        # A replayed file cannot run firmware: do not spend its first second waiting.
        hello = None if self.features.listen_only else self.ask_hello(HELLO_WAIT_S)
        if hello is None:
            self.info.mode = "listen"
            self.info.firmware = None
            return
        self.adopt_hello(hello)
        self.command("stop")  # a previous session may have left it streaming
        answer = self.command("channels")
        self._fw_channels = [c for c in answer.text.split(",") if c]

    def ask_hello(self, wait: float) -> Hello | None:
        """Ask the board to introduce itself; its ``$HELLO``, or None if none came in ``wait`` s."""
        self.write(fw.command("hello"))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for event in self.read_events(eager=True):
                if isinstance(event, Hello):
                    return event
            if self.features.finished:
                break
        return None

    def adopt_hello(self, hello: Hello) -> None:
        """Take kind and firmware version from a ``$HELLO``: the board runs our firmware."""
        fields = hello.fields
        self.info.mode = "firmware"
        self.info.firmware = fields.get("fw")
        kind = fields.get("board")
        if kind and kind.startswith("microbit"):
            # The firmware says microbit-v1 / -v2; the public kinds name the family only.
            self.info.variant = kind
            kind = "microbit"
        if kind and (self.info.kind == "unknown" or kind != "simulated"):
            self.info.kind = kind
        if self.info.firmware and self.info.firmware != FIRMWARE_VERSION:
            messages.warn("firmware_version.warn", board=self.info.firmware, host=FIRMWARE_VERSION)

    def hello_again(self) -> bool:
        """After replugging: if the board ran our firmware, make sure it still does."""
        if self.info.mode != "firmware":
            return False
        hello = self.ask_hello(HELLO_WAIT_S)
        if hello is None:
            return False
        self.adopt_hello(hello)
        return True

    # -- bytes ------------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        """Send bytes; long commands in small pieces the board's buffer can take."""
        for i in range(0, len(data), WRITE_PIECE_BYTES):
            if i:
                time.sleep(WRITE_PAUSE_S)
            self.transport.write(data[i:i + WRITE_PIECE_BYTES])

    def read_events(self, eager: bool = False) -> list[Any]:
        """Read one chunk and parse it.

        Normally waits up to the port's timeout for 4096 bytes: few wake-ups, little CPU
        while recording. ``eager`` takes what is there at once (waiting for an answer).
        """
        transport = self.transport
        waiting = transport.in_waiting
        data = transport.read(waiting if eager and waiting else max(READ_CHUNK_BYTES, waiting))
        if not data:
            return []
        events = self.parser.feed(data)
        for event in events:
            if isinstance(event, BoardMessage) and event.kind == "error":
                self._messages.append(event.text)
                messages.warn("board_error.warn", text=event.text)
            elif isinstance(event, BadLine) and event.reason == "columns_mismatch" \
                    and self.info.mode == "firmware":
                # We missed a $COLS line (port opened mid-stream): ask again.
                self.write(fw.command("cols?"))
            elif isinstance(event, Hello) and self.info.mode == "listen":
                self.adopt_hello(event)  # the board was flashed or reset meanwhile
        return events

    def data_waiting(self) -> bool:
        """True when bytes can be read at once (False also when the port is gone)."""
        try:
            return self.transport.in_waiting > 0
        except Exception:  # the port is gone: nothing more to take
            return False

    @property
    def finished(self) -> bool:
        """True when no more data will ever come (the end of a replayed file)."""
        return self.features.finished

    @property
    def units(self) -> Mapping[str, str]:
        """Units the transport knows for its channels (a replayed file's), else empty."""
        return self.features.units

    # -- commands ---------------------------------------------------------------------------
    def command(self, name: str, argument: Any = None, wait: float = REPLY_WAIT_S) -> Reply:
        """Send a firmware command and return its ``$OK`` answer (raise on ``$ERR``).

        Data lines that arrive meanwhile are kept for the next recording step
        (:meth:`take_rows`).
        """
        if self.info.mode != "firmware":
            raise CommandRefused(command=name, reason=messages.t("listen_mode.note"))
        self.write(fw.command(name, argument))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for i, event in enumerate(events := self.read_events(eager=True)):
                if isinstance(event, Reply) and event.command == name:
                    self._pending.extend(e for e in events[i + 1:] if isinstance(e, Row))
                    if not event.ok:
                        raise CommandRefused(command=name, reason=event.text)
                    return event
                if isinstance(event, Row):
                    self._pending.append(event)
        raise BoardNotAnswering(port=self.url, seconds=wait)

    def take_rows(self) -> list[Row]:
        """The data rows kept while waiting for answers (and forget them)."""
        rows, self._pending = self._pending, []
        return rows

    def drop_rows(self) -> None:
        """Forget kept data rows (they belong to an earlier stream)."""
        self._pending.clear()

    # -- channels ---------------------------------------------------------------------------
    @property
    def channels(self) -> list[str]:
        """The firmware's channels, or the names a kid's program has printed so far."""
        if self.info.mode == "firmware":
            return list(self._fw_channels)
        return list(self._seen_channels)

    def note_channels(self, names: Sequence[str]) -> None:
        """Remember channel names the board printed (listen mode lists them as channels)."""
        for name in names:
            self._seen_channels.setdefault(name)

    def check_channels(self, channels: Sequence[str]) -> None:
        """Raise :class:`UnknownChannel` for a name the firmware does not offer."""
        if self.info.mode != "firmware":
            return
        for name in channels:
            if name not in self._fw_channels:
                raise UnknownChannel(name, self._fw_channels)

    def default_channels(self) -> list[str]:
        """What to record when no channels are named (listen mode: whatever is printed)."""
        if self.info.mode == "firmware":
            return [c for c in DEFAULT_CHANNELS if c in self._fw_channels]
        return []

    @property
    def seen_channels(self) -> dict[str, None]:
        """Names printed so far, in order (listen mode)."""
        return self._seen_channels

    @property
    def messages(self) -> list[str]:
        """Error reports the program on the board printed."""
        return list(self._messages)

    @property
    def line_counts(self) -> tuple[int, int]:
        """``(bad, lost)`` lines since the port was opened (a session counts differences)."""
        return self.parser.bad_lines, self.parser.lost_lines

    # -- losing and finding the board -----------------------------------------------------
    def lost(self) -> None:
        """The port vanished: forget half-read lines and close our side."""
        self.parser.flush()
        try:
            self.transport.close()
        except Exception:
            pass

    def reopen(self) -> bool:
        """Open the port again: the same path, or wherever a board with the same serial number is."""
        transport = self.transport
        candidates = []
        serial_number = self.info.serial_number
        if serial_number and "://" not in self.url:
            try:
                from calliope_lib.board.discovery import find_port_by_serial

                port = find_port_by_serial(serial_number)
                if port:
                    candidates.append(port)
            except Exception:  # discovery must not end a recording
                pass
        try:
            if candidates and candidates[0] != transport.port:
                transport.port = candidates[0]
            transport.open()
            return True
        except Exception:
            return False

    def close(self) -> None:
        """Stop streaming and free the port (never raises: the port may be gone already)."""
        if self.closed:
            return
        self.closed = True
        try:
            if self.info.mode == "firmware" and self.transport.is_open:
                self.write(fw.command("stop"))
        except Exception:
            pass
        try:
            self.transport.close()
        except Exception:
            pass
