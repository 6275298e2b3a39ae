"""The CSV header speaks German (display names), while ``cl.load`` gives back stable ids.

Files are written by the real writers (``rec.save``, the recording writer), read back by
``cl.load``, by pandas and as raw text; spreadsheet resaves are made the way German Excel
and LibreOffice write them (cp1252 or UTF-8 with BOM, ``;``, CRLF, re-typed numbers, rows
padded to the widest, "quote all text cells"), with the ``#`` lines kept as cells or gone.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.recording import Recording, units
from calliope_lib.recording.csv_format import FORMAT_VERSION, split_named
from calliope_lib.recording.reading import FAST_BYTES, parse_recording_text
from calliope_lib.recording.writing import RecordingWriter
from calliope_lib.sensors import Thermistor

ODD = 'temp, "innen"; roh'  # a kid's channel name with all three CSV troublemakers


@pytest.fixture
def lesson_names(monkeypatch):
    """The lessons' names for the channels they make (as ``lesson.py`` gives them), for this
    test only: the program-wide table is put back afterwards."""
    monkeypatch.setattr(units, "_NAMED", dict(units._NAMED))
    monkeypatch.setattr(units, "_REVERSE", None)
    units.name_channels({"lux": "Fotowiderstand", "temperatur_ntc": "Thermistor"})


def sample() -> Recording:
    """Built-in channels, a raw pin, a converted lesson channel, a kid's odd name, two
    channels with the same display name, a mark and a gap."""
    rec = Recording(metadata={"title": "Fensterbank", "start": "2026-11-26T17:40:00+01:00"})
    for i in range(12):
        rec.add_row(i * 0.5, ("temperature", "light", "p1"), (21.5 + i / 8, 120 + i, 600 - i))
    rec.add_row(6.25, (ODD,), (3.25,))
    rec.convert("p1", Thermistor(), name="temperatur_ntc")
    rec.add_channel("lux", [0.0, 0.5], [80.0, 12.5], unit="lx")
    rec.add_channel("t2", [1.0], [19.5], unit="°C", label="Thermistor")  # same name twice
    rec.set_unit(ODD, "V")
    rec.mark("Hand drüber", time=2.0)
    rec.mark("Licht an; hell", time=4.5)
    rec.add_gap(3.0, 3.4)
    return rec


def table_of(path: Path) -> list[list[str]]:
    """The rows that are no ``#`` lines, read as the file's dialect says."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    sep = ";" if lines[0].startswith(("Zeit (s);", "Time (s);")) else ","
    return list(csv.reader(lines, delimiter=sep))


def assert_same(back: Recording, rec: Recording) -> None:
    assert back.channels == rec.channels
    for name in rec.channels:
        np.testing.assert_array_equal(back[name].values, rec[name].values)
        np.testing.assert_allclose(back[name].times, rec[name].times, atol=5e-4)
        assert back.unit(name) == rec.unit(name), name
    assert back.marks == rec.marks
    assert back.gaps == rec.gaps


# -- what the header says ------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["default", "excel-de"])
def test_german_header_with_units_and_distinct_titles(tmp_path, dialect, lesson_names):
    rec = sample()
    path = rec.save(tmp_path / "x.csv", dialect=dialect)
    header = table_of(path)[0]
    assert header == ["Zeit (s)", "Temperatur (°C)", "Helligkeit (0–255)", "Pin P1 (0–1023)",
                      f"{ODD} (V)", "Thermistor (°C)", "Fotowiderstand (lx)",
                      "Thermistor [t2] (°C)"]
    text = path.read_text(encoding="utf-8-sig")
    assert f"# format: {FORMAT_VERSION}\n" in text and FORMAT_VERSION == 2
    assert "# column temperature: Temperatur (°C)\n" in text
    assert "# column t2: Thermistor [t2] (°C)\n" in text
    # The time column is seconds, like the rows (decimal comma in excel-de).
    assert table_of(path)[2][0] == ("0,500" if dialect == "excel-de" else "0.500")


def test_english_header_when_the_language_is_english(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLIOPE_LANG", "en")
    rec = sample()
    header = table_of(rec.save(tmp_path / "x.csv"))[0]
    assert header[:4] == ["Time (s)", "Temperature (°C)", "Light level (0–255)",
                          "Pin P1 (0–1023)"]


@pytest.mark.parametrize("dialect", ["default", "excel-de"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_round_trip_gives_back_ids_units_marks_gaps_labels(tmp_path, monkeypatch, dialect,
                                                           lang, lesson_names):
    monkeypatch.setenv("CALLIOPE_LANG", lang)
    rec = sample()
    back = cl.load(rec.save(tmp_path / "x.csv", dialect=dialect))
    assert_same(back, rec)
    assert back.labels == rec.labels
    # Read in the other language, the standard channels speak it: no English name stuck.
    monkeypatch.setenv("CALLIOPE_LANG", "de" if lang == "en" else "en")
    assert back.labels == rec.labels
    assert back.label("t2") == "Thermistor"  # the recording's own name came back


def test_a_recordings_own_label_is_kept_and_is_not_a_standard_one(tmp_path):
    rec = Recording()
    rec.add_row(0.0, ("temperature", "light"), (20.0, 100.0))
    rec.set_label("temperature", "Im Kühlschrank")
    path = rec.save(tmp_path / "k.csv")
    assert table_of(path)[0] == ["Zeit (s)", "Im Kühlschrank (°C)", "Helligkeit (0–255)"]
    back = cl.load(path)
    assert back.channels == ["temperature", "light"]
    assert back.label("temperature") == "Im Kühlschrank"
    assert back.label("light", "en") == "Light level (0–255)"  # a standard name, not stored
    assert back._labels == {"temperature": "Im Kühlschrank"}


def test_ids_a_plain_line_could_not_hold(tmp_path):
    rec = Recording()
    names = ["a: b", " rand ", '"zitat"', "zeile\numbruch", "Zeit (s)", "Temperatur (°C)"]
    for i, name in enumerate(names):
        rec.add_channel(name, [0.0, 1.0], [i, i + 0.5], unit="mV" if i % 2 else "")
    path = rec.save(tmp_path / "odd.csv")
    header = table_of(path)[0]
    assert len(set(header)) == len(header) and all("\n" not in cell for cell in header)
    back = cl.load(path)
    assert back.channels == names
    assert [back.unit(n) for n in names] == [rec.unit(n) for n in names]
    np.testing.assert_array_equal(back["zeile\numbruch"].values, [3.0, 3.5])
    assert split_named('"a: b": mV') == ("a: b", "mV")


def test_summary_and_plot_use_the_recordings_label(lesson_names):
    import matplotlib

    matplotlib.use("Agg")
    rec = sample()
    text = str(rec.summary())
    assert "Thermistor" in text and "Fotowiderstand" in text and "Kanal" in text
    fig = rec.plot(["lux", "t2"])
    texts = [ax.get_ylabel() for ax in fig.axes]
    texts += [line.get_label() for ax in fig.axes for line in ax.get_lines()]
    legends = [t.get_text() for ax in fig.axes if ax.get_legend()
               for t in ax.get_legend().get_texts()]
    assert "Fotowiderstand in lx" in texts
    assert any("Thermistor" in t for t in texts + legends)
    assert rec["t2"].label == "Thermistor" and rec["lux"].label == "Fotowiderstand"


# -- old files -----------------------------------------------------------------------------
def test_format_1_files_load_unchanged(tmp_path):
    path = tmp_path / "alt.csv"
    path.write_text("# calliope-lib recording\n# format: 1\n# unit temperature: °C\n"
                    "zeit_s,temperature,Temperatur (°C),light\n0.000,21.5,1,130\n"
                    "0.500,21.6,2,131\n# gap: 0.600 0.900\n", encoding="utf-8")
    back = cl.load(path)
    # Format 1 headers hold ids: even one that looks like a display name stays as it is.
    assert back.channels == ["temperature", "Temperatur (°C)", "light"]
    assert back.unit("temperature") == "°C" and back.gaps == [(0.6, 0.9)]
    assert back.labels["temperature"] == "Temperatur"


LESSON_FILES = sorted((Path(cl.__file__).parent / "teach" / "lessons").glob("*/beispiel_*.csv"))


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.name)
def test_the_lessons_reference_files_load_with_their_ids(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    # Format 1 (as shipped): the ids are the header; format 2: the "# column" lines say them.
    ids = [line[len("# column "):].split(": ", 1)[0] for line in lines
           if line.startswith("# column ")]
    if not ids:
        ids = next(line for line in lines if not line.startswith("#")).split(",")[1:]
    back = cl.load(path)
    assert back.channels == ids
    assert all("(" not in name for name in back.channels)


# -- spreadsheets saving the file again ----------------------------------------------------
def _retyped(cell: str, decimal: str) -> str:
    """A number cell as a spreadsheet writes it back (``0,500`` -> ``0,5``)."""
    pattern = r"-?\d+(,\d+)?" if decimal == "," else r"-?\d+(\.\d+)?"
    if not re.fullmatch(pattern, cell):
        return cell
    text = repr(float(cell.replace(",", ".")))
    text = text[:-2] if text.endswith(".0") else text
    return text.replace(".", decimal)


def spreadsheet_resave(text: str, sep: str, *, keep_comments: bool = True,
                       quote_all: bool = False) -> str:
    """Our file's text as a spreadsheet writes it after opening it: every line read as cells
    (the ``#`` lines too, or those rows deleted), numbers re-typed, rows padded to the
    widest, ``\\r\\n``; ``quote_all``: LibreOffice's "quote all text cells"."""
    decimal = "," if sep == ";" else "."
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    if not keep_comments:
        rows = [row for row in rows if not (row and row[0].startswith("#"))]
    width = max(len(row) for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        cells = [_retyped(cell, decimal) for cell in row] + [""] * (width - len(row))
        if quote_all:
            out.write(sep.join(
                cell if not cell or _retyped(cell, decimal) != cell or re.fullmatch(
                    r"-?\d+([.,]\d+)?", cell) else '"' + cell.replace('"', '""') + '"'
                for cell in cells) + "\r\n")
        else:
            writer.writerow(cells)
    return out.getvalue()


RESAVES = {
    # German Excel, "CSV (Trennzeichen-getrennt)": cp1252, no BOM
    "excel-cp1252": dict(encoding="cp1252", quote_all=False),
    # German Excel, "CSV UTF-8": with BOM
    "excel-utf8-bom": dict(encoding="utf-8-sig", quote_all=False),
    # LibreOffice Calc, UTF-8, "Text in Hochkommas" (quote all text cells)
    "libreoffice-quote-all": dict(encoding="utf-8", quote_all=True),
}


def _resaved(tmp_path: Path, rec: Recording, how: str, keep_comments: bool) -> Path:
    src = rec.save(tmp_path / "original.csv", dialect="excel-de")
    text = src.read_text(encoding="utf-8-sig")
    options = RESAVES[how]
    resaved = spreadsheet_resave(text, ";", keep_comments=keep_comments,
                                 quote_all=options["quote_all"])
    path = tmp_path / f"{how}.csv"
    path.write_bytes(resaved.encode(options["encoding"], errors="replace"))
    return path


@pytest.mark.parametrize("how", sorted(RESAVES))
def test_spreadsheet_resave_with_hash_lines_as_cells_gives_everything_back(tmp_path, how,
                                                                           lesson_names):
    rec = sample()
    path = _resaved(tmp_path, rec, how, keep_comments=True)
    raw = path.read_bytes()
    assert b"\r\n" in raw and b";;" in raw  # really the spreadsheet's form
    back = cl.load(path)
    assert_same(back, rec)
    assert back.labels == rec.labels
    assert back.metadata["title"] == "Fensterbank"


@pytest.mark.parametrize("how", sorted(RESAVES))
def test_spreadsheet_resave_without_hash_lines_maps_known_titles(tmp_path, how, lesson_names):
    rec = sample()
    path = _resaved(tmp_path, rec, how, keep_comments=False)
    assert not path.read_bytes().lstrip(b"\xef\xbb\xbf\"").startswith(b"#")
    back = cl.load(path)
    # Known display names (the board's, the lessons') become ids again; the rest keeps
    # its title as the channel's name. No value is lost, none lands in another channel.
    assert back.channels == ["temperature", "light", "p1", f"{ODD} (V)", "temperatur_ntc",
                             "lux", "Thermistor [t2] (°C)"]
    assert back.unit("temperature") == "°C" and back.unit("lux") == "lx"
    assert back.unit("temperatur_ntc") == "°C"
    for name, title in [("temperature", "temperature"), ("p1", "p1"), ("lux", "lux"),
                        (ODD, f"{ODD} (V)"), ("t2", "Thermistor [t2] (°C)")]:
        np.testing.assert_array_equal(back[title].values, rec[name].values)
        np.testing.assert_allclose(back[title].times, rec[name].times, atol=5e-4)


def test_english_spreadsheet_resave_without_hash_lines(tmp_path, monkeypatch):
    """An English file, opened and saved by an English spreadsheet (``,``), the ``#`` lines
    deleted: ``Time (s)`` is our time column (not the datalogger's ``Time (seconds)``)."""
    monkeypatch.setenv("CALLIOPE_LANG", "en")
    rec = Recording()
    for i in range(5):
        rec.add_row(i * 0.25, ("temperature", "acceleration_x"), (20.0 + i, -40.0 * i))
    text = rec.save(tmp_path / "en.csv").read_text(encoding="utf-8")
    path = tmp_path / "resaved.csv"
    path.write_text(spreadsheet_resave(text, ",", keep_comments=False), encoding="utf-8")
    assert path.read_text().startswith("Time (s),Temperature (°C),Acceleration x (mg)")
    monkeypatch.setenv("CALLIOPE_LANG", "de")
    back = cl.load(path)
    assert back.channels == ["temperature", "acceleration_x"]
    np.testing.assert_array_equal(back["acceleration_x"].values, rec["acceleration_x"].values)
    np.testing.assert_array_equal(back["acceleration_x"].times, [0, 0.25, 0.5, 0.75, 1.0])


def test_a_title_in_another_unit_keeps_that_unit(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Zeit (s);Temperatur (°F);Knopf A;kim: Temperatur (°C)\n"
                    "0;70,5;0;21\n1;71;1;22\n", encoding="cp1252")
    back = cl.load(path)
    assert back.channels == ["temperature", "button_a", "kim.temperature"]
    assert back.unit("temperature") == "°F" and back.unit("kim.temperature") == "°C"


# -- pandas and the writer while recording -------------------------------------------------
@pytest.mark.parametrize("dialect", ["default", "excel-de"])
def test_pandas_reads_the_german_columns(tmp_path, dialect, lesson_names):
    pd = importlib.import_module("pandas")
    rec = sample()
    path = rec.save(tmp_path / "x.csv", dialect=dialect)
    options = {"sep": ";", "decimal": ","} if dialect == "excel-de" else {}
    frame = pd.read_csv(path, comment="#", encoding="utf-8-sig", **options)
    assert list(frame.columns)[:3] == ["Zeit (s)", "Temperatur (°C)", "Helligkeit (0–255)"]
    assert frame["Fotowiderstand (lx)"].iloc[1] == 12.5
    assert frame["Zeit (s)"].iloc[-1] == 6.25


def _head(path: Path) -> tuple[list[str], list[str]]:
    """The ``# unit``/``# column`` lines and the header row of a file."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines()
             if line.startswith(("# unit ", "# column "))]
    return lines, table_of(path)[0]


@pytest.mark.parametrize("dialect", ["default", "excel-de"])
def test_the_file_written_while_recording_has_the_same_head_as_save(tmp_path, dialect):
    with cl.connect("sim://?seed=4&speed=50") as board:
        rec = board.record(["temperature", "light", "p1"], seconds=3, every=0.1,
                           save_to=tmp_path / "live.csv", dialect=dialect, progress=False)
    saved = rec.save(tmp_path / "saved.csv", dialect=dialect)
    assert _head(tmp_path / "live.csv") == _head(saved)
    assert _head(saved)[1] == ["Zeit (s)", "Temperatur (°C)", "Helligkeit (0–255)",
                               "Pin P1 (0–1023)"]
    back = cl.load(tmp_path / "live.csv")
    assert back.channels == ["temperature", "light", "p1"]
    np.testing.assert_array_equal(back["light"].values, rec["light"].values)


def test_writer_rewrites_the_head_for_a_new_channel_like_save(tmp_path):
    rec = Recording()
    writer = RecordingWriter(rec, tmp_path / "w.csv", channels=["temperature"])
    for i in range(5):
        rec.add_row(i * 0.5, ("temperature",), (20.0 + i,))
    rec.add_row(2.5, ("temperature", "lux"), (25.0, 30.0))  # a channel the file has not
    rec.set_label("lux", "Fotowiderstand")
    rec.set_unit("lux", "lx")
    writer.close()
    assert _head(tmp_path / "w.csv") == _head(rec.save(tmp_path / "s.csv"))
    assert _head(tmp_path / "w.csv")[1] == ["Zeit (s)", "Temperatur (°C)", "Fotowiderstand (lx)"]
    back = cl.load(tmp_path / "w.csv")
    assert back.channels == ["temperature", "lux"] and back.label("lux") == "Fotowiderstand"


# -- big files (pandas' fast reader) -------------------------------------------------------
def test_big_file_with_german_header_loads_fast_and_exactly(tmp_path):
    from calliope_lib.recording.importers.fast import load_fast

    rec = Recording()
    n = 60_000
    times = np.arange(n) * 0.01
    rec.add_channel("temperature", times, 20 + np.sin(times))
    rec.add_channel("p1", times, np.round(500 + 100 * np.cos(times)))
    rec.add_channel("lux", times[::2], times[::2] * 3.5, unit="lx", label="Fotowiderstand")
    path = rec.save(tmp_path / "big.csv")
    assert path.stat().st_size > FAST_BYTES
    fast = load_fast(path)
    assert fast is not None, "the fast reader took the file"
    careful = parse_recording_text(path.read_text(encoding="utf-8"))
    for back in (fast, careful):
        assert back.channels == ["temperature", "p1", "lux"]
        assert back.unit("lux") == "lx" and back.label("lux") == "Fotowiderstand"
        np.testing.assert_array_equal(back["lux"].values, rec["lux"].values)
        np.testing.assert_array_equal(back["temperature"].values, rec["temperature"].values)


# -- any name, any label -------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_TEXT, min_size=1, max_size=4, unique=True),
       labels=st.lists(st.one_of(st.none(), _TEXT), min_size=4, max_size=4),
       unit_list=st.lists(st.sampled_from(["", "°C", "V", "lx", "a;b", 'x"y']), min_size=4,
                          max_size=4),
       dialect=st.sampled_from(["default", "excel-de"]))
def test_any_names_and_labels_round_trip(tmp_path, names, labels, unit_list, dialect):
    rec = Recording()
    for i, name in enumerate(names):
        rec.add_channel(name, [0.0, 0.5 + i], [1.5 * i, -2.0], unit=unit_list[i],
                        label=labels[i])
    path = rec.save(tmp_path / f"any_{dialect}.csv", dialect=dialect)
    header = table_of(path)[0]
    assert len(set(header)) == len(header)
    back = cl.load(path)
    assert back.channels == rec.channels
    assert back.units == rec.units
    assert back.labels == rec.labels
    for name in names:
        np.testing.assert_array_equal(back[name].values, rec[name].values)
