"""Recording sessions that never lie, against a scriptable firmware on a real pty.

Each test records from :class:`~tests.core.fake_firmware.FakeFirmware` while a script makes
the board misbehave at a set moment: a reset in the middle of a line, another board on the
same port, a stall, a clock that steps, a board too slow for the asked-for rate, lines lost
before the first one arrived. The recording must say what happened (a gap, a note, a
warning) and must never mix boards or run time backwards.
"""

from __future__ import annotations

import threading
import time
import warnings
from typing import Callable, Iterator

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.recording.files import load_recording
from tests.core.fake_firmware import FakeFirmware

EVERY = 0.05


@pytest.fixture
def fake(tmp_path) -> Iterator[FakeFirmware]:
    board = FakeFirmware(tmp_path / "ttyACM0")
    yield board
    board.close()


def when_sent(fake: FakeFirmware, lines: int, script: Callable[[], None]) -> threading.Thread:
    """Run ``script`` once the fake has sent ``lines`` more data lines (load-proof timing:
    on a busy machine a wall-clock timer would fire before the board even streams)."""
    target = fake.sent + lines

    def wait_and_run() -> None:
        deadline = time.monotonic() + 30
        while fake.sent < target and time.monotonic() < deadline:
            time.sleep(0.005)
        script()

    thread = threading.Thread(target=wait_and_run, daemon=True)
    thread.start()
    return thread


def record_while(fake: FakeFirmware, script: Callable[[], None], at: float, seconds: float,
                 **kwargs) -> tuple[cl.Recording, list[str]]:
    """Record ``seconds`` from the fake; run ``script`` ``at`` seconds into the stream."""
    board = cl.connect(fake.device)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            when_sent(fake, round(at / EVERY), script)
            rec = board.record(["temperature", "light"], seconds=seconds, every=EVERY,
                               progress=False, **kwargs)
    finally:
        board.close()
    return rec, [str(w.message) for w in caught]


def assert_monotonic(rec: cl.Recording) -> None:
    for channel in rec:
        assert np.all(np.diff(channel.times) > 0), channel.name


def test_reset_in_the_middle_of_a_line_is_a_gap_and_the_recording_resumes(fake):
    rec, said = record_while(fake, fake.reset_mid_line, at=0.8, seconds=2.5)
    times = rec["light"].times
    assert times[-1] > 2.2, "the board was configured again and went on streaming"
    assert len(rec.gaps) == 1
    start, end = rec.gaps[0]
    assert 0.6 < start < 1.0 and start <= end < 1.2
    assert any("neu gestartet" in text for text in said)
    assert rec.lost_lines == 0
    assert_monotonic(rec)


@pytest.mark.parametrize("other,named", [
    ({"board_id": "beef0002"}, "beef0002"),                     # same kind, other id
    ({"board": "microbit-v2", "board_id": None}, "microbit-v2"),  # another kind altogether
])
def test_another_board_on_the_same_port_is_never_merged(fake, tmp_path, other, named):
    path = tmp_path / "m.csv"
    rec, said = record_while(fake, lambda: fake.replug(pause=0.3, **other),
                             at=0.8, seconds=4.0, save_to=path)
    assert rec["light"].times[-1] < 1.0, "nothing of the second board was recorded"
    assert any("anderes Board" in text and named in text and "c0ffee01" in text
               for text in said)
    assert any(named in note for note in rec.notes)
    loaded = load_recording(path)
    assert loaded.metadata.get("board_id") == "c0ffee01"
    assert any(named in note for note in loaded.notes)
    assert loaded.count("light") == rec.count("light")


def test_another_board_goes_on_as_a_named_segment_when_asked(fake):
    rec, _ = record_while(fake, lambda: fake.replug(pause=0.3, board_id="beef0002"),
                          at=0.8, seconds=3.0, other_board="continue")
    assert rec["light"].times[-1] > 2.5
    assert len(rec.gaps) == 1 and rec.gaps[0][0] < 1.0 < rec.gaps[0][1]
    assert any("beef0002" in note for note in rec.notes)
    assert_monotonic(rec)


def test_the_same_board_replugged_continues(fake):
    rec, _ = record_while(fake, lambda: fake.replug(pause=0.3), at=0.8, seconds=3.0)
    assert rec["light"].times[-1] > 2.5
    assert len(rec.gaps) == 1
    assert not rec.notes


def test_a_stall_is_marked_as_a_gap_and_so_is_a_silent_end(fake):
    def script():
        fake.stall(1.0)
        time.sleep(1.0)
        when_sent(fake, 10, lambda: fake.stall(60))  # half a second of data, then silence

    rec, _ = record_while(fake, script, at=0.8, seconds=3.2)
    assert len(rec.gaps) == 2, rec.gaps
    (a, b), (c, d) = rec.gaps
    assert a == pytest.approx(0.8, abs=0.1) and b - a == pytest.approx(1.0, abs=0.15)
    assert c - b == pytest.approx(0.5, abs=0.1) and d == pytest.approx(3.2, abs=0.05)


@pytest.mark.parametrize("step_ms", [-500, 20_000])
def test_a_stepping_board_clock_never_runs_time_backwards_or_away(fake, step_ms):
    rec, _ = record_while(fake, lambda: fake.step_clock(step_ms), at=0.8, seconds=2.0)
    assert_monotonic(rec)
    assert rec["light"].times[-1] < 2.1
    assert rec["light"].times[-1] > 1.8
    assert not rec.gaps


def test_a_board_too_slow_for_the_period_is_reported_once_with_its_rate(fake):
    fake.slowness = 2.0
    rec, said = record_while(fake, lambda: None, at=0.0, seconds=3.0)
    slow = [text for text in said if "schafft nur" in text]
    assert len(slow) == 1
    assert "0,1 s" in slow[0] and "50 %" in slow[0]
    assert any("0,1 s" in note for note in rec.notes)
    assert not rec.gaps


def test_a_board_that_keeps_its_period_is_not_reported(fake):
    rec, said = record_while(fake, lambda: None, at=0.0, seconds=2.5)
    assert not [text for text in said if "schafft nur" in text]
    assert not rec.notes and not rec.gaps


def test_lines_lost_before_the_first_one_arrived_are_counted(fake):
    fake.drop_next = 3
    rec, _ = record_while(fake, lambda: None, at=0.0, seconds=1.0)
    assert rec.lost_lines == 3


def test_a_board_known_by_serial_number_is_reopened_only_where_that_number_is(fake,
                                                                            monkeypatch):
    """A firmware that names no id: only the USB serial number tells boards apart. While
    discovery does not see that number, the old path (now another board's) stays closed.

    Discovery reads serial numbers from USB; a pty has none, so here it is the one piece
    replaced: ``find_port_by_serial`` answers as it would with the board gone, then back.
    """
    from calliope_lib.board import discovery

    fake.board_id = None
    board = cl.connect(fake.device)
    board.info.serial_number = "SERIAL-A"  # what discovery knew when it found the board
    where = {"port": None}
    monkeypatch.setattr(discovery, "find_port_by_serial",
                        lambda serial: where["port"] if serial == "SERIAL-A" else None)

    def swap():
        fake.replug(pause=0.3, board="calliope-mini-3", board_id=None)  # another board
        time.sleep(1.0)
        where["port"] = fake.device  # ...and now discovery sees board A there

    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            when_sent(fake, 16, swap)
            rec = board.record(["light"], seconds=3.5, every=EVERY, progress=False)
    finally:
        board.close()
    times = rec["light"].times
    (start, end), = rec.gaps
    assert not np.any((times > start) & (times < end))
    # Not reopened while the serial number was elsewhere: the gap spans the second of swap.
    assert end - start > 1.2
    assert times[-1] > 3.0
