"""Emulated board (QEMU microbit + our firmware): highest sustained rate, start-up time, memory.

Run: ``python -m benchmarks.bench_emulator [--soak SECONDS]`` (needs qemu-system-arm).
Results are appended to benchmarks/RESULTS.md under "Emulator".

The emulated nRF51 runs at the speed of the host CPU, not at 16 MHz: every rate here is an
**upper bound** for a real Calliope mini 1.x / micro:bit V1 (which is further limited by
115200 baud, about 11,500 bytes/s).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import serial

from benchmarks._common import append

from calliope_lib.workshop.firmware.emulator import emulated_board

DATA = re.compile(rb"^\$D (\d+) (\d+) ")
# Light is measured separately: read_light_level() waits for the display's light-sensing
# phase (about 12 ms in the emulator), which caps any channel set that holds it.
CHANNELS = {"1": "button_a", "3": "button_a,d0,acceleration_x",
            "6": "acceleration_x,acceleration_y,acceleration_z,button_a,button_b,d0",
            "1 (light)": "light", "6 (with light)": "light,acceleration_x,acceleration_y,button_a,d0,p1"}
PERIODS_MS = [100, 50, 20, 10]   # 10 ms is the protocol's floor


class Link:
    def __init__(self, url: str) -> None:
        self.port = serial.serial_for_url(url, timeout=3)

    def send(self, text: str) -> None:
        data = text.encode() + b"\n"
        for i in range(0, len(data), 32):
            if i:
                time.sleep(0.01)
            self.port.write(data[i:i + 32])

    def ask(self, text: str, prefix: bytes = b"$OK") -> bytes:
        self.send(text)
        while True:
            line = self.port.read_until(b"\n")
            if not line:
                raise TimeoutError(text)
            if line.lstrip(b"\x00").startswith((prefix, b"$ERR")):
                return line.strip()


def sustained(link: Link, channels: str, every: int, seconds: float) -> tuple[float, int]:
    """(achieved lines/s from board clock, lost lines) while streaming for ``seconds``."""
    link.ask("stop")
    link.ask("cols " + channels)
    link.ask(f"every {every}")
    link.ask("start")
    seqs, ms = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        m = DATA.match(link.port.read_until(b"\n"))
        if m:
            seqs.append(int(m.group(1)))
            ms.append(int(m.group(2)))
    link.ask("stop")
    lost = sum(b - a - 1 for a, b in zip(seqs, seqs[1:]))
    rate = (len(ms) - 1) / ((ms[-1] - ms[0]) / 1000)
    return rate, lost


def start_to_first_line() -> float:
    t0 = time.monotonic()
    with emulated_board() as emu:
        link = Link(emu.url)
        link.port.read_until(b"\n")     # $HELLO
        link.ask("cols light")
        link.ask("every 10")
        link.send("start")
        while not DATA.match(link.port.read_until(b"\n")):
            pass
        elapsed = time.monotonic() - t0
        link.port.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0, help="per rate step")
    ap.add_argument("--soak", type=float, default=180.0, help="memory soak at 10 ms, 6 channels")
    ap.add_argument("--starts", type=int, default=7)
    args = ap.parse_args()
    lines = ["Upper bounds: QEMU runs the nRF51 at host speed (a real board is slower and "
             "limited to ~11,500 bytes/s at 115200 baud). `every` cannot go below 10 ms "
             "(protocol floor).", "",
             "| channels | fastest `every` with 0 lost lines and rate within 5 % | lines/s (board clock) |",
             "|---:|---|---:|"]
    with emulated_board() as emu:
        link = Link(emu.url)
        link.port.read_until(b"\n")
        for n, chans in CHANNELS.items():
            best = None
            for every in PERIODS_MS:
                rate, lost = sustained(link, chans, every, args.seconds)
                print(f"{n} ch every {every} ms: {rate:.1f}/s lost {lost}")
                if lost == 0 and abs(rate - 1000 / every) <= 0.05 * 1000 / every:
                    best = (every, rate)
            lines.append(f"| {n} | {best[0]} ms | {best[1]:.1f} |" if best else f"| {n} | none | - |")
        # Memory soak: free heap after gc, reported by `info`, over several minutes.
        link.ask("cols " + CHANNELS["6 (with light)"])
        link.ask("every 10")
        first = int(link.ask("info").rsplit(b"mem=", 1)[1])
        link.ask("start")
        frees, count = [], 0
        end = time.monotonic() + args.soak
        next_probe = time.monotonic() + 10
        while time.monotonic() < end:
            if DATA.match(link.port.read_until(b"\n")):
                count += 1
            if time.monotonic() > next_probe:
                frees.append(int(link.ask("info").rsplit(b"mem=", 1)[1]))
                next_probe += 10
        link.ask("stop")
        link.port.close()
    starts = [start_to_first_line() for _ in range(args.starts)]
    lines += ["", f"Memory soak: {args.soak:.0f} s at every=10 ms with 6 channels, {count} data "
              f"lines, no MemoryError; free heap after gc before {first} B, during "
              f"min {min(frees)} / max {max(frees)} B.",
              f"Start of QEMU to first data line in the host (launch, connect, cols, every, "
              f"start): median {statistics.median(starts) * 1000:.0f} ms over {len(starts)} runs "
              f"(min {min(starts) * 1000:.0f}, max {max(starts) * 1000:.0f})."]
    append("Emulator", lines)


if __name__ == "__main__":
    main()
