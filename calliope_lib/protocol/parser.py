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
  cut into reads (1 byte or 8 KiB at a time, lines longer than :data:`MAX_LINE` included).
  Line ends are ``\\n``, ``\\r`` or ``\\r\\n``; blank lines carry nothing.
* **Every line is counted once**: as data (:class:`Row`), as a bad line with its reason
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
tuples, bare numbers, datalogger rows) is converted in one C-level step: the JSON scanner
reads the whole chunk as one array of numbers, repeating sensor values are looked up in a
small cache of cell texts, and the rows are made with ``map``. It gives exactly the events
the line-by-line path would (property-tested); anything unusual goes line by line.

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
from collections import deque
from collections.abc import Callable
from itertools import repeat

from calliope_lib.protocol.events import BadLine, BoardMessage, Columns, Event, Reply, Row
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
_DECODE_ARRAY = json.JSONDecoder().decode
_MINUS_ZERO = re.compile(r"-0(?![.\deE])")
_EMPTY_CELL = re.compile(r"(?:(?<=,)|^)(?=,|$)")


def _numbers(text: str) -> list:
    """``"1,2.5,-3"`` -> ``[1, 2.5, -3]`` in one C-level step (the JSON scanner is 3-4 times
    faster than ``float()`` per cell). Raises ValueError for anything that is not a plain
    number (``+1``, ``1_0``, ``inf``, an empty cell): the chunk then goes line by line,
    where ``float()`` decides. Where both accept a cell, they agree on its value."""
    if "nan" in text:
        text = text.replace("nan", "NaN")  # what our firmware sends for "no reading"
    if "-0" in text and _MINUS_ZERO.search(text):
        raise ValueError("-0")  # JSON reads it as the integer 0; float() keeps the sign
    return _DECODE_ARRAY(f"[{text}]")


_PROMPT = re.compile(r"^(?:>>> ?|\.\.\. )+")

#: ``map(_new, repeat(Row), fields)`` makes rows at C speed (NamedTuple's ``__new__`` is Python).
_new = tuple.__new__
#: Distinct cell texts remembered with their float value (per parser), see ``_floats``.
_CACHE_SIZE = 4096


class _FloatCache(dict):
    """``cache[text]`` is ``float(text)``, converted on first use."""

    def __missing__(self, text: str) -> float:
        value = self[text] = float(text)
        return value


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
        self._cache = _FloatCache()
        self._cache_rest = 0  # chunks to convert without the cache (its texts did not repeat)

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
        if b"\r" in body:
            body = body.replace(b"\r\n", b"\n")
            if b"\r" in body:
                body = body.replace(b"\r", b"\n")
        try:
            lines = body.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            return self._parse_raw_lines(body.split(b"\n"))
        if len(body) > MAX_LINE and max(map(len, lines)) > MAX_LINE // 4:
            return self._parse_raw_lines(body.split(b"\n"))  # maybe an overlong line inside
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
        """All lines of a chunk in one numeric shape, converted at C speed; None if the chunk
        is mixed (then it goes line by line). Must give exactly the line-by-line events."""
        if not lines[-1]:
            lines = lines[:-1]
        first = lines[0][:1]
        try:
            if first == "$":
                return self._block_firmware(lines)
            if first == "(":
                events = self._block_tuples(lines)
                if events is not None:
                    self._after_prompt = False
                return events
            if first.isdigit() or first == "-":
                events = self._block_numbers(lines)
                if events is not None:
                    self._after_prompt = False
                return events
        except Exception:  # not one shape after all: line by line (state is set only at the end)
            return None
        return None

    def _block_firmware(self, lines: list[str]) -> list[Event] | None:
        columns = self._fw_columns
        width = len(columns)
        count = len(lines)
        # Each line "$D <seq> <ms> <v>,<v>": three spaces, so every line gives four words;
        # the first of each four must be "$D" and the last hold width - 1 commas.
        if not width or set(map(str.count, lines, repeat(" "))) != {3}:
            return None
        words = " ".join(lines).split(" ")
        if words[0::4].count("$D") != count:
            return None
        fields = words[3::4]
        if set(map(str.count, fields, repeat(","))) != {width - 1}:
            return None
        seqs = list(map(int, words[1::4]))  # int() and float(), as line by line
        times = list(map(float, _numbers(",".join(words[2::4]))))
        values = self._floats(",".join(fields).split(","))
        rows = list(zip(*[iter(values)] * width))
        self._count_lost(seqs)
        return list(map(_new, repeat(Row), zip(repeat(columns), rows, times, seqs, repeat(None))))

    def _floats(self, cells: list[str]) -> list[float]:
        """``float()`` of every cell. Sensor values repeat (a temperature, a light level), so
        each distinct text is converted once and then looked up (a C-level dict lookup is
        cheaper than converting). A chunk of mostly new texts (noise, fine fractions) turns
        the lookups off for a while and converts with the JSON scanner instead."""
        if self._cache_rest:
            self._cache_rest -= 1
            return list(map(float, _numbers(",".join(cells))))
        cache = self._cache
        if len(cache) > _CACHE_SIZE:
            cache.clear()
        known = len(cache)
        values = list(map(cache.__getitem__, cells))
        if (len(cache) - known) * 4 > len(cells):
            self._cache_rest = 16
        return values

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

    def _block_tuples(self, lines: list[str]) -> list[Event] | None:
        commas = set(map(str.count, lines, repeat(",")))
        if len(commas) != 1:
            return None
        width = commas.pop() + 1
        if not (all(map(str.startswith, lines, repeat("(")))
                and all(map(str.endswith, lines, repeat(")")))):
            return None
        text = ",".join(lines)
        if text.count("(") != len(lines) or text.count(")") != len(lines) or not text.isprintable():
            return None
        flat = list(map(float, _numbers(text.replace("(", "").replace(")", ""))))
        value_rows = zip(*[iter(flat)] * width)
        return list(map(_new, repeat(Row), zip(repeat(numbered_names(width)), value_rows,
                                       repeat(None), repeat(None), repeat(None))))

    def _block_numbers(self, lines: list[str]) -> list[Event] | None:
        commas = set(map(str.count, lines, repeat(",")))
        if len(commas) != 1:
            return None
        width = commas.pop() + 1
        text = ",".join(lines)
        if not text.isprintable():
            return None
        header = self._header
        if header is not None and (",," in text or text[0] == "," or text[-1] == ","):
            return self._block_gaps(text, len(lines), width, header)
        flat = list(map(float, _numbers(text)))
        if len(flat) != len(lines) * width:
            return None
        if width == 1:
            return list(map(_new, repeat(Row), zip(repeat(("wert",)), zip(flat),
                                           repeat(None), repeat(None), repeat(None))))
        if header is not None:
            if len(header) + self._header_has_time != width:
                return None
            if self._header_has_time:
                seconds = flat[0::width]
                if any(map(math.isnan, seconds)):
                    return None
                board_ms = list(map(float.__mul__, seconds, repeat(1000.0)))
                value_rows = list(zip(*(flat[i::width] for i in range(1, width))))
            else:
                value_rows = list(zip(*[iter(flat)] * width))
                board_ms = [None] * len(value_rows)
            self._header_confirmed = True
            self._width, self._odd_width = width, None
            return list(map(_new, repeat(Row), zip(repeat(header), value_rows, board_ms,
                                           repeat(None), repeat(None))))
        if self._width is not None and self._width != width:
            return None
        self._width, self._odd_width = width, None
        value_rows = zip(*[iter(flat)] * width)
        return list(map(_new, repeat(Row), zip(repeat(numbered_names(width)), value_rows,
                                       repeat(None), repeat(None), repeat(None))))

    def _block_gaps(self, text: str, count: int, width: int,
                    header: tuple[str, ...]) -> list[Event] | None:
        """Rows under a header with empty cells (the datalogger's ``1.00,,130``): an empty
        cell is a missing value, the filled ones are kept, as line by line."""
        has_time = self._header_has_time
        if len(header) + has_time != width:
            return None
        raw = _numbers(_EMPTY_CELL.sub("null", text))  # JSON's null: None for an empty cell
        if len(raw) != count * width:
            return None
        events: list[Event] = []
        append = events.append
        new = tuple.__new__
        board_ms = None
        for cells in zip(*[iter(raw)] * width):
            if has_time:
                seconds = cells[0]
                if seconds is None or math.isnan(seconds):
                    return None  # line by line: a bad line, with its text
                board_ms = float(seconds) * 1000.0
                cells = cells[1:]
            if None in cells:
                kept = [(n, float(v)) for n, v in zip(header, cells) if v is not None]
                if not kept:
                    return None
                names, values = zip(*kept)
                append(new(Row, (names, values, board_ms, None, None)))
            else:
                append(new(Row, (header, tuple(map(float, cells)), board_ms, None, None)))
        self._header_confirmed = True
        self._width, self._odd_width = width, None
        return events

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
