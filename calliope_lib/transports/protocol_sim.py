"""pyserial URL handler ``sim://``: the simulated board as a serial port.

URL parameters (all optional)::

    sim://?seed=3            reproducible values for seed 3 (default 0)
          &speed=60          run 60x faster than real time (host timestamps follow)
          &program=makecode  imitate a kid's program: makecode, numbers, mu, datalogger,
                             json, print, silent (default: our firmware)
          &channels=temperature,light&every=0.5   what such a program prints, how often (s)
          &p1=thermistor     a DIY sensor on pin P1 (thermistor, ldr, moisture, solar)
          &motion=walk       still, walk, pendulum, shake (acceleration)
          &drop=0.05         lose 5 % of the data lines on the way
          &unplug_at=5&unplug_for=2   pull the cable after 5 s for 2 s (simulated seconds)
          &kind=calliope-mini-3       what the board says it is (default "simulated")

The simulated board lives as long as this port object: closing and opening it again (what
the host does after a pulled cable) keeps its clock and state, and fails while "unplugged".
"""

from __future__ import annotations

import math
import time
import urllib.parse
from typing import Any

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

from ..simulator.board import SimClock, SimulatedBoard

_INT = {"seed"}
_FLOAT = {"speed", "drop", "unplug_at", "unplug_for", "every"}
_PINS = {"p0", "p1", "p2", "p3", "c4", "c5", "c6", "c16", "c17"}


def parse_sim_url(url: str) -> dict[str, Any]:
    """The constructor arguments for :class:`SimulatedBoard` (plus ``speed``) from a URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "sim":
        raise SerialException(f"expected a URL starting with sim://, got {url!r}")
    options: dict[str, Any] = {}
    pins: dict[str, str] = {}
    for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        try:
            if key in _INT:
                options[key] = int(value)
            elif key in _FLOAT:
                options[key] = float(value)
            elif key in _PINS:
                pins[key] = value
            elif key == "channels":
                options[key] = tuple(v for v in value.split(",") if v)
            elif key in ("program", "motion", "kind", "serial_number"):
                options[key] = value
            else:
                raise SerialException(f"unknown sim:// option {key!r}")
        except ValueError:
            raise SerialException(f"sim:// option {key}={value!r} is not a number") from None
    if pins:
        options["pins"] = pins
    if "every" in options:
        options["every_ms"] = int(round(options.pop("every") * 1000))
    return options


class Serial(SerialBase):
    """A serial port whose other end is a :class:`SimulatedBoard`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.simulator: SimulatedBoard | None = None
        self.clock: SimClock | None = None
        self._buffer = bytearray()
        super().__init__(*args, **kwargs)

    # -- SerialBase -------------------------------------------------------------------------
    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        if self.simulator is None:
            options = parse_sim_url(self.port)
            self.clock = SimClock(speed=options.pop("speed", 1.0))
            try:
                self.simulator = SimulatedBoard(clock=self.clock, **options)
            except ValueError as exc:
                raise SerialException(str(exc)) from exc
        elif not self.simulator.replug_check():
            raise SerialException(2, f"could not open port {self.port}: [Errno 2] No such file or directory (simulated: unplugged)")
        self._buffer.clear()
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def _reconfigure_port(self) -> None:  # no settings to apply to a simulation
        pass

    def _check_plugged(self) -> None:
        if not self.is_open:
            raise PortNotOpenError()
        assert self.simulator is not None
        if self.simulator.unplugged():
            self.is_open = False
            raise SerialException("device reports readiness to read but returned no data "
                                  "(device disconnected or multiple access on port?)")

    @property
    def in_waiting(self) -> int:
        self._check_plugged()
        self._buffer += self.simulator.poll()  # type: ignore[union-attr]
        return len(self._buffer)

    def read(self, size: int = 1) -> bytes:
        self._check_plugged()
        sim, clock = self.simulator, self.clock
        assert sim is not None and clock is not None
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        while True:
            self._buffer += sim.poll()
            if len(self._buffer) >= size:
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            wait_real = sim.seconds_to_next_line() / clock.speed
            if deadline is not None:
                wait_real = min(wait_real, deadline - now)
            if math.isinf(wait_real):
                wait_real = 0.05
            time.sleep(max(wait_real, 0.0005))
            self._check_plugged()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def write(self, data: bytes) -> int:
        self._check_plugged()
        data = bytes(data)
        self.simulator.receive(data)  # type: ignore[union-attr]
        return len(data)

    def reset_input_buffer(self) -> None:
        if self.simulator is not None:
            self.simulator.poll()
        self._buffer.clear()

    def reset_output_buffer(self) -> None:
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
