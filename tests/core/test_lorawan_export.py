"""LoRaWAN exports through ``cl.load`` and the pure uplink decoding behind them.

The fixtures (tests/fixtures/lorawan/, sources in its README) follow the documented message
formats of The Things Stack v3 and ChirpStack v4.
"""

from __future__ import annotations

import json
import warnings
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import calliope_lib as cl
from calliope_lib.errors import RecordingFileError
from calliope_lib.lorawan.address import parse_address
from calliope_lib.lorawan.errors import LoraAddressError
from calliope_lib.lorawan.export import looks_like_export
from calliope_lib.lorawan.uplink import BadUplink, decode, decode_bytes, parse_time
from calliope_lib.messages import CalliopeWarning

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lorawan"


def load_quietly(path: Path) -> tuple[cl.Recording, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = cl.load(path)
    return rec, [str(w.message) for w in caught if issubclass(w.category, CalliopeWarning)]


def test_tts_storage_export_devices_fields_times_and_bad_lines() -> None:
    rec, warned = load_quietly(FIXTURES / "tts-storage-export.json")
    assert rec.channels == ["boden-1.moisture", "boden-1.air.temperature",
                            "boden-1.air.humidity", "boden-1.battery", "boden-2.moisture",
                            "boden-2.air.temperature", "boden-2.battery"]
    assert list(rec["boden-1.moisture"].values) == [41.5, 41.0, 40.5, 40.0, 39.5, 39.0]
    # Times from received_at, seconds since the first uplink (08:00:03.280000123Z).
    assert list(rec["boden-1.moisture"].times) == [0.0, 600.0, 1200.0, 1800.0, 2400.0, 3000.0]
    assert list(rec["boden-2.moisture"].times) == [17.0, 617.0, 1817.0, 2417.0, 3017.0]
    assert rec.metadata["start"].startswith("2026-05-04T")
    assert datetime.fromisoformat(rec.metadata["start"]) == \
        datetime(2026, 5, 4, 8, 0, 3, 280000, tzinfo=timezone.utc)
    assert rec.metadata["devices"] == ["boden-1", "boden-2"]
    assert rec.unit("boden-1.air.temperature") == "°C"
    assert rec.bad_lines == 2 and rec.lost_lines == 1
    assert [n for n, _ in rec.load_problems] == [4, 14]
    assert any("Zeile 4" in w and "Payload-Formatter" in w for w in warned)
    assert rec.notes == ["0.0 s boden-1.status: ok", "17.0 s boden-2.status: ok",
                         "3017.0 s boden-2.status: battery low"]


def test_tts_uplinks_one_per_line_with_booleans() -> None:
    rec, warned = load_quietly(FIXTURES / "tts-uplinks.jsonl")
    assert warned == []
    assert rec.channels == ["bank-1.solar.power", "bank-1.solar.voltage", "bank-1.charging"]
    assert list(rec["bank-1.solar.power"].values) == [2.5, 3.75, 4.0, 1.25]
    assert list(rec["bank-1.charging"].values) == [1.0, 1.0, 1.0, 0.0]
    assert list(rec["bank-1.solar.power"].times) == [0.0, 900.0, 1800.0, 2700.0]


def test_chirpstack_uplinks_one_per_line() -> None:
    rec, _ = load_quietly(FIXTURES / "chirpstack-uplinks.jsonl")
    assert rec.channels == ["bank-2.solar.power", "bank-2.battery"]
    assert list(rec["bank-2.battery"].values) == [90.0, 89.0, 88.0, 87.0]
    assert rec.bad_lines == 1 and rec.notes == ["0.0 s bank-2.mode: eco"]


def test_an_export_saved_as_csv_loads_back_the_same(tmp_path: Path) -> None:
    rec, _ = load_quietly(FIXTURES / "tts-storage-export.json")
    back = cl.load(rec.save(tmp_path / "garten.csv"))
    assert back.channels == rec.channels
    for name in rec.channels:
        assert list(back[name].values) == list(rec[name].values)
        assert list(back[name].times) == pytest.approx(list(rec[name].times))
    assert back.bad_lines == 2 and back.notes == rec.notes


def test_a_json_list_and_a_newest_first_export(tmp_path: Path) -> None:
    lines = (FIXTURES / "tts-uplinks.jsonl").read_text().splitlines()
    (tmp_path / "list.json").write_text(json.dumps([json.loads(x) for x in lines], indent=2))
    (tmp_path / "newest-first.json").write_text(
        "\n".join(json.dumps({"result": json.loads(x)}) for x in reversed(lines)))
    for name in ("list.json", "newest-first.json"):
        rec = cl.load(tmp_path / name)
        assert list(rec["bank-1.solar.power"].values) == [2.5, 3.75, 4.0, 1.25], name


def test_json_that_is_no_uplink_is_refused_and_csv_is_still_a_table(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"result": {"something": 1}}\n{"result": 2}\n')
    with pytest.raises(RecordingFileError) as err:
        cl.load(path)
    assert "keine Uplink-Nachricht" in str(err.value)
    csv = tmp_path / "m.csv"
    csv.write_text("zeit_s,temperature\n0,21\n")
    assert cl.load(csv).channels == ["temperature"]
    assert not looks_like_export(b"zeit_s,temperature\n")


def test_decoding_details() -> None:
    up = decode({"end_device_ids": {"device_id": "d"}, "received_at": "2026-05-04T10:00:00Z",
                 "uplink_message": {"decoded_payload": {"a": {"b": [1, {"c": 2}]},
                                                        "big": 10 ** 400, "none": None}}})
    assert up.values == {"a.b.0": 1.0, "a.b.1.c": 2.0}
    assert up.counter == 0  # The Things Stack leaves a zero counter out
    assert "big" in up.notes  # too big for a float: kept as text, never an OverflowError
    assert parse_time("2026-05-04T10:00:00.123456789Z") == \
        datetime(2026, 5, 4, 10, 0, 0, 123456, tzinfo=timezone.utc)
    assert parse_time("gestern") is None
    with pytest.raises(BadUplink) as bad:
        decode_bytes("[" * 100000)
    assert bad.value.reason == "not_json"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["end_device_ids", "device_id", "uplink_message", "decoded_payload",
                         "received_at", "result", "deviceInfo", "deviceName", "object",
                         "time", "rx_metadata", "rssi", "x"]), inner, max_size=4),
    max_leaves=12).map(lambda obj: json.dumps(obj).encode()))
def test_any_message_decodes_or_is_a_bad_uplink(payload: bytes) -> None:
    try:
        up = decode_bytes(payload)
    except BadUplink:
        return
    assert up.device and up.received.tzinfo is not None


def test_addresses() -> None:
    a = parse_address("ttn://garten@makerspace@tts.example.org:8884")
    assert (a.application, a.tenant, a.username, a.port, a.tls) == \
        ("garten", "makerspace", "garten@makerspace", 8884, True)
    b = parse_address("chirpstack://lora.example.org/6f3c1a2e?tls=0&signal=1")
    assert (b.topic, b.port, b.signal, b.needs_key) == \
        ("application/6f3c1a2e/device/+/event/up", 1883, True, False)
    with pytest.raises(LoraAddressError) as err:
        parse_address("ttn://garten:NNSXS.GEHEIM@eu1.cloud.thethings.network")
    assert "NNSXS.GEHEIM" not in str(err.value) and "Schlüssel" in str(err.value)
    with pytest.raises(LoraAddressError):
        parse_address("chirpstack://lora.example.org/")
    with pytest.raises(LoraAddressError):
        parse_address("ttn://garten@eu1.cloud.thethings.network?tsl=0")


def test_paho_is_imported_only_for_a_live_connection(tmp_path: Path) -> None:
    """``import calliope_lib`` and loading files (exports included) never import paho-mqtt
    or the live source: a kid's notebook without the extra works the same."""
    import subprocess
    import sys

    code = (
        "import sys, calliope_lib as cl\n"
        "assert not [m for m in sys.modules if m.startswith(('calliope_lib.lorawan', 'paho'))]\n"
        f"rec = cl.load({str(FIXTURES / 'tts-uplinks.jsonl')!r})\n"
        "assert rec.channels, rec\n"
        "assert 'paho' not in sys.modules and 'calliope_lib.lorawan.source' not in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_a_missing_certificate_file_is_named() -> None:
    with pytest.raises(LoraAddressError) as err:
        cl.connect("ttn://garten@127.0.0.1:1?ca=/gibt/es/nicht/ca.pem", key="k")
    assert "/gibt/es/nicht/ca.pem" in str(err.value)
