"""Writing recording files: all at once (atomic) or row by row while recording (crash-safe).

* :func:`save_recording` (``rec.save("x.csv")``) writes a whole recording into a temporary
  file and renames it over the target: a crash never leaves half a file behind.
* :class:`RecordingWriter` (``board.record(..., save_to="x.csv")``) appends rows while the
  board records and hands them to the operating system at least once a second: if the
  process is killed, the file still loads with all but the last second.

The format itself (``#`` lines, numbers, dialects) is in :mod:`.csv_format`.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import IO, Callable, Sequence

from calliope_lib.errors import DiskFullError
from calliope_lib.messages import warn
from calliope_lib.recording.csv_format import (
    TIME_COLUMN,
    counter_lines,
    dialect_of,
    encoding_of,
    footer_lines,
    format_number,
    format_time,
    gap_line,
    gap_lines,
    header_lines,
    table_writer,
)
from calliope_lib.recording.recording import Recording
from calliope_lib.recording.table import rows
from calliope_lib.recording.units import unit_of

#: How often the writer hands rows to the operating system while recording.
FLUSH_EVERY_S = 1.0


def _write_lines(out: IO[str], lines: Sequence[str]) -> None:
    """Write ``#`` lines (not CSV: a note may hold commas and must stay as it is)."""
    if lines:
        out.write("\n".join(lines) + "\n")


def save_recording(rec: Recording, path: str | Path, dialect: str = "default", *,
                   columns: Sequence[str] | None = None, footer: bool = True) -> Path:
    """Write ``rec`` to ``path`` (atomically: a crash never leaves half a file behind).

    ``dialect``: ``"default"`` (``,`` and decimal point) or ``"excel-de"`` (``;``, decimal
    comma, UTF-8 BOM for German Excel). ``columns`` (default: the recording's channels) may
    name channels that have no values yet; they get an empty column and their standard
    unit. ``footer=False`` leaves out the counters and notes (only the gaps are written):
    the crash-safe writer uses that when it rewrites the file for a new channel and then
    goes on appending. Raises :class:`~calliope_lib.errors.DiskFullError` when the file
    cannot be written.

    >>> rec.save("messung.csv")              # doctest: +SKIP
    PosixPath('messung.csv')
    """
    sep, decimal = dialect_of(dialect)
    path = Path(path)
    columns = list(columns) if columns is not None else rec.channels
    present = [c for c in columns if c in rec]
    times, matrix = rows(rec, present)
    index = {c: i for i, c in enumerate(present)}
    where = [index.get(c) for c in columns]  # matrix column of each file column, None: empty
    head = header_lines(rec)
    head.extend(f"# unit {c}: {unit_of(c)}" for c in columns if c not in rec)
    tail = footer_lines(rec) if footer else gap_lines(rec)
    # The whole text is made in memory first: the file is then written in one go, and the
    # time the target is replaced stays short.
    text = io.StringIO()
    _write_lines(text, head)
    table = table_writer(text, sep)
    table.writerow([TIME_COLUMN, *columns])
    table.writerows(
        [format_time(when, decimal),
         *[format_number(values[j], decimal) if j is not None else "" for j in where]]
        for when, values in zip(times.tolist(), matrix.tolist())
    )
    _write_lines(text, tail)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding=encoding_of(dialect), newline="") as fh:
            fh.write(text.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DiskFullError(path=str(path), reason=exc.strerror or str(exc)) from exc
    return path


class _Pending:
    """Lines waiting to be written: the CSV writer's target between two flushes."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


class RecordingWriter:
    """Appends rows to a CSV file while recording; flushed at least every second.

    Attach with ``writer = RecordingWriter(rec, "x.csv")``: it listens to every row the
    recording gets. Call :meth:`tick` now and then (the board does) and :meth:`close` at the
    end. If writing fails (full disk, USB stick pulled) it warns once, stops writing and the
    recording goes on in memory.

    ``channels``: columns to make at once (a channel that appears later makes the writer
    write the file anew with one more column).
    """

    def __init__(self, rec: Recording, path: str | Path, dialect: str = "default",
                 channels: Sequence[str] | None = None) -> None:
        self.rec = rec
        self.path = Path(path)
        self.dialect = dialect
        self.sep, self.decimal = dialect_of(dialect)
        self.columns: list[str] = list(dict.fromkeys([*rec.channels, *(channels or [])]))
        #: Why writing stopped (the operating system's reason), or None while all is well.
        self.failed: str | None = None
        self._fh: IO[str] | None = None
        self._pending = _Pending()
        self._table = table_writer(self._pending, self.sep)
        self._last_flush = time.monotonic()
        self._open_fresh()
        rec.listeners.append(self.on_row)

    def _open_fresh(self) -> None:
        lines = header_lines(self.rec)
        # Channels asked for but not seen yet get their standard unit now.
        lines.extend(f"# unit {name}: {unit_of(name)}" for name in self.columns
                     if name not in self.rec)

        def write_new() -> None:
            self._fh = open(self.path, "w", encoding=encoding_of(self.dialect), newline="")
            _write_lines(self._fh, lines)
            table_writer(self._fh, self.sep).writerow([TIME_COLUMN, *self.columns])
            self._fh.flush()

        self._guard(write_new)

    def _guard(self, action: Callable[[], None]) -> None:
        """Run a file action; on an OS error warn once, close the file and stop writing."""
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
        """A row arrived in the recording (a :attr:`Recording.listeners` callback)."""
        if self.failed:
            return
        columns = self.columns
        cells = [""] * len(columns)
        for name, value in zip(names, values):
            try:
                cells[columns.index(name)] = format_number(value, self.decimal)
            except ValueError:  # a channel the file has no column for yet
                self._new_columns()
                return
        self._table.writerow([format_time(when, self.decimal), *cells])
        self.tick()

    def _new_columns(self) -> None:
        """A channel appeared that the file has no column for: write the file anew, atomically."""
        self._pending.take()  # those rows are in the recording, and so in the new file
        self.columns = list(dict.fromkeys([*self.columns, *self.rec.channels]))

        def rewrite() -> None:
            if self._fh:
                self._fh.close()
            save_recording(self.rec, self.path, self.dialect, columns=self.columns,
                           footer=False)
            # Append mode, plain UTF-8: the BOM belongs only at the start of a new file.
            self._fh = open(self.path, "a", encoding="utf-8", newline="")

        self._guard(rewrite)

    def add_gap(self, start: float, end: float) -> None:
        """Write a gap line at once (it matters if the process dies later)."""
        self._pending.write(gap_line(start, end) + "\n")
        self.flush()

    def tick(self) -> None:
        """Flush if the last flush is a second ago or more."""
        if self._pending.parts and time.monotonic() - self._last_flush >= FLUSH_EVERY_S:
            self.flush()

    def flush(self) -> None:
        """Hand everything buffered to the operating system."""
        self._last_flush = time.monotonic()
        if not self._pending.parts or self.failed or self._fh is None:
            return
        text = self._pending.take()
        fh = self._fh

        def write() -> None:
            fh.write(text)
            fh.flush()

        self._guard(write)

    def close(self) -> None:
        """Write the footer (counters, notes), sync to disk, close. Safe to call twice."""
        if self.on_row in self.rec.listeners:
            self.rec.listeners.remove(self.on_row)
        if self._fh is None:
            return
        # The gaps went into the file as they happened: only counters and notes are left.
        _write_lines(self._pending, counter_lines(self.rec))
        self.flush()
        fh = self._fh

        def finish() -> None:
            os.fsync(fh.fileno())
            fh.close()

        self._guard(finish)
        self._fh = None
