"""How fast do the DIY sensors convert? Target: at most 50 ms per million raw readings.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_sensors            # print and append to RESULTS.md
    .venv/bin/python -m benchmarks.bench_sensors --no-save  # print only

Each sensor converts the same 1,000,000 raw values (random 0..1023 with some 0 and 1023,
i.e. loose-wire readings, mixed in); the best of several runs counts, so a busy machine
(other jobs on the 2 cores) disturbs the figure as little as possible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from calliope_lib.sensors import (
    Calibration,
    LightSensor,
    MoistureProbe,
    SolarCell,
    Thermistor,
    VoltageDivider,
    energy_mwh,
)

N = 1_000_000
TARGET_MS = 50.0


def sensors() -> dict[str, object]:
    return {
        "VoltageDivider": VoltageDivider(),
        "Thermistor (Beta)": Thermistor(),
        "Thermistor (Steinhart-Hart)": Thermistor.fit_steinhart_hart(
            [(31_770, 0), (10_000, 25), (3_592, 50)]),
        "LightSensor (GL5528)": LightSensor(),
        "MoistureProbe": MoistureProbe(),
        "SolarCell": SolarCell(),
        "Calibration.two_point": Calibration.two_point((310, 0.0), (780, 100.0), unit="%"),
    }


def best_ms(func, data: np.ndarray, repeats: int = 7) -> float:
    func(data)  # warm up (first-touch of memory, numpy dispatch caches)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func(data)
        best = min(best, time.perf_counter() - start)
    return best * 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-save", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(1)
    raw = rng.integers(0, 1024, N).astype(float)
    raw[rng.integers(0, N, N // 100)] = 0.0  # 1 % loose-wire readings of each kind
    raw[rng.integers(0, N, N // 100)] = 1023.0

    rows = []
    for name, sensor in sensors().items():
        ms = best_ms(sensor, raw)  # type: ignore[arg-type]
        rows.append((name, ms))
        print(f"{name:30s} {ms:7.1f} ms per million  {'ok' if ms <= TARGET_MS else 'SLOW'}")
    times = np.arange(N, dtype=float)
    power = SolarCell()(raw)
    gaps = [(1000.5, 2000.5), (500_000.5, 500_100.5), (900_000.5, 900_001.5)]
    ms = best_ms(lambda p: energy_mwh(times, p, gaps=gaps), power)
    rows.append(("energy_mwh (3 gaps)", ms))
    print(f"{'energy_mwh (3 gaps)':30s} {ms:7.1f} ms per million  {'ok' if ms <= TARGET_MS else 'SLOW'}")

    if not args.no_save:
        machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as fh:
                model = next((line.split(":", 1)[1].strip() for line in fh
                              if line.startswith("model name")), "")
            if model:
                machine = f"{model}, {os.cpu_count()} cores"
        except OSError:
            pass
        lines = [
            "",
            "## Sensors",
            "",
            f"{dt.date.today().isoformat()}, {machine}, Python {platform.python_version()}, "
            f"numpy {np.__version__}. Converting {N:,} raw readings (1 % each at 0 and 1023), "
            f"best of 7; target ≤ {TARGET_MS:.0f} ms per million "
            "(`python -m benchmarks.bench_sensors`).",
            "",
            "| sensor | ms per million | target met |",
            "|---|---:|---|",
        ]
        lines += [f"| {name} | {ms:.1f} | {'yes' if ms <= TARGET_MS else 'no'} |"
                  for name, ms in rows]
        results = ROOT / "benchmarks" / "RESULTS.md"
        with results.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        print(f"appended to {results}")
    return 0 if all(ms <= TARGET_MS for _, ms in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
