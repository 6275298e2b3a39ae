"""The recording file format: what the lines of a recording CSV look like.

Shared by the writers (:mod:`.writing`) and the reader (:mod:`.reading`), so both agree on
every detail. The file is a normal CSV that Excel, LibreOffice and pandas open, with a few
``#`` lines on top that keep what a bare table would lose::

    # calliope-lib recording
    # format: 2
    # start: 2026-11-26T17:40:00+01:00
    # board: simulated
    # unit temperature: °C
    # unit light:
    # column temperature: Temperatur (°C)
    # column light: Helligkeit (0–255)
    # mark: 10.000 Hand drüber
    Zeit (s),Temperatur (°C),Helligkeit (0–255)
    0.000,24,131
    0.500,24,129
    # gap: 12.300 15.800

**The header row is for people**, in the reader's language (German, or English with
``CALLIOPE_LANG=en``): ``Zeit (s)``, then each channel's display name
(:meth:`Recording.label <calliope_lib.recording.Recording.label>`) with its unit in brackets
(:func:`~calliope_lib.recording.units.title`), as spreadsheets and MakeCode's ``Time
(seconds)`` write it. A spreadsheet or ``pandas.read_csv(path, comment="#")`` shows these
German columns.

**The** ``# column <id>: <title>`` **lines are for programs**: they map each title back to
the channel's stable id (``temperature``), which ``cl.load`` gives back, whatever the
language the file was written in. Titles in one file are always distinct: a second channel
with the same display name gets its id in square brackets (``Thermistor [t2] (°C)``).
A file without these lines (a spreadsheet that dropped them when it saved the file again)
still loads: known titles (``Temperatur (°C)``, ``Temperature (°C)``, the lessons'
``Fotowiderstand (lx)``; :func:`~calliope_lib.recording.units.channel_of_title`) become their
ids, any other title is kept as the channel's name.

Format history: **1** had the ids themselves in the header (``zeit_s,temperature,light``) and
no ``# column`` lines; such files load exactly as before. **2** (now): display names in the
header, ``# column`` lines.

* Channel ids are written as they are in ``# unit`` and ``# column`` lines; an id a line
  could not hold plainly (with ``": "``, a line break, spaces at either end, a leading
  ``"``) is written as a JSON string: ``# unit "a: b": V``.

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
from typing import IO, TYPE_CHECKING, Any, Sequence

from calliope_lib.errors import InvalidParameter
from calliope_lib.messages import register, t
from calliope_lib.recording import units

if TYPE_CHECKING:
    from calliope_lib.recording.recording import Recording

FORMAT_VERSION = 2
#: The time column of format 1 files (and of ``rec.to_pandas()``); format 2 writes
#: :func:`time_title` (``Zeit (s)``).
TIME_COLUMN = "zeit_s"
#: Names of the time column the loader accepts (ours, English, MakeCode's datalogger).
TIME_COLUMNS = ("zeit_s", "time_s", "zeit", "time", "time (seconds)", "zeit (sekunden)", "t")
#: dialect name -> (cell separator, decimal mark)
DIALECTS = {"default": (",", "."), "excel-de": (";", ",")}


register({"csv.time": {"de": "Zeit", "en": "Time"}})


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


def quote_name(name: str) -> str:
    """A channel id as it stands in a ``# unit``/``# column`` line: as it is, or as a JSON
    string when a plain line could not hold it.

    >>> quote_name("temperature"), quote_name("a: b")
    ('temperature', '"a: b"')
    """
    plain = (name and name == name.strip() and ": " not in name and not name.startswith('"')
             and not name.endswith(":") and "\n" not in name and "\r" not in name)
    return name if plain else json.dumps(name, ensure_ascii=False)


def split_named(rest: str) -> tuple[str, str] | None:
    """``(id, value)`` of what follows ``unit``/``column`` in a ``#`` line; None if broken.

    >>> split_named("temperature: Temperatur (°C)"), split_named('"a: b": V')
    (('temperature', 'Temperatur (°C)'), ('a: b', 'V'))
    >>> split_named("light:")
    ('light', '')
    """
    rest = rest.strip()
    if rest.startswith('"'):
        try:
            name, end = json.JSONDecoder().raw_decode(rest)
        except ValueError:
            name, end = None, 0
        if isinstance(name, str) and rest[end:end + 1] == ":":
            return name, rest[end + 1:].strip()
    name, sep, value = rest.partition(": ")
    if not sep:
        name, sep, value = rest.partition(":")
        if not sep:
            return None
    return name.strip(), value.strip()


def time_title(lang: str | None = None) -> str:
    """The title of the time column: ``Zeit (s)`` (``Time (s)`` in English).

    >>> time_title("de"), time_title("en")
    ('Zeit (s)', 'Time (s)')
    """
    return units.title(t("csv.time", lang), "s")


def column_titles(rec: "Recording", columns: Sequence[str],
                  lang: str | None = None) -> list[str]:
    """The header row's title of each column: display name and unit, all distinct.

    A title used already (two channels with the same display name, or one named like the
    time column) gets the channel's id in square brackets: ``Thermistor [t2] (°C)``.
    """
    used = {time_title(lang)}
    titles = []
    for name in columns:
        label = " ".join((rec.label(name, lang) or name).split())  # one line, no outer spaces
        unit = rec.units.get(name) if name in rec else units.unit_of(name)
        text = units.title(label, unit or "")
        if text in used or not text:
            text = units.title(f"{label} [{name}]", unit or "")
            number = 2
            while text in used:
                text = units.title(f"{label} [{name}] {number}", unit or "")
                number += 1
        used.add(text)
        titles.append(text)
    return titles


def label_from_title(text: str, name: str, unit: str) -> str:
    """The display name inside a column title (the unit and an ``[id]`` taken off).

    >>> label_from_title("Thermistor [t2] (°C)", "t2", "°C")
    'Thermistor'
    """
    if unit and text.endswith(f" ({unit})"):
        text = text[:-len(unit) - 3]
    if text.endswith(f" [{name}]"):
        text = text[:-len(name) - 3]
    elif text == f"[{name}]":  # a name of spaces only: its display name is empty
        text = ""
    return text


def header_lines(rec: "Recording", columns: Sequence[str] | None = None,
                 titles: Sequence[str] | None = None) -> list[str]:
    """The ``#`` lines on top of a recording file: format, metadata, units, one ``# column``
    line per column (``columns``, default the recording's channels, with their ``titles``
    from :func:`column_titles`), marks."""
    columns = list(columns) if columns is not None else rec.channels
    if titles is None:
        titles = column_titles(rec, columns)
    lines = ["# calliope-lib recording", f"# format: {FORMAT_VERSION}"]
    for key, value in rec.metadata.items():
        if key == "format":  # written above; a loaded file's own version is not repeated
            continue
        if isinstance(value, str) and "\n" not in value:
            lines.append(f"# {key}: {value}")
        else:
            lines.append(f"# {key} (json): {json.dumps(value, ensure_ascii=False)}")
    known = rec.units
    for name, unit in known.items():
        lines.append(f"# unit {quote_name(name)}: {unit}")
    # Channels asked for but not seen yet get their standard unit now.
    lines.extend(f"# unit {quote_name(name)}: {units.unit_of(name)}"
                 for name in columns if name not in known)
    lines.extend(f"# column {quote_name(name)}: {text}" for name, text in zip(columns, titles))
    lines.extend(mark_lines(rec))
    return lines


def table_head(rec: "Recording", columns: Sequence[str] | None = None,
               lang: str | None = None) -> tuple[list[str], list[str]]:
    """Everything above the first row: the ``#`` lines and the header row's cells."""
    columns = list(columns) if columns is not None else rec.channels
    titles = column_titles(rec, columns, lang)
    return header_lines(rec, columns, titles), [time_title(lang), *titles]


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
