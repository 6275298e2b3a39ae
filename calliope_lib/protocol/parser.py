"""Bytes in, events out: the one parser for everything a board may print.

No I/O, no threads, no clocks: feed it bytes in whatever pieces they arrive, get back the
:mod:`events <calliope_lib.protocol.events>` of every complete line. A partial line waits
for the next piece. The format is recognised per line, so formats may be mixed freely:

==========================  ==========================================  ======================
format                      example line                                channels
==========================  ==========================================  ======================
our firmware                ``$D 17 12345 21,128``                      from ``$COLS``
MakeCode ``writeValue``     ``temp:21`` (space-padded to 32 bytes)      ``temp``
MakeCode ``writeNumbers``   ``1,2,3``                                   ``wert1``…
MakeCode datalogger         ``Time (seconds),temp`` then ``1.50,21``    ``temp`` (+ board time)
CSV with header             ``a,b`` then ``1,2``                        ``a``, ``b``
Mu tuple                    ``(1, 2.5)``                                ``wert1``, ``wert2``
JSON                        ``{"temp": 21.5}`` / ``{"n":"temp","v":21}``  ``temp``
numbers with spaces         ``21 128`` (MicroPython ``print(a, b)``)    ``wert1``, ``wert2``
bare number                 ``21.5``                                    ``wert``
==========================  ==========================================  ======================

Never raises on input. Lines that cannot be read become :class:`BadLine` events and are
counted in :attr:`StreamParser.bad_lines`; a few examples are kept for messages to the kid.

>>> p = StreamParser()
>>> p.feed(b"temp:21                         \\r\\nlig")
[Row(names=('temp',), values=(21.0,), board_ms=None, seq=None)]
>>> p.feed(b"ht:5\\n")
[Row(names=('light',), values=(5.0,), board_ms=None, seq=None)]
"""

from __future__ import annotations

import json
import math
import re
from collections import deque

from calliope_lib.protocol.events import BadLine, BoardMessage, Columns, Event, Reply, Row
from calliope_lib.protocol.firmware import SEQ_MODULO
from calliope_lib.protocol.hello import parse_hello

#: Longer lines are not data (MakeCode's chart viewer cuts at 255; our lines stay far below).
MAX_LINE = 1024
#: A jump in sequence numbers larger than this is a restart of the board, not lost lines.
MAX_PLAUSIBLE_LOSS = 100_000

_CHATTER_PREFIXES = (
    "MicroPython v",
    'Type "help()"',
    ">>>",
    "...",
    "soft reboot",
    "MPY: soft reboot",
    "raw REPL",
    "paste mode",
)


def _numbered(count: int) -> tuple[str, ...]:
    return tuple(f"wert{i}" for i in range(1, count + 1))


_NUMBERED = [_numbered(n) for n in range(0, 33)]


def _row(names: tuple, values: tuple, board_ms: float | None, seq: int | None) -> Row:
    """``Row(...)`` for the hot path: skips NamedTuple's Python-level ``__new__`` (~40 % faster)."""
    return tuple.__new__(Row, (names, values, board_ms, seq))


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


class StreamParser:
    """Stateful line parser for one connection (keeps partial lines and CSV headers).

    Attributes that count what happened:

    * ``bad_lines``: lines that could not be read (garbage, bad UTF-8, overlong...)
    * ``lost_lines``: firmware data lines missing according to their sequence numbers
    * ``bad_examples``: the last few bad lines, shortened, to show the user
    """

    def __init__(self) -> None:
        self._pending = b""
        self._discarding = False  # inside an overlong line: drop until the next line end
        self.bad_lines = 0
        self.lost_lines = 0
        self.bad_examples: deque[BadLine] = deque(maxlen=5)
        # Columns announced by a CSV / datalogger header (None: no header seen).
        self._header: tuple[str, ...] | None = None
        self._header_has_time = False
        # Columns of our firmware's data lines and the last sequence number.
        self._fw_columns: tuple[str, ...] = ()
        self._last_seq: int | None = None
        self._in_traceback = False

    # -- bytes to lines -------------------------------------------------------------------
    def feed(self, data: bytes) -> list[Event]:
        """Parse ``data`` (any piece of the byte stream) and return the events of complete lines."""
        if self._pending:
            data = self._pending + data
        if b"\x00" in data:
            data = data.replace(b"\x00", b"")
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        cut = data.rfind(b"\n")
        if cut < 0:
            self._keep_pending(data)
            return []
        self._pending = b""
        self._keep_pending(data[cut + 1 :])
        body = data[:cut]
        if self._discarding:
            # The first line of this piece is the rest of an overlong line.
            first_end = body.find(b"\n")
            body = b"" if first_end < 0 else body[first_end + 1 :]
            self._discarding = False
            if first_end < 0:
                return []
        try:
            lines = body.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            return self._parse_bytes_lines(body.split(b"\n"))
        return self.parse_lines(lines)

    def _keep_pending(self, rest: bytes) -> None:
        if len(rest) > MAX_LINE:
            if not self._discarding:
                self._bad("too_long", rest[:40].decode("utf-8", "replace"))
            self._discarding = True
            self._pending = b""
        else:
            self._pending = rest

    def flush(self) -> list[Event]:
        """End of stream: a partial line left over counts as bad (the cable was pulled mid-line)."""
        rest, self._pending = self._pending, b""
        discarding, self._discarding = self._discarding, False
        if discarding or not rest.strip(b" \t\x00"):
            return []
        self._bad("unreadable", rest[:40].decode("utf-8", "replace"))
        return [self.bad_examples[-1]]

    def _parse_bytes_lines(self, raw_lines: list[bytes]) -> list[Event]:
        events: list[Event] = []
        for raw in raw_lines:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                if raw.strip():
                    events.append(self._bad("not_utf8", raw[:40].decode("utf-8", "replace")))
                continue
            events.extend(self.parse_lines([line]))
        return events

    # -- lines to events ------------------------------------------------------------------
    def parse_lines(self, lines: list[str]) -> list[Event]:
        """Parse decoded lines (without line ends). The hot path: keep it lean."""
        events: list[Event] = []
        append = events.append
        for line in lines:
            line = line.rstrip()
            if not line:
                continue
            first = line[0]
            if first == "$":
                if line.startswith("$D "):
                    row = self._firmware_data(line)
                    if row is not None:
                        append(row)
                        continue
                append(self._firmware_other(line))
                continue
            if first not in "{(":
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
            append(self._slow_line(line))
        return events

    def _slow_line(self, line: str) -> Event:
        """Everything but firmware data and plain ``name:value``."""
        if not line.isprintable():
            line = line.replace("\t", " ")
            if not line.isprintable():
                return self._bad("control_chars", line[:40])
        if self._in_traceback or line.startswith("Traceback ("):
            return self._text(line)
        first = line[0]
        if first == "{":
            return self._json(line)
        if first == "(" and line.endswith(")"):
            return self._tuple(line[1:-1])
        if "," in line:
            return self._csv(line)
        name, sep, value = line.partition(":")
        if sep and name:
            try:
                return Row((name.strip(),), (float(value),))
            except ValueError:
                pass
        try:
            return Row(("wert",), (float(line),))
        except ValueError:
            pass
        words = line.split()
        if len(words) > 1:
            try:
                values = tuple(float(w) for w in words)
            except ValueError:
                pass
            else:
                return Row(numbered_names(len(values)), values)
        return self._text(line)

    def _csv(self, line: str) -> Event:
        fields = line.split(",")
        try:
            values = tuple(float(f) for f in fields)
        except ValueError:
            if fields[0].startswith("Time (") and all(_is_word(f) for f in fields[1:]):
                # MakeCode datalogger header: "Time (seconds),temp,light".
                self._header = tuple(f.strip() for f in fields[1:])
                self._header_has_time = True
                return BoardMessage("header", line)
            if len(fields) > 1 and all(_is_word(f) for f in fields):
                self._header = tuple(f.strip() for f in fields)
                self._header_has_time = False
                return BoardMessage("header", line)
            return self._text(line)
        header = self._header
        if header is None:
            return Row(numbered_names(len(values)), values)
        if self._header_has_time:
            if len(values) != len(header) + 1:
                return self._bad("columns_mismatch", line[:40])
            seconds = values[0]
            if math.isnan(seconds):
                return self._bad("unreadable", line[:40])
            return Row(header, values[1:], seconds * 1000.0)
        if len(values) != len(header):
            return self._bad("columns_mismatch", line[:40])
        return Row(header, values)

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
        except ValueError:
            return self._bad("unreadable", line[:40])
        if not isinstance(obj, dict):
            return self._bad("unreadable", line[:40])
        if "n" in obj and "v" in obj and isinstance(obj["n"], str):
            # MakeCode chart JSON: {"t": ms, "s": source, "n": name, "v": value}
            value = obj["v"]
            if isinstance(value, (int, float)):
                board_ms = obj.get("t")
                board_ms = float(board_ms) if isinstance(board_ms, (int, float)) else None
                return Row((obj["n"],), (float(value),), board_ms)
            return self._bad("unreadable", line[:40])
        names: list[str] = []
        values: list[float] = []
        for key, value in obj.items():
            if isinstance(value, bool):
                value = float(value)
            if isinstance(value, (int, float)):
                names.append(str(key))
                values.append(float(value))
        if not values:
            return self._bad("unreadable", line[:40])
        return Row(tuple(names), tuple(values))

    def _text(self, line: str) -> Event:
        """Printable text that carries no data: REPL chatter, tracebacks, or unreadable."""
        if self._in_traceback:
            if line.startswith(" "):
                return BoardMessage("traceback", line)
            self._in_traceback = False
            return BoardMessage("error", line)
        if line.startswith("Traceback (most recent call last)"):
            self._in_traceback = True
            return BoardMessage("traceback", line)
        if line.startswith(_CHATTER_PREFIXES):
            return BoardMessage("chatter", line)
        return self._bad("unreadable", line[:40])

    def _bad(self, reason: str, text: str) -> BadLine:
        self.bad_lines += 1
        bad = BadLine(reason, text)
        self.bad_examples.append(bad)
        return bad

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
