"""A soak at the fastest period on both runtimes: no hole in the stream, the asked-for rate.

The issue: at 10 ms a stream showed a 16.8 s hole (2**24 us) in 2 of 4 two-minute runs. The
cause was a timer compare armed in the past inside ``display.read_light_level()`` while QEMU
ran on the host's wall clock; the emulator now counts guest time in instructions
(:data:`~calliope_lib.workshop.firmware.emulator.DEFAULT_ICOUNT`). Here: 35 s per runtime
with ``light`` among the channels (the longer soak is in benchmarks/bench_emulated_link.py).

Asserted on the board's own clock: no step between data lines longer than 5 periods, no lost
line, and at least 95 % of the asked-for lines -- or, when the board could not keep up
(a loaded CI machine), the library's warning with the rate the board reported.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

import calliope_lib as cl
from tests.workshop.emulator_fixtures import require_qemu

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

SECONDS = float(os.environ.get("CALLIOPE_SOAK_SECONDS", "35"))
EVERY_MS = 10  # the fastest period the protocol allows
CHANNELS = ["light", "acceleration_x", "acceleration_y", "button_a", "button_b", "p1"]


@pytest.mark.parametrize("runtime", ["microbit", "calliope"])
def test_soak_at_the_fastest_period(runtime):
    require_qemu()
    from calliope_lib.workshop.firmware.emulator import emulated_board

    hex_path = None
    if runtime == "calliope":
        from tests.workshop.calliope_runtime import calliope_firmware_hex

        hex_path = calliope_firmware_hex()
    with emulated_board(hex_path=hex_path) as emu, cl.connect(emu.url) as board:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rec = board.record(CHANNELS, seconds=SECONDS, every=EVERY_MS / 1000,
                               progress=False)
        achieved = board._link.achieved_rate  # from the firmware's "$OK stop sent= ms="
    said = [str(w.message) for w in caught]
    times = rec["light"].times
    steps = np.diff(times)
    assert rec.lost_lines == 0
    assert len(times) > 100
    # The hole: never a step of more than 5 periods (16.8 s before the fix).
    assert float(steps.max()) <= 5 * EVERY_MS / 1000, (float(steps.max()), said)
    span = float(times[-1] - times[0])
    share = (len(times) - 1) / (span * 1000 / EVERY_MS)
    assert achieved is not None and abs(achieved - 1000 / EVERY_MS * share) < 10, (achieved, share)
    if share < 0.95:
        # Too slow for 100 lines/s here: then the kid is told, with the rate the board had.
        assert any("Zeilen pro Sekunde" in text and f"{achieved:.0f}" in text for text in said), \
            (share, achieved, said)
