"""The board a kid holds in Python: connect, read, record, stream.

>>> import calliope_lib as cl
>>> with cl.connect("sim://?speed=100") as board:
...     rec = board.record(["temperature", "light"], seconds=5, every=0.5, progress=False)
>>> rec.channels
['temperature', 'light']

A board is in one of two modes (``board.info.mode``):

* ``"firmware"``: it runs our measuring firmware (``calliope-mini firmware``); the host asks
  for channels and a rate, and every line carries the board's clock and a sequence number.
* ``"listen"``: it runs the kid's own program (MakeCode, MicroPython); the host reads what it
  prints, in any of the formats :mod:`calliope_lib.protocol` knows.

Pulling the cable during a recording keeps everything recorded so far, marks a gap and
continues when the board is back. Ctrl-C (or the notebook's stop button) ends a recording
cleanly and returns what was recorded.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, Sequence

from calliope_lib import messages
from calliope_lib.errors import (
    BoardNotAnswering,
    CalliopeError,
    CommandRefused,
    InvalidParameter,
    NoBoardFound,
    NoDataYet,
    UnknownChannel,
)
from calliope_lib.protocol.version import FIRMWARE_VERSION
from calliope_lib.protocol import BadLine, BoardMessage, Hello, Reply, Row, StreamParser
from calliope_lib.protocol import firmware as fw
from calliope_lib.recording.recording import Recording
from calliope_lib.transports import open_transport, normalise_url

if TYPE_CHECKING:
    from calliope_lib.board.discovery import FoundBoard

#: How long ``connect`` waits for our firmware's ``$HELLO`` before assuming a kid's program.
HELLO_WAIT_S = 0.6
#: How long a command waits for its answer.
REPLY_WAIT_S = 2.0
#: Channels recorded when none are named, if the board has them. Not the compass (on a real
#: board it starts a calibration game) and not the pins (unwired pins give random numbers).
DEFAULT_CHANNELS = ("temperature", "light", "sound", "acceleration_x", "acceleration_y",
                    "acceleration_z", "button_a", "button_b")
#: Default time between two measurements in firmware mode, in seconds.
DEFAULT_EVERY_S = 0.1
#: How long to wait for an unplugged board to come back when the recording has no end.
RECONNECT_WAIT_S = 300.0
#: How often to look for an unplugged board.
RECONNECT_POLL_S = 0.2


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


class _Clock:
    """Real time (``time.monotonic``) unless the transport brings a simulated clock."""

    def __init__(self, transport: Any) -> None:
        sim_clock = getattr(transport, "clock", None)
        if sim_clock is not None and hasattr(sim_clock, "now"):
            self.now: Callable[[], float] = sim_clock.now
            self.sleep: Callable[[float], None] = sim_clock.sleep
        else:
            self.now = time.monotonic
            self.sleep = time.sleep


class Board:
    """A connected Calliope mini (or micro:bit, or the simulated board).

    Get one with :func:`connect`. Use it in a ``with`` block or call :meth:`close` at the end,
    so other programs can use the port again.
    """

    def __init__(self, transport: Any, url: str, *, serial_number: str | None = None,
                 kind: str = "unknown", product: str | None = None, name: str = "") -> None:
        self._transport = transport
        self._url = url
        self._parser = StreamParser()
        self._clock = _Clock(transport)
        self._events: list[Any] = []  # parsed but not yet consumed (answers and data)
        self._seen_channels: dict[str, None] = {}
        self._fw_channels: list[str] = []
        self._messages: list[str] = []
        self.info = BoardInfo(kind=kind, port=url, serial_number=serial_number,
                              product=product, name=name)
        self._closed = False
        self._handshake()

    # -- connecting -------------------------------------------------------------------------
    def _handshake(self) -> None:
        """Find out whether our firmware runs: ask for hello, wait briefly for ``$HELLO``."""
        # A replayed file cannot run firmware: do not spend its first second waiting.
        listen_only = getattr(self._transport, "listen_only", False)
        hello = None if listen_only else self._ask_hello(HELLO_WAIT_S)
        if hello is None:
            self.info.mode = "listen"
            self.info.firmware = None
            return
        self._adopt_hello(hello)
        self._command("stop")  # a previous session may have left it streaming
        answer = self._command("channels")
        self._fw_channels = [c for c in answer.text.split(",") if c]

    def _ask_hello(self, wait: float) -> Hello | None:
        self._write(fw.command("hello"))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for event in self._read_events(eager=True):
                if isinstance(event, Hello):
                    return event
            if getattr(self._transport, "finished", False):
                break
        return None

    def _adopt_hello(self, hello: Hello) -> None:
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

    # -- low level I/O ----------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        # The nRF51 firmware's receive buffer holds 64 bytes: a long command goes out in
        # 32-byte pieces 10 ms apart (PROTOCOL.md, "Link"). Short ones go out at once.
        for i in range(0, len(data), 32):
            if i:
                time.sleep(0.01)
            self._transport.write(data[i:i + 32])

    def _read_events(self, eager: bool = False) -> list[Any]:
        """Read one chunk and parse it.

        Normally waits up to the port's timeout for 4096 bytes: few wake-ups, little CPU
        while recording. ``eager`` takes what is there at once (waiting for an answer).
        """
        transport = self._transport
        waiting = transport.in_waiting
        data = transport.read(waiting if eager and waiting else max(4096, waiting))
        if not data:
            return []
        events = self._parser.feed(data)
        for event in events:
            if isinstance(event, BoardMessage) and event.kind == "error":
                self._messages.append(event.text)
                messages.warn("board_error.warn", text=event.text)
            elif isinstance(event, BadLine) and event.reason == "columns_mismatch" \
                    and self.info.mode == "firmware":
                # We missed a $COLS line (port opened mid-stream): ask again.
                self._write(fw.command("cols?"))
            elif isinstance(event, Hello) and self.info.mode == "listen":
                self._adopt_hello(event)  # the board was flashed or reset meanwhile
        return events

    def _command(self, name: str, argument: Any = None, wait: float = REPLY_WAIT_S) -> Reply:
        """Send a firmware command and return its ``$OK`` answer (raise on ``$ERR``).

        Data lines that arrive meanwhile are kept for the next recording step.
        """
        if self.info.mode != "firmware":
            raise CommandRefused(command=name, reason=messages.t("listen_mode.note"))
        self._write(fw.command(name, argument))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for i, event in enumerate(events := self._read_events(eager=True)):
                if isinstance(event, Reply) and event.command == name:
                    self._events.extend(e for e in events[i + 1:] if isinstance(e, Row))
                    if not event.ok:
                        raise CommandRefused(command=name, reason=event.text)
                    return event
                if isinstance(event, Row):
                    self._events.append(event)
        raise BoardNotAnswering(port=self._url, seconds=wait)

    # -- what kids use ----------------------------------------------------------------------
    @property
    def channels(self) -> list[str]:
        """Names of the channels the board offers (firmware) or has printed so far (listen)."""
        if self.info.mode == "firmware":
            return list(self._fw_channels)
        return list(self._seen_channels)

    @property
    def transport(self) -> Any:
        """The pyserial port object (for experts and tests; e.g. ``.simulator``)."""
        return self._transport

    @property
    def messages(self) -> list[str]:
        """Error reports the program on the board printed (e.g. a MicroPython traceback)."""
        return list(self._messages)

    def read(self, channel: str, timeout: float = 3.0) -> float:
        """One current value of ``channel``.

        >>> board.read("temperature")   # doctest: +SKIP
        23.5
        """
        if self.info.mode == "firmware":
            self._check_channels([channel])
            answer = self._command("read", [channel])
            _ms, _, values = answer.text.partition(" ")
            return float(values.split(",")[0])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self._read_events():
                if isinstance(event, Row):
                    for name, value in zip(event.names, event.values):
                        self._seen_channels.setdefault(name)
                        if name == channel:
                            return value
        if self._seen_channels:
            raise UnknownChannel(channel, self._seen_channels)
        raise NoDataYet(channel=channel, seconds=timeout)

    def send(self, command: str) -> str:
        """Send a raw firmware command (``"info"``) and return the text of its answer."""
        name, _, argument = command.strip().partition(" ")
        return self._command(name, argument or None).text

    def _check_channels(self, channels: Sequence[str]) -> None:
        if self.info.mode != "firmware":
            return
        for name in channels:
            if name not in self._fw_channels:
                raise UnknownChannel(name, self._fw_channels)

    def _default_channels(self) -> list[str]:
        if self.info.mode == "firmware":
            return [c for c in DEFAULT_CHANNELS if c in self._fw_channels]
        return []  # listen mode: whatever the program prints

    # -- recording --------------------------------------------------------------------------
    def stream(self, channels: Sequence[str] | str | None = None,
               every: float | None = None) -> Iterator[Sample]:
        """Values as they arrive, endlessly (stop with ``break``).

        >>> for sample in board.stream(["light"]):   # doctest: +SKIP
        ...     print(sample.time, sample.value)
        ...     if sample.value < 50:
        ...         break
        """
        session = _Session(self, _channel_list(channels), every)
        try:
            for when, names, values, _ms in session.rows():
                for name, value in zip(names, values):
                    yield Sample(when, name, value)
        finally:
            session.finish()

    def record(
        self,
        channels: Sequence[str] | str | None = None,
        seconds: float | None = None,
        *,
        samples: int | None = None,
        every: float | None = None,
        save_to: str | Path | None = None,
        dialect: str = "default",
        progress: bool = True,
        live: bool = False,
        ylim: tuple[float, float] | None = None,
        until_interrupted: bool = False,
    ) -> Recording:
        """Record ``channels`` for ``seconds`` (or ``samples`` rows), one value every ``every`` s.

        * ``channels``: names (``["temperature", "light"]``); ``None``: the standard set of
          the firmware, or everything a kid's program prints.
        * ``save_to``: a CSV file written while recording (at least once a second), so a
          crash loses at most the last second.
        * ``live=True``: a plot that grows while recording (see :mod:`calliope_lib.plotting`).
        * ``until_interrupted=True``: record until Ctrl-C / the stop button.

        Always returns the recording, also after Ctrl-C or a board that did not come back.
        """
        if seconds is None and samples is None and not until_interrupted:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        if seconds is not None and not seconds > 0:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        names = _channel_list(channels)
        if progress and not messages.grading():
            # Import the progress bar (and a live plot's matplotlib) before the board starts:
            # a slow first import must not eat the recording's time (a simulated board at
            # speed=100 would otherwise be finished before the first row is read).
            import tqdm.auto  # noqa: F401
        if live:
            from calliope_lib import plotting  # noqa: F401
        session = _Session(self, names, every)
        rec = session.recording
        writer = None
        live_plot = None
        bar = None
        try:
            if save_to is not None:
                from calliope_lib.recording.files import RecordingWriter

                writer = RecordingWriter(rec, save_to, dialect=dialect, channels=names or [])
                session.writer = writer
            if live:
                from calliope_lib.plotting import LivePlot

                live_plot = LivePlot(rec, names or None, ylim=ylim, seconds=seconds)
            if progress and not messages.grading():
                bar = _Progress(seconds, samples, names)
            rows_done = 0
            for when, row_names, _values, _ms in session.rows(seconds):
                rows_done += 1
                if bar is not None:
                    bar.update(when, rec)
                if live_plot is not None:
                    live_plot.update()
                if writer is not None:
                    writer.tick()
                if samples is not None and rows_done >= samples:
                    break
        except KeyboardInterrupt:
            messages.note("interrupted.note", count=len(rec))
        finally:
            session.finish()
            if bar is not None:
                bar.close(rec, completed=seconds is not None and rec.duration > 0.9 * seconds)
            if live_plot is not None:
                live_plot.update(force=True)
                live_plot.close()
            if writer is not None:
                writer.close()
        if names:
            for name in names:
                if name not in rec:
                    messages.warn("no_data_yet.detail", channel=name,
                                  seconds=seconds if seconds is not None else 0.0)
        return rec

    # -- closing ----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop streaming and free the port for other programs."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.info.mode == "firmware" and self._transport.is_open:
                self._write(fw.command("stop"))
        except Exception:  # closing must never fail: the port may be gone already
            pass
        try:
            self._transport.close()
        except Exception:
            pass

    def __enter__(self) -> "Board":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        info = self.info
        what = f"firmware {info.firmware}" if info.mode == "firmware" else "eigenes Programm"
        return f"<Board {info.kind} on {info.port} ({what})>"


def _channel_list(channels: Sequence[str] | str | None) -> list[str] | None:
    if channels is None:
        return None
    if isinstance(channels, str):
        return [channels]
    return list(channels)


class _Session:
    """One recording or stream: configures the board, turns events into timed rows,
    survives a pulled cable, and stops the board at the end."""

    def __init__(self, board: Board, channels: list[str] | None, every: float | None) -> None:
        if every is not None and not every > 0:
            raise InvalidParameter(messages.t("bad_args.every"))
        self.board = board
        board._check_channels(channels or [])
        if board.info.mode == "firmware" and not channels:
            channels = board._default_channels()
        self.channels = channels
        self.wanted = set(channels) if channels else None
        self.every = every
        # Our firmware sends only the chosen channels at the chosen rate; a kid's program
        # sends what it likes, so there we pick the channels and thin out to ``every``.
        self._listen_filter = board.info.mode == "listen" and (channels or every) is not None
        self.clock = board._clock
        self.writer: Any = None
        meta = {"board": board.info.kind, "port": board.info.port}
        if board.info.firmware:
            meta["firmware"] = board.info.firmware
        if board.info.serial_number:
            meta["serial_number"] = board.info.serial_number
        self.recording = Recording(metadata=meta)
        units = getattr(board._transport, "units", None)
        if units:
            self.recording.use_units(units)
        self._last_chunk_t = 0.0
        self._anchor: tuple[float, float] | None = None  # (board_ms, host seconds)
        self._anchor_at: float | None = None
        self._last_board_t = -1.0
        self._last_kept: dict[str, float] = {}
        self._bad0 = board._parser.bad_lines
        self._lost0 = board._parser.lost_lines
        self._started = False
        self.t0: float | None = None  # set once the board streams (restarts keep it)
        self._start()
        # Time zero is when the board starts sending, not when we began to configure it.
        self.t0 = self.clock.now()

    # -- board control ----------------------------------------------------------------------
    def _start(self) -> None:
        board = self.board
        if board.info.mode != "firmware":
            return
        board._command("cols", self.channels)
        period_ms = int(round((self.every or DEFAULT_EVERY_S) * 1000))
        period_ms = max(fw.MIN_PERIOD_MS, min(fw.MAX_PERIOD_MS, period_ms))
        board._command("every", period_ms)
        board._events.clear()  # rows from before this session are not ours
        board._command("start")
        self._started = True
        # The first data line was measured when "start" arrived: anchor the board's clock there.
        self._anchor = None
        self._anchor_at = 0.0 if self.t0 is None else self._now()

    def finish(self) -> None:
        board = self.board
        rec = self.recording
        rec.bad_lines = board._parser.bad_lines - self._bad0
        rec.lost_lines = board._parser.lost_lines - self._lost0
        if self._started and not board._closed:
            self._started = False
            try:
                board._command("stop")
            except (CalliopeError, OSError, Exception):  # the board may be gone: keep data
                pass

    # -- timing ---------------------------------------------------------------------------
    def _now(self) -> float:
        return self.clock.now() - self.t0

    def _row_time(self, row: Row, host_t: float) -> float:
        """Seconds since the start for a row: the board's clock when it sent one."""
        if row.board_ms is None:
            return host_t
        anchor = self._anchor
        if anchor is None or (row.board_ms - anchor[0]) / 1000.0 + anchor[1] < self._last_board_t - 1.0:
            # First row, or the board's clock jumped back (it restarted): anchor again.
            first = anchor is None and self._anchor_at is not None
            anchor = self._anchor = (row.board_ms, self._anchor_at if first else host_t)
            self._anchor_at = None
        when = anchor[1] + (row.board_ms - anchor[0]) / 1000.0
        self._last_board_t = when
        return when

    # -- the loop ---------------------------------------------------------------------------
    def rows(self, seconds: float | None = None) -> Iterator[tuple[float, tuple, tuple, Any]]:
        """Yield ``(time, names, values, board_ms)`` and add each to the recording."""
        board = self.board
        rec = self.recording
        deadline = None if seconds is None else seconds
        pending = [e for e in board._events if isinstance(e, Row)]
        board._events.clear()
        while True:
            now = self._now()
            # Past the deadline, lines already waiting may still belong to the recording
            # (measured before the deadline by the board's clock): take them, then stop.
            final = deadline is not None and now >= deadline
            if final and not pending and not self._data_waiting():
                return
            if pending:
                events, pending = pending, []
            else:
                try:
                    events = board._read_events(eager=final)
                except Exception as exc:
                    if not _is_disconnect(exc):
                        raise
                    if not self._reconnect(deadline):
                        return
                    continue
                if not events and getattr(board._transport, "finished", False):
                    return  # a replayed file has ended
            data_rows = [e for e in events if isinstance(e, Row)]
            for e in events:
                if isinstance(e, Hello) and self._started:
                    # The board restarted by itself (reset button): configure it again.
                    self._start()
            if not data_rows:
                continue
            now = self._now()
            # Rows without a board clock arrived sometime since the last chunk: spread them
            # evenly over that interval, so each gets its own, increasing time.
            step = (now - self._last_chunk_t) / len(data_rows)
            base = self._last_chunk_t
            self._last_chunk_t = now
            for i, row in enumerate(data_rows, start=1):
                when = self._row_time(row, base + step * i)
                names, values = row.names, row.values
                if self._listen_filter:
                    names, values = self._filter(when, names, values)
                    if not names:
                        continue
                for name in names:
                    board._seen_channels.setdefault(name)
                if deadline is not None and when > deadline + 1e-9:
                    return
                rec.add_row(when, names, values, row.board_ms)
                yield when, names, values, row.board_ms

    def _data_waiting(self) -> bool:
        try:
            return self.board._transport.in_waiting > 0
        except Exception:  # the port is gone: nothing more to take
            return False

    def _filter(self, when: float, names: tuple, values: tuple) -> tuple[tuple, tuple]:
        """Keep wanted channels; in listen mode thin out to at most one value per ``every``."""
        keep_names, keep_values = [], []
        every = self.every
        for name, value in zip(names, values):
            if self.wanted is not None and name not in self.wanted:
                self.board._seen_channels.setdefault(name)
                continue
            if every is not None:
                last = self._last_kept.get(name)
                if last is not None and when - last < every - 1e-9:
                    continue
                self._last_kept[name] = when
            keep_names.append(name)
            keep_values.append(value)
        return tuple(keep_names), tuple(keep_values)

    def _reconnect(self, deadline: float | None) -> bool:
        """The port vanished: mark a gap, wait for the same board, configure it again."""
        board = self.board
        rec = self.recording
        gap_start = self._now()
        wait_until = deadline if deadline is not None else gap_start + RECONNECT_WAIT_S
        messages.warn("unplugged.warn", seconds=max(0.0, wait_until - gap_start))
        board._parser.flush()
        try:
            board._transport.close()
        except Exception:
            pass
        while self._now() < wait_until:
            self.clock.sleep(RECONNECT_POLL_S)
            if _reopen(board):
                break
        else:
            gap_end = self._now()
            rec.add_gap(gap_start, gap_end)
            if self.writer is not None:
                self.writer.add_gap(gap_start, gap_end)
            messages.warn("gave_up.warn", count=len(rec))
            self._started = False
            return False
        gap_end = self._now()
        rec.add_gap(gap_start, gap_end)
        if self.writer is not None:
            self.writer.add_gap(gap_start, gap_end)
        self._last_chunk_t = gap_end
        try:
            was_firmware = board.info.mode == "firmware"
            hello = board._ask_hello(HELLO_WAIT_S) if was_firmware else None
            if hello is not None:
                board._adopt_hello(hello)
                self._start()
        except (CalliopeError, OSError):
            pass  # if it fails, the next read notices and we try again
        messages.note("replugged.note")
        return True


def _is_disconnect(exc: BaseException) -> bool:
    import serial

    return isinstance(exc, (serial.SerialException, OSError)) and not isinstance(exc, CalliopeError)


def _reopen(board: Board) -> bool:
    """Open the port again: the same path, or wherever a board with the same serial number is."""
    transport = board._transport
    candidates = []
    serial_number = board.info.serial_number
    if serial_number and "://" not in board._url:
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


class _Progress:
    """A progress bar (tqdm: a widget in notebooks, text in terminals) with the latest values."""

    def __init__(self, seconds: float | None, samples: int | None, channels: list[str] | None):
        from tqdm.auto import tqdm

        total = seconds if seconds is not None else samples
        self.by_time = seconds is not None
        self.channels = channels
        unit = "s" if self.by_time else messages.t("progress.recording")
        self.bar = tqdm(total=total, desc=messages.t("progress.recording"), unit=unit if self.by_time else "",
                        file=sys.stdout, leave=True, dynamic_ncols=True,
                        bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s{postfix}" if self.by_time else None)
        self._last = time.monotonic()
        self._n = 0.0
        # A person watching (terminal, notebook) sees 5 updates a second; a log file gets one
        # line every few seconds instead of hundreds.
        watched = "ipykernel" in sys.modules or sys.stdout.isatty()
        self._interval = 0.2 if watched else 2.0

    def update(self, when: float, rec: Recording) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:  # refreshing more often only costs time
            return
        self._last = now
        self._advance(when, rec)

    def _advance(self, when: float, rec: Recording) -> None:
        target = when if self.by_time else sum(rec.count(c) for c in rec.channels[:1])
        if self.bar.total is not None:
            target = min(target, self.bar.total)
        if target > self._n:
            self.bar.update(target - self._n)
            self._n = target
        shown = (self.channels or rec.channels)[:4]
        latest = ", ".join(f"{name} {_short(rec.last(name))}{(' ' + rec.unit(name)) if rec.unit(name) else ''}"
                           for name in shown if name in rec)
        self.bar.set_postfix_str(latest, refresh=False)

    def close(self, rec: Recording, completed: bool = False) -> None:
        if self.by_time and self.bar.total is not None:
            self._advance(self.bar.total if completed else max(rec.duration, self._n), rec)
        self.bar.refresh()
        self.bar.close()


def _short(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}"


# -- opening boards ---------------------------------------------------------------------------
def connect(port: "str | FoundBoard | None" = None, *, name: str = "") -> Board:
    """Connect to a board and return a :class:`Board`.

    >>> board = cl.connect()                    # doctest: +SKIP  (the first board found)
    >>> board = cl.connect("sim")               # doctest: +SKIP  (the simulated board)
    >>> board = cl.connect("/dev/ttyACM0")      # doctest: +SKIP  ("COM3" on Windows)
    >>> board = cl.connect("replay://messung.csv")  # doctest: +SKIP
    >>> board = cl.connect(discovery.find_boards()[1])  # doctest: +SKIP  (a board found)

    Raises :class:`~calliope_lib.errors.NoBoardFound` when nothing is plugged in (with a hint
    about charge-only cables), :class:`~calliope_lib.errors.PortPermissionError` when Linux
    does not allow the port (with the command that fixes it), and
    :class:`~calliope_lib.errors.PortBusyError` when another program holds it.
    """
    if port is None:
        found = _find_boards()
        if not found:
            raise NoBoardFound()
        if len(found) > 1:
            messages.warn("several_boards.detail", count=len(found),
                          ports=", ".join(str(b.port) for b in found), first=found[0].port)
        return _open_found(found[0], name)
    if not isinstance(port, str):  # a FoundBoard from discovery.find_boards()
        return _open_found(port, name)
    return _open(port, name=name)


def _open_found(found: Any, name: str = "") -> Board:
    """Open a board that discovery found (keeps its serial number, kind and product)."""
    return _open(found.port, serial_number=found.serial_number, kind=found.kind,
                 product=found.product, name=name)


def _open(port: str, *, serial_number: str | None = None, kind: str = "unknown",
          product: str | None = None, name: str = "") -> Board:
    url = normalise_url(port)
    if url.startswith("sim://"):
        kind = "simulated"
    transport = open_transport(url)
    if url.startswith("sim://") and getattr(transport, "simulator", None) is not None:
        serial_number = transport.simulator.serial_number
    try:
        return Board(transport, url, serial_number=serial_number, kind=kind, product=product,
                     name=name)
    except BaseException:
        transport.close()
        raise


def _find_boards() -> list[Any]:
    from calliope_lib.board.discovery import find_boards

    return [b for b in find_boards() if b.port]


class Boards(list):
    """Several boards at once (from :func:`connect_all`): record them side by side.

    ``boards.record(...)`` returns one Recording whose channels are prefixed with each
    board's short name (``"kim.temperature"``, ``"ali.temperature"``).
    """

    def record(self, channels: Sequence[str] | str | None = None, seconds: float | None = None,
               **kwargs: Any) -> Recording:
        """Record from every board at once (one thread per board) into one Recording."""
        if seconds is None:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        # One entry per board, written by its own thread (a dict store is atomic).
        results: dict[int, tuple[Recording | None, BaseException | None]] = {}
        kwargs = {**kwargs, "progress": False}
        save_to = kwargs.pop("save_to", None)
        dialect = kwargs.get("dialect", "default")

        def work(board: Board) -> None:
            try:
                results[id(board)] = (board.record(channels, seconds, **kwargs), None)
            except BaseException as exc:  # reported below, with the board's name
                results[id(board)] = (None, exc)

        threads = [threading.Thread(target=work, args=(b,), daemon=True) for b in self]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        combined = Recording(metadata={"boards": [b.info.name for b in self]})
        errors = []
        for board in self:  # channels in the boards' order, whichever finished first
            rec, exc = results[id(board)]
            if exc is not None:
                errors.append((board, exc))
                continue
            prefix = board.info.name
            for ch in rec:
                combined.add_channel(f"{prefix}.{ch.name}", ch.times, ch.values, ch.unit)
            combined.gaps.extend(rec.gaps)
            combined.bad_lines += rec.bad_lines
            combined.lost_lines += rec.lost_lines
        if errors and len(errors) == len(self):
            raise errors[0][1]
        for board, exc in errors:
            messages.warn("board_error.warn", text=f"{board.info.name}: {exc}")
        if save_to is not None:
            combined.save(save_to, dialect=dialect)
        return combined

    def close(self) -> None:
        for board in self:
            board.close()

    def __enter__(self) -> "Boards":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect_all(ports: Sequence[str] | None = None,
                names: Sequence[str] | None = None) -> Boards:
    """Connect to every board found (or to each of ``ports``) and return them as :class:`Boards`.

    Short names (for channel prefixes) are ``names`` if given, else the last four characters
    of each board's serial number, else ``board1``, ``board2``…
    """
    targets: list[Any]
    if ports is None:
        targets = _find_boards()
        if not targets:
            raise NoBoardFound()
    else:
        targets = list(ports)
    boards = Boards()
    try:
        for index, target in enumerate(targets):
            board = _open(target) if isinstance(target, str) else _open_found(target)
            if names is not None and index < len(names):
                board.info.name = names[index]
            else:
                serial_number = board.info.serial_number
                short = serial_number[-4:] if serial_number and not serial_number.startswith("SIM") else None
                board.info.name = short or f"board{index + 1}"
            boards.append(board)
    except BaseException:
        boards.close()
        raise
    used = [b.info.name for b in boards]
    if len(set(used)) != len(used):  # two boards with the same short name: number them
        for index, board in enumerate(boards, start=1):
            board.info.name = f"board{index}"
    return boards
