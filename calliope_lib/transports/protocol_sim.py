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

import urllib.parse
from typing import Any

from serial.serialutil import SerialException

from calliope_lib.simulator.board import SimClock, SimulatedBoard
from calliope_lib.transports.virtual import VirtualPort

_INT = {"seed"}
_FLOAT = {"speed", "drop", "unplug_at", "unplug_for", "every"}
_PINS = {"p0", "p1", "p2", "p3", "c4", "c5", "c6", "c16", "c17"}


def parse_sim_url(url: str) -> dict[str, Any]:
    """The constructor arguments for :class:`SimulatedBoard` (plus ``speed``) from a URL."""
    parts = urllib.parse.urlsplit(url)
    # Bad options raise ValueError: connect() turns it into a BadAddressError with examples.
    if parts.scheme != "sim":
        raise ValueError(f"expected a URL starting with sim://, got {url!r}")
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
                raise KeyError(key)
        except KeyError:
            raise ValueError(f"unknown sim:// option {key!r}") from None
        except ValueError:
            raise ValueError(f"sim:// option {key}={value!r} is not a number") from None
    if pins:
        options["pins"] = pins
    if "every" in options:
        options["every_ms"] = int(round(options.pop("every") * 1000))
    return options


class Serial(VirtualPort):
    """A serial port whose other end is a :class:`SimulatedBoard`.

    It tells the host (:class:`~calliope_lib.transports.contract.PortFeatures`) that the
    board is simulated, its serial number and its clock, which may run faster than real time.
    """

    #: Before its hello the board is "simulated"; a ``kind=`` option changes what it says then.
    board_kind = "simulated"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.simulator: SimulatedBoard | None = None
        self.clock: SimClock | None = None
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def serial_number(self) -> str | None:
        """The simulated board's serial number (``sim://?serial_number=...``), once open."""
        return self.simulator.serial_number if self.simulator is not None else None

    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        if self.simulator is None:
            options = parse_sim_url(self.port)
            self.clock = SimClock(speed=options.pop("speed", 1.0))
            self.simulator = SimulatedBoard(clock=self.clock, **options)
        elif not self.simulator.replug_check():
            raise SerialException(
                2, f"could not open port {self.port}: [Errno 2] No such file or directory "
                "(simulated: unplugged)")
        self._buffer.clear()
        self.is_open = True

    def _check_open(self) -> None:
        super()._check_open()
        assert self.simulator is not None
        if self.simulator.unplugged():
            self.is_open = False
            raise SerialException("device reports readiness to read but returned no data "
                                  "(device disconnected or multiple access on port?)")

    def _poll(self) -> bytes:
        return self.simulator.poll()  # type: ignore[union-attr]

    def _seconds_to_next(self) -> float:
        return self.simulator.seconds_to_next_line()  # type: ignore[union-attr]

    def write(self, data: bytes) -> int:
        self._check_open()
        data = bytes(data)
        self.simulator.receive(data)  # type: ignore[union-attr]
        return len(data)

    def reset_input_buffer(self) -> None:
        if self.simulator is not None:
            self.simulator.poll()
        self._buffer.clear()
