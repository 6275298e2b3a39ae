"""Benchmark of what a notebook receives while recording: the progress bar and the picture.

Run: ``.venv/bin/python -m benchmarks.bench_plot_notebook`` (about 30 s; ``--quick`` does
not write RESULTS.md). Appends to benchmarks/RESULTS.md under "Notebook outputs".

1. **The notebook progress bar** in a real Jupyter kernel: ``RecordingProgress.update`` as
   fast as it can be called for a few seconds (a board sending far faster than any real
   one) — the cost per row and how many ``update_display_data`` messages reach the client
   (about four a second are wanted; one per row would flood the browser).
2. **One live-plot frame as a PNG** (4 channels, 100,000 values each): time and size at the
   width used now (7.5 inches, fits a 1024×600 laptop) and at the former 10 inches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

from benchmarks._common import append

KERNEL_CODE = r"""
import time
from calliope_lib.progress import RecordingProgress
from calliope_lib.recording import Recording
rec = Recording()
names = ("acceleration_x", "acceleration_y", "acceleration_z")
for name in names:
    rec.add_channel(name, [0.0], [0.0], "mg")
bar = RecordingProgress(seconds=10, samples=None, channels=list(names))
start = time.perf_counter()
rows = 0
while (now := time.perf_counter()) - start < {seconds}:
    bar.update(10.0 * (now - start) / {seconds}, rec)
    rows += 1
spent = time.perf_counter() - start
bar.close(rec, completed=True)
print("per_row_us", 1e6 * spent / rows, "seconds", spent, "rows", rows)
"""


def bench_progress(seconds: float) -> str:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", env={**os.environ, "CALLIOPE_LANG": "de"})
    try:
        kc.execute(KERNEL_CODE.format(seconds=seconds))
        updates, text = 0, ""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            msg = kc.get_iopub_msg(timeout=deadline - time.monotonic())
            kind = msg["msg_type"]
            if kind == "update_display_data":
                updates += 1
            elif kind == "stream":
                text += msg["content"]["text"]
            elif kind == "error":
                raise RuntimeError("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle" and text:
                break
        words = text.split()
        per_row, seconds, rows = float(words[1]), float(words[3]), int(words[5])
        return (f"- notebook progress bar, real kernel, {rows:,} rows: **{per_row:.2f} µs per row**, "
                f"{updates} display updates in {seconds:.1f} s "
                f"(**{updates / seconds:.1f} updates/s**, wanted about 4)")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def bench_frame(width: float, n: int, repeats: int) -> str:
    from PIL import Image

    from calliope_lib.plotting.live import LivePlot
    from calliope_lib.recording import Recording

    rec = Recording()
    t = np.arange(n) / 100.0
    rng = np.random.default_rng(1)
    for name in ("temperature", "light", "acceleration_x", "acceleration_y"):
        rec.add_channel(name, t, np.sin(t / 7) + rng.standard_normal(n) * 0.1, "")
    live = LivePlot(rec, None, mode="agg", width=width)
    live.update(force=True)
    times, size = [], 0
    for _ in range(repeats):
        live._next_text = 0.0
        start = time.perf_counter()
        live._render()
        png = live.png()
        times.append(time.perf_counter() - start)
        size = len(png)
    import io

    with Image.open(io.BytesIO(png)) as img:
        pixels = img.size
    return (f"- live frame + PNG, 4 x {n:,} values, {width:g} in wide ({pixels[0]}x{pixels[1]} px): "
            f"**{1000 * statistics.median(times):.1f} ms** median of {repeats}, "
            f"{size / 1024:.0f} KiB per update")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller run, no RESULTS.md")
    args = parser.parse_args()
    lines = ["Measured under load: 2 cores shared with 6 other jobs.", ""]
    lines.append(bench_progress(2.0 if args.quick else 6.0))
    for width in (7.5, 10.0):
        lines.append(bench_frame(width, 100_000, 5 if args.quick else 20))
    if args.quick:
        print("\n".join(lines))
    else:
        append("Notebook outputs (progress bar, live frame size)", lines)


if __name__ == "__main__":
    main()
