"""``cl.load`` reads the files kids and teachers bring (fixtures: tests/fixtures/files)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.recording import Recording

FILES = Path(__file__).parents[1] / "fixtures" / "files"


def load(name: str) -> tuple[Recording, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = cl.load(FILES / name)
    return rec, [str(w.message) for w in caught]


def test_makecode_export_aligned_series():
    rec, problems = load("makecode-export-aligned.csv")
    assert rec.channels == ["temp", "licht"] and not problems
    assert rec["temp"].times.tolist() == [0.0, 0.5, 1.0]
    assert rec["licht"].values.tolist() == [130.0, 128.0, 127.0]


def test_makecode_export_series_with_own_times_two_sources_and_gaps():
    rec, problems = load("makecode-export-series.csv")
    assert not problems
    assert rec.channels == ["temp", "wert1", "Quelle2.temp"]
    assert rec["temp"].times.tolist() == [0.0, 0.503, 1.007]
    assert rec["wert1"].values.tolist() == [5.0, 6.0]  # its empty cells are missing values
    # The fourth row of source 2 was written from column 0 by MakeCode: it is still its own.
    assert rec["Quelle2.temp"].times.tolist() == [0.0, 1.2, 2.4, 3.6]
    assert rec["Quelle2.temp"].values.tolist() == [19.0, 19.5, 20.0, 20.5]


def test_makecode_export_with_semicolon_separator():
    rec, _ = load("makecode-export-semicolon.csv")
    assert rec["x"].values.tolist() == [1.25, -2.0]


@pytest.mark.parametrize("name", ["MY_DATA.HTM", "MY_DATA.csv"])
def test_datalogger_file_and_its_csv(name):
    rec, problems = load(name)
    assert not problems
    assert rec.channels == ["temperatur", "licht", "lautstaerke"]
    assert rec["temperatur"].values.tolist() == [20, 21, 22, 23, 24, 25, 26, 27, 28]
    # "licht" was logged in its own block: only the rows that have it.
    assert rec["licht"].times.tolist() == [1.07, 3.21, 5.35, 6.42, 7.49, 8.56]
    assert rec["lautstaerke"].times.tolist() == [6.42, 7.49, 8.56]
    assert rec.metadata["source_format"] == "microbit-datalogger"


def test_datalogger_htm_cut_row_is_reported(tmp_path):
    raw = (FILES / "MY_DATA.HTM").read_bytes()
    at = raw.index(b"8.56,28,124,48\n")
    damaged = raw[:at + len(b"8.56,28,12")] + b"\xff" * (len(raw) - at - 10)
    (tmp_path / "MY_DATA.HTM").write_bytes(damaged)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = cl.load(tmp_path / "MY_DATA.HTM")
    assert rec["licht"].values.tolist()[-1] == 121.0  # not the cut 12
    assert rec.load_problems and "abgeschnitten" in str(caught[0].message)


def test_mu_data_capture_rows_of_any_length():
    rec, _ = load("mu-20261130-141516.csv")
    assert rec.channels == ["wert1", "wert2", "wert3"]
    assert rec["wert1"].values.tolist() == [21.0, 21.5, 22.0, 22.0, 22.5]
    assert rec["wert3"].times.tolist() == [3.0, 4.0]
    assert rec.notes and "Mu" in rec.notes[0]


@pytest.mark.parametrize("name", ["ours-excel-de-resaved.csv", "ours-libreoffice-quote-all.csv",
                                  "ours-tab-separated.txt"])
def test_spreadsheet_resaves_keep_times_units_gaps(name):
    rec, problems = load(name)
    assert not problems, problems
    assert rec.channels == ["temperature", "light"]
    assert rec.unit("temperature") == "°C"
    assert rec["temperature"].times.tolist() == [0.0, 0.5, 3.5]
    assert rec["temperature"].values.tolist() == [24.0, 24.5, 25.0]
    assert rec["light"].values.tolist() == [131.0, 129.0, 128.0, 135.0]
    assert rec.gaps == [(1.0, 3.5)]


def test_any_channel_name_reads_back():
    rec, problems = load("ours-comma-in-name.csv")
    assert rec.channels == ["temp, innen", 'sagt "hi"'] and not problems
    assert rec["temp, innen"].values.tolist() == [21.0, 22.0]


def test_round_trip_of_odd_names(tmp_path):
    rec = Recording()
    for i in range(5):
        rec.add_row(i * 0.5, ("a,b", 'x"y', "c;d"), (i, i + 1, i + 2))
    for dialect in ("default", "excel-de"):
        back = cl.load(rec.save(tmp_path / f"odd-{dialect}.csv", dialect=dialect))
        assert back.channels == rec.channels
        assert np.allclose(back["c;d"].values, rec["c;d"].values)


def test_truncated_last_row_is_reported_not_loaded_wrong():
    rec, problems = load("ours-truncated.csv")
    assert rec["light"].values.tolist() == [131.0, 129.0, 128.0, 135.0]  # no 13
    assert len(problems) == 1 and "Zeile 12" in problems[0] and "abgeschnitten" in problems[0]


def test_unknown_file_says_what_is_missing(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Einkaufsliste\nMilch\n")
    with pytest.raises(cl.RecordingFileError):
        cl.load(path)


def test_utf16_tab_text_and_old_mac_line_ends(tmp_path):
    """Excel's "Unicode text" (UTF-16 with BOM, tabs) and a file with \\r line ends only."""
    text = (FILES / "ours-tab-separated.txt").read_bytes().decode()
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "mac.csv").write_bytes(text.replace("\r\n", "\r").encode())
    for name in ("u16.txt", "mac.csv"):
        rec = cl.load(tmp_path / name)
        assert rec["light"].values.tolist() == [131.0, 129.0, 128.0, 135.0]
        assert rec.unit("temperature") == "°C" and rec.gaps == [(1.0, 3.5)]


def test_datalogger_milliseconds_and_no_time_column():
    from calliope_lib.recording.importers.datalogger import parse_datalogger_text

    rec = parse_datalogger_text("Time (milliseconds),x\n1500,1\n2500,2\n")
    assert rec["x"].times.tolist() == [1.5, 2.5]
    rec = parse_datalogger_text("x,y\n1,2\n3,\n")
    assert rec["x"].times.tolist() == [0.0, 1.0] and rec["y"].values.tolist() == [2.0]
    assert rec.notes  # the rows are the time axis, and the recording says so


def test_damaged_rows_of_foreign_files_are_named_not_loaded(tmp_path):
    makecode = (FILES / "makecode-export-aligned.csv").read_bytes().replace(b"0.5\t21.5", b"0.5\t2x.5")
    (tmp_path / "mc.csv").write_bytes(makecode)
    mu = (FILES / "mu-20261130-141516.csv").read_bytes()
    (tmp_path / "mu.csv").write_bytes(mu[:-4])  # Mu was closed while writing: "22.5,1" cut
    for name, channel, count in (("mc.csv", "temp", 2), ("mu.csv", "wert1", 4)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rec = cl.load(tmp_path / name)
        assert rec.count(channel) == count
        assert len(rec.load_problems) == 1 and len(caught) == 1


def _pieces():
    from hypothesis import strategies as st

    return st.lists(st.sampled_from([
        "sep=\t", "sep=;", "time (Quelle1)", "Time (seconds)", "Time (milliseconds)", "zeit_s",
        "# calliope-lib recording", "# unit a: °C", "# gap: 1 2", "a", "b,c", "1", "2.5", "",
        "-", "nan", '"', '"x,y"', ",", ";", "\t", "\n", "\r\n", "\r", "1,2", "3;4", "ä"]),
        max_size=40).map("".join)


def test_any_text_loads_or_says_why():
    """Whatever a file holds: a recording, or RecordingFileError; never another exception."""
    from hypothesis import given, settings

    from calliope_lib.recording.importers.text import decode
    from calliope_lib.recording.reading import parse_any_text

    @settings(max_examples=400, deadline=None)
    @given(_pieces())
    def check(text):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parse_any_text(decode(text.encode()))
            except cl.RecordingFileError:
                pass

    check()
