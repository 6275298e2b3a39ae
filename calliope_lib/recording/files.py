"""Recordings as CSV files: save, load, and write while recording (crash-safe).

The file is a normal CSV that Excel, LibreOffice and pandas open, with a few ``#`` lines on
top that keep what a bare table would lose::

    # calliope-lib recording
    # format: 1
    # start: 2026-11-26T17:40:00+01:00
    # board: simulated
    # unit temperature: °C
    zeit_s,temperature,light
    0.000,24,131
    0.500,24,129
    # gap: 12.300 15.800

* Values measured together share a row; a channel without a value in a row has an empty cell.
* ``dialect="excel-de"`` writes ``;`` between cells and a decimal comma, with a UTF-8 BOM,
  which is what German Excel expects.
* pandas reads both: ``pd.read_csv(path, comment="#")`` (add ``sep=";", decimal=","`` for
  the German dialect).

While recording with ``save_to=...``, :class:`RecordingWriter` appends rows and flushes them
to the operating system at least once a second: if the computer's process is killed, the
file still loads with all but the last second. A partly written last line is skipped by
:func:`load_recording` with a note saying which line it was.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from calliope_lib.errors import DiskFullError, InvalidParameter, RecordingFileError, RecordingFileMissing
from calliope_lib.messages import t, warn
from calliope_lib.recording.recording import Recording

if TYPE_CHECKING:
    import pandas

FORMAT_VERSION = 1
TIME_COLUMN = "zeit_s"
#: Names of the time column this loader accepts (ours, English, MakeCode's datalogger).
TIME_COLUMNS = ("zeit_s", "time_s", "zeit", "time", "time (seconds)", "zeit (sekunden)", "t")
DIALECTS = {"default": (",", "."), "excel-de": (";", ",")}
#: How often the writer hands rows to the operating system while recording.
FLUSH_EVERY_S = 1.0
#: At most this many "bad line" warnings per file; the rest are counted in one note.
MAX_LINE_WARNINGS = 3


def _dialect(name: str) -> tuple[str, str]:
    try:
        return DIALECTS[name]
    except KeyError:
        raise InvalidParameter(
            key="bad_value.title", name="dialect", value=f"{name!r} ({', '.join(DIALECTS)})"
        ) from None


def format_number(value: float, decimal: str = ".") -> str:
    """A value as written to CSV: whole numbers without ``.0``, NaN as an empty cell."""
    if value != value:  # NaN
        return ""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", decimal) if decimal != "." else text


def _format_time(seconds: float, decimal: str) -> str:
    text = f"{seconds:.3f}"
    return text.replace(".", decimal) if decimal != "." else text


def header_lines(rec: Recording) -> list[str]:
    """The ``#`` lines on top of a recording file."""
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
    return lines


def footer_lines(rec: Recording) -> list[str]:
    """Gaps, counters and notes: known only at the end of a recording."""
    lines = [f"# gap: {start:.3f} {end:.3f}" for start, end in rec.gaps]
    lines.append(f"# bad_lines: {rec.bad_lines}")
    lines.append(f"# lost_lines: {rec.lost_lines}")
    lines.extend(f"# note: {note}" for note in rec.notes)
    return lines


def rows(rec: Recording, channels: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The recording as a table: ``(times, matrix)``, one row per moment, NaN where empty.

    Values with exactly the same time share a row (our firmware sends several channels per
    line). A channel with two values at the same time gets two rows, so nothing is lost.
    """
    names = list(channels) if channels is not None else rec.channels
    chans = [rec[name] for name in names]
    if not chans:
        return np.zeros(0), np.zeros((0, 0))
    keys_t = []
    keys_k = []
    for ch in chans:
        times = ch.times
        occurrence = np.zeros(len(times), dtype=np.int64)
        if len(times) > 1:
            dup = np.concatenate(([False], np.diff(times) == 0))
            if dup.any():  # rare: count repeats so a repeated time gets its own row
                run = 0
                for i in range(len(times)):
                    run = run + 1 if dup[i] else 0
                    occurrence[i] = run
        keys_t.append(times)
        keys_k.append(occurrence)
    all_t = np.concatenate(keys_t)
    all_k = np.concatenate(keys_k)
    order = np.lexsort((all_k, all_t))
    sorted_t, sorted_k = all_t[order], all_k[order]
    new_row = np.ones(len(order), dtype=bool)
    new_row[1:] = (np.diff(sorted_t) != 0) | (np.diff(sorted_k) != 0)
    row_of_sorted = np.cumsum(new_row) - 1
    row_index = np.empty(len(order), dtype=np.int64)
    row_index[order] = row_of_sorted
    matrix = np.full((int(new_row.sum()), len(chans)), np.nan)
    row_times = sorted_t[new_row]
    start = 0
    for j, ch in enumerate(chans):
        stop = start + len(ch.times)
        matrix[row_index[start:stop], j] = ch.values
        start = stop
    return row_times, matrix


def save_recording(rec: Recording, path: str | Path, dialect: str = "default", *,
                   columns: Sequence[str] | None = None, footer: bool = True) -> Path:
    """Write ``rec`` to ``path`` (atomically: a crash never leaves half a file behind).

    ``columns`` (default: the recording's channels) may name channels that have no values
    yet; they get an empty column and their standard unit. ``footer=False`` leaves out the
    counters and notes (only the gaps are written): the crash-safe writer uses that when it
    rewrites the file for a new channel and then goes on appending.
    """
    sep, decimal = _dialect(dialect)
    path = Path(path)
    columns = list(columns) if columns is not None else rec.channels
    present = [c for c in columns if c in rec]
    times, matrix = rows(rec, present)
    index = {c: i for i, c in enumerate(present)}
    out = header_lines(rec)
    out.extend(f"# unit {c}: {_default_unit(c)}" for c in columns if c not in rec)
    out.append(sep.join([TIME_COLUMN, *columns]))
    for when, values in zip(times, matrix):
        cells = [format_number(values[index[c]], decimal) if c in index else "" for c in columns]
        out.append(sep.join([_format_time(when, decimal), *cells]))
    out.extend(footer_lines(rec) if footer else
               [f"# gap: {start:.3f} {end:.3f}" for start, end in rec.gaps])
    tmp = path.with_name(path.name + ".tmp")
    encoding = "utf-8-sig" if dialect == "excel-de" else "utf-8"
    try:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write("\n".join(out) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DiskFullError(path=str(path), reason=exc.strerror or str(exc)) from exc
    return path


class RecordingWriter:
    """Appends rows to a CSV file while recording; flushed at least every second.

    Attach with ``writer = RecordingWriter(rec, "x.csv")``: it listens to every row the
    recording gets. Call :meth:`tick` now and then (the board does) and :meth:`close` at the
    end. If writing fails (full disk, USB stick pulled) it warns once, stops writing and the
    recording goes on in memory.
    """

    def __init__(self, rec: Recording, path: str | Path, dialect: str = "default",
                 channels: Sequence[str] | None = None) -> None:
        self.rec = rec
        self.path = Path(path)
        self.dialect = dialect
        self.sep, self.decimal = _dialect(dialect)
        self.columns: list[str] = list(dict.fromkeys([*rec.channels, *(channels or [])]))
        self.failed: str | None = None
        self._fh: Any = None
        self._pending: list[str] = []
        self._last_flush = time.monotonic()
        self._open_fresh()
        rec.listeners.append(self.on_row)

    def _open_fresh(self) -> None:
        encoding = "utf-8-sig" if self.dialect == "excel-de" else "utf-8"
        lines = header_lines(self.rec)
        # Channels asked for but not seen yet get their standard unit now.
        lines.extend(f"# unit {name}: {_default_unit(name)}" for name in self.columns
                     if name not in self.rec)
        lines.append(self.sep.join([TIME_COLUMN, *self.columns]))
        self._guard(lambda: self._write_new(lines, encoding))

    def _write_new(self, lines: list[str], encoding: str) -> None:
        self._fh = open(self.path, "w", encoding=encoding, newline="")
        self._fh.write("\n".join(lines) + "\n")
        self._fh.flush()

    def _guard(self, action: Any) -> None:
        if self.failed:
            return
        try:
            action()
        except OSError as exc:
            self.failed = exc.strerror or str(exc)
            warn("disk_full.detail", path=str(self.path), reason=self.failed)
            try:
                if self._fh:
                    self._fh.close()
            except OSError:
                pass
            self._fh = None

    def on_row(self, when: float, names: Sequence[str], values: Sequence[float],
               board_ms: float | None = None) -> None:
        if self.failed:
            return
        columns = self.columns
        if len(names) == 1:
            name = names[0]
            if name not in columns:
                self._new_columns()
                return
            cells = [""] * len(columns)
            cells[columns.index(name)] = format_number(values[0], self.decimal)
        else:
            cells = [""] * len(columns)
            for name, value in zip(names, values):
                try:
                    cells[columns.index(name)] = format_number(value, self.decimal)
                except ValueError:
                    self._new_columns()
                    return
        self._pending.append(self.sep.join([_format_time(when, self.decimal), *cells]))
        self.tick()

    def _new_columns(self) -> None:
        """A channel appeared that the file has no column for: write the file anew, atomically."""
        self._pending.clear()
        self.columns = list(dict.fromkeys([*self.columns, *self.rec.channels]))

        def rewrite() -> None:
            if self._fh:
                self._fh.close()
            save_recording(self.rec, self.path, self.dialect, columns=self.columns,
                           footer=False)
            encoding = "utf-8-sig" if self.dialect == "excel-de" else "utf-8"
            # Append mode: the BOM is only written at the start of a new file.
            self._fh = open(self.path, "a", encoding="utf-8" if encoding == "utf-8-sig" else encoding,
                            newline="")

        self._guard(rewrite)

    def add_gap(self, start: float, end: float) -> None:
        """Write a gap line at once (it matters if the process dies later)."""
        self._pending.append(f"# gap: {start:.3f} {end:.3f}")
        self.flush()

    def tick(self) -> None:
        """Flush if the last flush is a second ago or more."""
        if self._pending and time.monotonic() - self._last_flush >= FLUSH_EVERY_S:
            self.flush()

    def flush(self) -> None:
        """Hand everything buffered to the operating system."""
        self._last_flush = time.monotonic()
        if not self._pending or self.failed or self._fh is None:
            return
        lines, self._pending = self._pending, []

        def write() -> None:
            self._fh.write("\n".join(lines) + "\n")
            self._fh.flush()

        self._guard(write)

    def close(self) -> None:
        """Write the footer (counters, notes), sync to disk, close. Safe to call twice."""
        if self.on_row in self.rec.listeners:
            self.rec.listeners.remove(self.on_row)
        if self._fh is None:
            return
        self._pending.extend(footer_lines_without_gaps(self.rec))
        self.flush()

        def finish() -> None:
            os.fsync(self._fh.fileno())
            self._fh.close()

        self._guard(finish)
        self._fh = None


def _default_unit(name: str) -> str:
    from calliope_lib.recording.units import unit_of

    return unit_of(name)


def footer_lines_without_gaps(rec: Recording) -> list[str]:
    """The footer minus the gaps (the writer wrote those as they happened)."""
    return [line for line in footer_lines(rec) if not line.startswith("# gap:")]


# -- loading ----------------------------------------------------------------------------------
def load_recording(path: str | Path) -> Recording:
    """Read a recording file written by this library (or a similar CSV with a time column).

    Lines that cannot be read (a half-written last line after a crash, a value typed by
    hand that is not a number) are skipped; a warning names the line and the reason, and
    everything else is loaded.
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


def parse_recording_text(text: str, source: str = "<text>") -> Recording:
    """Parse the text of a recording file (see the module docstring for the format)."""
    rec = Recording(metadata={})
    rec.metadata.pop("start", None)
    columns: list[str] | None = None
    sep, decimal = ",", "."
    problems: list[tuple[int, str]] = []
    lines = text.split("\n")
    # A line without a final line end may be cut off (the process died mid-write).
    last_complete = text.endswith("\n")
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("#"):
            _parse_meta(rec, line[1:].strip())
            continue
        if columns is None:
            sep = ";" if line.count(";") > line.count(",") else ","
            decimal = "," if sep == ";" else "."
            columns = [c.strip().strip('"') for c in line.split(sep)]
            if not columns or columns[0].lower() not in TIME_COLUMNS:
                raise RecordingFileError(
                    path=source,
                    reason=t("load.no_time_column", first=columns[0] if columns else ""),
                )
            continue
        cells = line.split(sep)
        is_last = number == len(lines) or (number == len(lines) - 1 and not lines[-1])
        if len(cells) != len(columns):
            reason = t("load.cut_line") if is_last and not last_complete else t(
                "load.wrong_cells", found=len(cells), expected=len(columns))
            problems.append((number, reason))
            continue
        try:
            values = [float(c.replace(decimal, ".")) if c.strip() else math.nan for c in cells]
        except ValueError:
            problems.append((number, t("load.not_number")))
            continue
        when = values[0]
        if math.isnan(when):
            problems.append((number, t("load.no_time")))
            continue
        names = [n for n, v in zip(columns[1:], values[1:]) if not math.isnan(v)]
        vals = [v for v in values[1:] if not math.isnan(v)]
        rec.add_row(when, names, vals)
    if columns is None:
        raise RecordingFileError(path=source, reason=t("load.empty"))
    for name in columns[1:]:
        if name not in rec:
            rec.add_channel(name)  # a column with no value yet; keeps a unit from the header
    for number, reason in problems[:MAX_LINE_WARNINGS]:
        warn("file_bad_line.warn", path=source, line=number, reason=reason)
    if len(problems) > MAX_LINE_WARNINGS:
        warn("load.more_problems", count=len(problems) - MAX_LINE_WARNINGS)
    rec.load_problems = problems  # type: ignore[attr-defined]
    return rec


def to_pandas(rec: Recording, form: str = "long") -> "pandas.DataFrame":
    """The recording as a pandas DataFrame (pandas is an optional extra)."""
    from calliope_lib.errors import require

    pd = require("pandas", "calliope-lib[pandas]")
    if form == "long":
        frames = [pd.DataFrame({"zeit_s": ch.times, "kanal": ch.name, "wert": ch.values,
                                "einheit": ch.unit}) for ch in rec]
        if not frames:
            return pd.DataFrame(columns=["zeit_s", "kanal", "wert", "einheit"])
        return pd.concat(frames, ignore_index=True).sort_values("zeit_s", kind="stable",
                                                                ignore_index=True)
    if form == "wide":
        times, matrix = rows(rec)
        frame = pd.DataFrame(matrix, columns=rec.channels)
        frame.insert(0, "zeit_s", times)
        frame.attrs["units"] = rec.units
        return frame
    raise InvalidParameter(key="bad_value.title", name="form", value=f"{form!r} (long, wide)")


def _register_texts() -> None:
    from calliope_lib.messages import register

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


_register_texts()
