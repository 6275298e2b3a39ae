"""What the parser makes of the bytes a board sends: small immutable events.

The parser (:mod:`calliope_lib.protocol.parser`) turns bytes into a list of these. Data
comes in two shapes: a :class:`Row` is one line; a :class:`Rows` block is many lines of one
shape that arrived in one piece (a chunk of firmware ``$D`` lines, CSV rows, Mu tuples),
kept as columns, so that a million lines per second cost no million objects. Which of the
two a line ends up in depends on how the bytes were cut into reads; what they say does not:
:func:`expand` turns blocks into rows (the normal form every promise is stated in).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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


class Rows(NamedTuple):
    """Many lines of one shape at once, as columns: the parser's block of a chunk.

    ``names`` are the channels, ``columns`` one sequence of values per name (an
    ``array('d')``, or a list where a cell may be None: an empty CSV cell, no value in that
    line), all of the same length: the number of lines. ``board_ms`` and ``seqs`` hold one
    board time / sequence number per line, or are None when the lines carried none.
    ``units`` is as in :class:`Row` (the block shapes never name units: always None).

    Line ``i`` is ``Row(names, tuple(c[i] for c in columns), board_ms[i], seqs[i])``, with
    the names of None cells left out; :meth:`rows` makes exactly those.

    >>> from array import array
    >>> block = Rows(("a", "b"), (array("d", [1, 2]), array("d", [3, 4])), None, None)
    >>> len(block.columns[0]), list(block.rows())[1]
    (2, Row(names=('a', 'b'), values=(2.0, 4.0), board_ms=None, seq=None, units=None))
    """

    names: tuple[str, ...]
    columns: tuple[Sequence[float | None], ...]
    board_ms: Sequence[float] | None = None
    seqs: Sequence[int] | None = None
    units: tuple[str, ...] | None = None

    @property
    def line_count(self) -> int:
        """How many lines the block holds (``len()`` of a NamedTuple counts its fields)."""
        return len(self.columns[0])

    def rows(self) -> Iterator[Row]:
        """The block as one :class:`Row` per line (what line-by-line parsing gives)."""
        count = self.line_count
        names, units = self.names, self.units
        times = self.board_ms if self.board_ms is not None else [None] * count
        seqs = self.seqs if self.seqs is not None else [None] * count
        holes = any(None in column for column in self.columns if isinstance(column, list))
        for values, board_ms, seq in zip(zip(*self.columns), times, seqs):
            if holes and None in values:
                kept = [(n, v) for n, v in zip(names, values) if v is not None]
                yield Row(tuple(n for n, _ in kept), tuple(v for _, v in kept),  # type: ignore[misc]
                          board_ms, seq, units)
            else:
                yield Row(names, values, board_ms, seq, units)  # type: ignore[arg-type]


def expand(events: Iterable[Event]) -> list[Event]:
    """The events with every :class:`Rows` block written out as its :class:`Row` lines: the
    normal form, the same for every way the bytes were cut into reads.

    >>> from array import array
    >>> expand([Columns(("a",)), Rows(("a",), (array("d", [1, 2]),))])[1:]
    [Row(names=('a',), values=(1.0,), board_ms=None, seq=None, units=None), \
Row(names=('a',), values=(2.0,), board_ms=None, seq=None, units=None)]
    """
    out: list[Event] = []
    for event in events:
        if isinstance(event, Rows):
            out.extend(event.rows())
        else:
            out.append(event)
    return out


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

Event = Union[Row, Rows, Hello, Reply, Columns, BoardMessage, BadLine]
