"""Make lesson 7's garden export ``07-sensorgarten/beispiel_sensorgarten_export.json``.

What it is: three days of the makerspace's LoRaWAN sensor garden as The Things Stack v3
**storage integration** hands them out (``GET /api/v3/as/applications/{application id}/
packages/storage/uplink_message``: one ``{"result": {...uplink message...}}`` per line, the
format ``calliope_lib.lorawan.export`` reads and ``tests/fixtures/lorawan/README.md``
documents with its sources). The values are **made up** (a small model below, seeded), no
real device data; the lesson and the teachers' notes say so.

The garden (application ``lorapark-garten``, one gateway ``makerspace-dach``):

* ``boden-1``: soil probe in a sunny bed. Watered just before the export starts, then dries
  in the sun (faster by day than by night) and falls below 30 % on the second afternoon;
  rain in the third night wets it again.
* ``boden-2``: soil probe under a tree: dries slowly, gets less rain. One uplink is lost on
  the radio (its frame counter jumps), as happens in real gardens.
* ``boden-3``: soil probe in a bed with a drip hose that waters every morning at 7 o'clock
  (local time): a saw tooth.
* ``bank-1``: a smart solar bench: ``solar_power`` in W (cloudy on the second afternoon before
  the rain) and its ``battery`` in % (visitors charge phones in the afternoon).

Every soil probe sends ``moisture`` (%) and ``temperature`` (°C), once an hour at its own
minute. ``frm_payload`` holds the bytes the ``decoded_payload`` was decoded from (big endian):
soil probes ``uint16 moisture*10, int16 temperature*10``; the bench ``uint16 solar_power*10,
uint8 battery``. Times are ``received_at`` (UTC with nanoseconds, as The Things Stack writes
them); the export starts on Monday 2026-06-08, 06:00 local time (04:00 UTC).

Same seed -> byte-identical file. Run from the repository root::

    .venv/bin/python calliope_lib/teach/lessons/_src/07-sensorgarten-export.py          # write
    .venv/bin/python calliope_lib/teach/lessons/_src/07-sensorgarten-export.py --check  # exit 1: differs
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import random
import struct
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "07-sensorgarten" / "beispiel_sensorgarten_export.json"

SEED = 2026_06_08
START = datetime(2026, 6, 8, 4, 0, 0, tzinfo=timezone.utc)  # 06:00 in the garden (CEST)
LOCAL_OFFSET_H = 2.0
HOURS = 72
APPLICATION = "lorapark-garten"
GATEWAY = "makerspace-dach"
#: The minute of the hour each device sends at, its DevEUI and its first frame counter.
DEVICES: dict[str, tuple[int, str, int]] = {
    "boden-1": (2, "70B3D57ED0061A01", 311),
    "boden-2": (17, "70B3D57ED0061A02", 287),
    "boden-3": (33, "70B3D57ED0061A03", 402),
    "bank-1": (47, "70B3D57ED0061B01", 1290),
}
#: boden-2's uplink in this hour never reached the gateway.
LOST = ("boden-2", 20)
#: Rain in the third night (hours since the start, local 02:00 to 05:00 on Wednesday).
RAIN = (44.0, 47.0)
#: Clouds on the second afternoon, before the rain (hours since the start).
CLOUDS = (32.0, 44.0)


def sun(hours: float) -> float:
    """How strong the sun shines (0..1) at ``hours`` since the start: up 06:00-20:00 local."""
    local = (hours + 6.0) % 24.0
    if not 6.0 <= local <= 20.0:
        return 0.0
    strength = math.sin(math.pi * (local - 6.0) / 14.0)
    if CLOUDS[0] <= hours < CLOUDS[1]:
        strength *= 0.3
    return strength


def rain(hours: float) -> float:
    """Rain in mm per hour."""
    return 5.0 if RAIN[0] <= hours < RAIN[1] else 0.0


def soil_series(step_h: float, start: float, dry_night: float, dry_sun: float,
                wet_per_mm: float, drip_at_7: float = 0.0) -> list[float]:
    """Soil moisture (%) every ``step_h`` hours from 0 to ``HOURS``, by a small water balance:
    drying (faster in the sun), rain, and an optional drip hose at 07:00 local."""
    out, moisture, h = [], start, 0.0
    while h <= HOURS + 1e-9:
        out.append(moisture)
        moisture -= (dry_night + dry_sun * sun(h)) * step_h
        moisture += rain(h) * wet_per_mm * step_h
        if drip_at_7 and abs(((h + 6.0) % 24.0) - 7.0) < step_h / 2:
            moisture += drip_at_7
        moisture = min(max(moisture, 5.0), 75.0)
        h += step_h
    return out


def soil_temperature(hours: float, shade: float) -> float:
    """Soil temperature in °C: warmer in the afternoon, the shade flattens the day."""
    local = (hours + 6.0) % 24.0
    return 15.0 + (1.0 - shade) * 6.0 * math.sin(math.pi * (local - 9.0) / 12.0) + 0.4 * shade


def _moisture_value(value: float, rng: random.Random) -> float:
    shown = round(value + rng.gauss(0.0, 0.25), 1)
    # No reading is exactly 30.0 %: "below 30" then has one answer, whatever a kid writes.
    return 30.1 if shown == 30.0 else shown


def readings() -> list[tuple[datetime, str, dict[str, Any]]]:
    """(received time, device, decoded payload) of every uplink, in time order."""
    rng = random.Random(SEED)
    # The model runs in steps of 1 minute; uplinks take the value of their minute.
    per_minute = 1.0 / 60.0
    soil = {
        "boden-1": (soil_series(per_minute, 58.0, 0.4, 1.3, 1.6), 0.0),
        "boden-2": (soil_series(per_minute, 52.0, 0.12, 0.2, 0.5), 0.7),
        "boden-3": (soil_series(per_minute, 40.0, 0.3, 0.8, 1.2, drip_at_7=14.0), 0.2),
    }
    battery = 72.0
    out = []
    for hour in range(HOURS):
        for device, (minute, _eui, _fcnt) in DEVICES.items():
            if (device, hour) == LOST:
                continue
            h = hour + minute / 60.0
            when = START + timedelta(hours=h, seconds=rng.uniform(0.5, 4.0))
            if device in soil:
                series, shade = soil[device]
                payload = {
                    "moisture": _moisture_value(series[round(h * 60)], rng),
                    "temperature": round(soil_temperature(h, shade) + rng.gauss(0.0, 0.15), 1),
                }
            else:
                power = max(0.0, 18.0 * sun(h) + rng.gauss(0.0, 0.2)) if sun(h) > 0 else 0.0
                local = (h + 6.0) % 24.0
                use = 1.2 + (3.0 if 15.0 <= local < 19.0 else 0.0)
                battery = min(100.0, max(5.0, battery + 0.2 * power - use))
                payload = {"solar_power": round(power, 1), "battery": round(battery)}
            out.append((when, device, payload))
    out.sort(key=lambda item: item[0])
    return out


def _payload_bytes(device: str, payload: dict[str, Any]) -> bytes:
    if device.startswith("boden"):
        return struct.pack(">Hh", round(payload["moisture"] * 10),
                           round(payload["temperature"] * 10))
    return struct.pack(">HB", round(payload["solar_power"] * 10), payload["battery"])


def _time(when: datetime, extra_ns: int = 0) -> str:
    """RFC 3339 with nanoseconds and Z, as The Things Stack writes it."""
    ns = when.microsecond * 1000 + extra_ns
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{ns:09d}Z"


def uplink(when: datetime, device: str, payload: dict[str, Any], f_cnt: int,
           rng: random.Random) -> dict[str, Any]:
    """One storage-integration line: ``{"result": uplink message}``."""
    _minute, eui, _first = DEVICES[device]
    gateway_time = when - timedelta(milliseconds=30)
    rssi = -int(rng.uniform(95, 118))
    return {"result": {
        "end_device_ids": {"device_id": device, "application_ids": {"application_id": APPLICATION},
                           "dev_eui": eui, "dev_addr": "260B" + eui[-4:]},
        "received_at": _time(when, 123),
        "uplink_message": {
            "f_port": 1,
            "f_cnt": f_cnt,
            "frm_payload": base64.b64encode(_payload_bytes(device, payload)).decode("ascii"),
            "decoded_payload": payload,
            "rx_metadata": [{"gateway_ids": {"gateway_id": GATEWAY, "eui": "B827EBFFFE8B01DD"},
                             "time": _time(gateway_time), "rssi": rssi, "channel_rssi": rssi,
                             "snr": round(rng.uniform(-3.0, 9.0) * 4) / 4}],
            "settings": {"data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7,
                                                "coding_rate": "4/5"}},
                         "frequency": "868100000"},
            "received_at": _time(gateway_time, 500),
            "consumed_airtime": "0.061696s",
        },
    }}


def export_text() -> str:
    """The whole file: one JSON object per line, in the order the uplinks arrived."""
    rng = random.Random(SEED + 1)
    counters = {device: first for device, (_m, _e, first) in DEVICES.items()}
    lines = []
    for when, device, payload in readings():
        if device == LOST[0] and when >= START + timedelta(hours=LOST[1]) and \
                counters[device] == DEVICES[device][2] + LOST[1]:
            counters[device] += 1  # the lost uplink used this frame counter
        lines.append(json.dumps(uplink(when, device, payload, counters[device], rng),
                                separators=(",", ":")))
        counters[device] += 1
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare with the shipped file; exit 1 on a difference")
    args = parser.parse_args(argv)
    text = export_text()
    same = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
    if args.check:
        print(f"{'=' if same else '!'} {TARGET.name}")
        return 0 if same else 1
    if not same:
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        TARGET.write_text(text, encoding="utf-8")
    print(f"{'=' if same else '+'} {TARGET.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
