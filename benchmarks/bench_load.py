"""``cl.load`` of large recording files: time and memory.

Run: ``.venv/bin/python -m benchmarks.bench_load [--sizes 50 200] [--no-append]``
Target (issue 14): a 200 MB file (about 9.2 million rows) in <= 8 s with <= 2x the file size
of memory. Each load runs in a fresh interpreter; memory is the peak resident size
(``ru_maxrss``) minus that of the same interpreter after its imports.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._common import append

HEADER = ("# calliope-lib recording\n# format: 1\n# start: 2026-11-30T21:00:00+01:00\n"
          "# board: simulated\n# unit temperature: °C\nzeit_s,temperature,light\n")


def make_file(path: Path, megabytes: int) -> int:
    """Our format, 20 rows a second, a gap in the middle; returns the number of rows."""
    target = megabytes * 1_000_000
    rows = 0
    block_rows = 100_000
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER)
        written = len(HEADER)
        while written < target:
            lines = []
            for i in range(rows, rows + block_rows):
                lines.append(f"{i * 0.05:.3f},{20 + (i % 97) / 10:g},{100 + i % 151}\n")
            if rows == block_rows * 10:
                lines.append(f"# gap: {rows * 0.05:.3f} {rows * 0.05 + 1:.3f}\n")
            text = "".join(lines)
            fh.write(text)
            written += len(text)
            rows += block_rows
        fh.write("# bad_lines: 0\n# lost_lines: 0\n")
    return rows


PROBE = """
import resource, sys, time
import calliope_lib as cl
import numpy, pandas
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
rec = cl.load(sys.argv[1])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(seconds, (peak - base) * 1024, rec.count("light"), len(rec.gaps))
"""


def measure(path: Path) -> tuple[float, int, int, int]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]), int(out[3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    lines = ["| file | rows | load (s, best of 2) | peak memory above imports | x file size |",
             "|---|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in args.sizes:
            path = Path(tmp) / f"big-{megabytes}.csv"
            rows = make_file(path, megabytes)
            size = os.path.getsize(path)
            runs = [measure(path) for _ in range(2)]
            seconds = min(r[0] for r in runs)
            memory = min(r[1] for r in runs)
            assert all(r[2] == rows and r[3] == 1 for r in runs), runs
            lines.append(f"| {size / 1e6:.0f} MB | {rows:,} | {seconds:.2f} | "
                         f"{memory / 1e6:.0f} MB | {memory / size:.2f} |")
            path.unlink()
    if args.no_append:
        print("\n".join(lines))
    else:
        append("cl.load of large files (issue 14; shared 2-core machine, under load)", lines)


if __name__ == "__main__":
    main()
