"""Flashing N fake boards (N = 1, 5, 15) with a 1 MB hex at a real DAPLink's write rate.

Target (issue 6): wall time for 15 boards <= 1.3 x the time for one.

    .venv/bin/python -m benchmarks.bench_flashing            # appends to benchmarks/RESULTS.md

The fake drives (tests/fakes/fake_daplink.py) take the hex through a named pipe at
64 KiB/s, the way a DAPLink drive blocks the copying program while it programs the chip,
then remount; the simulated boards on pseudo-terminals answer the verification.
"""

from __future__ import annotations

import datetime
import os
import platform
import random
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

from tests.workshop.fakes.fake_daplink import REALISTIC_RATE, FakeRoom

from calliope_lib.workshop.flashing import FlashTarget, Timeouts, flash


def make_hex(path: Path, size: int = 1_000_000) -> None:
    """A valid Intel hex of about ``size`` bytes of text (random data; above 0x40000: nRF52)."""
    rnd = random.Random(1)
    lines, address = [], 0
    total = 0
    while total < size:
        if address % 0x10000 == 0:
            upper = address >> 16
            rec = bytes([2, 0, 0, 4, upper >> 8, upper & 0xFF])
            lines.append(":" + (rec + bytes([(-sum(rec)) & 0xFF])).hex().upper())
        data = bytes(rnd.randrange(256) for _ in range(16))
        rec = bytes([16, (address >> 8) & 0xFF, address & 0xFF, 0]) + data
        lines.append(":" + (rec + bytes([(-sum(rec)) & 0xFF])).hex().upper())
        address += 16
        total += len(lines[-1]) + 1
    lines.append(":00000001FF")
    path.write_text("\n".join(lines) + "\n")


def run(n: int, hex_path: Path) -> float:
    with tempfile.TemporaryDirectory() as d:
        with FakeRoom(d, n, rate=REALISTIC_RATE, names=(hex_path.name,),
                      kind="calliope-mini-3") as room:
            targets = [FlashTarget(drive=b.drive, port=b.port, serial_number=b.serial_number,
                                   kind="calliope-mini-3") for b in room.boards]
            start = time.monotonic()
            results = flash(hex_path, targets, find_port=room.find_port,
                            timeouts=Timeouts(vanish=120, come_back=30, port=15, hello=8))
            wall = time.monotonic() - start
    failed = [r.line() for r in results if not r.ok]
    if failed:
        raise SystemExit("failures:\n" + "\n".join(failed))
    return wall


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        hex_path = Path(d) / "gross.hex"
        make_hex(hex_path)
        size = hex_path.stat().st_size
        times = {n: run(n, hex_path) for n in (1, 5, 15)}
    ratio = times[15] / times[1]
    verdict = "erfüllt / met" if ratio <= 1.3 else "VERFEHLT / MISSED"
    cpu = platform.processor() or platform.machine()
    text = [
        "",
        "## Flashing",
        "",
        f"{datetime.date.today().isoformat()}, {platform.node()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Hex {size / 1e6:.2f} MB, fake DAPLink rate "
        f"{REALISTIC_RATE // 1024} KiB/s, remount + serial verification on pty boards.",
        "",
        "| boards | wall time (s) | x one board |",
        "|---|---|---|",
    ]
    text += [f"| {n} | {t:.2f} | {t / times[1]:.2f} |" for n, t in times.items()]
    text += ["", f"Target 15 boards <= 1.3 x one: {ratio:.2f} -> {verdict}", ""]
    print("\n".join(text))
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write("\n".join(text))


if __name__ == "__main__":
    main()
