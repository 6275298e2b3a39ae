"""The protocol core: pure functions and a parser from bytes to events; no I/O, no threads.

Everything that reads what a board sends goes through :class:`StreamParser`; everything that
speaks our firmware protocol uses :mod:`calliope_lib.protocol.firmware`, and the ``$HELLO``
line by which our firmware makes itself known is read and written only by
:mod:`calliope_lib.protocol.hello` (:func:`parse_hello`, :func:`find_hello`). Keeping this free of
serial ports and clocks makes it testable with arbitrary bytes, fast to benchmark, and usable
in a browser (Web Serial, JupyterLite) one day.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calliope_lib.protocol.events import (
        BadLine,
        BoardMessage,
        Columns,
        Event,
        Hello,
        Reply,
        Row,
        Rows,
        expand,
    )
    from calliope_lib.protocol.hello import find_hello, parse_hello
    from calliope_lib.protocol.parser import StreamParser, numbered_names

# Imported on first use: ``import calliope_lib`` reads only ``protocol.version``.
_WHERE = {"StreamParser": "parser", "numbered_names": "parser",
          "parse_hello": "hello", "find_hello": "hello"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'calliope_lib.protocol' has no attribute {name!r}")
    module = importlib.import_module(f"calliope_lib.protocol.{_WHERE.get(name, 'events')}")
    value = getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "BadLine",
    "BoardMessage",
    "Columns",
    "Event",
    "Hello",
    "Reply",
    "Row",
    "Rows",
    "StreamParser",
    "expand",
    "find_hello",
    "numbered_names",
    "parse_hello",
]
