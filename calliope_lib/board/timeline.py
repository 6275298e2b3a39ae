"""Watching the times of a recording: silences, a board that is too slow, clocks that step.

A :class:`Timeline` sees the time of every row a session adds (seconds since the start) and
says what the rows alone do not:

* a **silence**: no row for longer than a few periods (:data:`SILENCE_PERIODS`, at least
  :data:`SILENCE_MIN_S`) becomes a gap, exactly like the time a cable was pulled, so a plot
  breaks its line there and the file says ``# gap:``;
* a **slow board**: one that cannot keep the asked-for period is reported once, with the
  period it achieves (silences and gaps do not count);
* **monotonic times**: a board clock that steps back a little (a clock correction) would make
  time run backwards; :meth:`Timeline.forward` never lets it.

It does no I/O and knows no board: the session tells it what happened.

>>> line = Timeline(period=0.1)
>>> [line.silence(t) for t in (0.0, 0.1, 0.2, 1.4)]
[None, None, None, (0.2, 1.4)]
"""

from __future__ import annotations

from calliope_lib import messages

#: A pause longer than this many periods is a silence (a gap), not jitter.
SILENCE_PERIODS = 5
#: ... and never shorter than this (seconds): USB delivers in chunks of a few 10 ms.
SILENCE_MIN_S = 0.5
#: A board achieving a period this much longer than asked for is reported.
SLOW_FACTOR = 1.25
#: The rate is judged after this many intervals spanning at least :data:`RATE_MIN_S` seconds.
RATE_MIN_ROWS = 20
RATE_MIN_S = 2.0
#: Times closer than this count as equal; a step back moves a row to the last time plus this.
TICK_S = 0.001

_TEXTS = {
    "slow_board.warn": {
        "de": "Das Board schafft nur etwa alle {achieved} s einen Messwert statt alle {every} s "
              "({share} % der gewünschten Messwerte). Wähle einen größeren Abstand (every) "
              "oder weniger Kanäle.",
        "en": "The board manages only about one value every {achieved} s instead of every "
              "{every} s ({share} % of the values asked for). Choose a longer period (every) "
              "or fewer channels.",
    },
    "slow_board.note": {
        "de": "Das Board schaffte etwa alle {achieved} s einen Messwert (gewünscht: {every} s)",
        "en": "The board managed about one value every {achieved} s (asked for: {every} s)",
    },
}
messages.register(_TEXTS)


class Timeline:
    """The times of one recording's rows: silences, rate and monotonic order.

    ``period``: seconds between rows the board was asked for (None: unknown, then no
    silences are marked and no rate is judged).
    """

    def __init__(self, period: float | None) -> None:
        self.period = period
        self.last: float | None = None  # time of the last row (None after a gap: start anew)
        self._latest = -1.0  # the latest time handed out, also across gaps
        self._interval_sum = 0.0
        self._intervals = 0
        #: the achieved period once the board was found too slow (reported once)
        self.slow: float | None = None

    def period_or(self, default: float) -> float:
        """The asked-for period, or ``default`` when it is unknown."""
        return self.period if self.period is not None else default

    @property
    def silence_limit(self) -> float | None:
        """A pause longer than this (s) is a silence; None when the period is unknown."""
        if self.period is None:
            return None
        return max(SILENCE_PERIODS * self.period, SILENCE_MIN_S)

    def forward(self, when: float) -> float:
        """``when``, or just after the latest time when it would go back (monotonic times)."""
        if when < self._latest:
            when = self._latest + TICK_S
        self._latest = when
        return when

    def silence(self, when: float, steps: int = 1) -> tuple[float, float] | None:
        """Note a row at ``when``; return ``(start, end)`` of the silence before it, if any.

        ``steps``: how many periods the board counted since the row before (its sequence
        numbers; more than 1 when lines were lost on the way). Lost lines are counted
        elsewhere: they do not make the board look slow.
        """
        last, self.last = self.last, when
        if last is None:
            return None
        pause = when - last
        limit = self.silence_limit
        if limit is not None and pause > limit:
            return (last, when)
        if pause > 0:
            self._interval_sum += pause
            self._intervals += max(1, steps)
        return None

    def silence_until(self, end: float) -> tuple[float, float] | None:
        """At the end of a recording: the silence from the last row to ``end``, if any."""
        limit = self.silence_limit
        if self.last is not None and limit is not None and end - self.last > limit:
            return (self.last, end)
        return None

    def gap(self) -> None:
        """A gap was marked (unplugged, reset, silence): the next row starts a new stretch."""
        self.last = None

    def too_slow(self, at_end: bool = False) -> float | None:
        """The achieved period, the first time it is clearly longer than asked for; else None.

        Judged once there are enough rows (at the end of a recording: with fewer).
        """
        if self.slow is not None or self.period is None or not self._intervals:
            return None
        enough = self._intervals >= RATE_MIN_ROWS and self._interval_sum >= RATE_MIN_S
        if not enough and not (at_end and self._intervals >= RATE_MIN_ROWS // 2):
            return None
        achieved = self._interval_sum / self._intervals
        if achieved > SLOW_FACTOR * self.period:
            self.slow = achieved
            return achieved
        return None
