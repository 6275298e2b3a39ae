"""Bytes in, events out: the one parser for everything a board may print.

No I/O, no threads, no clocks: feed it bytes in whatever pieces they arrive, get back the
:mod:`events <calliope_lib.protocol.events>` of every complete line. A partial line waits
for the next piece. The format is recognised per line, so formats may be mixed freely:

==========================  ==========================================  ======================
format                      example line                                channels
==========================  ==========================================  ======================
our firmware                ``$D 17 12345 21,128``                      from ``$COLS``
MakeCode ``writeValue``     ``temp:21`` (space-padded to 32 bytes)      ``temp``
a number with its unit      ``temp: 21 °C``, ``temp:21C``, ``light:5 lx``  ``temp`` (unit °C)
MakeCode ``writeNumbers``   ``1,2,3`` (also ``1,2,3,``)                 ``wert1``…
MakeCode datalogger         ``Time (seconds),temp`` then ``1.50,21``    ``temp`` (+ board time)
CSV with header             ``a,b`` then ``1,2`` (or tab-separated)     ``a``, ``b``
Mu tuple                    ``(1, 2.5)``                                ``wert1``, ``wert2``
JSON                        ``{"temp": 21.5}`` / ``{"n":"temp","v":21}``  ``temp``
numbers with spaces         ``21 128`` (MicroPython ``print(a, b)``)    ``wert1``, ``wert2``
bare number                 ``21.5``                                    ``wert``
==========================  ==========================================  ======================

The promises (each one proved by a property test in ``tests/core/test_parser_*.py``):

* **One stream, one result.** The events depend only on the bytes, never on how they were
  cut into reads (1 byte or 8 KiB at a time, lines longer than :data:`MAX_LINE` included);
  only which lines share a :class:`Rows` block does (compare them with
  :func:`~calliope_lib.protocol.events.expand`).
  Line ends are ``\\n``, ``\\r`` or ``\\r\\n``; blank lines carry nothing.
* **Every line is counted once**: as data (a :class:`Row`, or one line of a :class:`Rows`
  block), as a bad line with its reason
  (:class:`BadLine`, counted in :attr:`StreamParser.bad_lines`), or as text ignored by rule
  (:class:`BoardMessage`: the REPL, a traceback, a header) or protocol (``$OK``, ``$COLS``,
  ``$HELLO``). Only a line cut short by a board restart gives two events: the broken start
  (bad, ``interrupted``) and the ``$HELLO`` behind it.
* **Never raises** on input, of any exception type (deep JSON, huge numbers, NUL bytes...).
* **Columns are confirmed, not guessed**: a line of words (``Hallo, Welt``) names later rows
  only when they have as many cells; a row whose cell count differs from the rows before is
  flagged (``columns_mismatch``: bytes were lost) instead of creating channels ``wert4``,
  ``wert5``; the second row in a row with the new count is believed (the program changed).
  Empty cells (``1.00,,130``: the datalogger logs columns in separate blocks) are missing
  values; the filled cells are kept.

Speed: a chunk whose lines all have one numeric shape (firmware ``$D`` lines, CSV rows, Mu
tuples, bare numbers, datalogger rows) becomes one :class:`~calliope_lib.protocol.events.Rows`
block instead of a Row per line: the JSON scanner reads the whole chunk as one array of
numbers, with markers that prove every line has the same shape (:meth:`_Scanner.grid`),
repeating decimals are looked up in a small cache, and each column becomes an
``array('d')`` — no object per line. The block says exactly what the line-by-line path says
(:func:`~calliope_lib.protocol.events.expand`, property-tested); anything unusual goes line
by line.

>>> p = StreamParser()
>>> p.feed(b"temp:21                         \\r\\nlig")
[Row(names=('temp',), values=(21.0,), board_ms=None, seq=None, units=None)]
>>> p.feed(b"ht: 5 lx\\n")
[Row(names=('light',), values=(5.0,), board_ms=None, seq=None, units=('lx',))]
"""

from __future__ import annotations

import json
import math
import re
import struct
from array import array
from collections import deque
from collections.abc import Callable, Sequence
from itertools import repeat

from calliope_lib.protocol.events import (
    BadLine,
    BoardMessage,
    Columns,
    Event,
    Reply,
    Row,
    Rows,
)
from calliope_lib.protocol.firmware import SEQ_MODULO
from calliope_lib.protocol.hello import parse_hello

#: Longer lines (in bytes, without the line end) are not data; they become one ``too_long``
#: bad line, whatever the read sizes. (MakeCode's chart viewer cuts at 255; ours stay far below.)
MAX_LINE = 1024
#: A jump in sequence numbers larger than this is a restart of the board, not lost lines.
MAX_PLAUSIBLE_LOSS = 100_000
#: Chunks with fewer lines than this are parsed line by line (the block step would not pay).
_BLOCK_MIN = 8

_CHATTER_PREFIXES = (
    "MicroPython v",
    'Type "help()"',
    "...",
    "soft reboot",
    "MPY: soft reboot",
    "raw REPL",
    "paste mode",
)

#: Units a line may name after its number, as the project writes them (``°C``, ``lx``...).
KNOWN_UNITS = {
    "°C": "°C", "C": "°C", "°c": "°C", "°F": "°F", "K": "K",
    "lx": "lx", "lux": "lx", "Lux": "lx",
    "%": "%", "mg": "mg", "g": "g", "m/s²": "m/s²", "m/s2": "m/s²", "m/s^2": "m/s²",
    "hPa": "hPa", "Pa": "Pa", "mm": "mm", "cm": "cm", "m": "m", "km": "km",
    "ms": "ms", "s": "s", "min": "min", "h": "h",
    "V": "V", "mV": "mV", "A": "A", "mA": "mA", "Ω": "Ω", "Ohm": "Ω", "kΩ": "kΩ",
    "dB": "dB", "°": "°", "Hz": "Hz", "µT": "µT", "uT": "µT", "ppm": "ppm",
    "m/s": "m/s", "km/h": "km/h", "rpm": "rpm",
}
# A number, then maybe a unit: something short that does not start like a number.
_VALUE_UNIT = re.compile(
    r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s.,;:=+\-][^\s,;:=]{0,11})?\s*")
#: The JSON scanner itself (``decode`` without its two regular expressions around it).
_SCAN = json.JSONDecoder().scan_once
_MINUS_ZERO = re.compile(r"-0(?![.\deE])")


class _FloatCache(dict):
    """``cache[text]`` is ``float(text)``, converted on first use (see :class:`_Scanner`)."""

    def __missing__(self, text: str) -> float:
        value = self[text] = float(text)
        return value


class _Scanner:
    """Reads the numbers of a whole chunk in one C-level step (see :meth:`grid`).

    The JSON scanner reads integers fast but a decimal like ``21.5`` as slowly as
    ``float()``. Sensor values repeat (a temperature, a light level), so decimal texts are
    looked up in a small cache and converted only once. A chunk of mostly new decimals
    (the datalogger's clock, fine fractions) turns the cache off for a while.
    """

    def __init__(self) -> None:
        self._cache = _FloatCache()
        self._cached = json.JSONDecoder(parse_float=self._cache.__getitem__).scan_once
        self._rest = 0  # chunks to read without the cache (its texts did not repeat)

    def grid(self, body: str, count: int, cells: int, holes: bool = False,
             spaces: bool = False, sep: str = "\n") -> list | None:
        """The numbers of ``count`` lines (``body``: joined by ``sep``) of ``cells``
        comma-separated numbers each: the JSON scanner reads the whole chunk as one array
        (3-4 times faster than ``float()`` per cell), with an empty string after each line.
        The result is flat, ``cells + 1`` items per line; None when a line holds another
        count of cells (the empty strings are then out of place).

        Where ``float()`` and JSON both accept a cell, they agree on its value; anything JSON
        reads differently or not at all (``+1``, ``1_0``, ``inf``, ``-0``, ``007``) raises
        ValueError, and the chunk goes line by line, where ``float()`` decides. ``holes``:
        empty cells (``1.00,,130``) become None; without it they raise too. ``spaces``: a
        space also separates two cells and is itself a cell, None (so the caller can check
        where the spaces were; a ``sep`` holding a space is replaced first).
        """
        if '"' in body or "[" in body or "{" in body or "u" in body or "l" in body:
            raise ValueError("not numbers")  # null, true, false, text, lists: JSON, not float()
        if _MINUS_ZERO.search(body):
            raise ValueError("-0")  # JSON reads it as the integer 0; float() keeps the sign
        if "n" in body and "nan" in body:
            body = body.replace("nan", "NaN")  # what our firmware sends for "no reading"
        text = body.replace(sep, ',"",')
        if spaces:
            text = text.replace(" ", ",null,")
        if holes:
            text = f",{text},".replace(",,", ",null,").replace(",,", ",null,")[1:-1]
        text = f'[{text},""]'
        try:
            if self._rest or "." not in body and "e" not in body and "E" not in body:
                self._rest = max(0, self._rest - 1)
                flat, end = _SCAN(text, 0)
            else:
                cache = self._cache
                if len(cache) > _CACHE_SIZE:
                    cache.clear()
                known = len(cache)
                flat, end = self._cached(text, 0)
                if (len(cache) - known) * 4 > count:
                    self._rest = 16
        except StopIteration:  # how the scanner says "not JSON"
            raise ValueError("not numbers") from None
        if end != len(text):
            raise ValueError("not numbers")  # a "]" in a line
        if len(flat) != count * (cells + 1) or flat[cells::cells + 1].count("") != count:
            return None
        return flat


_PACKERS: dict[int, struct.Struct] = {}


def _doubles(cells: list) -> array:
    """``array('d', cells)``, a third faster: ``struct`` converts each number without
    parsing a format per item. Raises (struct.error, OverflowError) for anything else."""
    packer = _PACKERS.get(len(cells))
    if packer is None:
        if len(_PACKERS) > 64:
            _PACKERS.clear()
        packer = _PACKERS[len(cells)] = struct.Struct(f"{len(cells)}d")
    out = array("d")
    out.frombytes(packer.pack(*cells))
    return out


def _columns(flat: list, stride: int, indexes: range | list[int]) -> list[array]:
    """The columns ``indexes`` of a flat grid (``stride`` items per line) as arrays of
    doubles, converted in one step for all of them."""
    cells: list = []
    for index in indexes:
        cells += flat[index::stride]
    packed = _doubles(cells)
    count = len(cells) // len(indexes)
    return [packed[k:k + count] for k in range(0, len(cells), count)]


def _column(cells: list) -> Sequence[float | None]:
    """One column of a CSV block as floats: an ``array('d')``, or a list with None where a
    cell was empty."""
    if None not in cells:
        return _doubles(cells)
    return [None if cell is None else float(cell) for cell in cells]


_PROMPT = re.compile(r"^(?:>>> ?|\.\.\. )+")
#: Distinct decimal texts remembered with their value (per parser), see :class:`_Scanner`.
_CACHE_SIZE = 4096

def _numbered(count: int) -> tuple[str, ...]:
    return tuple(f"wert{i}" for i in range(1, count + 1))


_NUMBERED = [_numbered(n) for n in range(33)]


def _row(names: tuple, values: tuple, board_ms: float | None, seq: int | None) -> Row:
    """``Row(...)`` for the hot path: skips NamedTuple's Python-level ``__new__`` (~40 % faster)."""
    return tuple.__new__(Row, (names, values, board_ms, seq, None))


def numbered_names(count: int) -> tuple[str, ...]:
    """Channel names for unnamed columns: ``wert1``, ``wert2``, …"""
    return _NUMBERED[count] if count < len(_NUMBERED) else _numbered(count)


_WORD = re.compile(r"^[^\W\d][\w .()%°/\-]*$")


def _is_word(text: str) -> bool:
    """A plausible column name in a CSV header: starts with a letter, no quotes, not a number."""
    text = text.strip()
    if not _WORD.match(text):
        return False
    try:
        float(text)  # "nan", "inf" are numbers, not names
    except ValueError:
        return True
    return False


def _short(raw: bytes) -> str:
    """The first 40 bytes of a line, as text for a :class:`BadLine` (same for every split)."""
    return raw[:40].decode("utf-8", "replace")


def _one_line_end(data: bytes) -> bytes:
    """``\\r\\n`` and ``\\r`` made ``\\n``."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def _first_line_end(data: bytes) -> int:
    """Index of the first ``\\n`` or ``\\r`` in ``data``, -1 if none."""
    lf = data.find(b"\n")
    cr = data.find(b"\r")
    if lf < 0:
        return cr
    return lf if cr < 0 or lf < cr else cr


class StreamParser:
    """Stateful line parser for one connection (keeps partial lines, headers, column counts).

    Attributes that count what happened:

    * ``bad_lines``: lines that could not be read (garbage, bad UTF-8, overlong, lost bytes...)
    * ``lost_lines``: firmware data lines missing according to their sequence numbers
    * ``bad_examples``: the last few bad lines, shortened, to show the user
    """

    def __init__(self) -> None:
        self._pending = b""
        self._discarding = False  # inside an overlong line: drop until the next line end
        self.bad_lines = 0
        self.lost_lines = 0
        self.bad_examples: deque[BadLine] = deque(maxlen=5)
        # Column names announced by a header line (None: none), and whether a row has used it.
        self._header: tuple[str, ...] | None = None
        self._header_has_time = False
        self._header_confirmed = False
        # Cell count of the last accepted CSV row, and a different count seen once since.
        self._width: int | None = None
        self._odd_width: int | None = None
        # Columns of our firmware's data lines and the last sequence number.
        self._fw_columns: tuple[str, ...] = ()
        self._last_seq: int | None = None
        # Inside a MicroPython traceback; whether it came from the REPL (``File "<stdin>"``).
        self._in_traceback = False
        self._traceback_repl = False
        self._after_prompt = False  # the last line was the REPL's prompt (with an echo)
        self._grid = _Scanner().grid

    # -- bytes to lines -------------------------------------------------------------------
    def feed(self, data: bytes) -> list[Event]:
        """Parse ``data`` (any piece of the byte stream) and return the events of complete lines."""
        if self._pending:
            data = self._pending + data
            self._pending = b""
        cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
        events: list[Event] = []
        if cut >= 0:
            body = data[:cut]
            if self._discarding:
                # The first line of this piece is the rest of an overlong line.
                self._discarding = False
                first_end = _first_line_end(body)
                body = b"" if first_end < 0 else body[first_end + 1:]
            if body:
                events = self._body(body)
            rest = data[cut + 1:]
        elif self._discarding:
            return events
        else:
            rest = data
        if len(rest) > MAX_LINE:
            events.append(self._bad("too_long", _short(rest)))
            self._discarding = True
        else:
            self._pending = rest
        return events

    def flush(self) -> list[Event]:
        """End of stream: a partial line left over counts as bad (the cable was pulled mid-line)."""
        rest, self._pending = self._pending, b""
        self._discarding = False
        if not rest.strip(b" \t\x00"):
            return []
        return [self._bad("unreadable", _short(rest))]

    def _body(self, body: bytes) -> list[Event]:
        """Complete lines (without the final line end) to events."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._parse_raw_lines(_one_line_end(body).split(b"\n"))
        if "\r" in text:
            if text[-1] == "\r":  # the "\r" of the last "\r\n" (or a blank line): no line
                text = text[:-1]
            lines = text.split("\r\n")
            # Only "\r\n" ends (no lone "\r" or "\n"): split already. Else make them one kind.
            if not text.count("\r") == text.count("\n") == len(lines) - 1:
                lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        else:
            lines = text.split("\n")
        if len(body) > MAX_LINE and max(map(len, lines)) > MAX_LINE // 4:
            # maybe an overlong line inside
            return self._parse_raw_lines(_one_line_end(body).split(b"\n"))
        return self.parse_lines(lines)

    def _parse_raw_lines(self, raw_lines: list[bytes]) -> list[Event]:
        """Line by line, for chunks with bad UTF-8 or overlong lines in them."""
        events: list[Event] = []
        for raw in raw_lines:
            if len(raw) > MAX_LINE:
                events.append(self._bad("too_long", _short(raw)))
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                if raw.strip():
                    events.append(self._bad("not_utf8", _short(raw)))
                continue
            events.extend(self.parse_lines([line]))
        return events

    # -- lines to events ------------------------------------------------------------------
    def parse_lines(self, lines: list[str]) -> list[Event]:
        """Parse decoded lines (without line ends). The hot path: keep it lean."""
        if len(lines) >= _BLOCK_MIN and not self._in_traceback:
            block = self._block(lines)
            if block is not None:
                return block
        events: list[Event] = []
        append = events.append
        slow = self._line
        # Outside a traceback and not just after a prompt, "name:value" takes the fast way.
        quiet = not (self._in_traceback or self._after_prompt)
        for line in lines:
            line = line.rstrip()
            if not line:
                continue
            first = line[0]
            if first == "$" and line.startswith("$D "):
                row = self._firmware_data(line)
                if row is not None:
                    append(row)
                    continue
            elif quiet and first not in "{($>":
                # MakeCode writeValue "name:value": the most common line of all.
                name, sep, value = line.partition(":")
                if sep and name:
                    try:
                        number = float(value)
                    except ValueError:
                        pass
                    else:
                        if name.isprintable():
                            append(_row((name.strip(),), (number,), None, None))
                            continue
            slow(line, append)
            quiet = not (self._in_traceback or self._after_prompt)
        return events

    def _line(self, line: str, append: Callable[[Event], None]) -> None:
        """One line (stripped on the right, not empty) that the fast paths did not take."""
        try:
            # A board that restarted in the middle of a line: its $HELLO follows the broken
            # start of that line. The start is a bad line, the hello counts as usual.
            start = line.find("$HELLO ", 1)
            while start > 0 and parse_hello(line[start:]) is not None:
                before = line[:start].strip("\x00 ")
                if before and _PROMPT.fullmatch(before) is None:  # NULs, a prompt: no line
                    append(self._bad("interrupted", line[:start][:40]))
                line = line[start:]
                start = line.find("$HELLO ", 1)
            event = self._one(line)
            if type(event) is list:  # a line read again after cleaning: all its events
                for one in event:
                    append(one)
            else:
                append(event)
        except Exception:  # the promise: nothing escapes, whatever the line holds
            append(self._bad("unreadable", line[:40]))

    def _one(self, line: str) -> Event | list[Event]:
        first = line[0]
        after_prompt, self._after_prompt = self._after_prompt, False
        if first == "$":
            if line.startswith("$D "):
                row = self._firmware_data(line)
                if row is not None:
                    return row
            return self._firmware_other(line)
        if not line.isprintable():
            if "\x00" in line:
                # NUL bytes (a board waking up) around a line are noise; inside a line they
                # are lost bytes: the digits on both sides must never join.
                stripped = line.strip("\x00 ")
                if not stripped or "\x00" in stripped:
                    return self._bad("control_chars", line[:40])
                return self._reparse(stripped)
            if ("\t" in line and "," not in line and line.replace("\t", "").isprintable()
                    and not self._in_traceback and not line.startswith(("\t", " "))):
                return self._csv(line, "\t")  # tab-separated cells
            line = line.replace("\t", " ")
            if not line.isprintable():
                return self._bad("control_chars", line[:40])
        if self._in_traceback or line.startswith("Traceback ("):
            return self._text(line, after_prompt)
        if first == ">" or (first == "." and after_prompt):
            prompt = _PROMPT.match(line)
            if prompt is not None:
                return self._prompt(line, line[prompt.end():])
        if first == "{":
            return self._json(line)
        if first == "(" and line.endswith(")"):
            return self._tuple(line[1:-1])
        if "," in line:
            return self._csv(line, ",")
        name, sep, value = line.partition(":")
        if not sep:
            name, sep, value = line.partition("=")
        if sep and name.strip():
            row = self._value(name.strip(), value)
            if row is not None:
                return row
        row = self._value("wert", line, known_unit_only=True)
        if row is not None:
            return row
        words = line.split()
        if len(words) > 1:
            try:
                values = tuple(float(w) for w in words)
            except ValueError:
                pass
            else:
                return Row(numbered_names(len(values)), values)
        if line.startswith("sep="):
            return BoardMessage("header", line)  # MakeCode's "which separator" line
        return self._text(line)

    def _reparse(self, line: str) -> list[Event]:
        """A line cleaned of noise, read again from the start (it may be any kind of line)."""
        events: list[Event] = []
        self._line(line, events.append)
        return events

    def _value(self, name: str, text: str, known_unit_only: bool = False) -> Row | None:
        """``21``, ``21 °C``, ``21C``: the value, and its unit when the project knows it.

        A line without a name (``21 °C``) needs a known unit: ``2 Katzen`` is a sentence.
        """
        try:
            return Row((name,), (float(text),))
        except (ValueError, OverflowError):
            pass
        match = _VALUE_UNIT.fullmatch(text)
        if match is None or match.group(2) is None:
            return None
        unit = KNOWN_UNITS.get(match.group(2))
        if unit is None and known_unit_only:
            return None
        return Row((name,), (float(match.group(1)),), None, None, (unit,) if unit else None)

    def _prompt(self, line: str, rest: str) -> Event | list[Event]:
        """A line behind the MicroPython prompt: what the kid's program printed after the
        prompt appeared, or the REPL's echo of text sent to it (our ``hello``)."""
        if rest:
            events = self._reparse(rest)
            if not isinstance(events[-1], BadLine):
                return events
            for _ in events:  # not data: the REPL's echo, not bad lines
                self.bad_lines -= 1
                self.bad_examples.pop()
        self._after_prompt = True
        return BoardMessage("repl", line)

    def _csv(self, line: str, sep: str) -> Event:
        cells = line.split(sep)
        values: list[float | None] = []
        try:
            for cell in cells:
                cell = cell.strip()
                values.append(float(cell) if cell else None)
        except ValueError:
            return self._words(line, cells)
        if all(v is None for v in values):
            return self._bad("unreadable", line[:40])
        return self._cells(line, values)

    def _words(self, line: str, cells: list[str]) -> Event:
        """A CSV line that is not all numbers: a header, or text."""
        while len(cells) > 1 and not cells[-1].strip():
            cells = cells[:-1]  # trailing separators
        first = cells[0].strip()
        if first.lower().startswith("time (") and all(_is_word(c) for c in cells[1:]):
            # MakeCode / CODAL datalogger header: "Time (seconds),temp,light".
            self._set_header(tuple(c.strip() for c in cells[1:]), True)
            return BoardMessage("header", line)
        if len(cells) > 1 and all(_is_word(c) for c in cells):
            self._set_header(tuple(c.strip() for c in cells), False)
            return BoardMessage("header", line)
        return self._text(line)

    def _set_header(self, names: tuple[str, ...], has_time: bool) -> None:
        self._header = names
        self._header_has_time = has_time
        self._header_confirmed = False

    def _cells(self, line: str, values: list[float | None]) -> Event:
        """A row of numbers (None: an empty cell): named by a header, or numbered."""
        count = len(values)
        header = self._header
        if header is not None:
            expected = len(header) + self._header_has_time
            if count != expected and count > expected and values[-1] is None:
                trimmed = list(values)
                while len(trimmed) > expected and trimmed[-1] is None:
                    trimmed.pop()
                if len(trimmed) == expected:
                    values, count = trimmed, expected
            if count == expected:
                self._header_confirmed = True
                self._width, self._odd_width = count, None
                if self._header_has_time:
                    seconds = values[0]
                    if seconds is None or math.isnan(seconds):
                        return self._bad("unreadable", line[:40])
                    return self._named(header, values[1:], seconds * 1000.0, line)
                return self._named(header, values, None, line)
            if not self._header_confirmed:
                self._header = None  # "Hallo, Welt" was a greeting, not a header
            elif count != self._odd_width:
                self._odd_width = count
                return self._bad("columns_mismatch", line[:40])
            else:
                self._header = None  # twice in a row: the program now prints other rows
        width = self._width
        if width is not None and count != width and values[-1] is None:
            trimmed = list(values)
            while len(trimmed) > width and trimmed[-1] is None:
                trimmed.pop()
            if len(trimmed) == width:
                values, count = trimmed, width
        if width is None and values[-1] is None:
            while values[-1] is None:  # "1,2,": trailing separators
                values = values[:-1]
            count = len(values)
        if width is not None and count != width and count != self._odd_width:
            self._odd_width = count
            return self._bad("columns_mismatch", line[:40])
        self._width, self._odd_width = count, None
        return self._named(numbered_names(count), values, None, line)

    def _named(self, names: tuple[str, ...], values: list[float | None], board_ms: float | None,
               line: str) -> Event:
        if None not in values:
            return Row(names, tuple(values), board_ms)  # type: ignore[arg-type]
        kept = [(n, v) for n, v in zip(names, values) if v is not None]
        if not kept:
            return self._bad("unreadable", line[:40])
        return Row(tuple(n for n, _ in kept), tuple(v for _, v in kept), board_ms)  # type: ignore[misc]

    def _tuple(self, inner: str) -> Event:
        # Mu's rule: comma-separated numbers; items that are not numbers are skipped.
        names: list[str] = []
        values: list[float] = []
        for index, item in enumerate(inner.split(","), start=1):
            item = item.strip()
            if not item:
                continue
            try:
                values.append(float(item))
            except ValueError:
                continue
            names.append(f"wert{index}")
        if not values:
            return self._bad("unreadable", f"({inner[:38]})")
        return Row(tuple(names), tuple(values))

    def _json(self, line: str) -> Event:
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            return self._bad("unreadable", line[:40])
        if not isinstance(obj, dict):
            return self._bad("unreadable", line[:40])
        if "n" in obj and "v" in obj and isinstance(obj["n"], str):
            # MakeCode chart JSON: {"t": ms, "s": source, "n": name, "v": value}
            value = obj["v"]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                try:
                    board_ms = obj.get("t")
                    board_ms = float(board_ms) if isinstance(board_ms, (int, float)) else None
                    return Row((obj["n"],), (float(value),), board_ms)
                except OverflowError:
                    pass
            return self._bad("unreadable", line[:40])
        names: list[str] = []
        values: list[float] = []
        for key, value in obj.items():
            if isinstance(value, bool):
                value = float(value)
            if isinstance(value, (int, float)):
                try:
                    values.append(float(value))
                except OverflowError:  # an integer of 309+ digits
                    continue
                names.append(str(key))
        if not values:
            return self._bad("unreadable", line[:40])
        return Row(tuple(names), tuple(values))

    def _text(self, line: str, after_prompt: bool = False) -> Event:
        """Printable text that carries no data: REPL chatter, tracebacks, or unreadable."""
        if self._in_traceback:
            if line.startswith(" "):
                if '"<stdin>"' in line:
                    self._traceback_repl = True
                return BoardMessage("traceback", line)
            self._in_traceback = False
            # From text typed at the prompt (our hello probe): the REPL's, not the kid's error.
            return BoardMessage("repl" if self._traceback_repl else "error", line)
        if line.startswith("Traceback (most recent call last)"):
            self._in_traceback = True
            self._traceback_repl = after_prompt
            return BoardMessage("traceback", line)
        if line.startswith(_CHATTER_PREFIXES):
            return BoardMessage("chatter", line)
        return self._bad("unreadable", line[:40])

    def _bad(self, reason: str, text: str) -> BadLine:
        self.bad_lines += 1
        bad = BadLine(reason, text)
        self.bad_examples.append(bad)
        return bad

    # -- whole chunks at once ---------------------------------------------------------------
    def _block(self, lines: list[str]) -> list[Event] | None:
        """All lines of a chunk in one numeric shape as one :class:`Rows` block, converted at
        C speed; None if the chunk is mixed (then it goes line by line). Must say exactly what
        the line-by-line events say (:func:`~calliope_lib.protocol.events.expand`)."""
        if not lines[0]:  # the "\n" of a "\r\n" cut between two reads: no line
            lines = lines[1:]
        if not lines[-1]:
            lines = lines[:-1]
        first = lines[0][:1]
        try:
            if first == "$":
                block = self._block_firmware(lines)
            elif first == "(":
                block = self._block_tuples(lines)
            elif first.isdigit() or first == "-":
                block = self._block_numbers(lines)
            else:
                return None
        except Exception:  # not one shape after all: line by line (state is set only at the end)
            return None
        if block is None:
            return None
        if first != "$":
            self._after_prompt = False
        return [block]

    def _block_firmware(self, lines: list[str]) -> Rows | None:
        columns = self._fw_columns
        width = len(columns)
        count = len(lines)
        body = "\n".join(lines)
        # Every line is "$D <seq> <ms> <v>,<v>": the "\n$D " between lines ends a line for
        # _grid (a line that does not start so joins the one before: _grid then finds a line
        # missing), another "$" stops the JSON scanner. The two other spaces of a line become
        # JSON nulls, so each line gives width + 4 cells. With two spaces per line, no null
        # is left for the seq, ms and value cells (converting a None raises), so the nulls
        # are where the spaces belong: cells 1 and 3.
        if not width or not body.startswith("$D ") or body.count(" ") != 3 * count:
            return None
        cells = width + 4
        flat = self._grid(body[3:], count, cells, spaces=True, sep="\n$D ")
        if flat is None:
            return None
        seqs = flat[0::cells + 1]
        if type(sum(seqs)) is not int:  # int() as line by line: "1.0" or "1e3" is no number
            return None
        times, *values = _columns(flat, cells + 1, [2, *range(4, cells)])
        self._count_lost(seqs)
        return Rows(columns, tuple(values), times, seqs)

    def _count_lost(self, seqs: list[int]) -> None:
        last = self._last_seq
        first = seqs[0]
        if seqs == list(range(first, first + len(seqs))):
            if last is not None:
                lost = (first - last - 1) % SEQ_MODULO
                if lost and lost < MAX_PLAUSIBLE_LOSS:
                    self.lost_lines += lost
            self._last_seq = seqs[-1]
            return
        for seq in seqs:
            if last is not None:
                lost = (seq - last - 1) % SEQ_MODULO
                if lost and lost < MAX_PLAUSIBLE_LOSS:
                    self.lost_lines += lost
            last = seq
        self._last_seq = last

    def _block_tuples(self, lines: list[str]) -> Rows | None:
        count = len(lines)
        body = "\n".join(lines)
        # Every line is "(" ... ")" with no other bracket: "(a, b)\n(c, d)".
        if (body[-1] != ")" or body.count("(") != count or body.count(")") != count
                or body.count(")\n(") != count - 1 or "\t" in body):
            return None
        width = body.count(",") // count + 1
        flat = self._grid(body[1:-1].replace(")\n(", "\n"), count, width)
        if flat is None:
            return None
        return Rows(numbered_names(width),
                    tuple(_columns(flat, width + 1, range(width))))

    def _block_numbers(self, lines: list[str]) -> Rows | None:
        count = len(lines)
        body = "\n".join(lines)
        if "\t" in body:  # (JSON skips tabs; the only other blanks it skips are line ends)
            return None
        width = body.count(",") // count + 1
        header = self._header
        holes = header is not None and (",," in body or ",\n" in body or "\n," in body
                                        or body[0] == "," or body[-1] == ",")
        flat = self._grid(body, count, width, holes)
        if flat is None:
            return None
        if width == 1:
            return Rows(("wert",), (_doubles(flat[0::2]),))
        if header is not None:
            cells = [flat[i::width + 1] for i in range(width)]
            has_time = self._header_has_time
            if len(header) + has_time != width:
                return None
            board_ms = None
            if has_time:
                seconds = cells.pop(0)
                if None in seconds or any(map(math.isnan, seconds)):
                    return None  # line by line: a bad line, with its text
                board_ms = array("d", map(float.__mul__, map(float, seconds), repeat(1000.0)))
            values = tuple(map(_column, cells))
            if holes and all(isinstance(c, list) for c in values) and (
                    (None,) * len(values) in zip(*values)):
                return None  # a line without any value: line by line, a bad line
            self._header_confirmed = True
            self._width, self._odd_width = width, None
            return Rows(header, values, board_ms)
        if self._width is not None and self._width != width:
            return None
        self._width, self._odd_width = width, None
        return Rows(numbered_names(width), tuple(_columns(flat, width + 1, range(width))))

    # -- our firmware ---------------------------------------------------------------------
    def _firmware_data(self, line: str) -> Row | None:
        parts = line.split(" ", 3)
        if len(parts) != 4:
            return None
        try:
            seq = int(parts[1])
            board_ms = float(parts[2])
            values = tuple(map(float, parts[3].split(",")))
        except ValueError:
            return None
        columns = self._fw_columns
        if len(values) != len(columns):
            return None
        last = self._last_seq
        if last is not None:
            lost = (seq - last - 1) % SEQ_MODULO
            if lost and lost < MAX_PLAUSIBLE_LOSS:
                self.lost_lines += lost
        self._last_seq = seq
        return _row(columns, values, board_ms, seq)

    def _firmware_other(self, line: str) -> Event:
        word, _, rest = line.partition(" ")
        if word == "$OK" or word == "$ERR":
            command, _, text = rest.partition(" ")
            if word == "$OK" and command == "start":
                self._last_seq = None  # the board restarts its numbering
            return Reply(word == "$OK", command, text)
        if word == "$COLS":
            self._fw_columns = tuple(name for name in rest.strip().split(",") if name)
            return Columns(self._fw_columns)
        if word == "$HELLO":
            hello = parse_hello(line)
            if hello is not None:
                self._last_seq = None  # a hello means the board (re)started: new numbering
                return hello
        if word == "$D":
            return self._bad("columns_mismatch", line[:40])
        return self._bad("unreadable", line[:40])
