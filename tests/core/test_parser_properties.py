"""One stream, one result: the parser's events depend on the bytes only, never on the reads.

Streams are built from every kind of line a board prints (and from garbage), with runs of
same-shape lines so that the whole-chunk fast path is taken, then cut at random places and
fed piece by piece. The events, the counters and the examples must be the same for every
cut, and nothing may raise. Events are compared in their normal form
(:func:`~calliope_lib.protocol.events.expand`: a block of many lines written out as one row
per line); what a session makes of the blocks is proved in ``test_session_read_splits.py``.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calliope_lib.protocol import BadLine, Hello, Row, Rows, StreamParser, expand
from calliope_lib.protocol.hello import format_hello
from calliope_lib.protocol.parser import MAX_LINE

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
CLEAN_NUMBERS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
)
NUMBERS = st.one_of(
    CLEAN_NUMBERS, CLEAN_NUMBERS, CLEAN_NUMBERS,
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(repr),
    st.sampled_from(["nan", "-0", "0", "-0.0", "1e5", "1E-3", "007", "+5", ".5", "5.", "1_000",
                     "Infinity", "-inf", "", " 3 ", "٣", "12345678901234567890123"]),
)
ENDS = st.sampled_from([b"\n", b"\r\n", b"\r"])


def _block(kind: str, draw) -> list[bytes]:
    """A run of lines of one kind (long enough for the whole-chunk path)."""
    count = draw(st.integers(1, 30))
    if kind == "name_value":
        return [f"{draw(NAMES)}:{draw(NUMBERS)}".ljust(draw(st.integers(0, 32))).encode()
                for _ in range(count)]
    if kind == "unit":
        unit = draw(st.sampled_from(["°C", "C", " lx", " %", " Äpfel", "", " m/s²"]))
        return [f"{draw(NAMES)}: {draw(NUMBERS)}{unit}".encode() for _ in range(count)]
    if kind == "numbers":
        width = draw(st.integers(1, 5))
        trailing = draw(st.sampled_from(["", ",", " "]))
        return [(",".join(draw(NUMBERS) for _ in range(width)) + trailing).encode()
                for _ in range(count)]
    if kind == "datalogger":
        head = [b"Time (seconds),temp,light"]
        return head + [f"{draw(NUMBERS)},{draw(NUMBERS)},{draw(NUMBERS)}".encode()
                       for _ in range(count)]
    if kind == "firmware":
        width = draw(st.integers(1, 4))
        seq = draw(st.integers(0, 999_990))
        lines = [("$COLS " + ",".join(f"c{i}" for i in range(width))).encode()]
        for _ in range(count):
            seq += draw(st.sampled_from([1, 1, 1, 2, 0]))
            values = ",".join(draw(NUMBERS) for _ in range(width))
            lines.append(f"$D {seq} {draw(st.integers(0, 10**7))} {values}".encode())
        return lines
    if kind == "tuples":
        width = draw(st.integers(1, 4))
        return [("(" + ", ".join(draw(NUMBERS) for _ in range(width)) + ")").encode()
                for _ in range(count)]
    if kind == "json":
        return [f'{{"{draw(NAMES)}": {draw(NUMBERS) or 1}}}'.encode() for _ in range(count)]
    if kind == "repl":
        return [b">>> hello", b"Traceback (most recent call last):",
                b'  File "<stdin>", line 1, in <module>', b"NameError: name 'hello' isn't defined",
                b">>> ", b"MicroPython v1.9.2 on 2017-09-01", b'Type "help()" for more.']
    if kind == "hello":
        hello = format_hello("calliope-mini-3").encode()
        return [draw(st.sampled_from([b"", b"$D 17 12", b"temp:2", b"\x00\x00"])) + hello]
    if kind == "garbage":
        return [draw(st.binary(max_size=60))]
    if kind == "long":
        return [draw(st.sampled_from([b"x", b"1,", b"\xc3\xa4"])) * draw(
            st.integers(MAX_LINE // 3, MAX_LINE + 600))]
    if kind == "nul":
        return [b"\x00\x00a:1", b"x:1\x005", b"\x00", b"b:2\x00"]
    raise AssertionError(kind)


KINDS = ["name_value", "unit", "numbers", "datalogger", "firmware", "tuples", "json", "repl",
         "hello", "garbage", "long", "nul"]


@st.composite
def streams(draw) -> bytes:
    parts: list[bytes] = []
    for kind in draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6)):
        for line in _block(kind, draw):
            parts.append(line + draw(ENDS))
    return b"".join(parts)


def line_ends(stream: bytes) -> list[int]:
    """Cut points right after every line end: the parser then sees one line at a time."""
    return [i + 1 for i, byte in enumerate(stream) if byte in b"\r\n"]


def run(stream: bytes, cuts: list[int]) -> tuple[list[str], int, int, list[BadLine]]:
    """Feed ``stream`` cut at ``cuts``; the events in normal form (as text: NaN equals NaN)
    and the counters."""
    parser = StreamParser()
    events = []
    start = 0
    for cut in sorted(set(cuts)) + [len(stream)]:
        events += parser.feed(stream[start:cut])
        start = cut
    events += parser.flush()
    return [repr(e) for e in expand(events)], parser.bad_lines, parser.lost_lines, list(
        parser.bad_examples)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(streams(), st.lists(st.integers(0, 20_000), max_size=40), st.data())
def test_any_cut_gives_the_same_events(stream, cuts, data):
    whole = run(stream, [])
    assert run(stream, line_ends(stream)) == whole
    assert run(stream, [c % (len(stream) + 1) for c in cuts]) == whole
    size = data.draw(st.sampled_from([1, 2, 3, 7, 64, 255, 1024, 1025, 4096, 8192]))
    assert run(stream, list(range(size, len(stream), size))) == whole


@st.composite
def pure_runs(draw) -> tuple[bytes, bytes]:
    """A line that sets the scene (columns, a header) and a run of one numeric shape."""
    kind = draw(st.sampled_from(["firmware", "numbers", "datalogger", "tuples"]))
    width = draw(st.integers(1, 6))
    count = draw(st.integers(8, 60))
    # Clean numbers, odd ones, or a few texts that repeat (as sensor values do).
    number = draw(st.sampled_from([CLEAN_NUMBERS, NUMBERS, st.sampled_from(
        ["21", "21.5", "nan", "-3", "1e3", "007", "+5", " 4", "-0", "1_0", "٣"])]))
    cells = lambda: ",".join(draw(number) for _ in range(width))
    if kind == "firmware":
        scene = ("$COLS " + ",".join(f"c{i}" for i in range(width))).encode()
        seq = draw(st.integers(0, 999_950))
        lines = []
        for _ in range(count):
            seq += draw(st.sampled_from([1, 1, 1, 3]))
            seq_text = draw(st.sampled_from(["{}", "{}", "{}", "{:07d}", "+{}", "{}.0"])).format(seq)
            lines.append(f"$D {seq_text} {draw(st.integers(0, 10**7))} {cells()}".encode())
    elif kind == "numbers":
        scene = draw(st.sampled_from([b"", b"a,b", b"Hallo, Welt", b"x,y,z"]))
        lines = [cells().encode() for _ in range(count)]
    elif kind == "datalogger":
        scene = ("Time (seconds)," + ",".join(f"c{i}" for i in range(width - 1))).encode()
        lines = [cells().encode() for _ in range(count)]
    else:
        scene = b""
        lines = [f"({cells().replace(',', ', ')})".encode() for _ in range(count)]
    return scene + b"\n", b"\r\n".join(lines) + b"\r\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(pure_runs())
def test_whole_chunk_path_equals_line_by_line(case):
    """A chunk of one numeric shape is converted at once; it must give what the lines give."""
    scene, run_bytes = case
    stream = scene + run_bytes
    cuts = [len(scene)]
    assert run(stream, cuts) == run(stream, cuts + line_ends(stream))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(streams())
def test_every_line_gives_one_event(stream):
    """Good, bad with a reason, or ignored by rule: one event per non-blank line (a line cut
    short by a restart gives two: its broken start and the hello)."""
    normal = stream.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = [raw for raw in normal.split(b"\n")[:-1] if raw.decode("utf-8", "replace").strip()]
    events = expand(StreamParser().feed(stream))
    interrupted = sum(1 for e in events if isinstance(e, BadLine) and e.reason == "interrupted")
    assert len(events) - interrupted == len(lines)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(0, 3000), max_size=10))
def test_arbitrary_bytes_never_raise(data, cuts):
    run(data, [c % (len(data) + 1) for c in cuts])


def test_clean_runs_of_every_numeric_shape_become_one_block():
    """The fast path is really taken (else the properties above prove little): a chunk of
    one shape is one :class:`Rows` block, which says what its lines say."""
    runs = {  # (the scene: a line that sets columns or a header, the run)
        "firmware": (b"$COLS a,b,c\n", b"".join(b"$D %d %d 21.5,%d,-3\r\n" % (i, 20 * i, i % 7)
                                                for i in range(50))),
        "numbers": (b"", b"".join(b"%d,2.5,3 \r\n" % i for i in range(50))),
        "datalogger": (b"Time (seconds),temp,light\n", b"".join(
            b"%d.50,%s,130\n" % (i, b"" if i % 3 else b"21") for i in range(50))),
        "tuples": (b"", b"".join(b"(%d, 2.5)\n" % i for i in range(50))),
        "bare": (b"", b"".join(b"%d.25\n" % i for i in range(50))),
    }
    for kind, (scene, run_bytes) in runs.items():
        parser = StreamParser()
        events = parser.feed(scene) + parser.feed(run_bytes)
        assert isinstance(events[-1], Rows) and events[-1].line_count == 50, kind
        stream = scene + run_bytes
        single = StreamParser()
        lines = [e for line in stream.splitlines(keepends=True) for e in single.feed(line)]
        assert not any(isinstance(e, Rows) for e in lines), kind
        assert repr(expand(events)) == repr(lines), kind


def test_lines_that_only_add_up_to_a_block_are_read_line_by_line():
    """Chunks whose counts of cells, spaces and line ends add up to a clean block, but whose
    lines do not each have the shape: the block path must see it (each would otherwise
    become rows where line-by-line reading finds bad lines)."""
    good = [b"$D %d %d 21,7" % (i, 1000 + i) for i in range(10)]
    firmware = {
        "a line short, the next long": [b"$D 1", b"$D 2 3,4 5 6 7,8"],
        "commas for spaces": [b"$D 1,2,3,4,5,6"],
        "spaces and commas swapped": [b"$D 1 2 3,4 5", b"$D 6 7,8,9"],
        "a comma in the board time": [b"$D 1 2,3 4", b"$D 5 6 7,8,9"],
        "no values": [b"$D 1 2 ", b"$D 3 4 5,6,7"],
        "a word": [b"$D 1 2 true,7", b"$D 1 2 null,7", b"$D 1 2 [1],7"],
        "a seq that is no integer": [b"$D 1.0 2 3,4", b"$D 1e3 2 3,4"],
        "a line with a bracket": [b"$D 1 2 3,4]", b"$D 1 2 3,4"],
    }
    for name, odd in firmware.items():
        lines = good[:5] + odd + good[5:]
        stream = b"$COLS a,b\n" + b"\n".join(lines) + b"\n"
        parser = StreamParser()
        blocks = parser.feed(b"$COLS a,b\n") + parser.feed(stream[len(b"$COLS a,b\n"):])
        single = StreamParser()
        one_by_one = [e for line in stream.splitlines(keepends=True) for e in single.feed(line)]
        assert repr(expand(blocks)) == repr(one_by_one), name
        assert parser.bad_lines == single.bad_lines >= 1, name
    header = b"Time (seconds),temp,light\n"
    for odd in ([b"3.00,,"], [b"nan,1,2"], [b",1,2"], [b"4.00,1"]):
        stream = header + b"\n".join([b"%d.00,%d,%d" % (i, i, i) for i in range(9)] + odd) + b"\n"
        parser = StreamParser()
        blocks = parser.feed(header) + parser.feed(stream[len(header):])
        single = StreamParser()
        one_by_one = [e for line in stream.splitlines(keepends=True) for e in single.feed(line)]
        assert repr(expand(blocks)) == repr(one_by_one), odd
        assert parser.bad_lines == single.bad_lines == 1, odd


def test_hostile_lines_never_raise():
    deep = b"[" * 1000 + b"\n" + b'{"a":' * 200 + b"1" + b"}" * 200 + b"\n"
    huge = b'{"x": ' + b"9" * 400 + b"}\n" + b'{"t": 1' + b"0" * 400 + b', "n": "a", "v": 1}\n'
    parser = StreamParser()
    events = parser.feed(deep + huge + b"(" + b"9" * 400 + b")\n" + b"1e999,-1e999\n")
    assert all(isinstance(e, (Row, BadLine)) for e in events)
    assert len(events) == 6


def test_long_line_is_one_bad_line_for_any_read_size():
    line = b"1," * 745 + b"1"  # 1,491 characters: a CSV line too long to be data
    stream = b"a:1\n" + line + b"\nb:2\n"
    for size in (1, 7, 64, 1000, 1024, 2000, 8192):
        parser = StreamParser()
        events = []
        for i in range(0, len(stream), size):
            events += parser.feed(stream[i:i + size])
        assert [e.reason for e in events if isinstance(e, BadLine)] == ["too_long"], size
        assert [r.names for r in events if isinstance(r, Row)] == [("a",), ("b",)], size


def test_complete_line_before_a_long_tail_in_the_same_read_is_kept():
    parser = StreamParser()
    events = parser.feed(b"a:1\n" + b"x" * 2000)
    events += parser.feed(b"\nb:2\n")
    assert [e.names for e in events if isinstance(e, Row)] == [("a",), ("b",)]
    assert parser.bad_lines == 1
    assert not any(isinstance(e, Row) and math.isinf(e.values[0]) for e in events)


def test_hello_behind_a_broken_line_is_found():
    hello = format_hello("calliope-mini-3").encode()
    for prefix in (b"$D 17 123 21,1", b"temp:2", b">>> "):
        parser = StreamParser()
        parser.feed(b"$COLS a,b\n")
        events = parser.feed(prefix + hello + b"\r\n")
        assert isinstance(events[-1], Hello) and events[-1].board == "calliope-mini-3"
        clean = StreamParser().feed(hello + b"\n")
        assert events[-1] == clean[0]
        if prefix != b">>> ":
            assert events[0] == BadLine("interrupted", prefix.decode())
        assert parser.bad_lines == len(events) - 1 == (prefix != b">>> ")
    # Behind a prompt as well: the broken start is counted once, with its event.
    parser = StreamParser()
    events = parser.feed(b">>> temp:2" + hello + b"\n")
    assert [type(e) for e in events] == [BadLine, Hello] and parser.bad_lines == 1
