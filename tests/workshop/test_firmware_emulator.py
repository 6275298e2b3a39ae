"""The real on-board firmware in QEMU, spoken to line by line as PROTOCOL.md describes.

Never asks for ``temperature``: ``temperature()`` hangs QEMU's nRF51 for ever (the firmware
calls it only when that channel is requested, which is exactly what makes this possible).
"""

from __future__ import annotations

import re
import time

import pytest

from calliope_lib.workshop.firmware import FIRMWARE_VERSION, PROTOCOL_VERSION
from tests.workshop.emulator_fixtures import RawLink, bare_emu, emu  # noqa: F401  (fixtures)

pytestmark = pytest.mark.emulator

DATA = re.compile(r"^\$D (\d+) (\d+) (\S+)$")


@pytest.fixture
def link(emu):  # noqa: F811
    raw = RawLink(emu.url)
    hello = raw.line()
    assert hello.startswith("$HELLO calliope-lab")
    yield raw
    raw.close()


def data_lines(raw: RawLink, count: int) -> list[tuple[int, int, list[str]]]:
    out = []
    while len(out) < count:
        line = raw.line()
        m = DATA.match(line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), m.group(3).split(",")))
    return out


def wait_for_values(raw: RawLink, values: list[str], timeout: float = 5.0) -> int:
    """Read data lines until one carries ``values``; return its sequence number."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seq, _, got = data_lines(raw, 1)[0]
        if got == values:
            return seq
    raise AssertionError(f"no data line with {values} within {timeout} s (last: {got})")


def test_hello_at_boot_and_on_request(emu):  # noqa: F811
    raw = RawLink(emu.url)
    boot = raw.line()
    assert boot == (f"$HELLO calliope-lab proto={PROTOCOL_VERSION} fw={FIRMWARE_VERSION} "
                    f"board=microbit-v1 id=0300000078563412")
    assert raw.ask("hello", "$HELLO") == boot
    raw.close()


def test_channels_match_a_microbit_v1(link):
    answer = link.ask("channels")
    names = answer.split(" ", 2)[2].split(",")
    assert names[:8] == ["temperature", "light", "acceleration_x", "acceleration_y",
                         "acceleration_z", "compass_heading", "button_a", "button_b"]
    # micro:bit V1: no microphone, no logo, touch on pins 0..2, analog P0..P2.
    assert "sound" not in names and "touch_logo" not in names and "touch_p3" not in names
    assert {"touch_p0", "p0", "p1", "p2", "d0", "d1", "d2"} <= set(names)


def test_every_command_is_answered(link):
    assert link.ask("cols light,button_a") == "$OK cols light,button_a"
    assert link.ask("cols?", "$COLS") == "$COLS light,button_a"
    assert link.ask("cols tmp") == "$ERR cols unknown channel: tmp"
    assert link.ask("cols") == "$ERR cols no channels given"
    assert link.ask("every 20") == "$OK every 20"
    assert link.ask("every 5").startswith("$ERR every")
    assert link.ask("every zwanzig").startswith("$ERR every")
    assert link.ask("blink") == "$ERR blink unknown command"
    info = link.ask("info")
    assert info.startswith(f"$OK info proto=1 fw={FIRMWARE_VERSION} board=microbit-v1 "
                           "every=20 cols=light,button_a running=0 mem=")
    assert info.endswith(" sent=0")
    read = link.ask("read light,d0,compass_heading")
    # light is 255 in QEMU; the compass is not calibrated, so its heading is nan.
    assert re.fullmatch(r"\$OK read \d+ 255,0,nan", read)


def test_start_stream_stop(link):
    link.ask("cols light,acceleration_x,button_b")
    link.ask("every 20")
    assert link.ask("start") == "$OK start"
    assert link.line() == "$COLS light,acceleration_x,button_b"
    rows = data_lines(link, 30)
    assert [r[0] for r in rows] == list(range(30))
    assert all(r[2] == ["255", "-736", "0"] for r in rows)
    # The board reports how many lines it sent in how many ms (PROTOCOL.md, stop).
    assert re.fullmatch(r"\$OK stop sent=\d+ ms=\d+", link.ask("stop"))
    # After the answer to stop no further data line arrives.
    link.send("hello\n")
    assert link.line().startswith("$HELLO")
    # A new start counts from 0 again.
    link.ask("start")
    assert data_lines(link, 1)[0][0] == 0


def test_garbage_is_answered_and_streaming_goes_on(link):
    link.ask("cols button_a")
    link.ask("every 10")
    link.ask("start")
    before = data_lines(link, 5)
    link.send(b"\xff\xfe\x00\x01garbage\x07 \xe4\n")
    answer = link.ask("", "$ERR")  # the answer to the garbage line
    assert answer.startswith("$ERR ") and answer.endswith("unknown command")
    link.send(b"x" * 300 + b"\n")
    assert link.ask("", "$ERR") == "$ERR ? line too long"
    # A 3 (Ctrl-C) inside garbage must not stop the program.
    link.send(b"ab\x03cd\n")
    assert link.ask("", "$ERR").startswith("$ERR ab?cd")
    # ...nor a 3 at a line start when other bytes follow at once (garbage with "\n\x03").
    link.send(b"\n\x03\xffjunk\n")
    assert link.ask("", "$ERR").startswith("$ERR ??junk")
    after = data_lines(link, 20)
    seqs = [r[0] for r in before + after]
    assert seqs == sorted(seqs) and after[-1][0] > before[-1][0] + 10
    # No line was lost: the sequence has no gap across the garbage.
    assert [r[0] for r in after] == list(range(after[0][0], after[0][0] + 20))


def test_buttons_and_pins_injected_through_qtest_show_up(emu, link):  # noqa: F811
    link.ask("cols button_a,button_b,d0,d1")
    link.ask("every 10")
    link.ask("start")
    assert data_lines(link, 3)[-1][2] == ["0", "0", "0", "0"]
    emu.press("a")
    emu.set_pin(1, 1)
    # The runtime debounces buttons over a few ticks; lines sent before are still queued.
    wait_for_values(link, ["1", "0", "0", "1"])
    # ...and it stays that way while held.
    assert all(r[2] == ["1", "0", "0", "1"] for r in data_lines(link, 5))
    emu.release("a")
    emu.press("b")
    emu.set_pin(1, 0)
    emu.set_pin(0, 1)
    wait_for_values(link, ["0", "1", "1", "0"])


def test_two_ctrl_c_stop_at_once(link):
    link.ask("cols light")
    link.ask("start")
    data_lines(link, 2)
    link.send(b"\r\x03\x03")
    deadline = time.monotonic() + 5
    while "KeyboardInterrupt" not in link.line():
        assert time.monotonic() < deadline
    link.send(b"print(6*7)\r\n")
    while link.line() != "42":
        assert time.monotonic() < deadline


def test_ctrl_c_at_line_start_returns_to_the_repl(link):
    link.ask("cols light")
    link.ask("start")
    data_lines(link, 2)
    link.send(b"\r\x03")
    deadline = time.monotonic() + 5
    while "KeyboardInterrupt" not in link.line():
        assert time.monotonic() < deadline
    link.send(b"\r\n")
    link.send(b"print(6*7)\r\n")
    while link.line() != "42":
        assert time.monotonic() < deadline


@pytest.mark.slow
def test_memory_does_not_grow_while_streaming_fast(link):
    """20 s at 100 lines/s with 6 channels: free memory after gc stays put (a longer run
    is in benchmarks/bench_emulator.py)."""
    link.ask("cols light,acceleration_x,acceleration_y,acceleration_z,button_a,p0")  # 69 bytes: sent in pieces
    link.ask("every 10")
    first = int(link.ask("info").split("mem=", 1)[1].split()[0])
    link.ask("start")
    frees = []
    end = time.monotonic() + 20
    while time.monotonic() < end:
        data_lines(link, 200)
        frees.append(int(link.ask("info").split("mem=", 1)[1].split()[0]))
    assert len(frees) >= 5
    assert min(frees) > 2500, frees      # bytes left on a 16 KB board's heap
    assert min(frees) >= first - 256, (first, frees)
