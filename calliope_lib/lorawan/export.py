"""Reading LoRaWAN exports: ``cl.load("ttn-export.json")``.

Two kinds of file are read, told apart by their content, not their name:

* The Things Stack's **storage integration** (``GET /api/v3/as/applications/{id}/packages/
  storage/uplink_message``) answers with one JSON object per line, each
  ``{"result": {...an uplink message...}}`` (saved from its event stream, each line may
  start with ``data:``);
* uplink messages saved **one per line** as they came (The Things Stack's MQTT or webhook
  JSON, ChirpStack's ``up`` events); a file holding one JSON list of them is read too.

Every device's decoded fields become channels ``"<device>.<field>"``; times are seconds
since the first uplink in the file, whose time is the recording's ``start``. Lines that are
no usable uplink are skipped, counted in ``rec.bad_lines`` and named in a warning.

>>> rec = cl.load("ttn-export.json")     # doctest: +SKIP
>>> rec.channels                         # doctest: +SKIP
['boden-1.moisture', 'boden-1.temperature', 'boden-2.moisture', ...]
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from calliope_lib.errors import RecordingFileError
from calliope_lib.lorawan.rows import UplinkRows
from calliope_lib.lorawan.texts import reason_text
from calliope_lib.lorawan.uplink import BadUplink, Uplink, decode, decode_bytes
from calliope_lib.messages import t, warn
from calliope_lib.recording.recording import Recording

#: How much of a file :func:`looks_like_export` reads.
SNIFF_BYTES = 65536
#: Keys of which one must be in the first object of an export.
_MARKS = (b'"result"', b'"end_device_ids"', b'"uplink_message"', b'"deviceInfo"')
#: At most this many warnings naming a bad line.
MAX_LINE_WARNINGS = 3


def looks_like_export(head: bytes) -> bool:
    """True if the start of a file looks like uplink JSON (the rest is checked on loading).

    >>> looks_like_export(b'{"result": {"end_device_ids": {"device_id": "a"}}}')
    True
    >>> looks_like_export(b"zeit_s,temperature\\n0,21\\n")
    False
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"data:"):
        text = text[5:].lstrip()
    if not text.startswith((b"{", b"[")):
        return False
    first = text.split(b"\n", 1)[0] if text.startswith(b"{") else text
    return any(mark in first for mark in _MARKS)


def _messages(text: str) -> Iterator[tuple[int, object]]:
    """``(line number, parsed JSON or the raw line)`` for every message of the file."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except (ValueError, RecursionError):
            items = None
        if isinstance(items, list):
            for number, item in enumerate(items, start=1):
                yield number, item
            return
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = line.removeprefix("data:")  # saved from a server-sent event stream
        if line.strip():
            yield number, line


def load_export(path: str | Path) -> Recording:
    """Read an export of uplinks (see the module text) as a :class:`Recording`.

    Raises :class:`~calliope_lib.errors.RecordingFileError` when no line is an uplink.
    """
    path = Path(path)
    text = path.read_bytes().decode("utf-8", errors="replace")
    return parse_export(text, str(path))


def parse_export(text: str, source: str = "<text>") -> Recording:
    """The text of an export as a :class:`Recording` (``source`` names it in warnings)."""
    uplinks: list[Uplink] = []
    problems: list[tuple[int, str]] = []
    for number, message in _messages(text):
        try:
            uplinks.append(decode_bytes(message) if isinstance(message, str)
                           else decode(message))
        except BadUplink as bad:
            problems.append((number, bad.reason))
    if not uplinks:
        raise RecordingFileError(path=source, reason=t("lora.export.no_uplinks"))
    # Exports come newest first or oldest first; a recording runs forwards.
    uplinks.sort(key=lambda up: up.received)
    start = uplinks[0].received
    rec = Recording(metadata={
        "board": "lorawan",
        "source": Path(source).name,
        "start": start.astimezone().isoformat(timespec="milliseconds"),
    })
    rows = UplinkRows(rec, start)
    for up in uplinks:
        rows.add(up)
    for _number, reason in problems:
        rows.bad(reason)
    rec.metadata["devices"] = list(rows.devices)
    for number, reason in problems[:MAX_LINE_WARNINGS]:
        warn("file_bad_line.warn", path=source, line=number, reason=reason_text(reason))
    if len(problems) > MAX_LINE_WARNINGS:
        warn("lora.export.more", count=len(problems) - MAX_LINE_WARNINGS)
    rec.load_problems = [(n, reason_text(r)) for n, r in problems]  # type: ignore[attr-defined]
    return rec
