"""Saving and loading with the German header (format 2): what the display names cost.

Run: ``.venv/bin/python -m benchmarks.bench_csv_header [--rows 40000 300000] [--no-append]``

No target of its own: the header is made once per file (display names, ``# column`` lines,
distinct titles) and read back once, so save and load should take what they took with the
ids in the header (format 1). Measured: ``rec.save`` and ``cl.load`` of three channels (best
of 3), and the same table read back from a format 1 file (the ids in the header) for
comparison; 40,000 rows take the careful reader, 300,000 rows (about 7 MB) pandas' fast one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import calliope_lib as cl
from benchmarks._common import append
from calliope_lib.recording import Recording


def make(rows: int) -> Recording:
    rec = Recording()
    times = np.arange(rows) * 0.01
    rec.add_channel("temperature", times, np.round(20 + np.sin(times), 3))
    rec.add_channel("light", times, np.round(100 + 50 * np.cos(times)))
    rec.add_channel("lux", times, np.round(500 + 100 * np.cos(times / 3), 1), unit="lx",
                    label="Fotowiderstand")
    return rec


def as_format_1(path: Path, target: Path) -> None:
    """The same file as format 1 wrote it: ids in the header, no ``# column`` lines."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out = []
    for line in lines:
        if line.startswith("# column "):
            continue
        if line == "# format: 2":
            line = "# format: 1"
        elif line.startswith("Zeit (s),"):
            line = "zeit_s,temperature,light,lux"
        out.append(line)
    target.write_text("\n".join(out), encoding="utf-8")


def best(action, repeat: int = 3) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[40_000, 300_000])
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args(argv)
    lines = ["| rows | file | save (ms) | load format 2 (ms) | load format 1 (ms) |",
             "|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            rec = make(rows)
            path = Path(tmp) / f"f2_{rows}.csv"
            old = Path(tmp) / f"f1_{rows}.csv"
            save = best(lambda: rec.save(path))
            as_format_1(path, old)
            back = cl.load(path)
            assert back.channels == ["temperature", "light", "lux"]
            assert back.label("lux") == "Fotowiderstand"
            assert cl.load(old).channels == back.channels
            load_2 = best(lambda: cl.load(path))
            load_1 = best(lambda: cl.load(old))
            size = path.stat().st_size / 1e6
            lines.append(f"| {rows} | {size:.1f} MB | {save * 1000:.0f} | {load_2 * 1000:.0f} "
                         f"| {load_1 * 1000:.0f} |")
    lines.append("")
    lines.append("Measured under load (2 cores shared with other helpers' tests).")
    if args.no_append:
        print("\n".join(lines))
    else:
        append("CSV header with display names (format 2): save and load", lines)


if __name__ == "__main__":
    main()
