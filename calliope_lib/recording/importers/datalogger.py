"""The on-board datalogger of a Calliope mini 3 / micro:bit V2: ``MY_DATA.HTM`` and its CSV.

Format (learned from CODAL's ``MicroBitLog`` in ``lancaster-university/codal-microbit-v2``,
``source/MicroBitLog.cpp``, which MakeCode's and MicroPython's ``log`` use):

* The board's flash shows up on the USB drive as ``MY_DATA.HTM``: an HTML page of 2048
  bytes (its viewer) ending in ``<!--FS_START``, then on the next flash page a small text
  block ``UBIT_LOG_FS_V_002\\n`` with two hex numbers ``0x...\\n`` (where the data starts,
  where the log ends), the column headings, a journal, and the data: lines of text from
  *data start* up to the first erased byte (0xFF). The whole file is as large as the log
  area, mostly 0xFF.
* The data is CSV with ``,``: a heading line, then rows. Every row has a cell per heading;
  a column not set in that row stays empty (``1.00,,130``). When a program logs a new
  column, a new, longer heading line is written before the next row. The time column, when
  the program asked for one, is ``Time (milliseconds|seconds|minutes|hours)`` with two
  decimals for all but milliseconds.
* The viewer's "Download" button saves the same data text as ``.csv``.

A row cut short by a power loss (the last line without its line end) is reported, not loaded.

>>> rec = parse_datalogger_text("Time (seconds),temp\\n0.00,21\\n1.00,\\nTime (seconds),temp,light\\n2.00,22,130\\n")
>>> rec["temp"].values, rec["light"].times
(array([21., 22.]), array([2.]))
"""

from __future__ import annotations

import math
import re

from calliope_lib.errors import RecordingFileError
from calliope_lib.messages import t
from calliope_lib.recording.importers.report import new_recording, report, text_lines
from calliope_lib.recording.importers.text import number, seconds_per_unit, split_cells
from calliope_lib.recording.recording import Recording

MARKER = b"<!--FS_START"
VERSION = b"UBIT_LOG_FS_V_"


def looks_like_htm(raw: bytes) -> bool:
    """The HTML file of the datalogger (its viewer ends with ``<!--FS_START``)."""
    return MARKER in raw[:8192] or VERSION in raw[:65536]


def looks_like_csv(first_line: str) -> bool:
    """The datalogger's CSV: its first heading is a time column or the first row has headings
    but no ``#`` lines (ours) above."""
    first = first_line.split(",", 1)[0].strip().strip('"').lower()
    return first.startswith("time (")


def data_of_htm(raw: bytes) -> bytes:
    """The data text inside ``MY_DATA.HTM``: from *data start* to the first erased byte."""
    at = raw.find(VERSION)
    if at >= 0:
        meta = raw[at:at + 64].split(b"\n")
        numbers = [int(m, 16) for m in meta[1:3] if re.fullmatch(rb"0x[0-9A-Fa-f]{1,8}", m)]
        if len(numbers) == 2:
            start = min(numbers)
            if 0 < start < len(raw):
                end = raw.find(b"\xff", start)
                return raw[start:end if end >= 0 else len(raw)].strip(b"\x00")
    # No readable metadata (an older layout): the longest text run after the viewer.
    tail = raw[raw.rfind(MARKER) + len(MARKER):] if MARKER in raw else raw
    runs = re.findall(rb"[^\xff\x00]{2,}", tail)
    runs = [r for r in runs if b"\n" in r and b"," in r]
    return max(runs, key=len) if runs else b""


def parse_datalogger_text(text: str, source: str = "<text>") -> Recording:
    """Read the datalogger's data text (the CSV download, or the data inside the HTM file)."""
    rec = new_recording("microbit-datalogger")
    problems: list[tuple[int, str]] = []
    lines, complete, last = text_lines(text, source)
    headings: list[str] | None = None
    time_col: int | None = None
    scale = 1.0
    row_number = 0
    for index, line in enumerate(lines):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cells = split_cells(line, ",")
        values = [number(c) for c in cells]
        if any(v is not None and math.isnan(v) for v in values):
            if all(v is None or math.isnan(v) for v in values):  # a heading line
                headings = [c.strip() for c in cells]
                time_col = next((i for i, h in enumerate(headings)
                                 if h.lower().startswith("time (")), None)
                scale = seconds_per_unit(headings[time_col]) or 1.0 if time_col is not None else 1.0
                for i, name in enumerate(headings):
                    if i != time_col and name and name not in rec:
                        rec.add_channel(name)
                continue
            problems.append((index + 1, t("load.not_number")))
            continue
        if index == last and not complete:
            problems.append((index + 1, t("load.cut_line")))
            continue
        if headings is None:
            headings = [f"wert{i}" for i in range(1, len(cells) + 1)]
        if len(cells) != len(headings):
            problems.append((index + 1, t("load.wrong_cells", found=len(cells),
                                          expected=len(headings))))
            continue
        if time_col is None:
            when = float(row_number)
        else:
            stamp = values[time_col]
            if stamp is None:
                problems.append((index + 1, t("load.no_time")))
                continue
            when = stamp * scale
        row_number += 1
        names = [h for i, (h, v) in enumerate(zip(headings, values)) if i != time_col and v is not None]
        kept = [v for i, v in enumerate(values) if i != time_col and v is not None]
        rec.add_row(when, names, kept)  # type: ignore[arg-type]
    if time_col is None and row_number:
        rec.notes.append(t("load.rows_as_time", tool="Datenlogger"))
    return report(rec, problems, source)


def parse_htm(raw: bytes, source: str = "<bytes>") -> Recording:
    """Read ``MY_DATA.HTM`` as it lies on the board's drive."""
    data = data_of_htm(raw)
    if not data.strip():
        raise RecordingFileError(path=source, reason=t("load.empty"))
    return parse_datalogger_text(data.decode("utf-8", errors="replace"), source)
