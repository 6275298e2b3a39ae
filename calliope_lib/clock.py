"""The host's clock: real time, or the simulated board's time when the board is simulated.

A recording stamps every row with "seconds since the start" and waits between attempts to
find an unplugged board. Both ask a :class:`Clock`. With a real board that is the computer's
monotonic clock (it never jumps when the wall clock is set). A simulated board running at
``sim://?speed=60`` brings its own clock, which runs 60 times faster, so a 30-second recording
takes half a real second and its timestamps still say 30 seconds.

>>> clock = clock_for(None)          # no simulated clock offered: real time
>>> start = clock.now()
>>> clock.sleep(0.01)
>>> clock.now() - start >= 0.01
True

Waiting for a command's answer is *not* done on this clock: an answer takes real time to
travel through the cable, whatever the speed of the simulated world.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Something that tells the time in seconds and can wait.

    :class:`calliope_lib.simulator.SimClock` fits this shape without knowing about it.
    """

    def now(self) -> float:
        """Seconds since some fixed moment (only differences mean something)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""
        ...


class RealClock:
    """The computer's clock: :func:`time.monotonic` and :func:`time.sleep`."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def __repr__(self) -> str:
        return "RealClock()"


#: The one real clock (it has no state, so everyone may share it).
REAL_TIME = RealClock()


def clock_for(simulated: Clock | None) -> Clock:
    """The clock a recording should use: the transport's simulated clock, else real time."""
    return simulated if simulated is not None else REAL_TIME
