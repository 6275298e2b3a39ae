"""Recordings as CSV files: save, load, and write while recording (crash-safe).

This module is the files' public face (``cl.load`` is :func:`load_recording`, and the old
name ``calliope_lib.storage`` points here); the work is done in four modules of one idea
each:

* :mod:`.csv_format`: what the lines look like (``#`` lines, numbers, dialects);
* :mod:`.writing`: :func:`save_recording` (atomic) and :class:`RecordingWriter`
  (``save_to=...`` while recording, flushed at least once a second);
* :mod:`.reading`: :func:`load_recording`, forgiving towards broken lines;
* :mod:`.table`: the recording as one table (:func:`rows`) and as a pandas DataFrame.

A file looks like this (pandas reads it with ``pd.read_csv(path, comment="#")``, adding
``sep=";", decimal=","`` for the German Excel dialect)::

    # calliope-lib recording
    # format: 2
    # start: 2026-11-26T17:40:00+01:00
    # unit temperature: °C
    # unit light:
    # column temperature: Temperatur (°C)
    # column light: Helligkeit (0–255)
    Zeit (s),Temperatur (°C),Helligkeit (0–255)
    0.000,24,131
    0.500,24,129
    # gap: 12.300 15.800

The header row says the channels' display names for people (German, or English with
``CALLIOPE_LANG=en``); the ``# column`` lines give ``cl.load`` their ids back
(``rec["temperature"]``). Files of format 1 (ids in the header: ``zeit_s,temperature``)
load as before. Details: :mod:`.csv_format`.

>>> rec.save("messung.csv")          # doctest: +SKIP
>>> rec = cl.load("messung.csv")     # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from calliope_lib.recording.csv_format import (
    DIALECTS,
    FORMAT_VERSION,
    TIME_COLUMN,
    TIME_COLUMNS,
    counter_lines,
    footer_lines,
    gap_lines,
    format_number,
    header_lines,
)
from calliope_lib.recording.reading import MAX_LINE_WARNINGS, parse_recording_text
from calliope_lib.recording.reading import load_recording as _load_table
from calliope_lib.recording.recording import Recording
from calliope_lib.recording.table import rows, to_pandas
from calliope_lib.recording.writing import (
    FLUSH_EVERY_S,
    RecordingWriter,
    save_new,
    save_recording,
)


def load_recording(path: str | Path) -> Recording:
    """Read a recording file (``cl.load``): a table (see :mod:`.reading`), or an export of
    LoRaWAN uplinks, found by its content (read by :mod:`calliope_lib.lorawan.export`)."""
    from calliope_lib.lorawan.export import SNIFF_BYTES, load_export, looks_like_export

    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        head = b""  # the table reader says what is wrong (a missing file, with the ones there)
    if looks_like_export(head):
        return load_export(path)
    return _load_table(path)


__all__ = [
    "DIALECTS",
    "FLUSH_EVERY_S",
    "FORMAT_VERSION",
    "MAX_LINE_WARNINGS",
    "TIME_COLUMN",
    "TIME_COLUMNS",
    "RecordingWriter",
    "counter_lines",
    "footer_lines",
    "gap_lines",
    "format_number",
    "header_lines",
    "load_recording",
    "parse_recording_text",
    "rows",
    "save_new",
    "save_recording",
    "to_pandas",
]
