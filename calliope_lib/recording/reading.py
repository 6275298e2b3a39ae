"""Reading recording files back: ``cl.load("messung.csv")``.

Reads what :mod:`.writing` writes, and similar tables from elsewhere: the German Excel
dialect (``;`` and decimal comma, found by itself), a file saved by an older Windows Excel
(cp1252), MakeCode's datalogger export (``Time (seconds),a,b``), quoted cells.

A recording file is a story of what happened, so the reader is forgiving: lines that cannot
be read (a half-written last line after a crash, a value typed by hand that is not a number)
are skipped; a warning names the line and the reason, and everything else is loaded.

>>> rec = parse_recording_text("zeit_s;temperature\\n0,0;21,5\\n0,5;21,7\\n")
>>> rec["temperature"].values
array([21.5, 21.7])
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Iterator

from calliope_lib.errors import RecordingFileError, RecordingFileMissing
from calliope_lib.messages import register, t, warn
from calliope_lib.recording.csv_format import TIME_COLUMNS
from calliope_lib.recording.recording import Recording

#: At most this many "bad line" warnings per file; the rest are counted in one note.
MAX_LINE_WARNINGS = 3

register({
    "load.no_time_column": {
        "de": "Die erste Spalte heißt '{first}', erwartet ist die Zeit (zeit_s)",
        "en": "The first column is called '{first}', expected is the time (zeit_s)",
    },
    "load.cut_line": {
        "de": "die Zeile ist abgeschnitten (das Programm wurde wohl beim Schreiben beendet)",
        "en": "the line is cut off (the program was probably stopped while writing)",
    },
    "load.wrong_cells": {
        "de": "{found} Zellen statt {expected}",
        "en": "{found} cells instead of {expected}",
    },
    "load.not_number": {"de": "ein Wert ist keine Zahl", "en": "a value is not a number"},
    "load.no_time": {"de": "die Zeit fehlt", "en": "the time is missing"},
    "load.empty": {"de": "die Datei enthält keine Tabelle", "en": "the file holds no table"},
    "load.more_problems": {
        "de": "... und {count} weitere Zeilen, die ich weglassen musste.",
        "en": "... and {count} more lines I had to skip.",
    },
})


def load_recording(path: str | Path) -> Recording:
    """Read a recording file written by this library (or a similar CSV with a time column).

    Lines that cannot be read are skipped with a warning naming the line and the reason
    (``rec.load_problems`` lists them all as ``(line number, reason)``). Raises
    :class:`~calliope_lib.errors.RecordingFileMissing` (listing the CSV files that are there)
    when the file does not exist, :class:`~calliope_lib.errors.RecordingFileError` when it
    holds no table with a time column.

    >>> rec = cl.load("messung.csv")        # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        folder = path.parent if str(path.parent) else Path(".")
        try:
            files = ", ".join(sorted(p.name for p in folder.glob("*.csv"))[:10]) or "-"
        except OSError:
            files = "-"
        raise RecordingFileMissing(path=str(path), folder=str(folder.resolve()), files=files)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # a file saved by older Windows Excel
    return parse_recording_text(text, str(path))


def _parse_meta(rec: Recording, body: str) -> None:
    """One ``#`` line (without the ``#``): metadata, a unit, a gap, a counter or a note."""
    key, sep, value = body.partition(": ")
    if not sep:
        key, sep, value = body.partition(":")
        if not sep:
            return
    key = key.strip()
    value = value.strip() if key not in ("note",) else value
    if key.startswith("unit "):
        rec.use_units({key[5:].strip(): value})
    elif key == "gap":
        try:
            start, end = (float(x.replace(",", ".")) for x in value.split())
            rec.add_gap(start, end)
        except ValueError:
            pass
    elif key in ("bad_lines", "lost_lines"):
        try:
            setattr(rec, key, int(value))
        except ValueError:
            pass
    elif key == "note":
        rec.notes.append(value.strip())
    elif key == "format":
        rec.metadata["format"] = value
    elif key.endswith(" (json)"):
        try:
            rec.metadata[key[:-7]] = json.loads(value)
        except ValueError:
            rec.metadata[key[:-7]] = value
    elif key != "calliope-lib recording":
        rec.metadata[key] = value


class _TableLines:
    """The table's lines for :func:`csv.reader`, one at a time, with their line numbers.

    ``#`` lines go to the recording as metadata (in file order: a gap line sits between the
    rows it came between), blank lines are skipped. :attr:`taken` holds the numbers of the
    lines the reader consumed for its latest row: one, unless a quote opened in one line and
    closed in a later one.
    """

    def __init__(self, rec: Recording, lines: list[str]) -> None:
        self.rec = rec
        self.lines = lines
        self.taken: list[int] = []
        self._numbered = enumerate(lines, start=1)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for number, line in self._numbered:
            line = line.rstrip("\r")
            if not line.strip():
                continue
            if line.startswith("#"):
                _parse_meta(self.rec, line[1:].strip())
                continue
            self.taken.append(number)
            return line
        raise StopIteration


def _one_line(line: str, sep: str) -> list[str] | None:
    """The cells of one line on its own (a quote left open ends with the line); None if the
    csv module cannot read it (a stray carriage return in the middle)."""
    try:
        return next(csv.reader((line,), delimiter=sep), [])
    except csv.Error:
        return None


def parse_recording_text(text: str, source: str = "<text>") -> Recording:
    """Parse the text of a recording file (see :mod:`.csv_format` for the format).

    ``source`` names the file in warnings and errors.
    """
    rec = Recording(metadata={})
    rec.metadata.pop("start", None)
    problems: list[tuple[int, str]] = []
    lines = text.split("\n")
    feed = _TableLines(rec, lines)
    # A line without a final line end may be cut off (the process died mid-write).
    last_complete = text.endswith("\n")
    last_number = len(lines) - 1 if not lines[-1] else len(lines)

    # The header: its first line decides the dialect (more ";" than "," means German Excel).
    header = next(feed, None)
    if header is None:
        raise RecordingFileError(path=source, reason=t("load.empty"))
    sep = ";" if header.count(";") > header.count(",") else ","
    decimal = "," if sep == ";" else "."
    cells = _one_line(header, sep)
    if cells is None:  # a stray carriage return: split by hand, as the csv module will not
        cells = header.split(sep)
    columns = [c.strip().strip('"') for c in cells]
    if not columns or columns[0].lower() not in TIME_COLUMNS:
        raise RecordingFileError(
            path=source, reason=t("load.no_time_column", first=columns[0] if columns else ""),
        )
    names = columns[1:]

    def add(number: int, cells: list[str] | None) -> None:
        if cells is None:
            problems.append((number, t("load.not_number")))
            return
        if len(cells) != len(columns):
            reason = t("load.cut_line") if number == last_number and not last_complete else t(
                "load.wrong_cells", found=len(cells), expected=len(columns))
            problems.append((number, reason))
            return
        try:
            values = [float(c.replace(decimal, ".")) if c.strip() else math.nan for c in cells]
        except ValueError:
            problems.append((number, t("load.not_number")))
            return
        when = values[0]
        if math.isnan(when):
            problems.append((number, t("load.no_time")))
            return
        del values[0]
        rec.add_row(when, [n for n, v in zip(names, values) if v == v],  # v != v: NaN
                    [v for v in values if v == v])

    # The rows: one csv.reader over all lines (fast); a row the reader made of several lines
    # (a quote opened and closed lines later: garbage, or a cut-off file) is read again line
    # by line, so one stray quote never swallows the lines after it.
    feed.taken.clear()
    reader = csv.reader(feed, delimiter=sep)
    while True:
        try:
            cells: list[str] | None = next(reader)
        except StopIteration:
            break
        except csv.Error:
            cells = None
        taken = feed.taken
        if len(taken) == 1:
            add(taken[0], cells)
        else:
            for number in taken:
                add(number, _one_line(lines[number - 1].rstrip("\r"), sep))
        taken.clear()

    for name in names:
        if name not in rec:
            rec.add_channel(name)  # a column with no value yet; keeps a unit from the header
    for number, reason in problems[:MAX_LINE_WARNINGS]:
        warn("file_bad_line.warn", path=source, line=number, reason=reason)
    if len(problems) > MAX_LINE_WARNINGS:
        warn("load.more_problems", count=len(problems) - MAX_LINE_WARNINGS)
    rec.load_problems = problems  # type: ignore[attr-defined]
    return rec
