"""What the parser makes of the bytes a board sends: small immutable events.

The parser (:mod:`calliope_lib.protocol.parser`) turns bytes into a list of these. The
:class:`Row` is by far the most common one and is kept as a plain ``NamedTuple`` so that a
million of them per second stay affordable.
"""

from __future__ import annotations

from typing import NamedTuple, Union


class Row(NamedTuple):
    """Values that arrived together on one line.

    ``names`` and ``values`` have the same length. ``board_ms`` is the board's own clock in
    milliseconds when the line carried one (our firmware, the MakeCode datalogger), ``seq`` the
    firmware's sequence number. ``units``, when the line named them (``temp: 21 °C``), holds
    one unit per name (``""`` where a value came without a known unit); None otherwise.

    >>> Row(("temperature", "light"), (21.0, 128.0), 10234, 0)
    Row(names=('temperature', 'light'), values=(21.0, 128.0), board_ms=10234, seq=0, units=None)
    """

    names: tuple[str, ...]
    values: tuple[float, ...]
    board_ms: float | None = None
    seq: int | None = None
    units: tuple[str, ...] | None = None


class Hello(NamedTuple):
    """The firmware's ``$HELLO`` line: ``fields`` holds ``proto``, ``fw``, ``board``...

    Read by :mod:`calliope_lib.protocol.hello`; the properties name the fields every host
    needs, None when the board did not send them.

    >>> Hello({"proto": "1", "fw": "0.1.0", "board": "calliope-mini-1"}).firmware
    '0.1.0'
    """

    fields: dict[str, str]

    @property
    def firmware(self) -> str | None:
        """The firmware version (``fw=``), e.g. ``"0.1.0"``."""
        return self.fields.get("fw")

    @property
    def board(self) -> str | None:
        """The board kind the firmware reports (``board=``), e.g. ``"calliope-mini-3"``."""
        return self.fields.get("board")

    @property
    def proto(self) -> int | None:
        """The protocol version (``proto=``) as a number, None if missing or not a number."""
        value = self.fields.get("proto", "")
        return int(value) if value.isdigit() else None


class Reply(NamedTuple):
    """The answer to a command: ``$OK <command> <text>`` or ``$ERR <command> <text>``."""

    ok: bool
    command: str
    text: str


class Columns(NamedTuple):
    """The firmware's ``$COLS`` line: the channel order of the following data lines."""

    names: tuple[str, ...]


class BoardMessage(NamedTuple):
    """Text the board printed that is not data: the REPL banner, a traceback's last line.

    ``kind`` says what the text is; a host shows the kid only ``"error"``:

    * ``"error"``: an error report of the program on the board (the last line of a
      MicroPython traceback of ``main.py``);
    * ``"traceback"``: the other lines of such a traceback;
    * ``"repl"``: the MicroPython prompt (``>>>``) and what happened there: the echo of text
      sent to a board that runs no program (our ``hello`` probe) and the traceback it caused
      (``NameError: name 'hello' isn't defined``, from ``File "<stdin>"``). Not the kid's
      error: the board simply sits at its prompt;
    * ``"chatter"``: the REPL's banner and reboot messages;
    * ``"header"``: a line of column names (``Time (seconds),temp``, ``sep=``), or a line that
      looked like one (``Hallo, Welt``): it names later rows only when they fit it.
    """

    kind: str
    text: str


class BadLine(NamedTuple):
    """A line that could not be read; ``reason`` is one of :data:`BAD_REASONS`."""

    reason: str
    text: str


#: Why a line was counted as bad.
#: ``interrupted``: the start of a line the board never finished because it restarted
#: (a ``$HELLO`` follows in the same line).
BAD_REASONS = ("not_utf8", "control_chars", "too_long", "unreadable", "columns_mismatch",
               "interrupted")

Event = Union[Row, Hello, Reply, Columns, BoardMessage, BadLine]
