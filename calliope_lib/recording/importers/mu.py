"""Mu's data capture: the CSV Mu's plotter saves when it is closed.

Format (learned from Mu, ``mu-editor/mu``, ``mu/modes/base.py``:
``write_plotter_data_to_csv`` and ``remove_plotter``): every tuple the plotter drew, one row
per tuple, written with Python's ``csv.writer`` (``,``, ``\\r\\n``); no header, no times. The
file lives in ``mu_code/data_capture/`` and is named by the time it was saved. Tuples of
different lengths give rows of different lengths.

Without times, the rows are numbered: row *n* is at *n* seconds, and a note says so.

>>> rec = parse_mu("21,130\\r\\n22,131\\r\\n".replace("\\r", ""))
>>> rec["wert2"].times, rec["wert2"].values
(array([0., 1.]), array([130., 131.]))
"""

from __future__ import annotations

import math

from calliope_lib.messages import t
from calliope_lib.recording.importers.report import new_recording, report, text_lines
from calliope_lib.recording.importers.text import number
from calliope_lib.recording.recording import Recording


def looks_like(lines: list[str]) -> bool:
    """Only rows of numbers, no header (the first lines decide)."""
    sample = [line for line in lines[:20] if line.strip()]
    if not sample:
        return False
    for line in sample:
        values = [number(c) for c in line.split(",")]
        if any(v is None or math.isnan(v) for v in values):
            return False
    return True


def parse_mu(text: str, source: str = "<text>") -> Recording:
    """Read Mu's data-capture CSV (see the module's docstring)."""
    rec = new_recording("mu-data-capture")
    problems: list[tuple[int, str]] = []
    lines, complete, last = text_lines(text, source)
    row = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if index == last and not complete:
            problems.append((index + 1, t("load.cut_line")))
            continue
        values = [number(c) for c in line.split(",")]
        if any(v is None or math.isnan(v) for v in values):
            problems.append((index + 1, t("load.not_number")))
            continue
        rec.add_row(float(row), [f"wert{i}" for i in range(1, len(values) + 1)], values)
        row += 1
    rec.notes.append(t("load.rows_as_time", tool="Mu"))
    return report(rec, problems, source)
