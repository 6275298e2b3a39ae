"""Benchmark: what marks and the minimum span cost when drawing.

Run: ``.venv/bin/python -m benchmarks.bench_plot_marks`` (about 20 seconds; ``--quick`` does
not write RESULTS.md). Appends to benchmarks/RESULTS.md under "Marks and minimum span".

1. **Live frame time** (Agg, off-screen) at 4 channels x 100,000 values, 100 new rows per
   frame, as the recording loop drives it: without marks, with 5 worded marks, and with 5
   marks plus presses of button A (the marks' words are drawn over the curves every frame).
2. **A frame after a new mark**: the one full redraw a new mark costs (axes drawn again).
3. **rec.plot()** of 4 x 20,000 values, PNG saved: with the minimum span per unit (every
   call now) — the span itself is one min/max per panel.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

from benchmarks._common import append

NAMES = ("temperature", "light", "acceleration_x", "acceleration_y")
RATE = 100.0


def recording(n: int, marks: int, button: bool):
    from calliope_lib.recording import Recording

    rng = np.random.default_rng(1)
    rec = Recording(metadata={"title": "Benchmark"})
    t = np.arange(n) / RATE
    rec.add_channel("temperature", t, 22.9 + 0.3 * rng.standard_normal(n), "°C")
    rec.add_channel("light", t, 120 + 3 * rng.standard_normal(n), "")
    rec.add_channel("acceleration_x", t, 20 * rng.standard_normal(n), "mg")
    rec.add_channel("acceleration_y", t, 20 * rng.standard_normal(n), "mg")
    if button:
        presses = np.zeros(n)
        for k in range(5):
            presses[int(n * (k + 0.7) / 6):int(n * (k + 0.7) / 6) + 20] = 1.0
        rec.add_channel("button_a", t, presses, "")
    for k in range(marks):
        rec.mark(f"Marke {k + 1}", time=float(t[int(n * (k + 0.3) / 6)]))
    return rec


def frame_times(n: int, marks: int, button: bool, frames: int) -> tuple[float, float]:
    """Median time of an ordinary frame and of the frame right after a new mark (ms)."""
    from calliope_lib.plotting.live import LivePlot

    rec = recording(n, marks, button)
    names = list(NAMES) + (["button_a"] if button else [])
    live = LivePlot(rec, names, mode="agg")
    live.update(force=True)
    t0 = n / RATE
    times = []
    row = 0
    for _ in range(frames):
        for _ in range(100):
            t = t0 + row / RATE
            values = [22.9, 120.0, 0.0, 0.0] + ([0.0] if button else [])
            rec.add_row(t, names, values)
            row += 1
        start = time.perf_counter()
        live.update(force=True)  # a frame now (with the numbers: the slower kind)
        times.append(time.perf_counter() - start)
    rec.mark("neu")
    start = time.perf_counter()
    live.update(force=True)
    after_mark = time.perf_counter() - start
    return 1000 * statistics.median(times), 1000 * after_mark


def static_plot(n: int, tmp: str) -> float:
    from calliope_lib.plotting import save_plot

    rec = recording(n, 5, True)
    start = time.perf_counter()
    save_plot(rec, os.path.join(tmp, "b.png"))
    return 1000 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 20_000 if args.quick else 100_000
    frames = 10 if args.quick else 40
    lines = [f"| live view, 4 x {n} values | frame (ms, median) | frame after a new mark (ms) |",
             "|---|---:|---:|"]
    for label, marks, button in (("no marks", 0, False), ("5 marks", 5, False),
                                 ("5 marks + 5 presses of A", 5, True)):
        frame, after = frame_times(n, marks, button, frames)
        lines.append(f"| {label} | {frame:.1f} | {after:.1f} |")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        plots = [static_plot(20_000, tmp) for _ in range(3)]
    median = statistics.median(plots)
    lines += ["", (f"rec.save_plot (PNG) of 4 x 20,000 values + button A, 5 marks, minimum "
                   f"span: {median:.0f} ms (median of 3)"), "",
              "Measured under load (2 cores shared with 3 other helpers' tests)."]
    if args.quick:
        print("\n".join(lines))
    else:
        append("Marks and minimum span", lines)


if __name__ == "__main__":
    main()
