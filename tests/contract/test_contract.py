"""One contract, two boards: the simulated board and the real firmware in QEMU.

Every test here runs against ``cl.connect("sim")`` **and** against an emulated board
(QEMU ``microbit`` machine running the hex that ``calliope-mini firmware build`` makes), through
the same public API a kid uses. A test that only one of them can support says why.

Channels the emulator cannot provide are never asked for there: ``temperature()`` hangs
QEMU's nRF51 for ever, analog pins always read 0, the light level is always 255.
"""

from __future__ import annotations

import threading
import time
import warnings

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.workshop.firmware import FIRMWARE_VERSION

from tests.workshop.emulator_fixtures import require_qemu

# Channels both boards have and the emulator can read without hanging.
COMMON = ["light", "acceleration_x", "button_a", "button_b"]


class Target:
    """A connected board plus, for the emulator, the QEMU handle (``emu``)."""

    def __init__(self, kind: str, board, emu=None) -> None:
        self.kind, self.board, self.emu = kind, board, emu


@pytest.fixture(params=["sim", "emulator"])
def target(request):
    if request.param == "sim":
        board = cl.connect("sim://?seed=1")
        yield Target("sim", board)
        board.close()
        return
    require_qemu()
    from calliope_lib.workshop.firmware.emulator import emulated_board

    with emulated_board() as emu:
        board = cl.connect(emu.url)
        yield Target("emulator", board, emu)
        board.close()


def test_hello_and_version(target):
    info = target.board.info
    assert info.mode == "firmware"
    assert info.firmware == FIRMWARE_VERSION
    assert info.kind == ("simulated" if target.kind == "sim" else "microbit")
    if target.kind != "sim":
        assert info.variant == "microbit-v1"


def test_channel_listing(target):
    channels = target.board.channels
    assert set(COMMON) <= set(channels)
    assert len(channels) == len(set(channels))
    # Every listed channel can be asked for (except temperature in QEMU: it hangs there).
    readable = [c for c in channels if not (target.kind == "emulator" and c == "temperature")]
    answer = target.board.send("read " + ",".join(readable[:6]))
    assert len(answer.split(" ")[-1].split(",")) == len(readable[:6])


def test_start_stop(target):
    rec = target.board.record(COMMON, seconds=1.0, every=0.05, progress=False)
    assert rec.channels == COMMON
    assert len(rec["light"].values) >= 10
    info = target.board.send("info")
    assert "running=0" in info  # record() stopped the stream again


def test_period_honoured_and_no_gaps(target):
    rec = target.board.record(["light", "button_a"], seconds=3.0, every=0.05, progress=False)
    times = rec["light"].times
    assert len(times) >= 40
    period = float(np.mean(np.diff(times)))
    assert abs(period - 0.05) <= 0.05 * 0.05, period   # board clock, within 5 %
    assert rec.lost_lines == 0


def test_lost_lines_are_counted():
    """Only the simulator can lose lines on purpose (``drop``); QEMU never drops a byte."""
    with cl.connect("sim://?seed=2&drop=0.2&speed=20") as board:
        rec = board.record(["light"], seconds=20, every=0.05, progress=False)
    received = len(rec["light"].values)
    assert rec.lost_lines > 0
    share = rec.lost_lines / (received + rec.lost_lines)
    assert 0.1 < share < 0.3, share


def _button(target, pressed: bool) -> None:
    """Press or release button A: qtest GPIO on the emulator, the simulator's own hand on sim."""
    if target.kind == "sim":
        sim = target.board.transport.simulator
        (sim.press if pressed else sim.release)("a")
    else:
        (target.emu.press if pressed else target.emu.release)("a")


def _wait_for(read, expected: float, seconds: float = 5.0) -> float:
    """Poll until ``read()`` gives ``expected`` (the runtime debounces; a busy CI is slow)."""
    deadline = time.monotonic() + seconds
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


def test_button_press_appears_in_data(target):
    board = target.board
    assert board.read("button_a") == 0
    _button(target, True)
    assert _wait_for(lambda: board.read("button_a"), 1.0) == 1.0
    pressed = board.record(["button_a", "button_b"], seconds=0.5, every=0.02, progress=False)
    _button(target, False)
    assert set(pressed["button_a"].values) == {1.0}
    assert set(pressed["button_b"].values) == {0.0}
    assert _wait_for(lambda: board.read("button_a"), 0.0) == 0.0


def test_garbage_gets_errors_while_streaming_continues(target):
    board = target.board
    port = board.transport

    def noise() -> None:
        time.sleep(0.5)
        port.write(b"kaputt\n")
        time.sleep(0.3)
        port.write(b"\xff\xfe\x01 ?? \x07\n")

    thread = threading.Thread(target=noise)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the library warns about each $ERR line
        thread.start()
        rec = board.record(["light", "button_a"], seconds=2.0, every=0.02, progress=False)
        thread.join()
    assert len(rec["light"].values) >= 80
    assert rec.lost_lines == 0
    times = rec["light"].times
    assert float(np.max(np.diff(times))) < 0.2  # no hole in the stream
    # A garbage line is answered with $ERR (read straight from the port: the host library
    # refuses to send unknown commands itself).
    port.write(b"kaputt 1 2 3\n")
    answer = b""
    deadline = time.monotonic() + 3
    while b"unknown command" not in answer and time.monotonic() < deadline:
        answer += port.read(64)
    assert b"$ERR kaputt unknown command" in answer, answer
    assert "running=0" in board.send("info")


def test_install_over_serial_onto_bare_runtime():
    """Only the emulator has a MicroPython REPL to install into (the simulator has none)."""
    require_qemu()
    from calliope_lib.workshop.firmware.emulator import emulated_board
    from calliope_lib.workshop.firmware.install import install

    with emulated_board(firmware=False) as emu:
        result = install(emu.url)
        assert result.ok, result.error
        assert result.firmware == FIRMWARE_VERSION and result.board == "microbit-v1"
        with cl.connect(emu.url) as board:
            assert board.info.firmware == FIRMWARE_VERSION
            assert board.read("light") == 255
