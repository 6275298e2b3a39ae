"""One LoRaWAN uplink, read from the JSON a network server publishes: pure, no I/O.

Two network servers are understood, each with its own documented message format:

* **The Things Stack v3** (The Things Network is one of its deployments): an uplink message
  as its MQTT server and webhooks publish it, and as its storage integration returns it
  (there wrapped in ``{"result": {...}}``)::

      {"end_device_ids": {"device_id": "boden-1", ...},
       "received_at": "2026-05-04T10:15:00.123456789Z",
       "uplink_message": {"f_cnt": 42, "decoded_payload": {"moisture": 41.5},
                          "rx_metadata": [{"rssi": -97, "snr": 7.25, ...}]}}

* **ChirpStack v4**: the ``up`` event of its MQTT integration (JSON encoding)::

      {"time": "2026-05-04T10:15:00.123+00:00",
       "deviceInfo": {"deviceName": "bank-1", "devEui": "...", ...},
       "fCnt": 42, "object": {"solar": {"power": 3.2}}, "rxInfo": [{"rssi": -80, "snr": 9}]}

What a kid records are the *decoded* values (the network server's payload formatter turned
the radio bytes into named fields). Nested fields are flattened with dots
(``{"air": {"temperature": 21}}`` gives ``air.temperature``), list items get their index
(``values.0``), true/false count as 1/0, text is kept as a note, not a channel.

>>> up = decode({"end_device_ids": {"device_id": "boden-1"},
...              "received_at": "2026-05-04T10:15:00Z",
...              "uplink_message": {"decoded_payload": {"moisture": 41.5, "state": "ok"}}})
>>> up.device, up.values, up.notes
('boden-1', {'moisture': 41.5}, {'state': 'ok'})
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

#: How deep decoded fields may nest before the rest is ignored (a hostile message cannot
#: make the flattening recurse without end).
MAX_DEPTH = 8
#: At most this many fields are taken from one message.
MAX_FIELDS = 200

#: The message formats :func:`decode` knows (see the module text).
FORMATS = ("tts", "chirpstack")


class BadUplink(ValueError):
    """A message that is not a usable uplink; ``reason`` is a short word.

    Reasons: ``"not_json"``, ``"not_uplink"`` (JSON, but neither format), ``"no_device"``,
    ``"no_time"``, ``"no_decoded"`` (the network server decoded no fields: the application
    has no payload formatter).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Uplink:
    """What one uplink says: the device, when it arrived, its values.

    * ``device``: the device's name (The Things Stack: its device id; ChirpStack: its name)
    * ``received``: when the network server received it (UTC)
    * ``values``: the decoded numeric fields, flattened (``{"air.temperature": 21.0}``)
    * ``notes``: decoded fields that are text (``{"status": "ok"}``)
    * ``signal``: ``{"rssi": dBm, "snr": dB}`` of the gateway that heard it best (may be empty)
    * ``counter``: the device's uplink frame counter (``f_cnt``), None if not known
    """

    device: str
    received: datetime
    values: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    signal: dict[str, float] = field(default_factory=dict)
    counter: int | None = None


def decode_bytes(payload: bytes | str, fmt: str | None = None) -> Uplink:
    """Decode the raw bytes of one message (an MQTT payload, a line of an export).

    ``fmt``: ``"tts"``, ``"chirpstack"`` or None (tell by the message itself). Raises
    :class:`BadUplink`, never anything else, whatever the bytes are.
    """
    try:
        obj = json.loads(payload)
    except (ValueError, RecursionError, UnicodeDecodeError, TypeError):
        raise BadUplink("not_json") from None
    return decode(obj, fmt)


def decode(obj: Any, fmt: str | None = None) -> Uplink:
    """Decode one parsed JSON message (see the module text). Raises :class:`BadUplink`."""
    if isinstance(obj, dict) and isinstance(obj.get("result"), dict):
        obj = obj["result"]  # a line of The Things Stack's storage integration
    if not isinstance(obj, dict):
        raise BadUplink("not_uplink")
    if fmt is None:
        if "uplink_message" in obj or "end_device_ids" in obj:
            fmt = "tts"
        elif "deviceInfo" in obj:
            fmt = "chirpstack"
        else:
            raise BadUplink("not_uplink")
    if fmt == "tts":
        return _decode_tts(obj)
    if fmt == "chirpstack":
        return _decode_chirpstack(obj)
    raise ValueError(f"unknown format {fmt!r}, known: {FORMATS}")


def _decode_tts(obj: dict) -> Uplink:
    ids = obj.get("end_device_ids")
    up = obj.get("uplink_message")
    if not isinstance(up, dict):
        raise BadUplink("not_uplink")
    device = ids.get("device_id") if isinstance(ids, dict) else None
    if not isinstance(device, str) or not device:
        raise BadUplink("no_device")
    received = parse_time(obj.get("received_at")) or parse_time(up.get("received_at"))
    if received is None:
        raise BadUplink("no_time")
    decoded = up.get("decoded_payload")
    if not isinstance(decoded, dict):
        raise BadUplink("no_decoded")
    values, notes = flatten(decoded)
    # The Things Stack leaves out fields whose value is zero (protobuf JSON): no f_cnt is 0.
    counter = up.get("f_cnt", 0)
    return Uplink(device, received, values, notes, _best_gateway(up.get("rx_metadata")),
                  counter if isinstance(counter, int) else None)


def _decode_chirpstack(obj: dict) -> Uplink:
    info = obj.get("deviceInfo")
    if not isinstance(info, dict):
        raise BadUplink("not_uplink")
    device = info.get("deviceName") or info.get("devEui")
    if not isinstance(device, str) or not device:
        raise BadUplink("no_device")
    received = parse_time(obj.get("time"))
    if received is None:
        raise BadUplink("no_time")
    decoded = obj.get("object")
    if not isinstance(decoded, dict):
        raise BadUplink("no_decoded")
    values, notes = flatten(decoded)
    counter = obj.get("fCnt")
    return Uplink(device, received, values, notes, _best_gateway(obj.get("rxInfo")),
                  counter if isinstance(counter, int) else None)


def _best_gateway(receptions: Any) -> dict[str, float]:
    """``{"rssi", "snr"}`` of the gateway that heard the uplink loudest."""
    best: dict[str, float] = {}
    if not isinstance(receptions, list):
        return best
    for rx in receptions:
        if not isinstance(rx, dict):
            continue
        rssi = rx.get("rssi", rx.get("channel_rssi"))
        if not _is_number(rssi):
            continue
        if not best or rssi > best["rssi"]:
            best = {"rssi": float(rssi)}
            if _is_number(rx.get("snr")):
                best["snr"] = float(rx["snr"])
    return best


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def flatten(decoded: dict) -> tuple[dict[str, float], dict[str, str]]:
    """Decoded fields as ``(numbers, texts)``, nested names joined with dots.

    >>> flatten({"air": {"temperature": 21.5, "ok": True}, "batt": [3.1, 3.0], "id": "A7"})
    ({'air.temperature': 21.5, 'air.ok': 1.0, 'batt.0': 3.1, 'batt.1': 3.0}, {'id': 'A7'})
    """
    numbers: dict[str, float] = {}
    texts: dict[str, str] = {}

    def walk(prefix: str, container: dict | list, depth: int) -> None:
        # Only containers recurse; the values of one level are sorted out in this loop
        # (by exact type: bool is an int, but true/false are kept as 1/0 on purpose).
        items = container.items() if type(container) is dict else enumerate(container)
        for key, value in items:
            if len(numbers) + len(texts) >= MAX_FIELDS:
                return
            name = f"{prefix}.{key}" if prefix else str(key)
            kind = type(value)
            if kind is float:
                numbers[name] = value
            elif kind is int:
                try:
                    numbers[name] = float(value)
                except OverflowError:  # a JSON integer with hundreds of digits
                    texts[name] = str(value)[:40]
            elif kind is bool:
                numbers[name] = 1.0 if value else 0.0
            elif kind is str:
                texts[name] = value
            elif (kind is dict or kind is list) and depth < MAX_DEPTH:
                walk(name, value, depth + 1)
            # None (and anything nested deeper than MAX_DEPTH) carries no value: left out

    walk("", decoded, 0)
    return numbers, texts


# RFC 3339 as both servers write it; more than 6 decimals (nanoseconds) are cut to 6,
# which is all Python's datetime holds.
_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")


def parse_time(text: Any) -> datetime | None:
    """An RFC 3339 time (``2026-05-04T10:15:00.123456789Z``) in UTC, or None.

    >>> parse_time("2026-05-04T12:15:00.5+02:00").isoformat()
    '2026-05-04T10:15:00.500000+00:00'
    """
    if not isinstance(text, str):
        return None
    match = _TIME.match(text.strip())
    if match is None:
        return None
    whole, fraction, zone = match.groups()
    fraction = (fraction or "")[:7]
    zone = "+00:00" if zone in (None, "Z") else zone
    try:
        when = datetime.fromisoformat(whole + fraction + zone)
    except ValueError:
        return None
    return when.astimezone(timezone.utc)
