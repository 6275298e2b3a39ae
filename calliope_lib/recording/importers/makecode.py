"""MakeCode's data export: the CSV behind the "Export data" button of the serial view.

Format (learned from the MakeCode web app's serial editor, ``downloadConsoleCSV`` in
``microsoft/pxt``, ``webapp/src/serial.tsx``):

* first line ``sep=<separator>``: a tab, unless the editor's translation sets another one
  (the ``{id:csvseparator}`` text), so that Excel splits the columns;
* then one table, lines joined with ``\\r\\n`` (no line end after the last one: the
  browser writes the file at once, so that last line is complete). Each chart (one per
  source and variable prefix) adds columns: when all its series have the same times,
  ``time (<source>)`` then one column per series and a trailing separator; otherwise a
  ``time (<source>)`` column before *every* series. Times are seconds since the chart's first value; a series with
  fewer values than its neighbours leaves its cells empty;
* series names are the printed names (``temp`` from ``temp:21``), ``data.0``, ``data.1``...
  for unnamed CSV columns (``1,2`` lines), ``data.<name>`` for columns named by a header.
  We load ``data.0`` as ``wert1`` (as a live recording names it) and ``data.x`` as ``x``.

>>> text = "sep=\\t\\ntime (Quelle1)\\ttemp\\ttime (Quelle1)\\tlight\\n0\\t21\\t0\\t130\\n0.5\\t22\\t\\t\\n"
>>> rec = parse_makecode(text)
>>> rec["temp"].times, rec["light"].values
(array([0. , 0.5]), array([130.]))
"""

from __future__ import annotations

import math
import re

from calliope_lib.errors import RecordingFileError
from calliope_lib.messages import t
from calliope_lib.recording.importers.report import cut_or_wrong, new_recording, report
from calliope_lib.recording.importers.text import number, seconds_per_unit, split_cells
from calliope_lib.recording.recording import Recording


def looks_like(first_line: str) -> bool:
    """MakeCode's export starts with ``sep=``."""
    return first_line.startswith("sep=")


def _name(series: str) -> str:
    if series.startswith("data."):
        rest = series[5:]
        return f"wert{int(rest) + 1}" if rest.isdigit() else rest
    return series or "wert"


def parse_makecode(text: str, source: str = "<text>") -> Recording:
    """Read the text of a MakeCode data export (see the module's docstring)."""
    lines = text.split("\n")
    sep_line = lines[0].rstrip("\r")
    sep = sep_line[4:5] or "\t"
    header_index = next((i for i, line in enumerate(lines[1:], 1) if line.strip()), None)
    if header_index is None:
        raise RecordingFileError(path=source, reason=t("load.empty"))
    header = split_cells(lines[header_index], sep)
    # Groups: (time column, seconds per unit, [(column, name)]); a time column starts one.
    # Empty header cells are the separators MakeCode puts after an aligned chart.
    groups: list[tuple[int, float, list[tuple[int, str]]]] = []
    taken: dict[str, str] = {}
    for index, cell in enumerate(header):
        cell = cell.strip()
        if not cell:
            continue
        scale = seconds_per_unit(cell)
        if scale is not None:
            groups.append((index, scale, []))
            continue
        if not groups:
            raise RecordingFileError(path=source, reason=t("load.no_time_column", first=cell))
        source_name = re.sub(r"^(time|zeit)\s*\((.*)\)$", r"\2", header[groups[-1][0]].strip(),
                             flags=re.IGNORECASE)
        name = _name(cell)
        if name in taken and taken[name] != source_name:
            name = f"{source_name}.{name}"  # the same name from a second board
        taken.setdefault(name, source_name)
        groups[-1][2].append((index, name))
    if not groups:
        raise RecordingFileError(path=source, reason=t("load.no_time_column", first=""))
    rec = new_recording("makecode-export")
    for _, _, series in groups:
        for _, name in series:
            if name not in rec:
                rec.add_channel(name)
    starts = {time_col for time_col, _, _ in groups}
    width = len(header)
    problems: list[tuple[int, str]] = []
    for index in range(header_index + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        cells = split_cells(line, sep)
        while len(cells) > width and not cells[-1].strip():
            cells.pop()
        if len(cells) > width:
            problems.append((index + 1, cut_or_wrong(len(cells), width, False)))
            continue
        if len(cells) < width:
            # A chart with more rows than the charts before it: MakeCode writes its later
            # rows from column 0. They belong where that chart's columns start.
            shift = width - len(cells)
            if shift in starts and shift > 0:
                cells = [""] * shift + cells
            else:
                cells = cells + [""] * shift
        used = groups
        bad = False
        rows: list[tuple[float, list[str], list[float]]] = []
        for time_col, scale, series in used:
            when = number(cells[time_col])
            values = [(name, number(cells[col])) for col, name in series]
            if when is None:
                if any(v is not None for _, v in values):
                    bad = True
                continue
            if math.isnan(when) or any(v is not None and math.isnan(v) for _, v in values):
                bad = True
                continue
            present = [(n, v) for n, v in values if v is not None]
            rows.append((when * scale, [n for n, _ in present], [v for _, v in present]))
        if bad:
            problems.append((index + 1, t("load.not_number")))
            continue
        for when, names, values in rows:
            if names:
                rec.add_row(when, names, values)
    return report(rec, problems, source)
