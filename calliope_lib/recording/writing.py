"""Writing recording files: all at once (atomic) or row by row while recording (crash-safe).

* :func:`save_recording` (``rec.save("x.csv")``) writes a whole recording into a temporary
  file and renames it over the target: a crash never leaves half a file behind.
* :class:`RecordingWriter` (``board.record(..., save_to="x.csv")``) appends rows while the
  board records. What it promises:

  - **never over an existing file by accident**: if ``x.csv`` exists it writes ``x_2.csv``
    and says so (``overwrite=True`` is the consent to replace it);
  - **one writer per file**: the file is locked while recording
    (:mod:`~calliope_lib.recording.locking`);
  - **at most a second lost**: a timer hands new rows to the operating system every half
    second, also while the board is silent, so ``kill -9`` loses less than a second;
  - **failures name the file and the real cause** (the operating system's words);
  - **new channels stay cheap**: a channel the file has no column for makes the writer write
    the file anew with one more column, but never more often than the time that costs allows
    (at most :data:`REWRITE_SHARE` of the time), so a kid's program that prints a new name on
    every line cannot make writing quadratic.

The format itself (``#`` lines, numbers, dialects) is in :mod:`.csv_format`.
"""

from __future__ import annotations

import errno
import io
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO, Callable, Sequence

from calliope_lib.errors import write_error
from calliope_lib.messages import note, register, warn
from calliope_lib.recording.csv_format import (
    counter_lines,
    dialect_of,
    encoding_of,
    footer_lines,
    format_number,
    format_time,
    gap_line,
    gap_lines,
    mark_line,
    table_head,
    table_writer,
)
from calliope_lib.recording.locking import lock, open_new, open_replacing
from calliope_lib.recording.recording import Recording
from calliope_lib.recording.table import rows

#: The longest time (wall clock, seconds) a row waits before it is handed to the system.
FLUSH_EVERY_S = 1.0
#: Rewriting the file for new columns takes at most this share of the recording's time.
REWRITE_SHARE = 0.05

_TEXTS = {
    "file_exists.note": {
        "de": "Die Datei {requested} gibt es schon; ich überschreibe sie nicht und schreibe "
              "in {path}. (Überschreiben: overwrite=True)",
        "en": "The file {requested} exists already; I do not overwrite it and write to "
              "{path} instead. (To overwrite: overwrite=True)",
    },
    "write_failed.warn": {
        "de": "Die Datei {path} kann nicht weiter geschrieben werden. Grund: {reason}. Die "
              "Messung läuft im Speicher weiter; speichere sie danach mit "
              "rec.save('anderer_name.csv').",
        "en": "Cannot write to {path} any more. Reason: {reason}. The recording continues in "
              "memory; save it afterwards with rec.save('other_name.csv').",
    },
    "disk_full.warn": {
        "de": "Die Datei {path} kann nicht weiter geschrieben werden: der Speicher ist voll "
              "({reason}). Die Messung läuft im Speicher weiter; speichere sie danach mit "
              "rec.save('anderer_name.csv') an einem Ort mit Platz.",
        "en": "Cannot write to {path} any more: the disk is full ({reason}). The recording "
              "continues in memory; save it afterwards with rec.save('other_name.csv') "
              "somewhere with space.",
    },
}
register(_TEXTS)


def _write_lines(out: IO[str], lines: Sequence[str]) -> None:
    """Write ``#`` lines (not CSV: a note may hold commas and must stay as it is)."""
    if lines:
        out.write("\n".join(lines) + "\n")


def recording_text(rec: Recording, dialect: str = "default", *,
                   columns: Sequence[str] | None = None, footer: bool = True) -> str:
    """The whole file as text (see :func:`save_recording` for the arguments)."""
    sep, decimal = dialect_of(dialect)
    columns = list(columns) if columns is not None else rec.channels
    present = [c for c in columns if c in rec]
    times, matrix = rows(rec, present)
    index = {c: i for i, c in enumerate(present)}
    where = [index.get(c) for c in columns]  # matrix column of each file column, None: empty
    head, titles = table_head(rec, columns)
    tail = footer_lines(rec) if footer else gap_lines(rec) + [f"# note: {n}" for n in rec.notes]
    text = io.StringIO()
    _write_lines(text, head)
    table = table_writer(text, sep)
    table.writerow(titles)
    table.writerows(
        [format_time(when, decimal),
         *[format_number(values[j], decimal) if j is not None else "" for j in where]]
        for when, values in zip(times.tolist(), matrix.tolist())
    )
    _write_lines(text, tail)
    return text.getvalue()


def save_recording(rec: Recording, path: str | Path, dialect: str = "default", *,
                   columns: Sequence[str] | None = None, footer: bool = True) -> Path:
    """Write ``rec`` to ``path`` (atomically: a crash never leaves half a file behind).

    ``dialect``: ``"default"`` (``,`` and decimal point) or ``"excel-de"`` (``;``, decimal
    comma, UTF-8 BOM for German Excel). ``columns`` (default: the recording's channels) may
    name channels that have no values yet; they get an empty column and their standard
    unit. ``footer=False`` leaves out the counters (gaps and notes are written). Raises
    :class:`~calliope_lib.errors.FileWriteError` (naming the file and the cause) when the
    file cannot be written.

    >>> rec.save("messung.csv")              # doctest: +SKIP
    PosixPath('messung.csv')
    """
    path = Path(path)
    # The whole text is made in memory first: the file is then written in one go, and the
    # time the target is replaced stays short.
    text = recording_text(rec, dialect, columns=columns, footer=footer)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding=encoding_of(dialect), newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise write_error(path, exc) from exc
    return path


def save_new(rec: Recording, path: str | Path, dialect: str = "default", *,
             overwrite: bool = False) -> Path:
    """:func:`save_recording`, but never over an existing file without ``overwrite=True``.

    The name is reserved first (:func:`~calliope_lib.recording.locking.open_new`: the next
    free ``_2``, ``_3``... name, decided by the operating system), then written atomically.
    Returns the path written and says so when it is not the one asked for.
    """
    if overwrite:
        return save_recording(rec, path, dialect)
    fd, target = open_new(path)
    os.close(fd)
    if target != Path(path):
        note("file_exists.note", requested=str(path), path=str(target))
    try:
        return save_recording(rec, target, dialect)
    except Exception:
        target.unlink(missing_ok=True)  # our empty reservation: leave nothing behind
        raise


def _columns_part(lines: Sequence[str], titles: Sequence[str]) -> tuple[str, ...]:
    """What of a file's head names the columns: units, ``# column`` lines, the header row."""
    return (*[line for line in lines if line.startswith(("# unit ", "# column "))], *titles)


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
    """Appends rows to a CSV file while recording; flushed by a timer at least every second.

    Attach with ``writer = RecordingWriter(rec, "x.csv")``: it listens to every row the
    recording gets. Call :meth:`close` at the end. Opening raises
    :class:`~calliope_lib.errors.FileWriteError` (or ``FileInUseError``) before anything is
    recorded; if writing fails later (full disk, USB stick pulled) it warns once, naming the
    file and the cause, stops writing, and the recording goes on in memory (:attr:`failed`).

    ``path`` is the file asked for; :attr:`path` the one written (a numbered name when the
    asked-for one exists and ``overwrite`` is False). ``channels``: columns to make at once.
    """

    def __init__(self, rec: Recording, path: str | Path, dialect: str = "default",
                 channels: Sequence[str] | None = None, *, overwrite: bool = False) -> None:
        self.rec = rec
        self.requested = Path(path)
        self.dialect = dialect
        self.sep, self.decimal = dialect_of(dialect)
        fd, self.path = open_replacing(path) if overwrite else open_new(path)
        if self.path != self.requested:
            note("file_exists.note", requested=str(self.requested), path=str(self.path))
        #: The columns the file has now (a new channel waits for the next rewrite).
        self.columns: list[str] = list(dict.fromkeys([*rec.channels, *(channels or [])]))
        self._index = {name: i for i, name in enumerate(self.columns)}
        #: Why writing stopped (the operating system's reason), or None while all is well.
        self.failed: str | None = None
        self._lock = threading.RLock()
        self._pending = _Pending()
        self._table = table_writer(self._pending, self.sep)
        self._rewrite_due = False
        self._rewrite_after = 0.0  # monotonic time before which no rewrite starts
        self._notes_written = 0
        self._written_head: tuple[str, ...] = ()  # units, columns, header row in the file
        self._fh: IO[str] | None = None
        try:
            self._fh = os.fdopen(fd, "w", encoding=encoding_of(dialect), newline="")
            # The same head as rec.save writes (channels asked for but not seen yet get
            # their standard unit and display name now).
            lines, titles = table_head(rec, self.columns)
            self._written_head = _columns_part(lines, titles)
            _write_lines(self._fh, lines)
            table_writer(self._fh, self.sep).writerow(titles)
            self._fh.flush()
        except OSError as exc:
            self._close_quietly()
            raise write_error(self.path, exc) from exc
        rec.listeners.append(self.on_row)
        rec.mark_listeners.append(self.add_mark)
        self._stop = threading.Event()
        self._timer = threading.Thread(target=self._flush_regularly, daemon=True,
                                       name="calliope-csv-flush")
        self._timer.start()

    # -- rows, gaps, notes ----------------------------------------------------------------
    def on_row(self, when: float, names: Sequence[str], values: Sequence[float],
               board_ms: float | None = None) -> None:
        """A row arrived in the recording (a :attr:`Recording.listeners` callback)."""
        if self.failed:
            return
        index = self._index
        cells = [""] * len(index)
        for name, value in zip(names, values):
            i = index.get(name)
            if i is None:  # a channel the file has no column for yet: it is in the recording
                self._rewrite_due = True
                self._maybe_rewrite()
                return
            cells[i] = format_number(value, self.decimal)
        with self._lock:
            self._table.writerow([format_time(when, self.decimal), *cells])

    def add_gap(self, start: float, end: float) -> None:
        """Write a gap line at once (it matters if the process dies later)."""
        with self._lock:
            self._pending.write(gap_line(start, end) + "\n")
        self.flush()

    def add_mark(self, when: float, text: str) -> None:
        """Write a ``# mark:`` line at once (a :attr:`Recording.mark_listeners` callback)."""
        with self._lock:
            self._pending.write(mark_line(when, text) + "\n")
        self.flush()

    def add_note(self, text: str) -> None:
        """Write a ``# note:`` line at once (the recording's notes name what happened)."""
        with self._lock:
            self._pending.write(f"# note: {text}\n")
            self._notes_written += 1
        self.flush()

    def tick(self) -> None:
        """Called for every row by the recording loop: a due rewrite happens here."""
        if self._rewrite_due:
            self._maybe_rewrite()

    # -- flushing -------------------------------------------------------------------------
    def _flush_regularly(self) -> None:
        """The timer thread: hand rows to the system twice a second, silences included."""
        while not self._stop.wait(FLUSH_EVERY_S / 2):
            self.flush()

    def flush(self) -> None:
        """Hand everything buffered to the operating system."""
        with self._lock:
            if not self._pending.parts or self.failed or self._fh is None:
                return
            text = self._pending.take()
            fh = self._fh

            def write() -> None:
                fh.write(text)
                fh.flush()

            self._guard(write)

    def _guard(self, action: Callable[[], None]) -> None:
        """Run a file action; on an OS error warn once (naming file and cause), stop writing."""
        if self.failed:
            return
        try:
            action()
        except OSError as exc:
            self.failed = exc.strerror or str(exc)
            full = exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
            warn("disk_full.warn" if full else "write_failed.warn", path=str(self.path),
                 reason=self.failed)
            self._close_quietly()

    def _close_quietly(self) -> None:
        try:
            if self._fh:
                self._fh.close()
        except OSError:
            pass
        self._fh = None

    # -- new columns ----------------------------------------------------------------------
    def _maybe_rewrite(self, force: bool = False) -> None:
        """Write the file anew with every channel as a column, if its time budget allows."""
        if not self._rewrite_due or self.failed or self._fh is None:
            return
        if not force and time.monotonic() < self._rewrite_after:
            return  # too soon: rows with the new channel wait in the recording
        began = time.monotonic()
        columns = list(dict.fromkeys([*self.columns, *self.rec.channels]))
        text = recording_text(self.rec, self.dialect, columns=columns, footer=False)
        self._written_head = _columns_part(*table_head(self.rec, columns))
        with self._lock:
            self._pending.take()  # those rows are in the recording, and so in the new text
            self._guard(lambda: self._replace_with(text))
            self.columns = columns
            self._index = {name: i for i, name in enumerate(columns)}
            self._notes_written = len(self.rec.notes)
            self._rewrite_due = False
        cost = time.monotonic() - began
        self._rewrite_after = time.monotonic() + cost / REWRITE_SHARE

    def _replace_with(self, text: str) -> None:
        """Put ``text`` in place of the file, keeping the lock and (POSIX) crash safety."""
        old = self._fh
        assert old is not None
        if sys.platform == "win32":  # an open file cannot be renamed over: rewrite in place
            old.seek(0)
            old.write(text)
            old.truncate()
            old.flush()
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        lock(fd, tmp)  # locked before it takes the name: no moment without a lock
        new = os.fdopen(fd, "w", encoding=encoding_of(self.dialect), newline="")
        try:
            new.write(text)
            new.flush()
            os.replace(tmp, self.path)
        except OSError:
            new.close()
            raise
        self._fh = new
        old.close()

    # -- the end --------------------------------------------------------------------------
    def close(self) -> None:
        """Write the footer (counters, notes), sync to disk, close. Safe to call twice."""
        if self.on_row in self.rec.listeners:
            self.rec.listeners.remove(self.on_row)
        if self.add_mark in self.rec.mark_listeners:
            self.rec.mark_listeners.remove(self.add_mark)
        self._stop.set()
        if self._timer is not threading.current_thread():
            self._timer.join(timeout=2)
        if _columns_part(*table_head(self.rec, self.columns)) != self._written_head:
            # A unit or display name changed after the head was written: the file gets the
            # head rec.save would write (once, at the end).
            self._rewrite_due = True
        self._maybe_rewrite(force=True)
        with self._lock:
            if self._fh is None:
                return
            # The gaps and notes went into the file as they happened: counters are left.
            rec = self.rec
            lines = [line for line in counter_lines(rec) if not line.startswith("# note:")]
            lines += [f"# note: {n}" for n in rec.notes[self._notes_written:]]
            _write_lines(self._pending, lines)
        self.flush()
        with self._lock:
            fh = self._fh
            if fh is None:
                return

            def finish() -> None:
                os.fsync(fh.fileno())
                fh.close()

            self._guard(finish)
            self._fh = None
