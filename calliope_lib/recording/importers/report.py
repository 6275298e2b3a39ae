"""Telling the kid which lines of a file could not be loaded (and keeping the list)."""

from __future__ import annotations

from calliope_lib.errors import RecordingFileError
from calliope_lib.messages import register, t, warn
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
    "load.rows_as_time": {
        "de": "{tool} speichert keine Zeiten: die Zeitachse zählt die Zeilen (1 Zeile = 1 s)",
        "en": "{tool} saves no times: the time axis counts the rows (1 row = 1 s)",
    },
})


def report(rec: Recording, problems: list[tuple[int, str]], source: str) -> Recording:
    """Warn about the first few skipped lines, count the rest; ``rec.load_problems`` keeps all."""
    for number, reason in problems[:MAX_LINE_WARNINGS]:
        warn("file_bad_line.warn", path=source, line=number, reason=reason)
    if len(problems) > MAX_LINE_WARNINGS:
        warn("load.more_problems", count=len(problems) - MAX_LINE_WARNINGS)
    rec.load_problems = problems  # type: ignore[attr-defined]
    return rec


def cut_or_wrong(found: int, expected: int, is_cut: bool) -> str:
    """Why a row with the wrong number of cells was skipped."""
    return t("load.cut_line") if is_cut else t("load.wrong_cells", found=found, expected=expected)


def text_lines(text: str, source: str) -> tuple[list[str], bool, int]:
    """``text`` split into lines, whether its last line is complete (ends with a newline),
    and the index of the last line that holds anything. An empty file is refused here, with
    the file's name, so every importer says the same."""
    lines = text.split("\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    if last < 0:
        raise RecordingFileError(path=source, reason=t("load.empty"))
    return lines, text.endswith("\n"), last


def new_recording(kind: str) -> Recording:
    """An empty recording for a loaded file (no "start": the file says when, or nothing)."""
    rec = Recording(metadata={})
    rec.metadata.pop("start", None)
    rec.metadata["source_format"] = kind
    return rec
