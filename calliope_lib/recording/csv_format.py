"""The recording file format: what the lines of a recording CSV look like.

Shared by the writers (:mod:`.writing`) and the reader (:mod:`.reading`), so both agree on
every detail. The file is a normal CSV that Excel, LibreOffice and pandas open, with a few
``#`` lines on top that keep what a bare table would lose::

    # calliope-lib recording
    # format: 1
    # start: 2026-11-26T17:40:00+01:00
    # board: simulated
    # unit temperature: °C
    # mark: 10.000 Hand drüber
    zeit_s,temperature,light
    0.000,24,131
    0.500,24,129
    # gap: 12.300 15.800

* ``# mark: <time> <text>`` lines are the recording's marks (``rec.mark("Hand drüber")``):
  the time in seconds with a decimal point, then the text to the end of the line. A saved
  file has them on top; a file written while recording gets each one when it is set,
  between the rows. Like every ``#`` line they are never data: pandas skips them with
  ``comment="#"``, and readers that do not know them (older versions of this library) keep
  them as metadata and load the table as before.
* Values measured together share a row; a channel without a value in a row has an empty cell.
* ``dialect="excel-de"`` writes ``;`` between cells and a decimal comma, with a UTF-8 BOM,
  which is what German Excel expects.
* The table part is written and read with Python's :mod:`csv` module: a channel name that
  holds the separator is quoted (``"a,b"``) and reads back as one name.

>>> format_number(21.0), format_number(21.5, ","), format_number(float("nan"))
('21', '21,5', '')
"""

from __future__ import annotations

import csv
import json
from typing import IO, TYPE_CHECKING, Any

from calliope_lib.errors import InvalidParameter

if TYPE_CHECKING:
    from calliope_lib.recording.recording import Recording

FORMAT_VERSION = 1
TIME_COLUMN = "zeit_s"
#: Names of the time column the loader accepts (ours, English, MakeCode's datalogger).
TIME_COLUMNS = ("zeit_s", "time_s", "zeit", "time", "time (seconds)", "zeit (sekunden)", "t")
#: dialect name -> (cell separator, decimal mark)
DIALECTS = {"default": (",", "."), "excel-de": (";", ",")}


def dialect_of(name: str) -> tuple[str, str]:
    """``(separator, decimal mark)`` of a dialect name; a clear error for an unknown one.

    >>> dialect_of("excel-de")
    (';', ',')
    """
    try:
        return DIALECTS[name]
    except KeyError:
        raise InvalidParameter(
            key="bad_value.title", name="dialect", value=f"{name!r} ({', '.join(DIALECTS)})"
        ) from None


def encoding_of(dialect: str) -> str:
    """The text encoding of a new file: German Excel needs the BOM to see UTF-8 (``°C``)."""
    return "utf-8-sig" if dialect == "excel-de" else "utf-8"


def table_writer(out: IO[str], sep: str) -> Any:
    """A :func:`csv.writer` for the table rows: ``\\n`` line ends, quotes only where needed.

    Our cells are numbers and plain channel names, which need no quotes: the rows come out
    exactly as ``sep.join(cells)`` would write them.
    """
    return csv.writer(out, delimiter=sep, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def format_number(value: float, decimal: str = ".") -> str:
    """A value as written to CSV: whole numbers without ``.0``, NaN as an empty cell."""
    if value != value:  # NaN
        return ""
    text = repr(float(value))  # the shortest text that reads back as the very same float
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", decimal) if decimal != "." else text


def format_time(seconds: float, decimal: str = ".") -> str:
    """A time in seconds with three decimals (milliseconds: the board's clock resolution).

    >>> format_time(1.5), format_time(1.5, ",")
    ('1.500', '1,500')
    """
    text = f"{seconds:.3f}"
    return text.replace(".", decimal) if decimal != "." else text


def gap_line(start: float, end: float) -> str:
    """``# gap: 12.300 15.800``: the board was unplugged from ``start`` to ``end`` (s)."""
    return f"# gap: {start:.3f} {end:.3f}"


def mark_line(when: float, text: str) -> str:
    """``# mark: 10.000 Hand drüber``: a mark at ``when`` (s) with its text (one line).

    >>> mark_line(10, "Hand drüber")
    '# mark: 10.000 Hand drüber'
    """
    return f"# mark: {when:.3f} {' '.join(text.split())}"


def parse_mark(value: str) -> tuple[float, str] | None:
    """The ``(time, text)`` of a mark line's value (``"10.000 Hand drüber"``); None if
    the time is no number. A spreadsheet's decimal comma (``10,000``) is read too.

    >>> parse_mark("10.000 Hand drüber"), parse_mark("10,5 Eis"), parse_mark("bald los")
    ((10.0, 'Hand drüber'), (10.5, 'Eis'), None)
    """
    first, _, text = value.strip().partition(" ")
    try:
        when = float(first.replace(",", "."))
    except ValueError:
        return None
    return (when, text.strip()) if when == when else None


def mark_lines(rec: "Recording") -> list[str]:
    """One ``# mark:`` line per mark of the recording, in time order."""
    return [mark_line(when, text) for when, text in rec.marks]


def header_lines(rec: "Recording") -> list[str]:
    """The ``#`` lines on top of a recording file (format, metadata, units, marks)."""
    lines = ["# calliope-lib recording", f"# format: {FORMAT_VERSION}"]
    for key, value in rec.metadata.items():
        if key == "format":  # written above; a loaded file's own version is not repeated
            continue
        if isinstance(value, str) and "\n" not in value:
            lines.append(f"# {key}: {value}")
        else:
            lines.append(f"# {key} (json): {json.dumps(value, ensure_ascii=False)}")
    for name, unit in rec.units.items():
        lines.append(f"# unit {name}: {unit}")
    lines.extend(mark_lines(rec))
    return lines


def gap_lines(rec: "Recording") -> list[str]:
    """One ``# gap:`` line per time the board was unplugged."""
    return [gap_line(start, end) for start, end in rec.gaps]


def counter_lines(rec: "Recording") -> list[str]:
    """Counters and notes: known only at the end of a recording."""
    lines = [f"# bad_lines: {rec.bad_lines}", f"# lost_lines: {rec.lost_lines}"]
    lines.extend(f"# note: {note}" for note in rec.notes)
    return lines


def footer_lines(rec: "Recording") -> list[str]:
    """The end of a saved file: gaps, then counters and notes."""
    return gap_lines(rec) + counter_lines(rec)
