"""Parser throughput per format, auto-detection included (issue 14).

Run: ``.venv/bin/python -m benchmarks.bench_parser [--lines 300000] [--no-append]``
Targets (one core): >= 1,000,000 lines/s for every numeric format (firmware lines with 6
values, writeNumbers rows, Mu tuples, datalogger rows), >= 1,200,000 for ``name:value``.

Rates are lines per second of *CPU time* of this process (``time.process_time``), best of
five, so that other programs on a shared machine disturb them less than wall-clock time
would; the stream is fed in 4 KiB reads, as the board link reads it. Each format's events
are checked once against feeding the same bytes line by line (the slow path), in the normal
form (``expand``: a ``Rows`` block written out as its rows), counters included, so a rate is
never bought with a wrong result.

A second table takes some formats the whole way into a Recording (parser, session, the rows
it yields), now and at ``--before`` in turns, with the count of values recorded: the
consumer side must not lose what the parser gains.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import warnings

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


#: The formats measured through the whole session as well.
SESSION_FORMATS = ["makecode name:value (padded)", "firmware $D, 6 values",
                   "firmware $D, 6 changing values (accelerometer, light, sound)",
                   "writeNumbers row", "datalogger row, empty cell"]


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


def module_at(revision: str, path: str, name: str):  # type: ignore[no-untyped-def]
    """The module at ``path`` (e.g. ``calliope_lib/protocol/parser.py``) as it was in a git
    revision, loaded under ``name`` beside this tree's (its imports come from this tree)."""
    import importlib.util
    import subprocess
    import tempfile
    from pathlib import Path

    source = subprocess.run(["git", "show", f"{revision}:{path}"],
                            capture_output=True, text=True, check=True).stdout
    file = Path(tempfile.mkdtemp()) / f"{name}.py"
    file.write_text(source)
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def parser_at(revision: str | None) -> type:
    """The StreamParser of this tree, or of a git revision (to compare in the same run)."""
    if revision is None:
        from calliope_lib.protocol import StreamParser

        return StreamParser
    return module_at(revision, "calliope_lib/protocol/parser.py", "parser_then").StreamParser


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


def memory_port(data: bytes) -> object:
    """A port that hands out ``data`` in 4 KiB reads, then says it is finished (a replayed
    file's way): the session's whole way without a serial line's 11 KB/s limit."""
    from calliope_lib.transports.contract import PortFeatures

    class MemoryPort(_MemoryPort, PortFeatures):
        listen_only = True

    return MemoryPort(data)


class _MemoryPort:

    def __init__(self, data: bytes) -> None:
        self.port = "memory://"
        self.is_open = True
        self.finished = False
        self._data = memoryview(data)
        self._at = 0

    @property
    def in_waiting(self) -> int:
        return min(len(self._data) - self._at, 4096)

    def read(self, size: int = 1) -> bytes:
        out = bytes(self._data[self._at:self._at + min(size, 4096)])
        self._at += len(out)
        self.finished = self._at >= len(self._data)
        return out

    def write(self, data: bytes) -> int:
        return len(data)

    def open(self) -> None: ...

    def close(self) -> None: ...


def session_at(revision: str | None) -> type:
    """The Session class of this tree, or of a git revision (its parser is set on the link by
    :func:`session_rate`)."""
    from calliope_lib.board import session

    if revision is None:
        return session.Session
    return module_at(revision, "calliope_lib/board/session.py", "session_then").Session


def session_rate(data: bytes, count: int, revision: str | None = None,
                 repeats: int = 3) -> tuple[float, int]:
    """Lines per second (CPU) from bytes to a Recording: parser, session (times, checks,
    ``add_row``) and the rows it yields, in listen mode (a kid's program, or our firmware's
    lines replayed: ``$D`` lines carry the board's clock and numbers). Returns the rate and
    the values recorded (the same before and after, or the rate means nothing)."""
    from calliope_lib.board.info import BoardInfo
    from calliope_lib.board.link import BoardLink

    Session, Parser = session_at(revision), parser_at(revision)
    best, values = 0.0, 0
    for _ in range(repeats):
        link = BoardLink(memory_port(data), "memory://", BoardInfo(mode="listen"))  # type: ignore[arg-type]
        link.parser = Parser()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.process_time()
            session = Session(link, None, None)
            for _row in session.rows():
                pass
            best = max(best, count / (time.process_time() - start))
        values = len(session.recording)
    return best, values


def same_as_line_by_line(data: bytes) -> bool:
    from calliope_lib.protocol import StreamParser, expand

    whole = StreamParser()
    at_once = expand(e for i in range(0, len(data), 4096) for e in whole.feed(data[i:i + 4096]))
    single = StreamParser()
    one_by_one = [e for line in data.splitlines(keepends=True) for e in single.feed(line)]
    return (repr(at_once) == repr(one_by_one)
            and (whole.bad_lines, whole.lost_lines) == (single.bad_lines, single.lost_lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--before", default="a63d44b",
                        help="git revision to measure beside this tree (default: the commit "
                             "before issue 14; '' for none)")
    args = parser.parse_args()
    before = args.before or None
    load_start = os.getloadavg()[0]
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
    title = ("Through the session into a Recording (listen mode, 4 KiB reads; parser, times, "
             "checks, `add_row`, the rows yielded; now and before measured in turns):")
    out += ["", title, "",
            "| format | lines/s (CPU, best of 3) | values recorded |"
            + (f" before ({before}), same run | values then |" if before else ""),
            "|---|---:|---:|" + ("---:|---:|" if before else "")]
    for name in SESSION_FORMATS:
        prefix, line = FORMATS[name]
        count = args.lines // 3
        data = stream(prefix, line, count)
        lines_per_s = then = 0.0
        for _ in range(3):
            now_rate, values = session_rate(data, count, repeats=1)
            lines_per_s = max(lines_per_s, now_rate)
            if before:
                then_rate, values_then = session_rate(data, count, revision=before, repeats=1)
                then = max(then, then_rate)
        row = f"| {name} | {lines_per_s:,.0f} | {values:,} |"
        if before:
            row += f" {then:,.0f} | {values_then:,} |"
        out.append(row)
        print(out[-1], flush=True)
    if args.no_append:
        print("\n".join(out))
    else:
        load = os.getloadavg()[0]
        append("Parser per format (issue 14; one core, CPU time, shared 2-core machine; "
               f"load average {load_start:.1f} at the start, {load:.1f} at the end)", out)


if __name__ == "__main__":
    main()
