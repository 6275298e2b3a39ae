"""The protocol core: pure functions and a parser from bytes to events; no I/O, no threads.

Everything that reads what a board sends goes through :class:`StreamParser`; everything that
speaks our firmware protocol uses :mod:`calliope_lib.protocol.firmware`. Keeping this free of
serial ports and clocks makes it testable with arbitrary bytes, fast to benchmark, and usable
in a browser (Web Serial, JupyterLite) one day.
"""

from .events import BadLine, BoardMessage, Columns, Event, Hello, Reply, Row
from .parser import StreamParser, numbered_names

__all__ = [
    "BadLine",
    "BoardMessage",
    "Columns",
    "Event",
    "Hello",
    "Reply",
    "Row",
    "StreamParser",
    "numbered_names",
]
