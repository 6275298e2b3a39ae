"""The Board through the simulated board (sim://): the kid-facing contract of DESIGN.md."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.errors import InvalidParameter, UnknownChannel


def test_connect_sim_info_and_channels():
    with cl.connect("sim") as board:
        assert board.info.mode == "firmware"
        assert board.info.kind == "simulated"
        assert board.info.firmware == cl.FIRMWARE_VERSION
        assert {"temperature", "light", "acceleration_x", "button_a", "p1"} <= set(board.channels)


def test_read_one_value():
    with cl.connect("sim://?seed=4") as board:
        temperature = board.read("temperature")
        assert 15 < temperature < 35
        assert 0 <= board.read("light") <= 255


def test_record_seconds_every_save_and_load(in_tmp):
    with cl.connect("sim://?speed=50&seed=1") as board:
        rec = board.record(["temperature", "light"], seconds=30, every=0.5,
                           save_to="meine_messung.csv", progress=False)
    assert rec.channels == ["temperature", "light"]
    t = rec["temperature"].times
    assert len(t) == 61 and t[0] == pytest.approx(0, abs=0.01)
    # The board's clock spaces the samples, not USB latency.
    assert np.allclose(np.diff(t), 0.5)
    assert rec.unit("temperature") == "°C"
    summary = rec.summary()
    assert summary["temperature"]["count"] == 61
    assert summary["light"]["min"] <= summary["light"]["mean"] <= summary["light"]["max"]
    back = cl.load("meine_messung.csv")
    assert back.channels == rec.channels
    assert np.allclose(back["temperature"].values, rec["temperature"].values)
    assert np.allclose(back["light"].times, rec["light"].times, atol=0.001)
    assert back.unit("temperature") == "°C"
    assert back.metadata["board"] == "simulated"


def test_record_samples_and_default_channels():
    with cl.connect("sim://?speed=50") as board:
        rec = board.record(samples=12, every=0.1, progress=False)
    assert "temperature" in rec.channels and "acceleration_z" in rec.channels
    assert "compass_heading" not in rec.channels  # would start a calibration game
    assert rec.count("temperature") == 12


def test_same_seed_same_values():
    def run():
        with cl.connect("sim://?speed=100&seed=7") as board:
            return board.record(["light", "sound"], seconds=5, every=0.25, progress=False)

    a, b = run(), run()
    assert np.array_equal(a["light"].values, b["light"].values)
    assert np.array_equal(a["sound"].values, b["sound"].values)


def test_stream_yields_samples_until_break():
    with cl.connect("sim://?speed=50") as board:
        got = []
        for sample in board.stream(["light"], every=0.1):
            got.append(sample)
            if len(got) == 5:
                break
        assert [s.channel for s in got] == ["light"] * 5
        assert got[-1].time > got[0].time
        # The board is usable again after the stream ended.
        assert board.read("light") >= 0


def test_unknown_channel_names_the_known_ones_and_guesses():
    with cl.connect("sim") as board:
        with pytest.raises(UnknownChannel) as err:
            board.record(["temprature"], seconds=1, progress=False)
    text = str(err.value)
    assert "temprature" in text and "temperature" in text and "Meintest du" in text
    assert isinstance(err.value, KeyError)


def test_bad_arguments_explain_themselves():
    with cl.connect("sim") as board:
        with pytest.raises(InvalidParameter, match="seconds=10"):
            board.record(["light"])
        with pytest.raises(ValueError, match="every"):
            board.record(["light"], seconds=1, every=0)


def test_lost_lines_are_counted_when_the_link_drops_lines():
    with cl.connect("sim://?speed=50&drop=0.2&seed=3") as board:
        rec = board.record(["light"], seconds=20, every=0.1, progress=False)
    received = rec.count("light")
    assert rec.lost_lines > 0
    # What arrived plus what was lost is exactly what the board sent (one line per 0.1 s).
    assert received + rec.lost_lines in range(199, 203)


@pytest.mark.parametrize("program,names", [
    ("makecode", ["temperature", "light"]),
    ("datalogger", ["temperature", "light"]),
    ("json", ["temperature", "light"]),
    ("mu", ["wert1", "wert2"]),
    ("numbers", ["wert1", "wert2"]),
    ("print", ["wert1", "wert2"]),
])
def test_listen_mode_reads_kids_programs(program, names):
    with cl.connect(f"sim://?program={program}&speed=20&every=0.2") as board:
        assert board.info.mode == "listen" and board.info.firmware is None
        rec = board.record(seconds=4, progress=False)
    assert rec.channels == names
    assert rec.count(names[0]) >= 15
    assert rec.bad_lines == 0
    assert np.all(np.diff(rec[names[0]].times) > 0)


def test_listen_mode_every_thins_out_and_channels_filter():
    with cl.connect("sim://?program=makecode&speed=20&every=0.1") as board:
        rec = board.record(["light"], seconds=5, every=0.5, progress=False)
    assert rec.channels == ["light"]
    assert 8 <= rec.count("light") <= 11
    assert np.all(np.diff(rec["light"].times) >= 0.5 - 1e-6)


def test_unplugged_cable_keeps_samples_marks_gap_and_resumes(in_tmp):
    url = "sim://?speed=20&unplug_at=5&unplug_for=3"
    with cl.connect(url) as board:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rec = board.record(["light"], seconds=15, every=0.2, save_to="x.csv",
                               progress=False)
    assert len(rec.gaps) == 1
    start, end = rec.gaps[0]
    # The gap starts with the last row that arrived (rows the pulled cable swallowed are
    # part of the hole) and ends when the board is back.
    assert 3.5 < start < 5.6 and 7.9 < end < 9.5
    times = rec["light"].times
    assert times[0] < 1 and times[-1] > 14
    assert not np.any((times > start + 0.3) & (times < end - 0.3))
    assert any("Verbindung" in str(w.message) for w in caught)
    # The file written while recording knows the gap too.
    assert cl.load("x.csv").gaps == [(pytest.approx(start, abs=0.01), pytest.approx(end, abs=0.01))]


def test_simulated_speed_shortens_real_time():
    import time

    begin = time.monotonic()
    with cl.connect("sim://?speed=60") as board:
        rec = board.record(["light"], seconds=30, every=1, progress=False)
    assert time.monotonic() - begin < 5
    assert rec.duration == pytest.approx(30, abs=1.01)


def test_keyboard_interrupt_returns_what_was_recorded(monkeypatch):
    with cl.connect("sim://?speed=20") as board:
        calls = {"n": 0}
        port = board.transport
        original = port.read

        def interrupted(*args, **kwargs):  # Ctrl-C arrives while the host waits for data
            calls["n"] += 1
            if calls["n"] == 12:
                raise KeyboardInterrupt
            return original(*args, **kwargs)

        monkeypatch.setattr(port, "read", interrupted)
        rec = board.record(["light"], seconds=60, every=0.1, progress=False)
        monkeypatch.undo()
        assert 0 < rec.count("light") < 600
        assert board.read("light") >= 0  # streaming was stopped cleanly


def test_several_boards_side_by_side():
    with cl.connect_all(["sim://?speed=20&seed=1", "sim://?speed=20&seed=2"],
                        names=["kim", "ali"]) as boards:
        rec = boards.record(["temperature"], seconds=3, every=0.5)
    assert rec.channels == ["kim.temperature", "ali.temperature"]
    assert rec.unit("ali.temperature") == "°C"
    assert not np.array_equal(rec["kim.temperature"].values, rec["ali.temperature"].values)


def test_replay_plays_a_recording_back(in_tmp):
    with cl.connect("sim://?speed=50&seed=5") as board:
        original = board.record(["temperature", "light"], seconds=10, every=0.5, progress=False)
    original.set_unit("light", "lx")
    original.save("orig.csv")
    with cl.connect("replay://orig.csv?speed=50") as board:
        assert board.info.mode == "listen"
        again = board.record(seconds=30, progress=False)  # ends when the file ends
    assert again.channels == ["temperature", "light"]
    assert np.array_equal(again["light"].values, original["light"].values)
    assert again.unit("light") == "lx"
    assert again.duration == pytest.approx(original.duration, abs=0.5)


def test_send_raw_command_and_refusal():
    with cl.connect("sim") as board:
        assert "proto=1" in board.send("info")
        with pytest.raises(cl.CommandRefused, match="every"):
            board.send("every 1")


def test_nan_values_do_not_break_the_summary():
    rec = cl.Recording()
    rec.add_row(0, ("x",), (math.nan,))
    rec.add_row(1, ("x",), (2.0,))
    assert rec.summary()["x"]["mean"] == 2.0


def _port_info(device: str, serial_number: str):
    """A list_ports entry as pyserial reports a Calliope mini 3 on Linux."""
    from serial.tools.list_ports_common import ListPortInfo

    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid = 0x0D28, 0x0204
    info.serial_number = serial_number
    info.product = "Calliope mini V3 CMSIS-DAP"
    info.manufacturer = "ARM"
    return info


def test_connect_without_argument_finds_boards_and_warns_when_several(monkeypatch):
    from calliope_lib import discovery
    from calliope_lib.transports.pty import serve_pty

    with serve_pty("sim://?seed=1") as one, serve_pty("sim://?seed=2") as two:
        ports = [_port_info(one.path, "99060000000000000000000000000001"),
                 _port_info(two.path, "99060000000000000000000000000002")]
        monkeypatch.setattr(discovery, "_list_ports", lambda: ports)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            board = cl.connect()
        try:
            assert board.info.port == one.path
            assert board.info.serial_number.endswith("0001")
            assert board.info.mode == "firmware"
        finally:
            board.close()
        assert any("2 Boards" in str(w.message) for w in caught)
        with cl.connect_all() as boards:
            assert [b.info.name for b in boards] == ["0001", "0002"]
        with cl.connect(discovery.find_boards()[1]) as second:  # a board discovery found
            assert second.info.port == two.path
            assert second.info.serial_number.endswith("0002")
