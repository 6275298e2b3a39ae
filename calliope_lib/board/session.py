"""One recording or stream from one board: the loop that turns a board's lines into timed rows.

A :class:`Session` configures the board (firmware mode: which channels, how often, start),
reads what arrives, gives every row a time in seconds since the start, adds it to a
:class:`~calliope_lib.recording.Recording`, and stops the board at the end. It never lies
about what happened on the way:

* **a pulled cable**: a gap, then the same board again (found by its serial number);
* **a reset** (the reset button, a loose battery): the board says ``$HELLO`` again, even in
  the middle of a half-sent line; the session configures it again, resumes and marks a gap;
* **another board** on the same port (a classmate's, plugged into the same socket): never
  merged into this recording. The recording ends with what it has and says so, or, when
  asked for (``other_board="continue"``), goes on and names the change in its notes;
* **silence** and **a slow board**: see :mod:`~calliope_lib.board.timeline`;
* **lost lines**, also those lost before the first line of a start arrived (the firmware
  numbers its lines from 0 at every start).

Times come from the board's own millisecond clock when it sends one (our firmware does), so
USB latency does not shake them; rows without one (a kid's program) are spread evenly over
the time since the previous chunk. Times never run backwards, whatever the board's clock
does. It talks to the board only through :class:`~calliope_lib.board.link.BoardLink`.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import is_not
from typing import Any, Iterable, Iterator

from calliope_lib import messages
from calliope_lib.board.info import BoardInfo
from calliope_lib.board.link import BoardLink
from calliope_lib.board.timeline import TICK_S, Timeline
from calliope_lib.errors import CalliopeError, InvalidParameter, UnknownChannel
from calliope_lib.protocol import Hello, Row, Rows
from calliope_lib.protocol import firmware as fw
from calliope_lib.recording.recording import Recording
from calliope_lib.transports.contract import is_disconnect

#: Default time between two measurements in firmware mode, in seconds.
DEFAULT_EVERY_S = 0.1
#: How long to wait for an unplugged board to come back when the recording has no end.
RECONNECT_WAIT_S = 300.0
#: How often to look for an unplugged board.
RECONNECT_POLL_S = 0.2
#: A board clock running this far ahead of the computer's (seconds) has stepped forward.
CLOCK_AHEAD_S = 1.0
#: Times closer than this count as equal (float rounding of board milliseconds).
TIME_EPSILON_S = 1e-9
#: A first sequence number above this after a start is not lost lines but an old stream.
MAX_START_LOSS = 100_000
#: A jump in sequence numbers up to this many periods counts as lost lines in between.
MAX_STEPS = 1000
#: What ``other_board`` may be: end the recording, or go on with the other board.
OTHER_BOARD_CHOICES = ("stop", "continue")

#: One row as the loop yields it: ``(time, names, values, board_ms)``.
TimedRow = tuple[float, tuple, tuple, Any]
#: One line as the parser read it: ``(names, values, board_ms, seq, units)``, as in a Row.
Line = tuple[tuple, tuple, Any, Any, Any]


def each_line(events: Iterable[Row | Rows]) -> Iterator[Line]:
    """Every line of the data events, in order, as ``(names, values, board_ms, seq, units)``.

    A :class:`Row` is such a tuple already; a block's lines are zipped from its columns at C
    speed (no Row object per line). Blocks with empty cells (the datalogger's ``1.00,,130``)
    leave those names out, line by line, as :meth:`Rows.rows` does.
    """
    for event in events:
        if type(event) is not Rows:
            yield event
            continue
        none = repeat(None)
        lines = zip(repeat(event.names), zip(*event.columns),
                    none if event.board_ms is None else event.board_ms,
                    none if event.seqs is None else event.seqs, repeat(event.units))
        if not any(type(c) is list for c in event.columns):
            yield from lines
            continue
        named: dict[tuple, tuple] = {}  # which cells are filled -> their names
        for names, values, board_ms, seq, units in lines:
            if None in values:
                filled = tuple(map(is_not, values, none))
                names = named.get(filled) or named.setdefault(filled, tuple(compress(names, filled)))
                values = tuple(compress(values, filled))
            yield names, values, board_ms, seq, units

_TEXTS = {
    "board_reset.warn": {
        "de": "Das Board ist bei {at} s neu gestartet (Reset-Knopf? Wackelkontakt an der "
              "Batterie?). Ich habe es wieder eingestellt und messe weiter; die Lücke ist "
              "markiert.",
        "en": "The board restarted at {at} s (reset button? loose battery?). I configured it "
              "again and go on recording; the gap is marked.",
    },
    "other_board.warn": {
        "de": "An {port} steckt jetzt ein anderes Board ({new}) als am Anfang ({old}). Zwei "
              "Boards mische ich nicht in eine Messung: sie endet hier mit {count} Werten. "
              "Steck das erste Board wieder ein und starte eine neue Messung.",
        "en": "Another board ({new}) is now on {port}, not the one from the start ({old}). I "
              "never mix two boards in one recording: it ends here with {count} values. Plug "
              "the first board back in and start a new recording.",
    },
    "other_board.continue": {
        "de": "An {port} steckt jetzt ein anderes Board ({new}) als vorher ({old}). Wie "
              "gewünscht messe ich mit ihm weiter; die Datei nennt den Wechsel bei {at} s.",
        "en": "Another board ({new}) is now on {port}, not the one before ({old}). As asked, "
              "I go on recording with it; the file names the change at {at} s.",
    },
    "other_board.note": {
        "de": "ab {at} s: anderes Board {new} (vorher {old})",
        "en": "from {at} s: another board {new} (before: {old})",
    },
    "bad_args.other_board": {
        "de": "other_board muss \"stop\" oder \"continue\" sein, nicht {value!r}.",
        "en": "other_board must be \"stop\" or \"continue\", not {value!r}.",
    },
}
messages.register(_TEXTS)


def identity(info: BoardInfo) -> dict[str, str]:
    """What tells this board from another: its kind, its firmware's id, its serial number."""
    found = {"kind": info.variant or info.kind, "id": info.board_id,
             "serial": info.serial_number}
    return {key: value for key, value in found.items() if value and value != "unknown"}


def hello_identity(hello: Hello, before: dict[str, str]) -> dict[str, str]:
    """The identity a ``$HELLO`` names (the serial number cannot change without a replug)."""
    found = dict(before)
    found.pop("id", None)
    if hello.fields.get("id"):
        found["id"] = hello.fields["id"]
    kind = hello.board
    if kind and kind != "simulated":
        found["kind"] = kind
    return found


def same_board(old: dict[str, str], new: dict[str, str]) -> bool:
    """True unless something both know differs (a board that names no id stays itself)."""
    return all(new[key] == value for key, value in old.items() if key in new)


def describe(ident: dict[str, str]) -> str:
    """``calliope-mini-3 id=c0ffee01``: an identity as a person reads it."""
    words = [ident.get("kind", "?")]
    words += [f"{key}={ident[key]}" for key in ("id", "serial") if key in ident]
    return " ".join(words)


class Session:
    """One recording or stream: configures the board, turns events into timed rows, marks
    gaps (unplugged, reset, silent), keeps other boards out, and stops the board at the end.

    ``channels``: what to record (None: the firmware's standard set, or all a kid's program
    prints). ``every``: seconds between values (firmware: the board's rate; listen mode: at
    most one value per channel this often). ``other_board``: ``"stop"`` (the recording ends
    when another board appears) or ``"continue"`` (it goes on; the notes name the change).
    """

    def __init__(self, link: BoardLink, channels: list[str] | None, every: float | None,
                 other_board: str = "stop") -> None:
        if every is not None and not every > 0:
            raise InvalidParameter(messages.t("bad_args.every"))
        if other_board not in OTHER_BOARD_CHOICES:
            raise InvalidParameter(messages.t("bad_args.other_board", value=other_board))
        self.link = link
        info = link.info
        link.check_channels(channels or [])
        if info.mode == "firmware" and not channels:
            channels = link.default_channels()
        self.channels = channels
        self.wanted = set(channels) if channels else None
        self.every = every
        self.other_board = other_board
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
        if info.board_id:
            meta["board_id"] = info.board_id
        self.recording = Recording(metadata=meta)
        if link.units:
            self.recording.use_units(dict(link.units))
        self.identity = identity(info)
        period = (every or DEFAULT_EVERY_S) if info.mode == "firmware" else every
        self.timeline = Timeline(period)
        self._last_chunk_t = 0.0
        self._anchor: tuple[float, float] | None = None  # (board_ms, host seconds)
        self._anchor_at: float | None = None
        self._last_board_t = -1.0
        self._last_kept: dict[str, float] = {}
        self._bad0, self._lost0 = link.line_counts
        self._lost = 0  # lines lost (our firmware numbers its lines), also before the first
        self._first_seq_due = False
        self._last_seq: int | None = None
        self._numbered = False  # rows carry the firmware's sequence numbers
        self._over = False
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
        self._first_seq_due = True
        self._last_seq = None  # the firmware numbers from 0 again
        # The first data line was measured when "start" arrived: anchor the board's clock there.
        self._anchor = None
        # (Never before the last row: board times may run a little ahead of ours.)
        self._anchor_at = 0.0 if self.t0 is None else max(self._now(), self._last_board_t)

    def finish(self) -> None:
        """Count bad and lost lines into the recording and stop the board's stream."""
        link = self.link
        rec = self.recording
        bad, lost = link.line_counts
        rec.bad_lines = bad - self._bad0
        # Our firmware's numbering tells exactly (see _steps); other boards' lines: the parser.
        rec.lost_lines = self._lost if self._numbered else lost - self._lost0
        slow = self.timeline.too_slow(at_end=True)
        if slow is not None:
            self._report_slow(slow)
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

    def _row_time(self, board_ms: float | None, host_t: float) -> float:
        """Seconds since the start for a row: the board's clock (``board_ms``) when it sent one."""
        if board_ms is None:
            return host_t
        anchor = self._anchor
        if anchor is None:
            # The first row of a start: measured when "start" arrived (or, after a
            # reconnect, when it was read).
            at = self._anchor_at if self._anchor_at is not None else host_t
            anchor = self._anchor = (board_ms, at)
            self._anchor_at = None
        when = anchor[1] + (board_ms - anchor[0]) / 1000.0
        firmware = self.link.info.mode == "firmware"
        stepped_back = when < self._last_board_t - TIME_EPSILON_S
        ahead = firmware and when > host_t + CLOCK_AHEAD_S
        if stepped_back or ahead:
            # The board's clock stepped (a correction, or a restart we did not hear of):
            # anchor it again. Our firmware measures on a timer, so the row is one period
            # after the row before; other rows count from when they arrived. Never earlier
            # than the row before.
            if firmware and self._last_board_t >= 0:
                at = self._last_board_t + self.timeline.period_or(DEFAULT_EVERY_S)
            else:
                at = max(host_t, self._last_board_t + TICK_S)
            anchor = self._anchor = (board_ms, at)
            when = at
        self._last_board_t = when
        return when

    def _steps(self, seq: int | None) -> int:
        """Periods since the row before, by the firmware's numbering (1 when unknown).

        Lines missing in between are counted as lost here, for the rows this recording
        took: lines the parser saw after the end of the recording are not its business.
        """
        last, self._last_seq = self._last_seq, seq
        if seq is None or last is None:
            self._numbered = self._numbered or seq is not None
            return 1
        steps = (seq - last) % fw.SEQ_MODULO
        if 1 < steps < MAX_START_LOSS:
            self._lost += steps - 1
        return steps if 0 < steps < MAX_STEPS else 1

    def _count_start_loss(self, seq: int | None) -> None:
        """The firmware numbers lines from 0 at each start: a first line 5 means 5 were lost."""
        if self._first_seq_due and seq is not None:
            self._first_seq_due = False
            if 0 < seq < MAX_START_LOSS:
                self._lost += seq

    # -- the loop ---------------------------------------------------------------------------
    def rows(self, seconds: float | None = None) -> Iterator[TimedRow]:
        """Yield ``(time, names, values, board_ms)`` and add each to the recording."""
        link = self.link
        deadline = None if seconds is None else seconds
        pending: list[Any] = link.take_rows()
        self._over = False
        while True:
            if not pending:  # rows that came with a command's answer (a restart's "start")
                pending = link.take_rows()
            now = self._now()
            # Past the deadline, lines already waiting may still belong to the recording
            # (measured before the deadline by the board's clock): take them, then stop.
            final = deadline is not None and now >= deadline
            if final and not pending and not link.data_waiting():
                self._silence_until(deadline)
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
            # Events in order: rows before a $HELLO belong to the board before its restart.
            batch: list[Row | Rows] = []
            for event in events:
                if isinstance(event, (Row, Rows)):
                    batch.append(event)
                elif isinstance(event, Hello) and self._started:
                    yield from self._take(batch, deadline)
                    batch = []
                    if self._over or not self._restarted(event):
                        return
            yield from self._take(batch, deadline)
            if self._over:
                return

    def _take(self, data_rows: list[Row | Rows], deadline: float | None) -> Iterator[TimedRow]:
        """Time, filter, check and add one chunk of rows (single :class:`Row` lines and
        :class:`Rows` blocks alike, line by line: a block's lines are the same lines, so
        where the reads cut the stream never changes the recording); sets ``_over`` past
        the deadline."""
        if not data_rows:
            return
        link = self.link
        rec = self.recording
        line = self.timeline
        now = self._now()
        # Rows without a board clock arrived sometime since the last chunk: spread them
        # evenly over that interval, so each gets its own, increasing time.
        blocks = [e.line_count for e in data_rows if type(e) is Rows]
        lines: Iterable[Line] = each_line(data_rows) if blocks else data_rows
        step = (now - self._last_chunk_t) / (len(data_rows) - len(blocks) + sum(blocks))
        base = self._last_chunk_t
        self._last_chunk_t = now
        seen: tuple = ()
        for i, (names, values, board_ms, seq, units) in enumerate(lines, start=1):
            when = self._row_time(board_ms, base + step * i)
            self._count_start_loss(seq)
            row_names = names
            if self._listen_filter:
                names, values = self._filter(when, names, values)
                if not names:
                    continue
            if names is not seen:  # a block's lines share one names tuple: note it once
                link.note_channels(names)
                seen = names
            if deadline is not None and when > deadline + TIME_EPSILON_S:
                self._over = True
                return
            when = line.forward(when)
            silence = line.silence(when, self._steps(seq))
            if silence is not None:
                self._add_gap(*silence, fresh=False)  # this row already starts anew
            if units:  # "temp: 21 °C": the unit the kid printed (issue 14)
                rec.use_units({n: u for n, u in zip(row_names, units) if u})
            rec.add_row(when, names, values, board_ms)
            slow = line.too_slow()
            if slow is not None:
                self._report_slow(slow)
            yield when, names, values, board_ms

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

    # -- what can happen on the way ----------------------------------------------------------
    def _silence_until(self, end: float) -> None:
        """The recording ends in silence: mark it, so the file does not end as if complete."""
        silence = self.timeline.silence_until(end)
        if silence is not None:
            self._add_gap(*silence)

    def _report_slow(self, achieved: float) -> None:
        every = self.timeline.period or 0.0
        fields = {"achieved": messages.with_decimal_mark(f"{achieved:.3g}"),
                  "every": messages.with_decimal_mark(f"{every:g}")}
        messages.warn("slow_board.warn", share=int(round(100 * every / achieved)), **fields)
        self._note(messages.t("slow_board.note", **fields))

    def _note(self, text: str) -> None:
        self.recording.notes.append(text)
        if self.writer is not None:
            self.writer.add_note(text)

    def _restarted(self, hello: Hello) -> bool:
        """A ``$HELLO`` while streaming: the board restarted. Configure it again and resume.

        Returns False when the recording must end (another board answered).
        """
        at = self._now()
        new = hello_identity(hello, self.identity)
        if not same_board(self.identity, new):
            return self._other_board(new, at, start=self.timeline.last)
        start = self.timeline.last if self.timeline.last is not None else at
        self._add_gap(start, max(start, at))
        messages.warn("board_reset.warn", at=messages.with_decimal_mark(f"{at:.1f}"))
        try:
            self._start()
        except (CalliopeError, OSError):
            pass  # the next lines tell: a silence, or an unplugged board
        return True

    def _other_board(self, new: dict[str, str], at: float, start: float | None) -> bool:
        """Another board answered where ours was: end here, or go on if asked to."""
        old_text, new_text = describe(self.identity), describe(new)
        port = self.link.info.port
        self._note(messages.t("other_board.note", at=f"{at:.3f}", new=new_text, old=old_text))
        if self.other_board != "continue":
            self._started = False  # the other board runs no stream of ours: nothing to stop
            messages.warn("other_board.warn", port=port, new=new_text, old=old_text,
                          count=len(self.recording))
            return False
        messages.warn("other_board.continue", port=port, new=new_text, old=old_text,
                      at=messages.with_decimal_mark(f"{at:.1f}"))
        self.identity = new
        self._add_gap(start if start is not None else at, at)
        try:
            self._start()
        except UnknownChannel as exc:
            messages.warn("board_error.warn", text=str(exc))
            self._started = False
            return False
        except (CalliopeError, OSError):
            pass
        return True

    def _reconnect(self, deadline: float | None) -> bool:
        """The port vanished: mark a gap, wait for the same board, configure it again."""
        link = self.link
        rec = self.recording
        gap_start = self.timeline.last if self.timeline.last is not None else self._now()
        lost_at = self._now()
        wait_until = deadline if deadline is not None else lost_at + RECONNECT_WAIT_S
        messages.warn("unplugged.warn", seconds=max(0.0, wait_until - lost_at))
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
        self._last_chunk_t = gap_end
        try:
            answered = link.hello_again()
        except (CalliopeError, OSError):
            answered = False  # if it fails, the next read notices and we try again
        if answered:
            new = identity(link.info)
            if not same_board(self.identity, new):
                return self._other_board(new, gap_end, start=gap_start)
        self._add_gap(gap_start, gap_end)
        if answered:
            try:
                self._start()
            except (CalliopeError, OSError):
                pass
        messages.note("replugged.note")
        return True

    def _add_gap(self, start: float, end: float, fresh: bool = True) -> None:
        """Mark a gap in the recording and its file; ``fresh``: the next row starts anew."""
        end = max(start, end)  # board times may run a little ahead of the computer's
        if fresh:
            self.timeline.gap()
        self.recording.add_gap(start, end)
        if self.writer is not None:
            self.writer.add_gap(start, end)
