"""The crash-safe writer (``save_to=``): throughput, new channels, flush delay in a silence.

Run: ``.venv/bin/python -m benchmarks.bench_recording_writer [--rows 50000]``
Targets (issue 15):
* a new channel name on every line never makes writing quadratic: 2,000 such rows in well
  under a second (one rewrite per new channel, the old way, grows with the square);
* a row reaches the operating system within 1 s of wall-clock time, also when no further
  row follows (the board fell silent);
* plain rows: far above what a board sends (100 rows/s at 10 ms).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks._common import append


def bench_plain(rows: int, folder: Path) -> float:
    from calliope_lib.recording import Recording
    from calliope_lib.recording.files import RecordingWriter

    names = ("temperature", "light", "sound", "acceleration_x", "acceleration_y",
             "acceleration_z")
    rec = Recording()
    writer = RecordingWriter(rec, folder / "plain.csv", channels=list(names))
    began = time.perf_counter()
    for i in range(rows):
        rec.add_row(i * 0.01, names, (21.5, 128.0, 40.0, -12.0, 980.0, 3.0), i * 10)
        writer.tick()
    writer.close()
    return rows / (time.perf_counter() - began)


def bench_new_channels(rows: int, folder: Path, old_way: bool = False) -> float:
    from calliope_lib.recording import Recording
    from calliope_lib.recording.files import RecordingWriter, save_recording

    rec = Recording()
    if old_way:  # what the writer did before: the whole file anew for every new channel
        began = time.perf_counter()
        for i in range(rows):
            rec.add_row(i * 0.01, (f"k{i}",), (float(i),))
            save_recording(rec, folder / "old.csv", footer=False)
        return time.perf_counter() - began
    writer = RecordingWriter(rec, folder / f"new{rows}.csv")
    began = time.perf_counter()
    for i in range(rows):
        rec.add_row(i * 0.01, (f"k{i}",), (float(i),))
        writer.tick()
    writer.close()
    return time.perf_counter() - began


def bench_flush_delay(folder: Path, tries: int = 5) -> list[float]:
    from calliope_lib.recording import Recording
    from calliope_lib.recording.files import RecordingWriter

    rec = Recording()
    path = folder / "silence.csv"
    writer = RecordingWriter(rec, path, channels=["light"])
    delays = []
    for i in range(tries):
        size = path.stat().st_size
        sent = time.monotonic()
        rec.add_row(float(i), ("light",), (100.0 + i,))  # then silence: no further row
        while path.stat().st_size == size:
            time.sleep(0.005)
        delays.append(time.monotonic() - sent)
    writer.close()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = bench_plain(args.rows, folder)
        new_2000 = bench_new_channels(2000, folder)
        new_500 = bench_new_channels(500, folder)
        old_500 = bench_new_channels(500, folder, old_way=True)
        delays = bench_flush_delay(folder)
    append("Recording writer (issue 15)", [
        "Measured under load: 2 cores shared with 6 other jobs.",
        "",
        f"- plain rows, 6 channels: **{plain:,.0f}** rows/s ({args.rows:,} rows)",
        f"- a new channel on every line: 500 rows **{new_500:.2f} s**, 2,000 rows "
        f"**{new_2000:.2f} s** (the old one-rewrite-per-channel way: 500 rows {old_500:.2f} s)",
        f"- flush delay in a silence (row handed to the system, no row after it), 5 tries: "
        f"max **{max(delays) * 1000:.0f} ms**, mean {sum(delays) / len(delays) * 1000:.0f} ms",
    ])


if __name__ == "__main__":
    main()
