"""Real serial links: pseudo-terminals and sockets opened by pyserial, as a real board is."""

from __future__ import annotations

import os
import threading
import time
import warnings

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.transports.pty import serve_pty

FORMATS = {
    "makecode": (b"temp:21".ljust(30) + b"\r\n" + b"licht:130".ljust(30) + b"\r\n",
                 {"temp": 21.0, "licht": 130.0}),
    "numbers": (b"1,2,3".ljust(32) + b"\r\n", {"wert1": 1.0, "wert2": 2.0, "wert3": 3.0}),
    "mu": (b"(4, 5.5)\r\n", {"wert1": 4.0, "wert2": 5.5}),
    "json": (b'{"feuchte": 40}\n', {"feuchte": 40.0}),
    "bare": (b"17\n", {"wert": 17.0}),
    "print": (b"7 8\r\n", {"wert1": 7.0, "wert2": 8.0}),
}


def feeder(peer, payload: bytes, stop: threading.Event, every: float = 0.02) -> threading.Thread:
    def run():
        while not stop.is_set():
            try:
                peer.send(payload)
            except OSError:
                return
            time.sleep(every)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_over_a_real_pty(pty_peer, fmt):
    payload, expected = FORMATS[fmt]
    stop = threading.Event()
    board = cl.connect(pty_peer.path)
    try:
        assert board.info.mode == "listen"  # nobody answered our hello
        feeder(pty_peer, payload, stop)
        rec = board.record(seconds=1.0, progress=False)
    finally:
        stop.set()
        board.close()
    assert set(rec.channels) == set(expected)
    for name, value in expected.items():
        assert rec.count(name) >= 10
        assert np.all(rec[name].values == value)
    assert rec.bad_lines == 0


def test_garbage_on_the_line_is_counted_and_data_kept(pty_peer):
    board = cl.connect(pty_peer.path)
    try:
        pty_peer.send(b"a:1\r\n\xff\xfe\x00\x01garbage\r\nhallo\r\n" + b"x" * 3000 + b"\r\na:2\r\n")
        rec = board.record(seconds=0.5, progress=False)
    finally:
        board.close()
    assert rec["a"].values.tolist() == [1.0, 2.0]
    assert rec.bad_lines == 3


def test_board_error_message_reaches_the_kid(pty_peer):
    board = cl.connect(pty_peer.path)
    try:
        pty_peer.send(b'Traceback (most recent call last):\r\n  File "main.py", line 2\r\n'
                      b"NameError: name 'tmp' isn't defined\r\n")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            board.record(seconds=0.3, progress=False)
    finally:
        board.close()
    assert board.messages == ["NameError: name 'tmp' isn't defined"]
    assert any("NameError" in str(w.message) for w in caught)


def test_firmware_over_pty_counts_no_lost_lines():
    with serve_pty("sim://?seed=1") as sim:
        with cl.connect(sim.path) as board:
            assert board.info.mode == "firmware"
            rec = board.record(["light", "p1"], seconds=2, every=0.02, progress=False)
    assert rec.lost_lines == 0 and rec.bad_lines == 0
    assert rec.count("light") == pytest.approx(101, abs=2)
    assert np.allclose(np.diff(rec["light"].times), 0.02)


def test_unplug_and_replug_of_the_device_path(tmp_path):
    """The device file vanishes (cable out) and comes back: recording resumes within 2 s."""
    link = str(tmp_path / "ttyCALLIOPE")
    with serve_pty("sim://?seed=1", link=link) as sim:
        with cl.connect(link) as board:
            replugged_at = {}

            def cable():
                time.sleep(1.0)
                sim.unplug()
                time.sleep(1.5)
                sim.replug()
                replugged_at["t"] = time.monotonic()

            threading.Thread(target=cable, daemon=True).start()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rec = board.record(["light"], seconds=6, every=0.05, progress=False)
    assert len(rec.gaps) == 1
    start, end = rec.gaps[0]
    # The gap starts at the last row before the cable went (the timer above started a
    # little before the recording did).
    assert 0.5 < start < 1.4
    after = rec["light"].times[rec["light"].times > end]
    assert len(after) > 20, "recording did not resume"
    # Resumed within 2 s of the device reappearing (gap end is when data flows again).
    assert end - start < 1.5 + 2.0
    assert rec["light"].times[0] < 0.2


def test_socket_board_stopped_and_restarted(line_server):
    """A board behind socket:// whose server goes away and comes back on the same port."""
    from tests.conftest import LineServer

    board = cl.connect(line_server.url)
    port = line_server.port
    stop = threading.Event()

    def serve():
        server = line_server
        conn = server.wait_client()
        for _ in range(20):
            conn.sendall(b"v:1\r\n")
            time.sleep(0.02)
        server.close()  # the "board" disappears
        time.sleep(0.8)
        second = LineServer(port)  # and comes back
        conn = second.wait_client(10)
        while not stop.is_set():
            try:
                conn.sendall(b"v:2\r\n")
            except OSError:
                break
            time.sleep(0.02)
        second.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rec = board.record(seconds=4, progress=False)
    finally:
        stop.set()
        board.close()
    values = rec["v"].values
    assert 1.0 in values and 2.0 in values
    assert len(rec.gaps) == 1


def test_spy_url_works_like_any_pyserial_url(pty_peer):
    board = cl.connect(f"spy://{pty_peer.path}?file=/dev/null")
    try:
        pty_peer.send(b"x:3\r\n")
        rec = board.record(seconds=0.3, progress=False)
    finally:
        board.close()
    assert rec["x"].values.tolist() == [3.0]


def test_simulate_command_serves_a_pty_for_other_programs():
    import subprocess
    import sys

    import serial

    proc = subprocess.Popen([sys.executable, "-m", "calliope_lib", "simulate", "sim://?seed=2",
                             "--seconds", "20"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        path = line.rsplit(": ", 1)[1].strip()
        assert os.path.exists(path)
        port = serial.Serial(path, 115200, timeout=2)  # any serial program, here plain pyserial
        port.write(b"hello\n")
        answer = port.read_until(b"\n")
        while not answer.startswith(b"$HELLO"):
            answer = port.read_until(b"\n")
        assert b"calliope-lab" in answer
        port.close()
    finally:
        proc.terminate()
        proc.wait(5)


def test_transports_tell_what_they_know_through_the_contract(in_tmp, line_server):
    """A real link tells nothing beyond bytes; sim:// and replay:// say what they know."""
    from calliope_lib.transports import features_of, open_transport

    with cl.connect("sim://?speed=50") as board:
        board.record(["temperature"], seconds=1, progress=False).save("kurz.csv")

    plain = open_transport(line_server.url)
    sim = open_transport("sim://?serial_number=SIM42")
    board = cl.connect("replay://kurz.csv")  # cl.connect hands the file reader in
    replay = board.transport
    try:
        real = features_of(plain)
        assert (real.board_kind, real.serial_number, real.clock) == (None, None, None)
        assert (real.listen_only, dict(real.units), real.finished) == (False, {}, False)
        assert (features_of(sim).board_kind, features_of(sim).serial_number) == ("simulated", "SIM42")
        assert features_of(sim).clock is not None
        assert features_of(replay).listen_only and features_of(replay).units["temperature"] == "°C"
    finally:
        for port in (plain, sim):
            port.close()
        board.close()
