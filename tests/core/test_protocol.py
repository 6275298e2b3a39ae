"""The protocol core: every format, mixed, split anywhere, and garbage never raises."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from calliope_lib.protocol import (
    BadLine,
    BoardMessage,
    Columns,
    Hello,
    Reply,
    Row,
    StreamParser,
    expand,
)
from calliope_lib.protocol.hello import format_hello
from calliope_lib.protocol.version import FIRMWARE_VERSION, PROTOCOL_VERSION


def rows(events):
    """The data rows, blocks written out (the normal form)."""
    return [e for e in expand(events) if isinstance(e, Row)]


def values(events):
    return [(n, v) for r in rows(events) for n, v in zip(r.names, r.values)]


def test_makecode_write_value_with_padding():
    line = b"temperatur:21".ljust(30) + b"\r\n"
    assert values(StreamParser().feed(line * 2)) == [("temperatur", 21.0)] * 2


def test_makecode_write_numbers_row():
    p = StreamParser()
    assert values(p.feed(b"1,2.5,-3" + b" " * 30 + b"\r\n")) == [
        ("wert1", 1.0), ("wert2", 2.5), ("wert3", -3.0)]


def test_makecode_empty_name_gives_bare_value():
    assert values(StreamParser().feed(b"42".ljust(30) + b"\r\n")) == [("wert", 42.0)]


def test_datalogger_header_then_rows_carry_board_time():
    p = StreamParser()
    events = p.feed(b"Time (seconds),temperature,light\r\n1.50,21,130\r\n2.00,22,131\r\n")
    data = rows(events)
    assert [r.board_ms for r in data] == [1500.0, 2000.0]
    assert data[0].names == ("temperature", "light")
    assert data[1].values == (22.0, 131.0)
    # A new header (the datalogger changed columns) replaces the old one.
    data = rows(p.feed(b"Time (seconds),x\r\n3.00,7\r\n"))
    assert data[0].names == ("x",) and data[0].board_ms == 3000.0


def test_csv_with_and_without_header():
    p = StreamParser()
    assert values(p.feed(b"3,4\n")) == [("wert1", 3.0), ("wert2", 4.0)]
    events = p.feed(b"hoehe,breite\n1,2\n")
    assert isinstance(events[0], BoardMessage) and events[0].kind == "header"
    assert values(events) == [("hoehe", 1.0), ("breite", 2.0)]
    bad = p.feed(b"1,2,3\n")
    assert isinstance(bad[0], BadLine) and bad[0].reason == "columns_mismatch"


def test_mu_tuples_skip_non_numbers():
    assert values(StreamParser().feed(b"(1, 2.5)\r\n('a', 7)\r\n")) == [
        ("wert1", 1.0), ("wert2", 2.5), ("wert2", 7.0)]


def test_json_flat_and_makecode_chart_form():
    p = StreamParser()
    assert values(p.feed(b'{"temp": 21.5, "on": true, "name": "x"}\n')) == [
        ("temp", 21.5), ("on", 1.0)]
    events = p.feed(json.dumps({"t": 1200, "s": "", "n": "licht", "v": 88}).encode() + b"\n")
    assert rows(events) == [Row(("licht",), (88.0,), 1200.0)]


def test_micropython_print_with_spaces_and_colon_text():
    p = StreamParser()
    assert values(p.feed(b"21 128\r\nTemperatur: 23\r\n")) == [
        ("wert1", 21.0), ("wert2", 128.0), ("Temperatur", 23.0)]


def test_all_line_endings_and_nul_bytes():
    data = b"\x00a:1\nb:2\rc:3\r\nd:4\n"
    assert values(StreamParser().feed(data)) == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]


def test_cr_lf_split_across_reads_gives_no_extra_bad_line():
    p = StreamParser()
    assert values(p.feed(b"a:1\r")) == [("a", 1.0)]
    assert p.feed(b"\nb:2\r\n") and p.bad_lines == 0


def test_partial_lines_are_kept_between_reads():
    p = StreamParser()
    out = []
    for byte in b"temp:21.5\r\nlight:7\r\n":
        out += p.feed(bytes([byte]))
    assert values(out) == [("temp", 21.5), ("light", 7.0)]


def test_garbage_is_counted_not_raised():
    p = StreamParser()
    events = p.feed(b"\xff\xfe\xfd\nhallo welt\n\x01\x02abc\na:1\n")
    assert values(events) == [("a", 1.0)]
    assert p.bad_lines == 3
    assert {b.reason for b in p.bad_examples} == {"not_utf8", "unreadable", "control_chars"}


def test_overlong_line_is_dropped_and_following_line_survives():
    p = StreamParser()
    events = p.feed(b"x" * 5000)
    events += p.feed(b"y" * 3000 + b"\nok:1\n")
    assert values(events) == [("ok", 1.0)]
    assert p.bad_lines == 1 and p.bad_examples[-1].reason == "too_long"


def test_flush_counts_a_cut_off_line():
    p = StreamParser()
    p.feed(b"a:1\ntemper")
    assert p.flush() and p.bad_lines == 1


def test_traceback_becomes_an_error_message_not_data():
    p = StreamParser()
    events = p.feed(
        b'Traceback (most recent call last):\r\n  File "main.py", line 3, in <module>\r\n'
        b"NameError: name 'x' isn't defined\r\n"
        b"MicroPython v1.9.2-34-gd64154c73 on 2017-09-01; Calliope mini v1.1.1 with nRF51822\r\n"
        b'Type "help()" for more information.\r\n>>> \r\n')
    errors = [e for e in events if isinstance(e, BoardMessage) and e.kind == "error"]
    assert errors == [BoardMessage("error", "NameError: name 'x' isn't defined")]
    assert not rows(events) and p.bad_lines == 0


def test_firmware_lines_hello_reply_columns_data():
    p = StreamParser()
    events = p.feed(
        (format_hello("calliope-mini-1") + "\r\n$OK cols a,b\r\n$ERR every too fast\r\n"
         "$COLS a,b\r\n$D 0 100 1,2.5\r\n$D 1 200 nan,3\r\n").encode())
    hello, ok, err, cols, d0, d1 = events
    assert isinstance(hello, Hello) and hello.fields["fw"] == FIRMWARE_VERSION
    assert hello.fields["board"] == "calliope-mini-1"
    assert ok == Reply(True, "cols", "a,b") and err == Reply(False, "every", "too fast")
    assert cols == Columns(("a", "b"))
    assert d0 == Row(("a", "b"), (1.0, 2.5), 100.0, 0)
    assert d1.seq == 1 and d1.values[1] == 3.0


def test_firmware_sequence_gaps_count_lost_lines_and_wrap():
    p = StreamParser()
    p.feed(b"$COLS a\n$D 5 0 1\n$D 6 1 1\n$D 9 2 1\n")
    assert p.lost_lines == 2
    p.feed(b"$D 999999 3 1\n$D 0 4 1\n$D 2 5 1\n")
    # 9 -> 999999 is a restart-sized jump, not 999,989 lost lines; 0 -> 2 loses one.
    assert p.lost_lines == 3
    p.feed(b"$OK start\n$D 0 10 1\n")  # a new start restarts the numbering
    assert p.lost_lines == 3


def test_firmware_data_before_columns_is_a_bad_line():
    p = StreamParser()
    events = p.feed(b"$D 0 100 1,2\n")
    assert isinstance(events[0], BadLine) and events[0].reason == "columns_mismatch"


def test_foreign_hello_is_not_ours():
    events = StreamParser().feed(b"$HELLO other-thing proto=1\n")
    assert isinstance(events[0], BadLine)


def test_one_hello_grammar_for_parser_probe_and_installer():
    from calliope_lib.protocol.hello import find_hello, parse_hello

    line = format_hello("calliope-mini-3", id="ab12")
    [from_parser] = StreamParser().feed(line.encode() + b"\r\n")
    # What the stream parser, flash verification and the installer read is the same thing.
    assert parse_hello(line) == parse_hello(line.encode() + b"\r\n") == from_parser
    assert find_hello(b"MPY: soft reboot\r\n>>> " + line.encode() + b"\r\n") == from_parser
    assert (from_parser.firmware, from_parser.board, from_parser.proto) == (
        FIRMWARE_VERSION, "calliope-mini-3", PROTOCOL_VERSION)
    assert from_parser.fields["id"] == "ab12"
    # A line not yet complete is not read: "fw=0.1" may still become "fw=0.1.0".
    assert find_hello(b"$HELLO calliope-lab proto=1 fw=0.1") is None
    assert find_hello(b"$HELLO calliope-lab proto=1 fw=0.1.0\r") is not None
    # Only our magic word counts, also when a foreign hello comes first.
    assert parse_hello("$HELLO other-thing proto=1") is None
    assert find_hello("$HELLO calliope-labs fw=9\n$HELLO calliope-lab fw=2\n").firmware == "2"
    assert parse_hello("$HELLO calliope-lab").firmware is None  # ours, just uninformative


# -- properties ----------------------------------------------------------------------------
WELL_FORMED = [b"temp:21.5\n", b"(1, 2)\n", b"7\n", b'{"x": 3}\n', b"1,2,3\n"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.lists(st.integers(0, 500), max_size=8),
       st.sampled_from(WELL_FORMED))
def test_arbitrary_bytes_never_raise_and_a_good_line_after_garbage_survives(
        garbage, cuts, good):
    p = StreamParser()
    # Garbage, then a line end (the garbage's own last line is cut by it), then good data.
    stream = garbage + b"\n" + good
    points = sorted({min(c, len(stream)) for c in cuts})
    events = []
    start = 0
    for cut in points + [len(stream)]:
        events += p.feed(stream[start:cut])
        start = cut
    expected = StreamParser().feed(good)
    got = rows(events)
    assert got, "the well-formed line was lost"
    assert got[-1].values == rows(expected)[0].values


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="abcdefghij_", min_size=1, max_size=8),
                          st.floats(allow_nan=False, allow_infinity=False, width=32)),
                max_size=30),
       st.integers(1, 64))
def test_makecode_stream_split_in_any_chunk_size_keeps_every_value(pairs, chunk):
    data = b"".join(f"{n}:{v!r}".ljust(30).encode() + b"\r\n" for n, v in pairs)
    p = StreamParser()
    events = []
    for i in range(0, len(data), chunk):
        events += p.feed(data[i:i + chunk])
    assert values(events) == [(n, float(v)) for n, v in pairs]
    assert p.bad_lines == 0
