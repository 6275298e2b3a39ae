"""Lesson 7 (Sensorgarten): its shipped LoRaWAN export and its optional live step.

* The export ``beispiel_sensorgarten_export.json`` is exactly what its documented generator
  (``lessons/_src/07-sensorgarten-export.py``) writes, reads with ``cl.load`` as the lesson
  says (four devices, eight channels, no bad line), and every line is a consistent storage-
  integration uplink (``frm_payload`` holds the bytes of ``decoded_payload``).
* The expected answers in ``teach/tasks.py`` are recomputed here from the raw JSON, without
  the library's reader.
* The live cell, run as the kid runs it, records from a real MQTT broker (mosquitto on a
  loopback port, uplinks published by the test) and never writes the key anywhere; without
  a key or a server it says so and the lesson goes on.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import struct
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

import calliope_lib as cl
from calliope_lib.teach import tasks
from tests.core.lorawan_broker import (
    GARDEN_APP,
    GARDEN_KEY,
    Broker,
    free_port,
    mosquitto_path,
    tts_topic,
    tts_uplink,
)
from tests.teach.lesson_tools import LESSONS, ROOT, notebook_path, read

LESSON = LESSONS / "07-sensorgarten"
EXPORT = LESSON / "beispiel_sensorgarten_export.json"
GENERATOR = LESSONS / "_src" / "07-sensorgarten-export.py"


def _lines() -> list[dict]:
    return [json.loads(line)["result"] for line in EXPORT.read_text(encoding="utf-8").splitlines()]


def _time(text: str) -> float:
    """Seconds since the epoch of a ``received_at`` (nanoseconds cut to microseconds)."""
    head, frac = text.rstrip("Z").split(".")
    when = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return when.timestamp() + int(frac[:6]) / 1e6


# -- the shipped export ---------------------------------------------------------------------
def test_export_is_what_its_generator_writes():
    out = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True,
                         text=True, timeout=120, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_export_reads_as_the_lesson_says():
    rec = cl.load(EXPORT)
    assert rec.metadata["devices"] == ["boden-1", "boden-2", "boden-3", "bank-1"]
    assert rec.channels == [f"{d}.{f}" for d in ("boden-1", "boden-2", "boden-3")
                            for f in ("moisture", "temperature")] + \
        ["bank-1.solar_power", "bank-1.battery"]
    assert rec.bad_lines == 0
    # Three days, one uplink an hour (boden-2 lost one on the radio).
    assert rec.count("boden-1.moisture") == 72 and rec.count("boden-2.moisture") == 71
    assert 71 * 3600 < rec.duration < 72 * 3600


def test_every_line_is_a_consistent_storage_integration_uplink():
    counters: dict[str, list[int]] = {}
    for up in _lines():
        device = up["end_device_ids"]["device_id"]
        assert up["end_device_ids"]["application_ids"]["application_id"] == GARDEN_APP
        assert up["received_at"].endswith("Z") and len(up["received_at"].split(".")[1]) == 10
        msg = up["uplink_message"]
        raw = base64.b64decode(msg["frm_payload"])
        decoded = msg["decoded_payload"]
        if device.startswith("boden"):
            moisture, temperature = struct.unpack(">Hh", raw)
            assert (moisture / 10, temperature / 10) == (decoded["moisture"],
                                                         decoded["temperature"])
            assert decoded["moisture"] != 30.0  # "below 30" has one answer
        else:
            power, battery = struct.unpack(">HB", raw)
            assert (power / 10, battery) == (decoded["solar_power"], decoded["battery"])
        counters.setdefault(device, []).append(msg["f_cnt"])
    for device, seen in counters.items():
        steps = [b - a for a, b in itertools.pairwise(seen)]
        # boden-2 lost exactly one uplink: its frame counter jumps once by 2.
        assert steps.count(2) == (1 if device == "boden-2" else 0), device
        assert set(steps) <= {1, 2}


def test_expected_answers_match_the_raw_json():
    lines = _lines()
    start = _time(lines[0]["received_at"])

    def series(device: str) -> list[tuple[float, float]]:
        return [((_time(u["received_at"]) - start) / 3600,
                 u["uplink_message"]["decoded_payload"]["moisture"])
                for u in lines if u["end_device_ids"]["device_id"] == device]

    boden1, boden2 = series("boden-1"), series("boden-2")
    mean2 = sum(v for _h, v in boden2) / len(boden2)
    first = next(h for h, v in boden1 if v < 30)
    dry = sum(1 for _h, v in boden1 if v < 30)
    topf = cl.load(LESSON / "beispiel_topf.csv")
    pot = [min(100.0, max(0.0, (v - 310) / (780 - 310) * 100)) for v in topf["p1"].values]
    answers = {k: tasks.TASKS[k].answers for k in tasks.TASKS if k.startswith("garten-")}
    assert answers["garten-aufgabe1"]["anzahl_geraete"].expected == len(
        {u["end_device_ids"]["device_id"] for u in lines})
    assert answers["garten-aufgabe2"]["mittel_boden2"].expected == pytest.approx(mean2, abs=1e-3)
    assert answers["garten-aufgabe3"]["unter_30_ab"].expected == pytest.approx(first, abs=1e-3)
    assert answers["garten-aufgabe4"]["unterschied"].expected == pytest.approx(
        sum(pot) / len(pot) - mean2, abs=1e-3)
    assert answers["garten-aufgabe5"]["trockene_stunden"].expected == dry


# -- the live step --------------------------------------------------------------------------
def _live_cell() -> str:
    nb = read(notebook_path(LESSON))
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "LIVE = False" in c.source]
    assert len(cells) == 1
    return cells[0]


def _run_live(cell: str, folder: Path, url: str, env: dict[str, str],
              seconds: float) -> subprocess.Popen[str]:
    """The live cell as a kid switches it on, in a fresh Python in ``folder`` (the lesson's
    address swapped for the test broker, 10 minutes for ``seconds``)."""
    assert "ttn://lorapark-garten@eu1.cloud.thethings.network" in cell and "seconds=600" in cell
    code = (cell.replace("LIVE = False", "LIVE = True")
            .replace("ttn://lorapark-garten@eu1.cloud.thethings.network", url)
            .replace("seconds=600", f"seconds={seconds}"))
    prelude = "import calliope_lib as cl\nfrom calliope_lib import lesson\n"
    base = {k: v for k, v in os.environ.items() if k != "CALLIOPE_LORA_KEY"}
    return subprocess.Popen([sys.executable, "-c", prelude + code], cwd=folder, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            env={**base, "MPLBACKEND": "Agg", "CALLIOPE_LANG": "de",
                                 "PYTHONPATH": str(ROOT), **env})


@pytest.mark.skipif(mosquitto_path() is None, reason="mosquitto missing: .ci/run installs it")
def test_live_cell_records_from_a_real_broker_and_keeps_the_key_out(tmp_path):
    broker = Broker(tmp_path)
    broker.start()
    try:
        url = f"ttn://{GARDEN_APP}@127.0.0.1:{broker.port}?tls=0"
        proc = _run_live(_live_cell(), tmp_path, url, {"CALLIOPE_LORA_KEY": GARDEN_KEY}, 8)
        stop = threading.Event()

        def network_server() -> None:  # one uplink every half second, as the garden sends
            count = 0
            while not stop.wait(0.5):
                count += 1
                broker.publish(tts_topic("boden-1"), tts_uplink(
                    "boden-1", datetime.now(timezone.utc),
                    {"moisture": 40.0 + count, "temperature": 15.0}, f_cnt=count))

        sender = threading.Thread(target=network_server, daemon=True)
        sender.start()
        try:
            out, err = proc.communicate(timeout=60)
        finally:
            stop.set()
            sender.join(5)
    finally:
        broker.stop()
    assert proc.returncode == 0, err
    assert "Keine Live-Verbindung" not in out, out
    saved = tmp_path / "meine_garten_live.csv"
    rec = cl.load(saved)
    assert rec.count("boden-1.moisture") >= 3
    assert all(41 <= v <= 80 for v in rec["boden-1.moisture"].values)
    for text in (saved.read_text(encoding="utf-8"), out, err):
        assert GARDEN_KEY not in text and "SECRETPART" not in text


@pytest.mark.parametrize("env,why", [
    ({}, "no key and nobody to type it"),
    ({"CALLIOPE_LORA_KEY": GARDEN_KEY}, "a key, but no server"),
])
def test_live_cell_without_key_or_network_lets_the_lesson_go_on(tmp_path, env, why):
    url = f"ttn://{GARDEN_APP}@127.0.0.1:{free_port()}?tls=0"  # nobody listens there
    started = time.monotonic()
    proc = _run_live(_live_cell(), tmp_path, url, env, 8)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, (why, err)
    assert "Keine Live-Verbindung. Das macht nichts" in out, (why, out)
    assert not list(tmp_path.glob("meine_*")), why
    assert GARDEN_KEY not in out + err
    print(f"{why}: {time.monotonic() - started:.1f} s")


def test_the_notebook_never_holds_a_key():
    nb = read(notebook_path(LESSON))
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "key=" not in code and "NNSXS" not in code
    assert "CALLIOPE_LORA_KEY" in "\n".join(c.source for c in nb.cells)
    # Switched off by default and never on while grading: no prompt can stop nbgrader.
    assert "LIVE = False" in code and "not lesson.grading()" in code


def test_lesson_quotes_the_moisture_wiring_of_lesson_4():
    """Lesson 7 reuses lesson 4's probe: every text spells out the one chain of wiring.py."""
    from calliope_lib.teach import materials
    from calliope_lib.teach.wiring import chain_text

    expected = chain_text("moisture")
    nb = read(notebook_path(LESSON))
    texts = {
        "notebook": "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"),
        "LEHRKRAFT.md": (LESSON / "LEHRKRAFT.md").read_text(encoding="utf-8"),
        "worksheet": (materials.worksheet_sources_dir() / "07-sensorgarten.md").read_text(
            encoding="utf-8"),
    }
    for where, text in texts.items():
        assert expected in text, f"the {where} does not spell out {expected}"
    assert 'lesson.wiring("moisture")' in "\n".join(c.source for c in nb.cells)
