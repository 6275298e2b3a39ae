"""One recording or stream from one board: the loop that turns a board's lines into timed rows.

A :class:`Session` configures the board (firmware mode: which channels, how often, start),
reads what arrives, gives every row a time in seconds since the start, adds it to a
:class:`~calliope_lib.recording.Recording`, survives a pulled cable (a gap, then the same
board again) and stops the board at the end.

Times come from the board's own millisecond clock when it sends one (our firmware does), so
USB latency does not shake them; rows without one (a kid's program) are spread evenly over
the time since the previous chunk. It talks to the board only through
:class:`~calliope_lib.board.link.BoardLink`.
"""

from __future__ import annotations

from typing import Any, Iterator

from calliope_lib import messages
from calliope_lib.board.link import BoardLink
from calliope_lib.errors import CalliopeError, InvalidParameter
from calliope_lib.protocol import Hello, Row
from calliope_lib.protocol import firmware as fw
from calliope_lib.recording.recording import Recording
from calliope_lib.transports.contract import is_disconnect

#: Default time between two measurements in firmware mode, in seconds.
DEFAULT_EVERY_S = 0.1
#: How long to wait for an unplugged board to come back when the recording has no end.
RECONNECT_WAIT_S = 300.0
#: How often to look for an unplugged board.
RECONNECT_POLL_S = 0.2
#: A board clock running this far behind the last row (seconds) means the board restarted.
RESTART_JUMP_S = 1.0
#: Times closer than this count as equal (float rounding of board milliseconds).
TIME_EPSILON_S = 1e-9

#: One row as the loop yields it: ``(time, names, values, board_ms)``.
TimedRow = tuple[float, tuple, tuple, Any]


class Session:
    """One recording or stream: configures the board, turns events into timed rows,
    survives a pulled cable, and stops the board at the end.

    ``channels``: what to record (None: the firmware's standard set, or all a kid's program
    prints). ``every``: seconds between values (firmware: the board's rate; listen mode: at
    most one value per channel this often).
    """

    def __init__(self, link: BoardLink, channels: list[str] | None, every: float | None) -> None:
        if every is not None and not every > 0:
            raise InvalidParameter(messages.t("bad_args.every"))
        self.link = link
        info = link.info
        link.check_channels(channels or [])
        if info.mode == "firmware" and not channels:
            channels = link.default_channels()
        self.channels = channels
        self.wanted = set(channels) if channels else None
        self.every = every
        # Our firmware sends only the chosen channels at the chosen rate; a kid's program
        # sends what it likes, so there we pick the channels and thin out to ``every``.
        self._listen_filter = info.mode == "listen" and (channels or every) is not None
        self.clock = link.clock
        #: A :class:`~calliope_lib.recording.files.RecordingWriter` to tell about gaps.
        self.writer: Any = None
        meta = {"board": info.kind, "port": info.port}
        if info.firmware:
            meta["firmware"] = info.firmware
        if info.serial_number:
            meta["serial_number"] = info.serial_number
        self.recording = Recording(metadata=meta)
        if link.units:
            self.recording.use_units(dict(link.units))
        self._last_chunk_t = 0.0
        self._anchor: tuple[float, float] | None = None  # (board_ms, host seconds)
        self._anchor_at: float | None = None
        self._last_board_t = -1.0
        self._last_kept: dict[str, float] = {}
        self._bad0, self._lost0 = link.line_counts
        self._started = False
        self.t0: float | None = None  # set once the board streams (restarts keep it)
        self._start()
        # Time zero is when the board starts sending, not when we began to configure it.
        self.t0 = self.clock.now()

    # -- board control ----------------------------------------------------------------------
    def _start(self) -> None:
        link = self.link
        if link.info.mode != "firmware":
            return
        link.command("cols", self.channels)
        period_ms = int(round((self.every or DEFAULT_EVERY_S) * 1000))
        period_ms = max(fw.MIN_PERIOD_MS, min(fw.MAX_PERIOD_MS, period_ms))
        link.command("every", period_ms)
        link.drop_rows()  # rows from before this session are not ours
        link.command("start")
        self._started = True
        # The first data line was measured when "start" arrived: anchor the board's clock there.
        self._anchor = None
        self._anchor_at = 0.0 if self.t0 is None else self._now()

    def finish(self) -> None:
        """Count bad and lost lines into the recording and stop the board's stream."""
        link = self.link
        rec = self.recording
        bad, lost = link.line_counts
        rec.bad_lines = bad - self._bad0
        rec.lost_lines = lost - self._lost0
        if self._started and not link.closed:
            self._started = False
            try:
                link.command("stop")
            except Exception:  # the board may be gone: keep the data
                pass

    # -- timing ---------------------------------------------------------------------------
    def _now(self) -> float:
        assert self.t0 is not None
        return self.clock.now() - self.t0

    def _row_time(self, row: Row, host_t: float) -> float:
        """Seconds since the start for a row: the board's clock when it sent one."""
        if row.board_ms is None:
            return host_t
        anchor = self._anchor
        if anchor is None or \
                (row.board_ms - anchor[0]) / 1000.0 + anchor[1] < self._last_board_t - RESTART_JUMP_S:
            # First row, or the board's clock jumped back (it restarted): anchor again.
            first = anchor is None and self._anchor_at is not None
            anchor = self._anchor = (row.board_ms, self._anchor_at if first else host_t)
            self._anchor_at = None
        when = anchor[1] + (row.board_ms - anchor[0]) / 1000.0
        self._last_board_t = when
        return when

    # -- the loop ---------------------------------------------------------------------------
    def rows(self, seconds: float | None = None) -> Iterator[TimedRow]:
        """Yield ``(time, names, values, board_ms)`` and add each to the recording."""
        link = self.link
        rec = self.recording
        deadline = None if seconds is None else seconds
        pending: list[Any] = link.take_rows()
        while True:
            now = self._now()
            # Past the deadline, lines already waiting may still belong to the recording
            # (measured before the deadline by the board's clock): take them, then stop.
            final = deadline is not None and now >= deadline
            if final and not pending and not link.data_waiting():
                return
            if pending:
                events, pending = pending, []
            else:
                try:
                    events = link.read_events(eager=final)
                except Exception as exc:
                    if not is_disconnect(exc):
                        raise
                    if not self._reconnect(deadline):
                        return
                    continue
                if not events and link.finished:
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
                link.note_channels(names)
                if deadline is not None and when > deadline + TIME_EPSILON_S:
                    return
                rec.add_row(when, names, values, row.board_ms)
                yield when, names, values, row.board_ms

    def _filter(self, when: float, names: tuple, values: tuple) -> tuple[tuple, tuple]:
        """Keep wanted channels; in listen mode thin out to at most one value per ``every``."""
        keep_names, keep_values = [], []
        every = self.every
        for name, value in zip(names, values):
            if self.wanted is not None and name not in self.wanted:
                self.link.note_channels((name,))  # not recorded, but the board has it
                continue
            if every is not None:
                last = self._last_kept.get(name)
                if last is not None and when - last < every - TIME_EPSILON_S:
                    continue
                self._last_kept[name] = when
            keep_names.append(name)
            keep_values.append(value)
        return tuple(keep_names), tuple(keep_values)

    def _reconnect(self, deadline: float | None) -> bool:
        """The port vanished: mark a gap, wait for the same board, configure it again."""
        link = self.link
        rec = self.recording
        gap_start = self._now()
        wait_until = deadline if deadline is not None else gap_start + RECONNECT_WAIT_S
        messages.warn("unplugged.warn", seconds=max(0.0, wait_until - gap_start))
        link.lost()
        while self._now() < wait_until:
            self.clock.sleep(RECONNECT_POLL_S)
            if link.reopen():
                break
        else:
            self._add_gap(gap_start, self._now())
            messages.warn("gave_up.warn", count=len(rec))
            self._started = False
            return False
        gap_end = self._now()
        self._add_gap(gap_start, gap_end)
        self._last_chunk_t = gap_end
        try:
            if link.hello_again():
                self._start()
        except (CalliopeError, OSError):
            pass  # if it fails, the next read notices and we try again
        messages.note("replugged.note")
        return True

    def _add_gap(self, start: float, end: float) -> None:
        self.recording.add_gap(start, end)
        if self.writer is not None:
            self.writer.add_gap(start, end)
