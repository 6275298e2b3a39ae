"""Both ends of the firmware protocol in ``calliope_lib/protocol/PROTOCOL.md``, as pure functions.

The host encodes its commands with :func:`command`; the simulated board formats its answers
and data lines with :func:`format_data_line` and friends, so host and simulator cannot drift
apart. The ``$HELLO`` line has its own module, :mod:`calliope_lib.protocol.hello`.

>>> command("cols", ["temperature", "light"])
b'cols temperature,light\\n'
>>> format_data_line(3, 1500, [21.25, 128])
'$D 3 1500 21.25,128'
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

#: ``$D`` sequence numbers wrap from this value - 1 back to 0.
SEQ_MODULO = 1_000_000
#: Allowed period between data lines, in milliseconds.
MIN_PERIOD_MS = 10
MAX_PERIOD_MS = 3_600_000
#: Longest command line the board accepts.
MAX_COMMAND_BYTES = 200

COMMANDS = ("hello", "info", "channels", "cols", "cols?", "every", "start", "stop", "read")
#: Sent before every command: ends a half line the board may still hold (bytes lost on the
#: way, a command that timed out), so the command itself always starts a fresh line. The
#: board ignores empty lines.
RESYNC = b"\n"


def command(name: str, argument: str | int | Iterable[str] | None = None) -> bytes:
    """Encode one host command as the bytes to write (``\\n``-terminated)."""
    if name not in COMMANDS:
        raise ValueError(f"unknown command {name!r}")
    if argument is None:
        return f"{name}\n".encode("ascii")
    if not isinstance(argument, (str, int)):
        argument = ",".join(argument)
    return f"{name} {argument}\n".encode("ascii")


def format_value(value: float) -> str:
    """A value as the firmware sends it: integers bare, others with up to 4 decimals."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "nan"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.4f}".rstrip("0")
    return text


def parse_stop_report(text: str) -> tuple[int, int] | None:
    """``(lines sent, milliseconds)`` from the text of ``$OK stop sent=<n> ms=<ms>``.

    The firmware reports the rate it achieved when a stream stops; a board that does not
    (an older firmware, the simulator) gives None.

    >>> parse_stop_report("sent=980 ms=10004")
    (980, 10004)
    >>> parse_stop_report("") is None
    True
    """
    fields = dict(f.split("=", 1) for f in text.split() if "=" in f)
    try:
        return int(fields["sent"]), int(fields["ms"])
    except (KeyError, ValueError):
        return None


def format_data_line(seq: int, board_ms: int, values: Sequence[float]) -> str:
    """A ``$D`` data line (without line end)."""
    return f"$D {seq % SEQ_MODULO} {board_ms} " + ",".join(format_value(v) for v in values)


def format_ok(cmd: str, text: str = "") -> str:
    return f"$OK {cmd} {text}" if text else f"$OK {cmd}"


def format_err(cmd: str, reason: str) -> str:
    return f"$ERR {cmd} {reason}"


def lost_between(previous_seq: int | None, seq: int) -> int:
    """How many data lines were lost between two consecutive sequence numbers."""
    if previous_seq is None:
        return 0
    return (seq - previous_seq - 1) % SEQ_MODULO
