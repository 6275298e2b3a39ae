"""A base for serial ports whose other end is Python code (the simulator, a replayed file).

Subclasses say what has arrived (:meth:`VirtualPort._poll`) and how long until more arrives
(:meth:`VirtualPort._seconds_to_next`, in simulated seconds); this class does what pyserial
expects of a port: ``read`` with a timeout, ``in_waiting``, buffers, and no-op line settings.
Reading waits on the simulated clock, so a port running at ``speed=60`` sleeps 1/60 as long.

Such ports know more than a real one (their clock, perhaps the board's kind or the units):
they say so through :class:`~calliope_lib.transports.contract.PortFeatures`.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from serial.serialutil import PortNotOpenError, SerialBase

from calliope_lib.transports.contract import PortFeatures

if TYPE_CHECKING:
    from calliope_lib.simulator.board import SimClock


class VirtualPort(SerialBase, PortFeatures):
    """A pyserial port fed by :meth:`_poll`.

    Subclasses must set ``clock`` (a :class:`~calliope_lib.simulator.SimClock`) when they
    open: reading waits on it.
    """

    clock: SimClock | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._buffer = bytearray()
        super().__init__(*args, **kwargs)

    # -- for subclasses -------------------------------------------------------------------
    def _poll(self) -> bytes:
        """Bytes that arrived since the last call."""
        raise NotImplementedError

    def _seconds_to_next(self) -> float:
        """Simulated seconds until more bytes arrive (``math.inf``: nothing planned)."""
        raise NotImplementedError

    def _check_open(self) -> None:
        """Raise if the port cannot be read (closed; a simulated cable pulled...)."""
        if not self.is_open:
            raise PortNotOpenError()

    # -- pyserial's interface ---------------------------------------------------------------
    @property
    def in_waiting(self) -> int:
        self._check_open()
        self._buffer += self._poll()
        return len(self._buffer)

    def read(self, size: int = 1) -> bytes:
        self._check_open()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        while True:
            self._buffer += self._poll()
            if len(self._buffer) >= size:
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            assert self.clock is not None, "a virtual port sets its clock when it opens"
            wait = self._seconds_to_next() / self.clock.speed
            if deadline is not None:
                wait = min(wait, deadline - now)
            if math.isinf(wait):
                wait = 0.05
            time.sleep(max(wait, 0.0005))
            self._check_open()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def close(self) -> None:
        self.is_open = False

    def reset_input_buffer(self) -> None:
        self._buffer.clear()

    def reset_output_buffer(self) -> None:
        pass

    def _reconfigure_port(self) -> None:  # baud rate and friends mean nothing here
        pass

    def _update_break_state(self) -> None:
        pass

    def _update_rts_state(self) -> None:
        pass

    def _update_dtr_state(self) -> None:
        pass

    @property
    def cts(self) -> bool:
        return True

    @property
    def dsr(self) -> bool:
        return True

    @property
    def ri(self) -> bool:
        return False

    @property
    def cd(self) -> bool:
        return True
