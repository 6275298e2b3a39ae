"""One contract, three boards: the simulated board and the real firmware in QEMU on two runtimes.

Every test here runs against ``cl.connect("sim")`` **and** against emulated boards (QEMU
``microbit`` machine running the hex that ``calliope-mini firmware build`` makes), through
the same public API a kid uses:

* ``emulator``: the micro:bit V1 MicroPython 1.1.1 runtime (from ``micropython-microbit-fs``);
* ``calliope``: the **Calliope mini 1.x/2.x runtime** (module ``calliopemini``), from the hex
  the Calliope Python editor saved (``tests/fixtures/calliope-runtimes/``), built with
  ``firmware build --base``; the emulator boots its nRF51 part.

A test that only some of them can support says why.

Channels the emulator cannot provide are never asked for there: ``temperature()`` hangs
QEMU's nRF51 for ever, analog pins always read 0, the light level is always 255.

Not verifiable without a real Calliope mini (QEMU emulates an nRF51 micro:bit, not the
Calliope's board): the BMX055 motion sensor (QEMU answers every I2C address with dummy
values), the microphone and RGB LED, the temperature sensor (hangs), analog pins (always 0),
touch pads, the C-pins, the timing of a 16 MHz nRF51 (QEMU runs at host speed), a real
115200-baud UART (QEMU delivers bytes without a baud rate), and the Calliope 3 (no nRF52
machine in QEMU: its part is only compared byte for byte, tests/workshop/test_hex_layout.py).
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

# Channels every board has and the emulator can read without hanging.
COMMON = ["light", "acceleration_x", "button_a", "button_b"]
EMULATED = ("emulator", "calliope")
KINDS = {"sim": "simulated", "emulator": "microbit", "calliope": "calliope-mini-1"}


class Target:
    """A connected board plus, for the emulator, the QEMU handle (``emu``)."""

    def __init__(self, kind: str, board, emu=None) -> None:
        self.kind, self.board, self.emu = kind, board, emu


def _hex_for(kind: str):
    """The hex an emulated target boots (None: the micro:bit V1 firmware build)."""
    if kind == "calliope":
        from tests.workshop.calliope_runtime import calliope_firmware_hex

        return calliope_firmware_hex()
    return None


@pytest.fixture(params=["sim", "emulator", "calliope"])
def target(request):
    if request.param == "sim":
        board = cl.connect("sim://?seed=1")
        yield Target("sim", board)
        board.close()
        return
    require_qemu()
    from calliope_lib.workshop.firmware.emulator import emulated_board

    with emulated_board(hex_path=_hex_for(request.param)) as emu:
        board = cl.connect(emu.url)
        yield Target(request.param, board, emu)
        board.close()


@pytest.fixture(params=EMULATED)
def emulated(request):
    """Only the emulated boards (a test that needs a real MicroPython underneath)."""
    require_qemu()
    from calliope_lib.workshop.firmware.emulator import emulated_board

    with emulated_board(hex_path=_hex_for(request.param)) as emu:
        board = cl.connect(emu.url)
        yield Target(request.param, board, emu)
        board.close()


def test_hello_and_version(target):
    info = target.board.info
    assert info.mode == "firmware"
    assert info.firmware == FIRMWARE_VERSION
    assert info.kind == KINDS[target.kind]
    if target.kind == "emulator":
        assert info.variant == "microbit-v1"


def test_channel_listing(target):
    channels = target.board.channels
    assert set(COMMON) <= set(channels)
    assert len(channels) == len(set(channels))
    # Every listed channel can be asked for (except temperature in QEMU: it hangs there).
    readable = [c for c in channels if not (target.kind != "sim" and c == "temperature")]
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


@pytest.mark.parametrize("runtime", ["microbit", "calliope"])
def test_install_over_serial_onto_bare_runtime(runtime):
    """Only the emulator has a MicroPython REPL to install into (the simulator has none).

    micro:bit: the bare runtime. Calliope: a board that runs only the kid's "Hallo" program
    the Calliope editor saved (the fixture hex, nothing of ours in it)."""
    require_qemu()
    from calliope_lib.workshop.firmware.emulator import emulated_board
    from calliope_lib.workshop.firmware.install import install

    if runtime == "calliope":
        from tests.workshop.calliope_runtime import editor_hallo_path

        options, kind, variant = {"hex_path": editor_hallo_path()}, "calliope-mini-1", "calliope-mini-1"
    else:
        options, kind, variant = {"firmware": False}, "microbit", "microbit-v1"
    with emulated_board(**options) as emu:
        result = install(emu.url)
        assert result.ok, result.error
        assert result.firmware == FIRMWARE_VERSION and result.board == variant
        with cl.connect(emu.url) as board:
            assert board.info.firmware == FIRMWARE_VERSION and board.info.kind == kind
            assert board.read("light") == 255


# --- a link that survives lost bytes ------------------------------------------------------


def _all_channels(target) -> list[str]:
    return [c for c in target.board.channels if not (target.kind != "sim" and c == "temperature")]


def test_cols_with_every_channel_ten_times_while_streaming(target):
    """The pacing the board takes: all its channels in one ``cols`` (about 170 bytes: three
    times the nRF51's receive buffer), ten times in a row, while it streams every 10 ms;
    each answer must come at the first try."""
    board = target.board
    names = _all_channels(target)
    if target.kind != "sim":
        assert len(names) >= 14  # micro:bit V1: 16, Calliope 1.x: 14 (no temperature in QEMU)
    link = board._link  # the link's own counter of resent commands: the point of this test
    board.send("cols light,button_a")
    board.send("every 10")
    board.send("start")
    try:
        for _ in range(10):
            assert board.send("cols " + ",".join(names)) == ",".join(names)
        assert link.resends == 0
    finally:
        board.send("stop")
    assert "cols=" + ",".join(names) in board.send("info")


def test_a_command_cut_short_does_not_spoil_the_next(target):
    """A command whose end was lost (here: never sent) leaves a half line on the board; the
    next command starts on a fresh line and is answered at once."""
    board = target.board
    board.transport.write(b"cols light,acce")  # no newline: the rest "got lost"
    time.sleep(0.1)
    assert "running=0" in board.send("info")
    assert board.send("every 250") == "250"
    assert board._link.resends == 0
    rec = board.record(["light", "button_a"], seconds=1.0, every=0.05, progress=False)
    assert len(rec["light"].values) >= 15


def test_a_stopped_firmware_is_restarted_and_the_kid_told(emulated):
    """Garbage that ends in ``\\n\\x03`` and then silence stops the firmware (that is how a
    serial monitor's Ctrl-C looks); the library notices the REPL, restarts the firmware,
    tells the kid and streams on with the same columns."""
    board, port = emulated.board, emulated.board.transport

    def ctrl_c() -> None:
        time.sleep(0.8)
        port.write(b"\xfe\xff garbage\n\x03")

    thread = threading.Thread(target=ctrl_c)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thread.start()
        rec = board.record(["light", "button_a"], seconds=4.0, every=0.05, progress=False)
        thread.join()
    said = [str(w.message) for w in caught]
    assert any("neu gestartet" in text for text in said), said
    times = rec["light"].times
    assert times[0] < 0.8 and times[-1] > 3.0, "the stream went on after the restart"
    assert "running=0" in board.send("info")


def test_the_board_reports_its_rate(emulated):
    """``$OK stop sent=<n> ms=<ms>``: the firmware's own count, which the host checks."""
    board = emulated.board
    board.record(["light", "button_a"], seconds=2.0, every=0.05, progress=False)
    rate = board._link.achieved_rate
    assert rate is not None and 15 <= rate <= 21, rate
