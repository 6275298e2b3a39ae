"""What every table file needs before its cells can be read: text, lines, separator, numbers.

Files come from many tools: our own writer (UTF-8, ``\\n``), German Excel (cp1252 or UTF-8
with BOM, ``;``, ``\\r\\n``), Excel's "Unicode text" (UTF-16, tabs), LibreOffice ("quote
all"), MakeCode (``sep=`` first), old Macs (``\\r`` only). These helpers make them alike.

>>> split_cells('"a,b";"1,5";;', ";")
['a,b', '1,5', '', '']
>>> number("1,5", ","), number("", "."), number("x", ".")
(1.5, None, nan)
>>> seconds_per_unit("Time (milliseconds)"), seconds_per_unit("zeit_s"), seconds_per_unit("temp")
(0.001, 1.0, None)
"""

from __future__ import annotations

import csv
import math
import re

_SEPARATORS = (",", ";", "\t")


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 (old Excel).

    Line ends become ``\\n`` (also the ``\\r`` of old Macs).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def separator_of(line: str) -> str:
    """The cell separator of a header line: the most frequent of ``,`` ``;`` tab outside quotes."""
    bare = re.sub(r'"[^"]*"', "", line)
    counts = {sep: bare.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def split_cells(line: str, sep: str) -> list[str]:
    """The cells of one line, quotes removed (``"a,b"`` is one cell), whitespace kept inside."""
    if '"' not in line:
        return line.split(sep)
    try:
        return next(csv.reader((line,), delimiter=sep), [])
    except csv.Error:  # a stray carriage return: split by hand
        return [cell.strip('"') for cell in line.split(sep)]


def decimal_of(rows: list[list[str]], sep: str) -> str:
    """``","`` when the numbers of these rows use a decimal comma (German Excel), else ``"."``."""
    if sep == ",":
        return "."
    for cells in rows:
        for cell in cells:
            if re.fullmatch(r"\s*-?\d*,\d+\s*", cell):
                return ","
            if re.fullmatch(r"\s*-?\d*\.\d+\s*", cell):
                return "."
    return "," if sep == ";" else "."


def number(cell: str, decimal: str = ".") -> float | None:
    """A cell as a number: None for an empty cell, NaN for one that is not a number."""
    cell = cell.strip()
    if not cell:
        return None
    if decimal != ".":
        cell = cell.replace(decimal, ".")
    try:
        return float(cell)
    except ValueError:
        return math.nan


_TIME_UNITS = {"milliseconds": 0.001, "ms": 0.001, "millisekunden": 0.001,
               "seconds": 1.0, "s": 1.0, "sekunden": 1.0, "sec": 1.0,
               "minutes": 60.0, "min": 60.0, "minuten": 60.0,
               "hours": 3600.0, "h": 3600.0, "stunden": 3600.0, "days": 86400.0}
_PLAIN_TIME = ("zeit_s", "time_s", "zeit", "time", "t", "time_ms", "zeit_ms")


def seconds_per_unit(column: str) -> float | None:
    """How many seconds one unit of a time column is; None when it is no time column.

    Knows ours (``zeit_s``), MakeCode's and CODAL's datalogger (``Time (seconds)``,
    ``Time (milliseconds)``...), MakeCode's export (``time (source1)``: seconds).
    """
    name = column.strip().strip('"').lower()
    if name in _PLAIN_TIME:
        return 0.001 if name.endswith("_ms") else 1.0
    match = re.fullmatch(r"(?:time|zeit)\s*\((.*)\)", name)
    if match is None:
        return None
    return _TIME_UNITS.get(match.group(1).strip(), 1.0)  # "(source1)": MakeCode's seconds
