"""What kids print, read as a kid expects (and what a board at the REPL prints, kept apart)."""

from __future__ import annotations

from calliope_lib.protocol import BadLine, BoardMessage, Row, Rows, StreamParser, expand


def rows(events):
    """The data rows, blocks written out (the normal form)."""
    return [e for e in expand(events) if isinstance(e, Row)]


def values(events):
    return [(n, v) for r in rows(events) for n, v in zip(r.names, r.values)]


def test_number_followed_by_a_unit_gives_value_and_known_unit():
    events = StreamParser().feed(
        "temp: 21 °C\r\ntemp:21C\r\nlight:5 lx\r\nfeuchte: 40 %\r\nx: 3 Äpfel\r\n21.5 °C\r\n"
        .encode())
    assert values(events) == [("temp", 21.0), ("temp", 21.0), ("light", 5.0),
                              ("feuchte", 40.0), ("x", 3.0), ("wert", 21.5)]
    assert [r.units for r in rows(events)] == [("°C",), ("°C",), ("lx",), ("%",), None, ("°C",)]


def test_a_sentence_with_a_number_is_not_data():
    p = StreamParser()
    events = p.feed("2 Katzen\nZeit: 12:30\ntemp: 21,5 °C\n".encode())
    assert not rows(events) and p.bad_lines == 3  # decimal comma: never misread as 21


def test_trailing_separators_are_no_channels():
    p = StreamParser()
    assert values(p.feed(b"1,2,\r\n3,4,\r\n")) == [
        ("wert1", 1.0), ("wert2", 2.0), ("wert1", 3.0), ("wert2", 4.0)]
    assert p.bad_lines == 0


def test_datalogger_empty_cells_are_missing_values_and_the_rest_is_kept():
    p = StreamParser()
    events = p.feed(b"Time (seconds),temp,light\r\n1.00,,130\r\n2.00,21,\r\n3.00,22,131\r\n")
    got = [(r.board_ms, r.names, r.values) for r in rows(events)]
    assert got == [(1000.0, ("light",), (130.0,)), (2000.0, ("temp",), (21.0,)),
                   (3000.0, ("temp", "light"), (22.0, 131.0))]
    assert p.bad_lines == 0


def test_a_greeting_with_a_comma_never_silences_later_data():
    p = StreamParser()
    events = p.feed(b"Hallo, Welt\r\n" + b"1,2,3\r\n" * 20)
    assert isinstance(events[0], BoardMessage) and events[0].kind == "header"
    assert len(rows(events)) == 20 and rows(events)[0].names == ("wert1", "wert2", "wert3")
    assert p.bad_lines == 0


def test_a_header_confirmed_by_rows_names_them():
    p = StreamParser()
    assert values(p.feed(b"hoehe,breite\n1,2\n")) == [("hoehe", 1.0), ("breite", 2.0)]


def test_nul_never_joins_digits():
    p = StreamParser()
    events = p.feed(b"x:1\x005\n\x00\x00a:1\nb:2\x00\n")
    assert values(events) == [("a", 1.0), ("b", 2.0)]
    assert isinstance(events[0], BadLine) and events[0].reason == "control_chars"


def test_lost_bytes_never_make_phantom_channels():
    p = StreamParser()
    # "1,2,3\n1,2,3\n" lost its line end once, and a comma once.
    events = p.feed(b"1,2,3\n1,2,3\n1,2,31,2,3\n1,2,3\n13,2\n1,2,3\n")
    assert {n for r in rows(events) for n in r.names} == {"wert1", "wert2", "wert3"}
    assert len(rows(events)) == 4
    assert [e.reason for e in events if isinstance(e, BadLine)] == ["columns_mismatch"] * 2


def test_a_program_that_changes_its_rows_is_believed_on_the_second_row():
    p = StreamParser()
    events = p.feed(b"1,2\n1,2\n5,6,7\n8,9,10\n")
    assert [r.values for r in rows(events)] == [(1.0, 2.0), (1.0, 2.0), (8.0, 9.0, 10.0)]
    assert p.bad_lines == 1


def test_repl_hello_probe_is_repl_output_not_the_kids_error():
    p = StreamParser()
    events = p.feed(
        b">>> hello\r\nTraceback (most recent call last):\r\n"
        b'  File "<stdin>", line 1, in <module>\r\n'
        b"NameError: name 'hello' isn't defined\r\n>>> ")
    kinds = [e.kind for e in events]
    assert kinds == ["repl", "traceback", "traceback", "repl"]
    assert "error" not in kinds and p.bad_lines == 0


def test_a_program_error_is_still_an_error():
    events = StreamParser().feed(
        b'Traceback (most recent call last):\r\n  File "main.py", line 3, in <module>\r\n'
        b"ValueError: 5\r\n")
    assert [e.kind for e in events] == ["traceback", "traceback", "error"]
    assert events[-1].text == "ValueError: 5"  # not read as a channel "ValueError"


def test_prompt_glued_to_data_is_stripped():
    p = StreamParser()
    events = p.feed(b">>> a:1\r\n>>> >>> 1,2\r\n>>> \r\n")
    assert values(events) == [("a", 1.0), ("wert1", 1.0), ("wert2", 2.0)]
    assert isinstance(events[-1], BoardMessage) and events[-1].kind == "repl"


def test_makecode_tab_export_lines_and_sep_line():
    p = StreamParser()
    events = p.feed(b"sep=\t\r\ntime (s)\ttemp\r\n0.5\t21\r\n")
    assert [e.kind for e in events if isinstance(e, BoardMessage)] == ["header", "header"]
    assert rows(events) == [Row(("temp",), (21.0,), 500.0)]


def test_many_datalogger_rows_with_empty_cells_at_once_as_line_by_line():
    rows_text = b"".join(b"%d.00,%s,%s\r\n" % (i, b"" if i % 3 else b"21", b"" if i % 2 else b"130")
                         for i in range(1, 60) if i % 2 == 0 or i % 3 == 0)
    header = b"Time (seconds),temp,light\r\n"
    stream = header + rows_text
    at_once = StreamParser()
    whole = at_once.feed(header) + at_once.feed(rows_text)  # the rows in one chunk
    single = StreamParser()
    one_by_one = [e for line in stream.splitlines(keepends=True) for e in single.feed(line)]
    assert [type(e) for e in whole] == [BoardMessage, Rows]  # one block for the chunk...
    assert expand(whole) == one_by_one  # ...saying what the lines say
    assert {r.names for r in rows(whole)} == {("temp",), ("light",), ("temp", "light")}
