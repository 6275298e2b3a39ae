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
from calliope_lib.protocol import BadLine, BoardMessage, Hello, Reply, Row, Rows, StreamParser
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
#: The nRF51 firmware's receive buffer holds about 64 bytes and the firmware empties it only
#: between two data lines: longer commands go out in pieces of this size, this many seconds
#: apart (PROTOCOL.md, "Link"). Measured on the emulated board streaming 16 channels every
#: 10 ms, a 136-byte ``cols`` of all of them, 20 times (benchmarks/bench_emulated_link.py):
#: on QEMU's wall clock under load 32 B / 10 ms lost bytes almost every time, 16 B / 10 ms
#: most times, 16 B / 20 ms once, 8 B / 10 ms never; on the instruction clock 32 B failed
#: 6 of 20, 16 B and 8 B none. 8 B / 10 ms (800 bytes/s) is the margin for a busy board.
WRITE_PIECE_BYTES = 8
WRITE_PAUSE_S = 0.01
#: How often a command is sent again when its answer shows lost bytes or never comes.
COMMAND_TRIES = 3
#: A board that achieved less than this share of the asked-for rate gets a warning.
RATE_WARN_SHARE = 0.95
#: At most this many automatic restarts of a stopped firmware per connection.
MAX_REVIVALS = 5

messages.register({
    "firmware_revived.warn": {
        "de": "Das Messprogramm auf {port} war angehalten und zeigte die MicroPython-Eingabe "
              "(>>>), vielleicht durch Strg-C in gesendeten Zeichen oder einen Fehler. Ich habe "
              "es neu gestartet; ein paar Messwerte können fehlen.",
        "en": "The measuring program on {port} had stopped and showed the MicroPython prompt "
              "(>>>), perhaps because of a Ctrl-C in sent bytes or an error. I restarted it; a "
              "few readings may be missing.",
    },
    "board_rate.warn": {
        "de": "Das Board hat nur {got} Zeilen pro Sekunde geschafft statt {want} (alle {every} "
              "ms). Nimm einen größeren Abstand (every) oder weniger Kanäle.",
        "en": "The board managed only {got} lines per second instead of {want} (every {every} "
              "ms). Use a longer period (every) or fewer channels.",
    },
})
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
        # Data (rows and blocks of rows) that arrived while waiting for an answer.
        self._pending: list[Row | Rows] = []
        self._seen_channels: dict[str, None] = {}  # listen mode: names in order of appearance
        self._fw_channels: list[str] = []  # firmware mode: what ``channels`` answered
        self._messages: list[str] = []  # error reports the board printed
        #: What the firmware was told to do (replayed after a restart): cols, every, streaming.
        self._state: dict[str, Any] = {"cols": None, "every": None, "streaming": False}
        self._revivals = 0
        self._reviving = False
        #: Commands sent again because bytes got lost (a test and a benchmark watch it).
        self.resends = 0
        #: Lines per second the board achieved in its last stream (from ``$OK stop``), or None.
        self.achieved_rate: float | None = None

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
        self.send_command("hello")
        start = time.monotonic()
        asked_again = False
        while (now := time.monotonic()) < start + wait:
            for event in self.read_events(eager=True):
                if isinstance(event, Hello):
                    return event
            if self.features.finished:
                break
            if not asked_again and now > start + wait / 2:
                asked_again = True  # the first "hello" may have lost a byte on the way
                self.send_command("hello")
        return None

    def adopt_hello(self, hello: Hello) -> None:
        """Take kind and firmware version from a ``$HELLO``: the board runs our firmware."""
        fields = hello.fields
        self.info.mode = "firmware"
        self.info.firmware = fields.get("fw")
        self.info.board_id = fields.get("id")  # the firmware's own id: tells boards apart
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
        """Send bytes; long commands in small pieces the board's buffer can take.

        A simulated board (its own clock, in this process) takes any write at once.
        """
        if self.features.clock is not None:
            self.transport.write(data)
            return
        for i in range(0, len(data), WRITE_PIECE_BYTES):
            if i:
                time.sleep(WRITE_PAUSE_S)
            self.transport.write(data[i:i + WRITE_PIECE_BYTES])

    def send_command(self, name: str, argument: Any = None) -> None:
        """Write one command, framed so that lost bytes before it cannot spoil it.

        The leading newline ends whatever half line the board still holds (a command whose
        end was lost): that remnant gets its own ``$ERR``, this command arrives whole.
        """
        self.write(fw.RESYNC + fw.command(name, argument))

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
        firmware = self.info.mode == "firmware"
        for event in events:
            if firmware and isinstance(event, BoardMessage) and _firmware_stopped(event):
                # Our firmware stopped (Ctrl-C in garbage, a crash) and the REPL runs.
                self._revive()
            elif isinstance(event, BoardMessage) and event.kind == "error":
                self._messages.append(event.text)
                messages.warn("board_error.warn", text=event.text)
            elif isinstance(event, Hello) and self._reviving:
                self._reviving = False
                self._replay_state()
            elif isinstance(event, BadLine) and event.reason == "columns_mismatch" \
                    and self.info.mode == "firmware":
                # We missed a $COLS line (port opened mid-stream): ask again.
                self.send_command("cols?")
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

        Bytes lost on the way to the board (its 64-byte buffer overflowed) are noticed and
        the command is sent again, up to :data:`COMMAND_TRIES` times: when no answer comes,
        when the answer does not echo what was sent (``every 10`` arrived as ``every 1``),
        or when the board refuses a channel it listed itself. A timed-out command cannot
        spoil the next one: every command starts on a fresh line (:meth:`send_command`).
        Data lines that arrive meanwhile are kept for the next recording step
        (:meth:`take_rows`).
        """
        if self.info.mode != "firmware":
            raise CommandRefused(command=name, reason=messages.t("listen_mode.note"))
        expected = _echo(name, argument)
        answer: Reply | None = None
        for attempt in range(COMMAND_TRIES):
            if attempt:
                self.resends += 1
            answer = self._exchange(name, argument, wait)
            if answer is None:
                continue
            if answer.ok and (expected is None or _echoes(answer, name, expected)):
                break
            if not answer.ok and not self._garbled(name, argument, answer):
                break
        if answer is None:
            raise BoardNotAnswering(port=self.url, seconds=wait)
        if not answer.ok:
            raise CommandRefused(command=name, reason=answer.text)
        if expected is not None and not _echoes(answer, name, expected):
            # Garbled every time: the board now holds something else than asked for.
            raise CommandRefused(command=name, reason=f"{answer.text} (gesendet: {expected})")
        self._remember(name, argument, answer)
        return answer

    def _exchange(self, name: str, argument: Any, wait: float) -> Reply | None:
        """Send once and wait for the answer to ``name`` (None when none came in time)."""
        self.send_command(name, argument)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for i, event in enumerate(events := self.read_events(eager=True)):
                if isinstance(event, Reply) and event.command == name:
                    self._pending.extend(e for e in events[i + 1:] if isinstance(e, (Row, Rows)))
                    return event
                if isinstance(event, (Row, Rows)):
                    self._pending.append(event)
        return None

    def _garbled(self, name: str, argument: Any, answer: Reply) -> bool:
        """Whether a refusal can only come from bytes lost on the way (then: send again)."""
        if name in ("cols", "read") and answer.text.startswith("unknown channel"):
            asked = _names(argument)
            return bool(asked) and all(c in self._fw_channels for c in asked)
        if name == "every":
            try:
                return fw.MIN_PERIOD_MS <= int(argument) <= fw.MAX_PERIOD_MS
            except (TypeError, ValueError):
                return False
        return False

    def _remember(self, name: str, argument: Any, answer: Reply) -> None:
        """Keep what the firmware was told, to tell it again after a restart; rate check."""
        if name == "cols":
            self._state["cols"] = _names(argument)
        elif name == "every":
            self._state["every"] = int(argument)
        elif name == "start":
            self._state["streaming"] = True
        elif name == "stop":
            self._state["streaming"] = False
            self._check_rate(answer.text)

    def _check_rate(self, text: str) -> None:
        """``$OK stop sent=<lines> ms=<ms>``: warn when the board fell well behind."""
        report = fw.parse_stop_report(text)
        every = self._state["every"]
        if report is None:
            return  # an older firmware or the simulator: no report
        sent, ms = report
        if ms < 1000 or not every:
            return
        self.achieved_rate = sent * 1000 / ms
        wanted = 1000 / every
        if self.achieved_rate < RATE_WARN_SHARE * wanted:
            messages.warn("board_rate.warn", got=f"{self.achieved_rate:.0f}",
                          want=f"{wanted:.0f}", every=every)

    # -- a firmware that stopped -------------------------------------------------------------
    def _revive(self) -> None:
        """Restart our firmware from the REPL (Ctrl-D runs main.py again) and tell the kid.

        The ``$HELLO`` of the restart arrives later; then :meth:`_replay_state` tells the
        firmware its columns, period and whether it streamed.
        """
        if self._reviving or self._revivals >= MAX_REVIVALS:
            return
        self._revivals += 1
        self._reviving = True
        messages.warn("firmware_revived.warn", port=self.url)
        self.transport.write(b"\r\x03\x04")  # clear the input line, soft reset: main.py runs

    def _replay_state(self) -> None:
        """After a restart: the same columns, period and streaming as before (not waiting)."""
        state = self._state
        if state["cols"]:
            self.send_command("cols", state["cols"])
        if state["every"]:
            self.send_command("every", state["every"])
        if state["streaming"] and state["cols"]:
            self.send_command("start")

    def take_rows(self) -> list[Row | Rows]:
        """The data rows (and blocks of rows) kept while waiting for answers (and forget them)."""
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
            except Exception:  # discovery must not end a recording: try the old path
                port = None
            else:
                if not port:
                    return False  # not back yet; another board on the old path is not ours
            if port:
                candidates.append(port)
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
                self.send_command("stop")
        except Exception:
            pass
        try:
            self.transport.close()
        except Exception:
            pass


def _names(argument: Any) -> list[str]:
    """A channel argument as a list of names."""
    if argument is None:
        return []
    if isinstance(argument, str):
        return [c for c in argument.split(",") if c]
    return [str(c) for c in argument]


def _echo(name: str, argument: Any) -> str | None:
    """What the ``$OK`` answer must repeat for ``name`` (None: nothing to compare)."""
    if name == "cols":
        return ",".join(_names(argument))
    if name == "every":
        try:
            return str(int(argument))
        except (TypeError, ValueError):
            return None  # not a number: the board refuses it, nothing to compare
    return None


def _echoes(answer: Reply, name: str, expected: str) -> bool:
    return answer.text.split(" ", 1)[0] == expected


#: What the MicroPython REPL prints when a program stopped: its banner, its prompt.
_REPL_SIGNS = ("MicroPython v", 'Type "help()"', "soft reboot")


def _firmware_stopped(event: BoardMessage) -> bool:
    """Whether a board message shows that our firmware no longer runs."""
    if event.kind == "error":
        return event.text.startswith(("KeyboardInterrupt", "MemoryError"))
    if event.kind == "chatter":
        return event.text.startswith(_REPL_SIGNS[:2])
    return event.kind == "repl"
