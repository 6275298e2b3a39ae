"""Parser throughput per format, auto-detection included (issue 14).

Run: ``.venv/bin/python -m benchmarks.bench_parser [--lines 300000] [--no-append]``
Targets (one core): >= 1,000,000 lines/s for every numeric format (firmware lines with 6
values, writeNumbers rows, Mu tuples, datalogger rows), >= 1,200,000 for ``name:value``.

Rates are lines per second of *CPU time* of this process (``time.process_time``), best of
five, so that other programs on a shared machine disturb them less than wall-clock time
would; the stream is fed in 4 KiB reads, as the board link reads it. Each format's events
are checked once against feeding the same bytes line by line (the slow path), so a rate is
never bought with a wrong result.
"""

from __future__ import annotations

import argparse
import random
import time

from benchmarks._common import append

FORMATS: dict[str, tuple[bytes, bytes]] = {
    "makecode name:value (padded)": (b"", b"temperature:21".ljust(30) + b"\r\n"),
    "number with unit (temp: 21 °C)": (b"", "temp: 21 °C\r\n".encode()),
    "firmware $D, 3 values": (b"$COLS a,b,c\r\n", b"$D {seq} 4567 21.5,128,1023\r\n"),
    "firmware $D, 6 values": (b"$COLS a,b,c,d,e,f\r\n",
                              b"$D {seq} 4567 21.5,128,1023,-12,980,1\r\n"),
    "firmware $D, 6 changing values (accelerometer, light, sound)": (
        b"$COLS acceleration_x,acceleration_y,acceleration_z,light,sound,temperature\r\n",
        b"$D {seq} {ms} {noisy}\r\n"),
    "writeNumbers row": (b"", b"1,2,3".ljust(30) + b"\r\n"),
    "Mu tuple": (b"", b"(21.5, 128)\r\n"),
    "datalogger row": (b"Time (seconds),temp,light\r\n", b"1.50,21,130\r\n"),
    "datalogger row, empty cell": (b"Time (seconds),temp,light\r\n", b"1.50,,130\r\n"),
    "JSON": (b"", b'{"temperature": 21.5, "light": 128}\r\n'),
    "bare number": (b"", b"21.5\r\n"),
}


def noisy(i: int, rng: random.Random) -> bytes:
    """Values as a moving board sends them: accelerations in mg that change every line
    (a few thousand distinct texts), light and sound that drift, a steady temperature."""
    x, y, z = (rng.randint(-1100, 1100) for _ in range(3))
    return b"%d,%d,%d,%d,%d,%s" % (x, y, z, 120 + (i // 50) % 40, rng.randint(0, 90),
                                   b"21" if i % 1000 < 900 else b"21.5")


def stream(prefix: bytes, line: bytes, count: int) -> bytes:
    if b"{noisy}" in line:
        rng = random.Random(14)
        return prefix + b"".join(
            line.replace(b"{seq}", b"%d" % (i % 1_000_000)).replace(b"{ms}", b"%d" % (20 * i))
            .replace(b"{noisy}", noisy(i, rng)) for i in range(count))
    if b"{seq}" in line:
        return prefix + b"".join(line.replace(b"{seq}", b"%d" % (i % 1_000_000))
                                 for i in range(count))
    return prefix + line * count


def parser_at(revision: str | None) -> type:
    """The StreamParser of this tree, or of a git revision (to compare in the same run)."""
    if revision is None:
        from calliope_lib.protocol import StreamParser

        return StreamParser
    import importlib.util
    import subprocess
    import tempfile
    from pathlib import Path

    source = subprocess.run(["git", "show", f"{revision}:calliope_lib/protocol/parser.py"],
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "parser_then.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("parser_then", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.StreamParser


def rate(data: bytes, count: int, repeats: int = 5, revision: str | None = None) -> tuple[float, int]:
    StreamParser = parser_at(revision)
    chunks = [data[i:i + 4096] for i in range(0, len(data), 4096)]
    best = 0.0
    bad = 0
    for _ in range(repeats):
        parser = StreamParser()
        start = time.process_time()
        for chunk in chunks:
            parser.feed(chunk)
        best = max(best, count / (time.process_time() - start))
        bad = parser.bad_lines
    return best, bad


def same_as_line_by_line(data: bytes) -> bool:
    from calliope_lib.protocol import StreamParser

    whole = StreamParser().feed(data)
    single = StreamParser()
    one_by_one = [e for line in data.splitlines(keepends=True)[:5000]
                  for e in single.feed(line)]
    return repr(whole[:len(one_by_one)]) == repr(one_by_one)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--before", default="a63d44b",
                        help="git revision to measure beside this tree (default: the commit "
                             "before issue 14; '' for none)")
    args = parser.parse_args()
    before = args.before or None
    out = ["| format | lines/s (CPU, best of 5) | bad lines | same events as line by line |"
           + (f" before ({before}), same run |" if before else ""),
           "|---|---:|---:|---|" + ("---:|" if before else "")]
    for name, (prefix, line) in FORMATS.items():
        data = stream(prefix, line, args.lines)
        lines_per_s, bad = rate(data, args.lines)
        same = same_as_line_by_line(data)
        row = f"| {name} | {lines_per_s:,.0f} | {bad} | {'yes' if same else 'NO'} |"
        if before:
            then, then_bad = rate(data, args.lines, revision=before)
            row += f" {then:,.0f}{' (' + str(then_bad) + ' bad)' if then_bad else ''} |"
        out.append(row)
        print(out[-1], flush=True)
    if args.no_append:
        print("\n".join(out))
    else:
        append("Parser per format (issue 14; one core, CPU time, shared 2-core machine under load)",
               out)


if __name__ == "__main__":
    main()
