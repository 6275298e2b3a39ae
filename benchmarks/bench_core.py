"""Core benchmarks: parser throughput per format, import time, end to end over a pty.

Run: ``.venv/bin/python -m benchmarks.bench_core [--e2e-seconds 60]``
Targets (issue 2, on the 2-core CI machine):
* parser: >= 1,000,000 lines/s MakeCode ``name:value``; >= 500,000 lines/s firmware data lines
* end to end at 115200 baud for 60 s: zero lost lines, host process <= 5 % of one core
* ``import calliope_lib``: <= 0.25 s more than ``python -c pass``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
import tty


from benchmarks._common import append

LINES = 300_000
FORMATS = {
    "makecode name:value (padded)": b"temperature:21".ljust(30) + b"\r\n",
    "firmware $D, 3 values": b"$D 123 4567 21.5,128,1023\r\n",
    "firmware $D, 6 values": b"$D 123 4567 21.5,128,1023,-12,980,1\r\n",
    "writeNumbers row": b"1,2,3".ljust(30) + b"\r\n",
    "Mu tuple": b"(21.5, 128)\r\n",
    "JSON": b'{"temperature": 21.5, "light": 128}\r\n',
    "bare number": b"21.5\r\n",
}


def bench_parser() -> list[str]:
    from calliope_lib.protocol import StreamParser

    out = ["| format | lines/s (best of 3) |", "|---|---:|"]
    for name, line in FORMATS.items():
        prefix = b"$COLS a,b,c,d,e,f\r\n" if b"6 values" in name.encode() or name.startswith("firmware") else b""
        if "3 values" in name:
            prefix = b"$COLS a,b,c\r\n"
        data = prefix + line * LINES
        chunks = [data[i:i + 4096] for i in range(0, len(data), 4096)]
        best = 0.0
        for _ in range(3):
            parser = StreamParser()
            start = time.perf_counter()
            for chunk in chunks:
                parser.feed(chunk)
            rate = LINES / (time.perf_counter() - start)
            best = max(best, rate)
            assert parser.bad_lines == 0
        out.append(f"| {name} | {best:,.0f} |")
    return out


def bench_import() -> list[str]:
    def run(code: str) -> float:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    base = run("pass")
    lib = run("import calliope_lib")
    board = run("import calliope_lib as cl; cl.connect")
    return [f"- `python -c pass`: {base * 1000:.0f} ms (median of 7)",
            f"- `import calliope_lib`: {lib * 1000:.0f} ms, **+{(lib - base) * 1000:.0f} ms** "
            f"(target <= +250 ms)",
            f"- `import calliope_lib; cl.connect` (loads pyserial, numpy): +{(board - base) * 1000:.0f} ms"]


FEEDER = r"""
import os, sys, time
fd = int(sys.argv[1]); seconds = float(sys.argv[2])
rate = 11520.0  # bytes/s: 115200 baud, 8N1
os.write(fd, b"$COLS a,b,c\r\n")
seq = 0; sent = 0; start = time.monotonic()
while True:
    now = time.monotonic() - start
    if now >= seconds:
        break
    due = int(now * rate) - sent
    if due > 0:
        chunk = bytearray()
        while len(chunk) < due:
            chunk += b"$D %d %d 21.5,%d,1023\r\n" % (seq % 1000000, int(now * 1000), seq % 256)
            seq += 1
        os.write(fd, chunk); sent += len(chunk)
    time.sleep(0.01)
print(seq)
"""


def bench_e2e(seconds: float) -> list[str]:
    import calliope_lib as cl

    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    board = cl.connect(path)  # nobody answers hello: listen mode, reads $D lines anyway
    feeder = subprocess.Popen([sys.executable, "-c", FEEDER, str(master), str(seconds)],
                              pass_fds=(master,), stdout=subprocess.PIPE, text=True)
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0 = time.monotonic()
    rec = board.record(seconds=seconds + 1.0, progress=False)
    wall = time.monotonic() - wall0
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    sent = int(feeder.communicate()[0])
    board.close()
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    got = rec.count("a")
    return [f"- {seconds:.0f} s at the 115200-baud line rate (~{sent / seconds:.0f} firmware "
            f"lines/s over a real pty): sent {sent}, received {got}, lost (sequence gaps) "
            f"{rec.lost_lines}, bad lines {rec.bad_lines}",
            f"- host process CPU: {cpu:.2f} s in {wall:.1f} s = **{100 * cpu / wall:.1f} % of one "
            f"core** (target <= 5 %)"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--e2e-seconds", type=float, default=60.0)
    args = parser.parse_args()
    lines = ["### Parser (one core, 4 KiB chunks, auto-detection included)"]
    lines += bench_parser()
    lines += ["", "### Import time"] + bench_import()
    lines += ["", "### End to end"] + bench_e2e(args.e2e_seconds)
    append("Core", lines)


if __name__ == "__main__":
    main()
