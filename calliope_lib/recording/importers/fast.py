"""Large files of our own format, read by pandas' C parser: 200 MB in seconds, little memory.

Only clean files take this way; anything unusual (a damaged row, a name with quotes or
``#``, pandas not installed) returns None and the careful line-by-line reader
(:func:`calliope_lib.recording.reading.parse_recording_text`) takes over, with its warnings.

How it stays exact and small:

* the ``#`` lines (metadata on top, gaps between rows, counters at the end) are found by a
  scan for ``\\n#`` in blocks of :data:`BLOCK` bytes and read like the careful reader does;
* pandas reads only the table: from the line after the header up to the last line end (a
  last line without its line end is cut off: reported, never loaded), in chunks of rows, correctly rounded (the very floats our writer wrote, bit for bit: tested);
* a row with too few cells would be filled with NaN by pandas: so the separators of the
  table are counted, and unless there are exactly (columns - 1) per row, the careful reader
  decides;
* the recording's ``array('d')`` columns are made once with room for every row (the scan
  counted them) and each chunk is written into them through numpy views, so memory holds
  the recording and one chunk, never a second copy of a column.
"""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

from calliope_lib.messages import t
from calliope_lib.recording.importers.report import new_recording, report
from calliope_lib.recording.importers.text import seconds_per_unit, separator_of
from calliope_lib.recording.recording import Recording

#: Bytes read per block while scanning for ``#`` lines and separators.
BLOCK = 1 << 22
#: Rows pandas converts at a time.
CHUNK_ROWS = 200_000


class _Slice:
    """A read-only file object for ``path[start:end]`` (what pandas sees of the file)."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._fh = open(path, "rb")
        self._fh.seek(start)
        self._left = end - start

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._fh.read(size)
        self._left -= len(data)
        return data

    def readable(self) -> bool:
        return True

    def __iter__(self) -> Any:  # pandas checks for it; the C parser calls read()
        return iter(lambda: self.read(1 << 16), b"")

    def close(self) -> None:
        self._fh.close()


def _scan(path: Path, start: int, sep: bytes) -> tuple[list[tuple[int, str]], int, int, int]:
    """``#`` lines after ``start`` (with their line numbers counted from ``start``), the
    separators in the table (outside ``#`` lines), the end of the last complete line, and
    the number of line ends."""
    comments: list[tuple[int, str]] = []
    seps = newlines = 0
    offset = start
    carry = b""
    with open(path, "rb") as fh:
        fh.seek(start)
        while True:
            block = fh.read(BLOCK)
            if not block:
                break
            data = carry + block
            cut = data.rfind(b"\n") + 1
            body, carry = data[:cut], data[cut:]
            seps += body.count(sep)
            at = 0 if body.startswith(b"#") else body.find(b"\n#")
            while at >= 0:
                line_start = at if body[at:at + 1] == b"#" else at + 1
                line_end = body.index(b"\n", line_start)
                line = body[line_start:line_end]
                seps -= line.count(sep)
                comments.append((newlines + body.count(b"\n", 0, line_start),
                                 line.decode("utf-8", "replace")))
                at = body.find(b"\n#", line_end)
            newlines += body.count(b"\n")
            offset += cut
    return comments, seps, offset, newlines


def _precise(pd: Any) -> dict[str, str]:
    """Ask for correctly rounded floats where pandas still needs asking (before 3.0)."""
    major = int(pd.__version__.split(".")[0])
    return {"float_precision": "round_trip"} if major < 3 else {}


def load_fast(path: Path) -> Recording | None:
    """Read a large file of our own; None when the careful reader must do it."""
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        return None
    from calliope_lib.recording.reading import _comment, _parse_meta, channel_ids

    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    top: list[str] = []
    position = 0
    header = None
    while True:
        end = head.find(b"\n", position)
        if end < 0:
            return None  # a metadata block over a megabyte: not ours to hurry
        line = head[position:end].rstrip(b"\r").decode("utf-8", "replace")
        position = end + 1
        if line.startswith("#"):
            top.append(line)
        elif line.strip():
            header = line
            break
    if header is None or '"' in header or "#" in header or "\r" in head.decode("latin-1"):
        return None
    sep = separator_of(header)
    decimal = "," if sep == ";" else "."
    columns = [c.strip() for c in header.split(sep)]
    scale = seconds_per_unit(columns[0])
    if scale is None or len(set(columns)) != len(columns) or "" in columns:
        return None
    rec = new_recording("calliope-lib")
    rec.metadata.pop("source_format")
    titles: dict[str, str] = {}
    for line in top:
        body = _comment(line, sep, False)
        if body is not None:
            _parse_meta(rec, body, titles)
    names = channel_ids(rec, columns[1:], titles, ours=True)
    if len(set(names)) != len(names):
        return None

    comments, seps, data_end, newlines = _scan(path, position, sep.encode())
    size = path.stat().st_size
    expected_rows = newlines - len(comments)
    for name in names:
        rec.add_channel(name)
    if not all(isinstance(rec._times.get(n), array) for n in names):
        return None  # the recording keeps its values differently now: the careful way
    # Room for every row, written through numpy views; cut to the values there were at the end.
    stores = []
    for name in names:
        times_store = array("d", [0.0]) * expected_rows
        values_store = array("d", [0.0]) * expected_rows
        rec._times[name], rec._values[name] = times_store, values_store
        stores.append([np.frombuffer(times_store, dtype=np.float64),
                       np.frombuffer(values_store, dtype=np.float64), 0])
    rows = 0
    table_file = _Slice(path, position, data_end)
    reader = pd.read_csv(
        table_file, sep=sep, decimal=decimal, header=None, names=columns, comment="#",
        dtype=np.float64, engine="c", skip_blank_lines=True, chunksize=CHUNK_ROWS,
        on_bad_lines="error", **_precise(pd))
    try:
        for chunk in reader:
            table = chunk.to_numpy(dtype=np.float64, copy=False)
            del chunk
            if rows + len(table) > expected_rows:
                return None  # more rows than lines: not the file we scanned
            rows += len(table)
            times = table[:, 0]
            if np.isnan(times).any():
                return None  # a row without time: the careful reader names it
            if scale != 1.0:
                times = times * scale
            for j, store in enumerate(stores, start=1):
                values = table[:, j]
                keep = ~np.isnan(values)
                start = store[2]
                if keep.all():
                    store[0][start:start + len(values)] = times
                    store[1][start:start + len(values)] = values
                    store[2] = start + len(values)
                else:
                    kept = int(keep.sum())
                    store[0][start:start + kept] = times[keep]
                    store[1][start:start + kept] = values[keep]
                    store[2] = start + kept
    except (ValueError, pd.errors.ParserError):
        return None  # a cell that is no number, a row with too many cells
    finally:
        reader.close()
        table_file.close()
    counts = [store[2] for store in stores]
    for store in stores:
        store[0] = store[1] = None  # drop the numpy views: the arrays may change size again
    for name, count in zip(names, counts):
        del rec._times[name][count:]
        del rec._values[name][count:]
    if seps != rows * (len(columns) - 1):
        return None  # some row has too few cells: pandas would have made NaN of them
    for _, line in comments:
        body = _comment(line, sep, False)
        if body is not None:
            _parse_meta(rec, body)
    problems: list[tuple[int, str]] = []
    if data_end < size:
        with open(path, "rb") as fh:
            fh.seek(data_end)
            rest = fh.read()
        if rest.strip():
            header_line = head.count(b"\n", 0, position)
            problems.append((header_line + newlines + 1, t("load.cut_line")))
    return report(rec, problems, str(path))
