"""Our firmware on both nRF51 runtimes in QEMU: fastest period, soak, pacing, installing.

Run: ``python -m benchmarks.bench_emulated_link [--seconds 10] [--soak 120]`` (needs
qemu-system-arm and the Calliope editor hex of ``tests/fixtures/calliope-runtimes/``).
Results are appended to benchmarks/RESULTS.md under "Emulated link (issue 16)".

Runtimes: the micro:bit V1 MicroPython 1.1.1 (PyPI ``micropython-microbit-fs``) and the
Calliope mini 1.x/2.x runtime (from the hex the Calliope Python editor saved). For each:

* the fastest ``every`` with 0 lost lines and at least 95 % of the asked-for lines (board
  clock), for 6 channels with and without ``light``;
* a soak at 10 ms with ``light``: the longest step between two data lines (the 16.8 s hole of
  issue 16) and the share of lines; with QEMU's default clock and with the instruction clock
  the emulator now uses (``DEFAULT_ICOUNT``);
* 20 ``cols`` of every channel while streaming 16 channels every 10 ms: answered at the first
  try, per pacing (bytes per piece / ms between pieces);
* ``firmware install`` time over the raw REPL, and through a relay that loses 1 byte in 257.

QEMU runs the nRF51 at host speed (``shift=3``: 8 ns per instruction, 8x a real 16 MHz
nRF51): rates are upper bounds; ``shift=6`` (64 ns, about a real nRF51) is measured too.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import serial

from benchmarks._common import append

REPO = Path(__file__).resolve().parents[1]
DATA = re.compile(rb"^\$D (\d+) (\d+) ")
SIX = "acceleration_x,acceleration_y,acceleration_z,button_a,button_b,p1"
SIX_LIGHT = "light,acceleration_x,acceleration_y,button_a,button_b,p1"


def _hexes() -> dict[str, Path | None]:
    sys.path.insert(0, str(REPO))  # the fixture helper lives in the tests package
    from tests.workshop.calliope_runtime import calliope_firmware_hex

    return {"micro:bit 1.1.1": None, "Calliope 1.x/2.x": calliope_firmware_hex()}


class Raw:
    """PROTOCOL.md lines straight over the emulated UART."""

    def __init__(self, url: str, piece: int = 8, pause: float = 0.01) -> None:
        self.port = serial.serial_for_url(url, timeout=3)
        self.piece, self.pause = piece, pause

    def send(self, text: str) -> None:
        data = ("\n" + text + "\n").encode()
        for i in range(0, len(data), self.piece):
            if i:
                time.sleep(self.pause)
            self.port.write(data[i:i + self.piece])

    def ask(self, text: str, prefix: bytes = b"$OK", timeout: float = 30) -> bytes:
        self.send(text)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.port.read_until(b"\n").lstrip(b"\x00")
            if line.startswith((prefix, b"$ERR")):
                return line.strip()
        raise TimeoutError(text)


def stream(raw: Raw, channels: str, every: int, seconds: float) -> dict[str, float]:
    """Stream for ``seconds``: lines, share of asked-for lines, lost, longest step (ms)."""
    raw.ask("stop")
    raw.ask("cols " + channels)
    raw.ask(f"every {every}")
    raw.ask("start")
    seqs, ms = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        m = DATA.match(raw.port.read_until(b"\n").lstrip(b"\x00"))
        if m:
            seqs.append(int(m.group(1)))
            ms.append(int(m.group(2)))
    raw.ask("stop")
    lost = sum((b - a - 1) % 1_000_000 for a, b in zip(seqs, seqs[1:]))
    span = (ms[-1] - ms[0]) or 1
    return {"lines": len(seqs), "share": (len(seqs) - 1) / (span / every), "lost": lost,
            "step": max(b - a for a, b in zip(ms, ms[1:]))}


def fastest(url: str, channels: str, seconds: float) -> tuple[int | None, dict[str, float]]:
    raw = Raw(url)
    raw.port.read_until(b"\n")
    result: tuple[int | None, dict[str, float]] = (None, {})
    for every in (100, 50, 20, 10):
        r = stream(raw, channels, every, seconds)
        if r["lost"] == 0 and r["share"] >= 0.95:
            result = (every, r)
    raw.port.close()
    return result


def pacing(url: str, piece: int, pause: float, tries: int = 20) -> int:
    raw = Raw(url)  # set up with the safe pacing, then measure with the one under test
    raw.port.read_until(b"\n")
    names = raw.ask("channels").decode().split()[2].split(",")
    names = [n for n in names if n != "temperature"]
    raw.ask("cols " + ",".join(names))
    raw.ask("every 10")
    raw.ask("start")
    raw.piece, raw.pause = piece, pause
    ok = 0
    for _ in range(tries):
        try:  # a lost newline: no answer at all (the next command's newline resyncs)
            answer = raw.ask("cols " + ",".join(names), b"$OK cols", timeout=1.5)
        except TimeoutError:
            continue
        ok += answer == ("$OK cols " + ",".join(names)).encode()
    raw.piece, raw.pause = 8, 0.01
    raw.ask("stop")
    raw.port.close()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0, help="per period tried")
    parser.add_argument("--soak", type=float, default=120.0, help="soak length (s)")
    parser.add_argument("--phases", default="rates,soak,pacing,install",
                        help="comma-separated subset of rates,soak,pacing,install")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    from calliope_lib.workshop.firmware.emulator import DEFAULT_ICOUNT, emulated_board
    from calliope_lib.workshop.firmware.install import install

    sys.path.insert(0, str(REPO))
    from tests.workshop.lossy_proxy import LossyProxy

    lines = ["Measured under load: 2 cores shared with 6 other jobs. "
             f"Emulator clock `-icount {DEFAULT_ICOUNT}` unless said otherwise."]
    if "rates" in phases:
        lines += ["", "| runtime | channels | fastest `every`, 0 lost, >= 95 % lines | lines/s |",
                  "|---|---|---|---:|"]
    hexes = _hexes()
    for name, hex_path in hexes.items() if "rates" in phases else ():
        for label, channels in (("6", SIX), ("6 with light", SIX_LIGHT)):
            with emulated_board(hex_path=hex_path) as emu:
                every, r = fastest(emu.url, channels, args.seconds)
            rate = f"{1000 / every * r['share']:.1f}" if every else "-"
            lines.append(f"| {name} | {label} | {every or '> 100'} ms | {rate} |")
            print(lines[-1], flush=True)
    if "soak" in phases:
        lines += ["", f"Soak at 10 ms, 6 channels with light, {args.soak:.0f} s:", "",
                  "| runtime | emulator clock | lines | share of asked-for | lost | longest step |",
                  "|---|---|---:|---:|---:|---:|"]
    for name, hex_path in hexes.items() if "soak" in phases else ():
        for clock in (None, DEFAULT_ICOUNT, "shift=6,align=on,sleep=on"):
            with emulated_board(hex_path=hex_path, icount=clock) as emu:
                raw = Raw(emu.url)
                raw.port.read_until(b"\n")
                r = stream(raw, SIX_LIGHT, 10, args.soak)
                raw.port.close()
            lines.append(f"| {name} | {clock or 'wall clock (QEMU default)'} | {r['lines']} | "
                         f"{r['share'] * 100:.1f} % | {r['lost']} | {r['step']} ms |")
            print(lines[-1], flush=True)
    if "pacing" in phases:
        lines += ["", "`cols` of every channel (14-16 names, 110-136 bytes) while streaming "
                  "them every 10 ms, 20 times: answered right at the first try:", "",
                  "| runtime | 32 B / 10 ms | 16 B / 10 ms | 16 B / 20 ms | 8 B / 10 ms |",
                  "|---|---:|---:|---:|---:|"]
    for name, hex_path in hexes.items() if "pacing" in phases else ():
        cells = []
        for piece, pause in ((32, 0.01), (16, 0.01), (16, 0.02), (8, 0.01)):
            with emulated_board(hex_path=hex_path) as emu:
                cells.append(f"{pacing(emu.url, piece, pause)}/20")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    if "install" in phases:
        lines += ["", "`firmware install` over the raw REPL (8 B / 10 ms, every piece checked):",
                  ""]
    for lossy in (False, True) if "install" in phases else ():
        with emulated_board(firmware=False) as emu:
            proxy = LossyProxy(emu.url, every=257) if lossy else None
            result = install(proxy.url if proxy else emu.url)
            if proxy:
                proxy.close()
        what = "through a relay losing 1 byte in 257" if lossy else "clean line"
        lines.append(f"- micro:bit runtime, {what}: ok={result.ok}, {result.seconds:.1f} s, "
                     f"{result.resent} commands sent again")
    append("Emulated link (issue 16)", lines)


if __name__ == "__main__":
    main()
