"""LoRaWAN sources against a real MQTT broker (mosquitto on loopback), uplinks published by
the test in both servers' formats: values, times, devices, bad messages, a broker restart,
wrong keys, and the key kept out of every file and every output.
"""

from __future__ import annotations

import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import calliope_lib as cl
from calliope_lib.lorawan.errors import (
    LoraLoginRefused,
    LoraNoAccess,
    LoraServerUnreachable,
)
from calliope_lib.lorawan.source import LoraSource
from tests.core.lorawan_broker import (
    BENCH_APP,
    BENCH_KEY,
    BENCH_USER,
    GARDEN_APP,
    GARDEN_KEY,
    NOREAD_KEY,
    NOREAD_USER,
    Broker,
    RightsBroker,
    chirpstack_topic,
    chirpstack_uplink,
    free_port,
    mosquitto_path,
    tts_topic,
    tts_uplink,
)

pytestmark = pytest.mark.skipif(mosquitto_path() is None, reason="mosquitto not installed")


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    b = Broker(tmp_path_factory.mktemp("mosquitto"))
    b.start()
    yield b
    b.stop()


def garden_url(broker: Broker) -> str:
    return f"ttn://{GARDEN_APP}@127.0.0.1:{broker.port}?tls=0"


def later(action: Callable[[], None], delay: float = 0.4) -> threading.Thread:
    """Run ``action`` in a thread after ``delay`` seconds (the network server sending)."""

    def run() -> None:
        time.sleep(delay)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_tts_uplinks_become_channels_with_the_servers_times(broker: Broker,
                                                            tmp_path: Path) -> None:
    garden = cl.connect(garden_url(broker), key=GARDEN_KEY)
    assert isinstance(garden, LoraSource)
    base = datetime.now(timezone.utc)

    def send() -> None:
        broker.publish(tts_topic("boden-1"), tts_uplink(
            "boden-1", base, {"moisture": 41.5, "air": {"temperature": 21.25}, "state": "ok"},
            f_cnt=5))
        broker.publish(tts_topic("boden-1"), b"\x00garbage{")
        broker.publish(tts_topic("boden-1"), {"end_device_ids": {"device_id": "boden-1"}})
        # Sent at once, but received by the server 90 s and 180 s later: the times must be
        # the server's, not when the messages reached us.
        broker.publish(tts_topic("boden-2"), tts_uplink(
            "boden-2", base + timedelta(seconds=90), {"moisture": 30}, f_cnt=0))
        broker.publish(tts_topic("boden-1"), tts_uplink(
            "boden-1", base + timedelta(seconds=180), {"moisture": 42, "state": "trocken"},
            f_cnt=8))

    with garden:
        sender = later(send)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rec = garden.record(seconds=2.5, save_to=tmp_path / "garten.csv", progress=False)
        sender.join()
        assert garden.devices == ["boden-1", "boden-2"]
    assert rec.channels == ["boden-1.moisture", "boden-1.air.temperature", "boden-2.moisture"]
    assert list(rec["boden-1.moisture"].values) == [41.5, 42.0]
    assert list(rec["boden-2.moisture"].values) == [30.0]
    assert rec.unit("boden-1.air.temperature") == "°C"
    t1, t2 = rec["boden-1.moisture"].times
    assert t2 - t1 == pytest.approx(180.0, abs=1e-3)
    assert rec["boden-2.moisture"].times[0] - t1 == pytest.approx(90.0, abs=1e-3)
    assert 0.0 < t1 < 2.5  # received after the recording started, before it ended
    assert rec.bad_lines == 2  # garbage, and an uplink without its message
    assert rec.lost_lines == 2  # boden-1's counter went 5 -> 8
    assert rec.notes == [f"{t1:.1f} s boden-1.state: ok", f"{t2:.1f} s boden-1.state: trocken"]
    assert rec.metadata["board"] == "lorawan" and rec.metadata["application"] == GARDEN_APP
    assert any("2 Nachrichten waren keine lesbaren Uplinks" in str(w.message) for w in caught)
    back = cl.load(tmp_path / "garten.csv")
    assert back.channels == rec.channels
    assert list(back["boden-1.moisture"].values) == [41.5, 42.0]
    assert back.bad_lines == 2 and back.lost_lines == 2


def test_chirpstack_uplinks_with_signal_and_chosen_channels(broker: Broker) -> None:
    url = f"chirpstack://{BENCH_USER}@127.0.0.1:{broker.port}/{BENCH_APP}?tls=0"
    base = datetime.now(timezone.utc)

    def send() -> None:
        broker.publish(chirpstack_topic(), chirpstack_uplink(
            "bank-1", base, {"solar": {"power": 3.2, "voltage": 5.1}, "battery": 87},
            rssi=-71, snr=8.5))
        broker.publish(chirpstack_topic("0202020202020202"), chirpstack_uplink(
            "bank-2", base + timedelta(seconds=30), {"solar": {"power": 0.4}, "battery": 55}))

    with cl.connect(url, key=BENCH_KEY) as bench:
        sender = later(send)
        rec = bench.record(["*.solar.power", "bank-1.rssi", "bank-1.snr"], seconds=2,
                           progress=False)
        sender.join()
        assert "bank-1.battery" in bench.channels  # seen, but not asked for
    assert rec.channels == ["bank-1.solar.power", "bank-1.rssi", "bank-1.snr",
                            "bank-2.solar.power"]
    assert list(rec["bank-2.solar.power"].values) == [0.4]
    assert rec["bank-1.rssi"].values[0] == -71 and rec.unit("bank-1.rssi") == "dBm"
    assert rec.unit("bank-1.snr") == "dB"
    times = rec["bank-2.solar.power"].times[0] - rec["bank-1.solar.power"].times[0]
    assert times == pytest.approx(30.0, abs=1e-3)


def test_anonymous_local_chirpstack_and_stream(broker: Broker,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLIOPE_LORA_KEY", raising=False)
    url = f"chirpstack://127.0.0.1:{broker.port}/{BENCH_APP}?tls=0"
    base = datetime.now(timezone.utc)
    with cl.connect(url) as bench:  # no user: no key needed, nobody is asked
        sender = later(lambda: broker.publish(chirpstack_topic(), chirpstack_uplink(
            "bank-1", base, {"solar": {"power": 2.5}})))
        sample = next(iter(bench.stream()))
        sender.join()
    assert sample.channel == "bank-1.solar.power" and sample.value == 2.5


def test_record_without_channels_takes_what_arrives_and_counts_samples(
        broker: Broker) -> None:
    base = datetime.now(timezone.utc)

    def send() -> None:
        for i in range(3):
            broker.publish(tts_topic("boden-3"), tts_uplink(
                "boden-3", base + timedelta(seconds=60 * i), {"moisture": 40 + i}, f_cnt=i + 1))

    with cl.connect(garden_url(broker), key=GARDEN_KEY) as garden:
        sender = later(send)
        started = time.monotonic()
        rec = garden.record(samples=2, seconds=10, progress=False)  # two uplinks end it
        sender.join()
    assert time.monotonic() - started < 5
    assert list(rec["boden-3.moisture"].values) == [40.0, 41.0]


def test_progress_shows_the_age_of_the_last_message(broker: Broker,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with cl.connect(garden_url(broker), key=GARDEN_KEY) as garden:
        rec = garden.record(seconds=2.6)
        out_before = capsys.readouterr().out
        sender = later(lambda: broker.publish(tts_topic("boden-1"), tts_uplink(
            "boden-1", datetime.now(timezone.utc), {"moisture": 40})), delay=0.2)
        rec = garden.record(seconds=3.0)  # a log file gets a line every 2 s
        sender.join()
        out_after = capsys.readouterr().out
    assert "noch keine Nachricht" in out_before
    assert re.search(r"letzte Nachricht vor \d s", out_after)
    # The last line (what a saved notebook keeps) names the values, not an age.
    assert "letzte Nachricht" not in out_after.rsplit("\r", 1)[-1]
    assert rec.count("boden-1.moisture") == 1


def test_broker_restart_is_survived_with_a_gap(tmp_path: Path) -> None:
    broker = Broker(tmp_path)
    broker.start()
    try:
        garden = cl.connect(garden_url(broker), key=GARDEN_KEY)
        events: list[str] = []

        def server_life() -> None:
            broker.publish(tts_topic("boden-1"), tts_uplink(
                "boden-1", datetime.now(timezone.utc), {"moisture": 41}))
            time.sleep(0.3)
            broker.stop()
            events.append("down")
            time.sleep(1.0)
            broker.start()
            deadline = time.monotonic() + 15
            while not garden.connected and time.monotonic() < deadline:
                time.sleep(0.05)
            events.append("up" if garden.connected else "still down")
            broker.publish(tts_topic("boden-1"), tts_uplink(
                "boden-1", datetime.now(timezone.utc), {"moisture": 43}))

        with garden:
            life = later(server_life, delay=0.3)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                rec = garden.record(seconds=7, save_to=tmp_path / "garten.csv",
                                    progress=False)
            life.join()
    finally:
        broker.stop()
    assert events == ["down", "up"]
    assert list(rec["boden-1.moisture"].values) == [41.0, 43.0]
    assert len(rec.gaps) == 1
    start, end = rec.gaps[0]
    t1, t2 = rec["boden-1.moisture"].times
    assert t1 < start < end < t2 and end - start >= 0.9
    assert any("Verbindung zum LoRaWAN-Server ist weg" in str(w.message) for w in caught)
    assert cl.load(tmp_path / "garten.csv").gaps == [pytest.approx(g, abs=1e-3)
                                                    for g in rec.gaps]


def test_wrong_key_and_unknown_application_are_refused_in_both_languages(
        broker: Broker) -> None:
    with pytest.raises(LoraLoginRefused) as wrong_key:
        cl.connect(garden_url(broker), key="NNSXS.FALSCH")
    assert isinstance(wrong_key.value, PermissionError)
    assert "lorapark-garten" in str(wrong_key.value)
    assert "hat die Anmeldung abgelehnt" in str(wrong_key.value)
    assert "refused the login" in wrong_key.value.text("en")
    assert "NNSXS.FALSCH" not in str(wrong_key.value) + wrong_key.value.text("en")
    with pytest.raises(LoraLoginRefused) as unknown:
        cl.connect(f"ttn://gibt-es-nicht@127.0.0.1:{broker.port}?tls=0", key=GARDEN_KEY)
    assert "gibt-es-nicht" in str(unknown.value)


def test_an_unreachable_server_says_so() -> None:
    started = time.monotonic()
    with pytest.raises(LoraServerUnreachable) as err:
        cl.connect(f"ttn://{GARDEN_APP}@127.0.0.1:{free_port()}?tls=0", key=GARDEN_KEY)
    assert time.monotonic() - started < 5
    assert isinstance(err.value, ConnectionError)
    assert "erreiche ich nicht" in str(err.value) and "cannot reach" in err.value.text("en")


def test_the_key_is_in_no_file_and_no_output(broker: Broker, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CALLIOPE_LORA_KEY", GARDEN_KEY)
    base = datetime.now(timezone.utc)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        garden = cl.connect(garden_url(broker))  # the key from the environment
        sender = later(lambda: broker.publish(tts_topic("boden-1"), tts_uplink(
            "boden-1", base, {"moisture": 41, "note": "hallo"})))
        rec = garden.record(seconds=1.5, save_to=tmp_path / "live.csv", dialect="excel-de")
        sender.join()
        rec.save(tmp_path / "saved.csv")
        rec.save_plot(tmp_path / "plot.svg")
        shown = [repr(garden), str(garden.info), repr(rec), str(rec.summary()),
                 repr(rec.metadata), repr(rec.notes)]
        garden.close()
    assert rec.count("boden-1.moisture") == 1
    captured = capfd.readouterr()
    secret = GARDEN_KEY.encode()
    for path in tmp_path.iterdir():
        assert secret not in path.read_bytes(), path.name
    for text in [*shown, captured.out, captured.err, *(str(w.message) for w in caught)]:
        assert GARDEN_KEY not in text
    assert "SECRETPART" not in repr(vars(garden))  # nothing of ours holds it


def test_no_key_while_grading_is_an_error_not_a_prompt(broker: Broker,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from calliope_lib.lorawan.errors import LoraKeyMissing

    monkeypatch.delenv("CALLIOPE_LORA_KEY", raising=False)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(LoraKeyMissing) as err:
        cl.connect(garden_url(broker))
    assert "CALLIOPE_LORA_KEY" in str(err.value)


def test_the_key_typed_at_the_prompt_is_used(broker: Broker,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    asked: list[str] = []
    monkeypatch.delenv("CALLIOPE_LORA_KEY", raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or GARDEN_KEY)
    with cl.connect(garden_url(broker)) as garden:
        assert garden.connected
    assert asked and GARDEN_APP in asked[0] and "nicht angezeigt" in asked[0]


def test_tls_with_the_servers_own_certificate_authority(tmp_path: Path) -> None:
    broker = Broker(tmp_path, tls=True)
    broker.start()
    try:
        url = f"ttn://{GARDEN_APP}@127.0.0.1:{broker.tls_port}"  # TLS: the default
        with pytest.raises(LoraServerUnreachable) as untrusted:
            cl.connect(url, key=GARDEN_KEY)  # the system does not know the makerspace's CA
        assert "CERTIFICATE_VERIFY_FAILED" in str(untrusted.value) or \
            "certificate" in str(untrusted.value).lower()
        base = datetime.now(timezone.utc)
        with cl.connect(f"{url}?ca={broker.ca}", key=GARDEN_KEY) as garden:
            sender = later(lambda: broker.publish(tts_topic("boden-1"), tts_uplink(
                "boden-1", base, {"moisture": 39.5})))
            rec = garden.record(samples=1, seconds=10, progress=False)
            sender.join()
    finally:
        broker.stop()
    assert list(rec["boden-1.moisture"].values) == [39.5]


@pytest.mark.skipif(not RightsBroker.available(), reason="mosquitto's dynsec plugin missing")
def test_a_key_without_read_rights_is_told_so(tmp_path: Path) -> None:
    broker = RightsBroker(tmp_path)
    broker.start(NOREAD_USER, NOREAD_KEY)
    try:
        app = NOREAD_USER.split("@")[0]
        with pytest.raises(LoraNoAccess) as err:
            cl.connect(f"ttn://{app}@127.0.0.1:{broker.port}?tls=0", key=NOREAD_KEY)
    finally:
        broker.stop()
    assert isinstance(err.value, PermissionError)
    assert "darf die Daten von 'ohne-rechte' nicht lesen" in str(err.value)
    assert "may not read" in err.value.text("en")


def test_read_waits_for_the_next_value_and_says_when_none_came(broker: Broker) -> None:
    from calliope_lib.errors import NoDataYet, UnknownChannel

    with cl.connect(garden_url(broker), key=GARDEN_KEY) as garden:
        sender = later(lambda: broker.publish(tts_topic("boden-4"), tts_uplink(
            "boden-4", datetime.now(timezone.utc), {"moisture": 33.5, "air": {"temperature": 9}})))
        assert garden.read("boden-4.air.temperature", timeout=5) == 9.0
        sender.join()
        with pytest.raises(UnknownChannel) as unknown:
            garden.read("boden-4.moisure", timeout=0.5)
        assert unknown.value.guess == "boden-4.moisture"
        with pytest.raises(NoDataYet):  # a known channel, but no uplink in time
            garden.read("boden-4.moisture", timeout=0.5)


def test_save_to_never_replaces_an_existing_file(broker: Broker, tmp_path: Path) -> None:
    target = tmp_path / "garten.csv"
    target.write_text("zeit_s,alt\n0,1\n")
    with cl.connect(garden_url(broker), key=GARDEN_KEY) as garden:
        sender = later(lambda: broker.publish(tts_topic("boden-1"), tts_uplink(
            "boden-1", datetime.now(timezone.utc), {"moisture": 38})))
        rec = garden.record(seconds=1.5, save_to=target, progress=False)
        sender.join()
    assert target.read_text() == "zeit_s,alt\n0,1\n"  # the old recording is still there
    assert rec.saved_to is not None and Path(rec.saved_to) != target
    assert list(cl.load(rec.saved_to)["boden-1.moisture"].values) == [38.0]


def test_the_command_line_records_the_garden(broker: Broker, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    stop = threading.Event()

    def network_server() -> None:
        while not stop.wait(0.4):
            broker.publish(tts_topic("boden-1"), tts_uplink(
                "boden-1", datetime.now(timezone.utc), {"moisture": 37.5}))

    sender = threading.Thread(target=network_server, daemon=True)
    sender.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "calliope_lib", "record", garden_url(broker), "-s", "2",
             "-c", "*.moisture", "-o", str(tmp_path / "garten.csv")],
            capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, "CALLIOPE_LORA_KEY": GARDEN_KEY})
    finally:
        stop.set()
        sender.join()
    assert done.returncode == 0, done.stderr
    rec = cl.load(tmp_path / "garten.csv")
    assert rec.count("boden-1.moisture") >= 2
    assert GARDEN_KEY not in done.stdout + done.stderr
