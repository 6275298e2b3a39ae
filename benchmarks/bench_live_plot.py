"""Benchmark of the live plot: frame time at 4 channels x N values, and samples lost while drawing.

Run: ``.venv/bin/python -m benchmarks.bench_live_plot`` (about 3 minutes; ``--quick`` for a
shorter run that does not write RESULTS.md). Appends to benchmarks/RESULTS.md under
"Live plot".

1. **Frame time** (Agg, off-screen, one process) for N = 10^3 ... 10^6 values per channel,
   4 channels on 3 axes, 100 new rows per frame:
   * baseline: ``line.set_data(all values)`` + ``canvas.draw()`` (a plain full redraw);
   * :class:`~calliope_lib.plotting.LivePlot` (min–max bins + blitting), as the recording
     loop drives it (numbers beside the axes refreshed 4x per second);
   * the same plus PNG encoding, which the inline notebook image needs per update.
2. **Inline updates in a real Jupyter kernel**: a kernel runs LivePlot in ``inline`` mode at
   4 x 10^6 values while rows keep arriving; we count ``update_display_data`` messages that
   reach the client per second.
3. **Samples lost while drawing**: ``board.record(..., live=True)`` against the simulated
   board (``sim://``) and against a real pseudo-terminal fed at the 115200-baud line rate by
   another process that drops what the terminal cannot take (like a board whose output
   nobody reads).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tty

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

from benchmarks._common import append

NAMES = ("temperature", "light", "acceleration_x", "acceleration_y")
RATE = 100.0  # rows per second in the synthetic recordings


def signals(t: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Plausible signals: slow temperature, light with flicker, noisy acceleration."""
    return [21 + 2 * np.sin(t / 300) + 0.05 * rng.standard_normal(len(t)),
            120 + 60 * np.sin(t / 20) + 5 * rng.standard_normal(len(t)),
            80 * rng.standard_normal(len(t)),
            300 * np.sin(t * 2.0) + 40 * rng.standard_normal(len(t))]


def prefilled(n: int, rng: np.random.Generator):
    from calliope_lib.recording import Recording

    rec = Recording(metadata={"title": "Benchmark"})
    t = np.arange(n) / RATE
    for name, values in zip(NAMES, signals(t, rng)):
        rec.add_channel(name, t, values, "")
    for name in NAMES:
        rec.use_units({name: {"temperature": "°C", "light": ""}.get(name, "mg")})
    return rec


def add_rows(rec, count: int, rng: np.random.Generator) -> None:
    start = rec.count(NAMES[0])
    t = (start + np.arange(count)) / RATE
    cols = signals(t, rng)
    for i in range(count):
        rec.add_row(float(t[i]), NAMES, (cols[0][i], cols[1][i], cols[2][i], cols[3][i]))


def bench_baseline(n: int, frames: int, rng: np.random.Generator) -> float:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rec = prefilled(n, rng)
    fig = Figure(figsize=(10, 8.2), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(3, 1, sharex=True)
    lines = [axes[0].plot([], [])[0], axes[1].plot([], [])[0], axes[2].plot([], [])[0],
             axes[2].plot([], [], "--")[0]]
    times = []
    for _ in range(frames):
        add_rows(rec, 100, rng)
        start = time.perf_counter()
        for name, line in zip(NAMES, lines):
            ch = rec[name]
            line.set_data(ch.times, ch.values)
        for ax in axes:
            ax.relim()
            ax.autoscale_view()
        fig.canvas.draw()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_live(n: int, frames: int, rng: np.random.Generator, png: bool) -> tuple[float, int]:
    from calliope_lib.plotting.live import LivePlot

    rec = prefilled(n, rng)
    live = LivePlot(rec, list(NAMES), mode="agg")
    live.update(force=True)  # the first frame builds the figure and reads everything
    times = []
    sizes = 0
    for _ in range(frames):
        add_rows(rec, 100, rng)
        live._next = 0.0  # as if enough time had passed: measure the frame, not the pacing
        start = time.perf_counter()
        live.update()
        if png:
            sizes = len(live.png())
        times.append(time.perf_counter() - start)
    return statistics.median(times), sizes


KERNEL_CODE = r"""
import time, numpy as np
from calliope_lib.recording import Recording
from calliope_lib.plotting.live import LivePlot
n = {n}
rec = Recording(metadata={{"title": "Benchmark"}})
t = np.arange(n) / 100.0
for name in ("temperature", "light", "acceleration_x", "acceleration_y"):
    rec.add_channel(name, t, np.sin(t / 7) + np.random.standard_normal(n) * 0.1, "")
live = LivePlot(rec, None, mode="inline")
k = n
end = time.perf_counter() + {seconds}
while time.perf_counter() < end:
    tt = k / 100.0
    rec.add_row(tt, ("temperature", "light", "acceleration_x", "acceleration_y"),
                (np.sin(tt / 7), 1.0, 2.0, 3.0))
    k += 1
    live.update()
    time.sleep(0.001)
print("frames", live.frames, "rows", k - n)
"""


def bench_kernel_inline(n: int, seconds: float) -> str:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", env={**os.environ, "MPLBACKEND": "Agg"})
    try:
        kc.execute(KERNEL_CODE.format(n=n, seconds=seconds))
        updates, displays, stamps, text = 0, 0, [], ""
        deadline = time.monotonic() + seconds + 120
        while time.monotonic() < deadline:
            msg = kc.get_iopub_msg(timeout=deadline - time.monotonic())
            kind = msg["msg_type"]
            if kind == "display_data":
                displays += 1
                stamps.append(time.monotonic())
            elif kind == "update_display_data":
                updates += 1
                stamps.append(time.monotonic())
            elif kind == "stream":
                text += msg["content"]["text"]
            elif kind == "error":
                raise RuntimeError("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle" and stamps:
                break
        span = stamps[-1] - stamps[0] if len(stamps) > 1 else float("nan")
        rate = (len(stamps) - 1) / span if span else float("nan")
        return (f"- real Jupyter kernel, inline mode, 4 x {n:,} values, {seconds:.0f} s: "
                f"{displays} display + {updates} update_display_data messages received, "
                f"**{rate:.1f} image updates/s** (target >= 10); kernel says: {text.strip()}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def bench_sim_loss(speed: float, seconds: float, mode: str) -> str:
    import calliope_lib as cl
    from calliope_lib.plotting import live as live_module

    made = []
    original = live_module.LivePlot.__init__

    def spy_init(self, *args, **kwargs):  # to read the frame counters afterwards
        original(self, *args, **kwargs)
        made.append(self)

    live_module.LivePlot.__init__ = spy_init
    os.environ["CALLIOPE_LIVE_PLOT"] = mode
    try:
        board = cl.connect(f"sim://?seed=1&speed={speed:g}")
        rec = board.record(list(NAMES), seconds=seconds, every=0.01, live=True, progress=False)
        board.close()
    finally:
        live_module.LivePlot.__init__ = original
        os.environ.pop("CALLIOPE_LIVE_PLOT", None)
    lp = made[0]
    expected = int(round(seconds / 0.01)) + 1
    got = rec.count(NAMES[0])
    last = rec[NAMES[0]].times[-1]
    return (f"- `sim://?speed={speed:g}`, {seconds:.0f} s at every=10 ms, 4 channels, live "
            f"({mode}): expected {expected} rows, recorded {got} (last at {last:.2f} s), lost "
            f"lines {rec.lost_lines}; {lp.frames} frames ({lp.full_redraws} full), drawing "
            f"{lp.draw_seconds:.1f} s")


FEEDER = r"""
import os, sys, time, errno
fd = int(sys.argv[1]); seconds = float(sys.argv[2])
os.write(fd, b"$COLS temperature,light,acceleration_x,acceleration_y\r\n")
os.set_blocking(fd, False)
rate = 11520.0  # bytes/s at 115200 baud, 8N1
seq = 0; sent = 0; dropped = 0; start = time.monotonic(); budget = 0.0; last = start
while time.monotonic() - start < seconds:
    now = time.monotonic(); budget += (now - last) * rate; last = now
    while budget > 0:
        line = b"$D %d %d %.2f,%d,%d,%d\r\n" % (seq % 1000000, int((now - start) * 1000),
                                               21.5 + (seq % 50) / 100, seq % 256,
                                               (seq * 7) % 2000 - 1000, (seq * 13) % 2000 - 1000)
        seq += 1; budget -= len(line)
        try:
            os.write(fd, line); sent += 1
        except OSError as exc:
            if exc.errno != errno.EAGAIN: raise
            dropped += 1   # the terminal is full: the bytes are gone, as on a real board
    time.sleep(0.005)
print(sent, dropped)
"""


def bench_pty_loss(seconds: float, mode: str) -> str:
    import calliope_lib as cl
    from calliope_lib.plotting import live as live_module

    master, slave = os.openpty()
    tty.setraw(slave)
    board = cl.connect(os.ttyname(slave))  # nobody answers hello: listen mode
    made = []
    original = live_module.LivePlot.__init__

    def spy_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    live_module.LivePlot.__init__ = spy_init
    # "inline" outside a notebook: encode the PNG as in a notebook, but send it nowhere.
    show_inline = live_module.LivePlot._show_inline
    live_module.LivePlot._show_inline = lambda self, png: None
    os.environ["CALLIOPE_LIVE_PLOT"] = mode
    feeder = subprocess.Popen([sys.executable, "-c", FEEDER, str(master), str(seconds)],
                              pass_fds=(master,), stdout=subprocess.PIPE, text=True)
    try:
        rec = board.record(seconds=seconds + 1.5, live=True, progress=False)
    finally:
        live_module.LivePlot.__init__ = original
        live_module.LivePlot._show_inline = show_inline
        os.environ.pop("CALLIOPE_LIVE_PLOT", None)
    sent, dropped = (int(x) for x in feeder.communicate()[0].split())
    board.close()
    os.close(master)
    lp = made[0] if made else None
    got = rec.count(rec.channels[0]) if rec.channels else 0
    frames = f"{lp.frames} frames ({lp.full_redraws} full)" if lp else "no plot"
    return (f"- real pty at the 115200-baud line rate (~{sent / seconds:.0f} lines/s), "
            f"{seconds:.0f} s, 4 channels, live ({mode}): sent {sent}, dropped by a full "
            f"terminal {dropped}, received {got}, lost (sequence gaps) {rec.lost_lines}; {frames}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller run, no RESULTS.md")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    sizes = [1_000, 10_000, 100_000, 1_000_000]
    lines = ["### Frame time, 4 channels x N values, 3 axes, Agg 1000x820 px (median)", "",
             "| N per channel | baseline set_data + draw | LivePlot frame | fps | LivePlot + PNG "
             "(inline) | inline fps |", "|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        base_frames = 3 if n >= 1_000_000 else 6
        base = bench_baseline(n, 2 if args.quick else base_frames, rng)
        frame, _ = bench_live(n, 10 if args.quick else 40, rng, png=False)
        frame_png, png_bytes = bench_live(n, 5 if args.quick else 20, rng, png=True)
        lines.append(f"| {n:,} | {base * 1000:.0f} ms ({1 / base:.1f} fps) | {frame * 1000:.1f} ms "
                     f"| **{1 / frame:.0f}** | {frame_png * 1000:.1f} ms ({png_bytes // 1024} KiB) "
                     f"| {1 / frame_png:.0f} |")
        print(lines[-1], flush=True)
    lines += ["", "Targets: >= 30 fps at 4 x 10^6 (Agg), >= 10 inline updates/s.", "",
              "### In a Jupyter kernel"]
    lines.append(bench_kernel_inline(1_000_000, 5 if args.quick else 15))
    print(lines[-1], flush=True)
    lines += ["", "### Samples lost while drawing"]
    quick = args.quick
    lines.append(bench_sim_loss(1, 10 if quick else 30, "agg"))
    print(lines[-1], flush=True)
    lines.append(bench_sim_loss(20, 60 if quick else 300, "agg"))
    print(lines[-1], flush=True)
    for mode in ("agg", "inline"):
        lines.append(bench_pty_loss(10 if quick else 30, mode))
        print(lines[-1], flush=True)
    if not args.quick:
        append("Live plot", lines)


if __name__ == "__main__":
    main()
