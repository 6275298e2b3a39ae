"""Reading recording files back: ``cl.load("messung.csv")``, and the files other tools make.

``cl.load`` looks at a file's content (not its name) and reads:

* our own files (:mod:`.csv_format`), also after a spreadsheet saved them again: German
  Excel (``;``, decimal comma, cp1252, ``\\r\\n``, rows padded with ``;;``), LibreOffice
  ("quote all"), tab-separated text, UTF-16; channel names with commas or quotes; the
  header's display names (``Temperatur (°C)``) become the channels' ids again
  (:func:`channel_ids`), with or without the ``# column`` lines;
* MakeCode's data export (:mod:`.importers.makecode`);
* the on-board datalogger's ``MY_DATA.HTM`` and its CSV (:mod:`.importers.datalogger`);
* Mu's data capture (:mod:`.importers.mu`).

A recording file is a story of what happened, so the reader is forgiving: lines that cannot
be read (a half-written last line after a crash, a value typed by hand that is not a number)
are skipped; a warning names the line and the reason, and everything else is loaded. A last
line without its line end is never loaded: a number cut short (``13`` of ``135``) is wrong.

Large files of our own (over :data:`FAST_BYTES`) are read by pandas' C parser
(:mod:`.importers.fast`): 200 MB in a few seconds, with little more memory than the
recording itself.

>>> rec = parse_recording_text("zeit_s;temperature\\n0,0;21,5\\n0,5;21,7\\n")
>>> rec["temperature"].values
array([21.5, 21.7])
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from calliope_lib.errors import RecordingFileError, RecordingFileMissing, RecordingIsFolder
from calliope_lib.messages import LANGUAGES, t
from calliope_lib.recording import units
from calliope_lib.recording.csv_format import (
    label_from_title,
    parse_mark,
    split_named,
    time_title,
)
from calliope_lib.recording.importers import datalogger, makecode, mu
from calliope_lib.recording.importers.report import (
    MAX_LINE_WARNINGS,
    cut_or_wrong,
    new_recording,
    report,
)
from calliope_lib.recording.importers.text import (
    decimal_of,
    decode,
    number,
    seconds_per_unit,
    separator_of,
    split_cells,
)
from calliope_lib.recording.recording import Recording

__all__ = ["FAST_BYTES", "MAX_LINE_WARNINGS", "channel_ids", "load_recording",
           "parse_recording_text"]

#: Files of our own format larger than this are read with pandas' C parser (when installed).
FAST_BYTES = 2_000_000
#: What the first line of our own files says.
MARKER = "# calliope-lib recording"


def load_recording(path: str | Path) -> Recording:
    """Read a recording file: ours, or one of the formats listed above (found by content).

    Lines that cannot be read are skipped with a warning naming the line and the reason
    (``rec.load_problems`` lists them all as ``(line number, reason)``). Raises
    :class:`~calliope_lib.errors.RecordingFileMissing` (listing the CSV files that are there)
    when the file does not exist, :class:`~calliope_lib.errors.RecordingIsFolder` when the
    path is a folder, :class:`~calliope_lib.errors.RecordingFileError` when it
    holds no table with a time column.

    >>> rec = cl.load("messung.csv")        # doctest: +SKIP
    >>> rec = cl.load("E:/MY_DATA.HTM")     # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise RecordingFileMissing.at(path)
    if path.is_dir():
        raise RecordingIsFolder.at(path)
    if path.stat().st_size > FAST_BYTES:
        with open(path, "rb") as fh:
            head = fh.read(4096)
        if head.startswith(MARKER.encode()):
            from calliope_lib.recording.importers.fast import load_fast

            rec = load_fast(path)
            if rec is not None:
                return rec
    raw = path.read_bytes()
    if datalogger.looks_like_htm(raw):
        return datalogger.parse_htm(raw, str(path))
    return parse_any_text(decode(raw), str(path))


def parse_any_text(text: str, source: str = "<text>") -> Recording:
    """The text of a table file of any kind we know (decoded, ``\\n`` line ends)."""
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if makecode.looks_like(first):
        return makecode.parse_makecode(text, source)
    if datalogger.looks_like_csv(first) and not _our_time_title(first):
        return datalogger.parse_datalogger_text(text, source)
    if not first.lstrip('"').startswith("#") and mu.looks_like(lines):
        return mu.parse_mu(text, source)
    return parse_recording_text(text, source)


def _our_time_title(line: str) -> bool:
    """Whether a header starts with our time column (``Time (s)``, ``Zeit (s)``): one of our
    files whose ``#`` lines a spreadsheet dropped, not the datalogger's ``Time (seconds)``."""
    sep = separator_of(line)
    cells = split_cells(line, sep)
    first = cells[0].strip() if cells else ""
    return first in {time_title(lang) for lang in LANGUAGES}


def _parse_meta(rec: Recording, body: str, titles: dict[str, str] | None = None) -> None:
    """One ``#`` line (without the ``#``): metadata, a unit, a column's title (into
    ``titles``: title -> id), a gap, a mark, a counter or a note."""
    for kind in ("unit ", "column "):
        if body.startswith(kind):
            named = split_named(body[len(kind):])
            if named is None:
                break
            if kind == "unit ":
                rec.use_units({named[0]: named[1]})
            elif titles is not None and named[1]:
                titles.setdefault(named[1], named[0])
            return
    key, sep, value = body.partition(": ")
    if not sep:
        key, sep, value = body.partition(":")
        if not sep:
            return
    key = key.strip()
    value = value.strip() if key not in ("note",) else value
    if key == "gap":
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
    elif key == "mark":
        mark = parse_mark(value)
        if mark is not None:
            rec.mark(mark[1], time=mark[0])
    elif key == "format":
        rec.metadata["format"] = value
    elif key.endswith(" (json)"):
        try:
            rec.metadata[key[:-7]] = json.loads(value)
        except ValueError:
            rec.metadata[key[:-7]] = value
    elif key != "calliope-lib recording":
        rec.metadata[key] = value


def _comment(line: str, sep: str, padded: bool) -> str | None:
    """The text of a ``#`` line, also after a spreadsheet quoted or padded it; None if the
    line is no ``#`` line."""
    if line.startswith('"#'):
        cells = split_cells(line, sep)
        while len(cells) > 1 and not cells[-1].strip():
            cells.pop()
        return sep.join(cells)[1:].strip()
    if not line.startswith("#"):
        return None
    if padded or line.endswith(sep * 2):
        line = line.rstrip(sep)  # "# unit temperature: °C;;": Excel's padding
    return line[1:].strip()


def channel_ids(rec: Recording, header: list[str], titles: dict[str, str],
                ours: bool) -> list[str]:
    """The channel id of each column title of a header (the time column left out).

    ``titles``: the file's ``# column`` lines (title -> id). A title without one is looked up
    among the known display names (:func:`~calliope_lib.recording.units.channel_of_title`),
    unless the file says it is of format 1 (its header holds the ids themselves); a title
    nobody knows is the channel's name (as are all titles of a format 1 file). Units a title
    holds and display names the recording gave its channels are set on ``rec``.

    >>> rec = Recording(metadata={"format": "2"})
    >>> rec.use_units({"lux": "lx"})  # from the file's "# unit lux: lx"
    >>> channel_ids(rec, ["Temperatur (°C)", "Fotoz. (lx)", "wert1"],
    ...             {"Fotoz. (lx)": "lux"}, ours=True)
    ['temperature', 'lux', 'wert1']
    >>> rec.label("lux")
    'Fotoz.'
    """
    format_1 = ours and str(rec.metadata.get("format", "1")).strip() in ("", "0", "1")
    ids: list[str] = []
    labels: dict[str, str] = {}
    for title in header:
        name = titles.get(title)
        unit = None
        if name is None and not format_1:
            found = units.channel_of_title(title)
            if found is not None:
                name, unit = found
        if name is None or name in ids:
            name = title  # unknown, or a second title for one id: the title is the name
        elif title in titles:  # the file's own title: what it says beyond the unit is a label
            label = label_from_title(title, name, rec._units.get(name, units.unit_of(name)))
            if label not in {" ".join(known.split()) for known in units.labels_of(name)}:
                labels[name] = label  # the recording's own (standard ones follow the language)
        if unit is not None and name not in rec._units:
            rec.use_units({name: unit})
        ids.append(name)
    rec.use_labels(labels)
    return ids


def parse_recording_text(text: str, source: str = "<text>") -> Recording:
    """Parse the text of one of our recording files (see :mod:`.csv_format` for the format).

    ``source`` names the file in warnings and errors.
    """
    rec = new_recording("calliope-lib")
    rec.metadata.pop("source_format")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems: list[tuple[int, str]] = []
    lines = text.split("\n")
    complete = text.endswith("\n")
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    if not numbered:
        raise RecordingFileError(path=source, reason=t("load.empty"))
    ours = numbered[0][1].lstrip('"').startswith(MARKER)
    last_number = numbered[-1][0]

    # The header: the first line that is not a "#" line; it decides the separator.
    header_at = next((k for k, (_, line) in enumerate(numbered)
                      if not line.lstrip('"').startswith("#")), None)
    if header_at is None:
        raise RecordingFileError(path=source, reason=t("load.empty"))
    header = numbered[header_at][1]
    sep = separator_of(header)
    padded = header.rstrip().endswith(sep)
    columns = [c.strip() for c in split_cells(header, sep)]
    while len(columns) > 1 and not columns[-1]:
        columns.pop()  # padding
    scale = seconds_per_unit(columns[0]) if columns else None
    if scale is None:
        raise RecordingFileError(
            path=source, reason=t("load.no_time_column", first=columns[0] if columns else ""),
        )
    width = len(columns)
    titles: dict[str, str] = {}
    for _, line in numbered[:header_at]:
        body = _comment(line, sep, padded)
        if body is not None:
            _parse_meta(rec, body, titles)
    names = channel_ids(rec, columns[1:], titles, ours)

    sample = [split_cells(line, sep) for _, line in numbered[header_at + 1:header_at + 50]
              if not line.startswith(("#", '"#'))]
    decimal = decimal_of(sample, sep)
    # Every column is a channel, in the file's order, also one without any value yet.
    for name in names:
        rec.add_channel(name)
    for number_, line in numbered[header_at + 1:]:
        body = _comment(line, sep, padded)
        if body is not None:
            _parse_meta(rec, body)  # gap lines sit between the rows they came between
            continue
        is_cut = number_ == last_number and not complete
        if is_cut and ours:
            problems.append((number_, t("load.cut_line")))  # our writer ends every line
            continue
        cells = split_cells(line, sep)
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]  # a spreadsheet's padding
        if len(cells) != width:
            problems.append((number_, cut_or_wrong(len(cells), width, is_cut)))
            continue
        values = [number(c, decimal) for c in cells]
        if any(v is not None and math.isnan(v) for v in values):
            problems.append((number_, t("load.not_number")))
            continue
        when = values[0]
        if when is None:
            problems.append((number_, t("load.no_time")))
            continue
        present = [(n, v) for n, v in zip(names, values[1:]) if v is not None]
        rec.add_row(when * scale, [n for n, _ in present], [v for _, v in present])
    return report(rec, problems, source)
