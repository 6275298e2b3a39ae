"""The simulated board: our firmware protocol (or a kid's program) over simulated physics.

Use it through ``cl.connect("sim")`` (a pyserial URL scheme, so it runs through exactly the
code a real port does) or on a pseudo-terminal for other serial programs
(``calliope-mini simulate --pty``, :func:`calliope_lib.transports.pty.serve_pty`).
"""

from calliope_lib.simulator.board import PROGRAMS, SIM_CHANNELS, SimClock, SimulatedBoard
from calliope_lib.simulator.environment import Environment

__all__ = ["Environment", "PROGRAMS", "SIM_CHANNELS", "SimClock", "SimulatedBoard"]
