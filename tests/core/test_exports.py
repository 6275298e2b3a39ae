"""Exports: the German Excel CSV dialect and pandas DataFrames.

Files are written to disk and read back by the library, by pandas and as raw bytes (what
Excel sees): a BOM, semicolons, decimal commas.
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.errors import InvalidParameter
from calliope_lib.recording import Recording

pd = importlib.import_module("pandas")


def sample() -> Recording:
    rec = Recording(metadata={"title": "Gießen der Kresse", "board": "simulated",
                              "start": "2026-11-26T17:40:00+01:00"})
    for i in range(20):
        t = i * 0.5
        rec.add_row(t, ("temperature", "feuchte"), (21.25 + i / 8, 512 + i))
    rec.add_row(10.25, ("temperature",), (-3.5,))  # a row where only one channel has a value
    rec.set_unit("feuchte", "%")
    rec.add_gap(4.2, 4.4)
    return rec


def test_excel_de_file_has_bom_semicolons_and_decimal_commas(tmp_path):
    path = sample().save(tmp_path / "messung.csv", dialect="excel-de")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads ä, ß, ° right
    text = raw.decode("utf-8-sig")
    table = [line for line in text.splitlines() if not line.startswith("#")]
    assert table[0] == f"Zeit (s);Temperatur (°C);{sample().label('feuchte')} (%)"
    assert table[1] == "0,000;21,25;512"
    assert table[2] == "0,500;21,375;513"
    assert table[-1] == "10,250;-3,5;"  # the empty cell stays empty
    assert all("." not in line for line in table[1:])
    assert "Gießen der Kresse" in text and "°C" in text


def test_excel_de_round_trip_keeps_everything(tmp_path):
    rec = sample()
    back = cl.load(rec.save(tmp_path / "messung.csv", dialect="excel-de"))
    assert back.channels == rec.channels
    for name in rec.channels:
        np.testing.assert_allclose(back[name].times, rec[name].times)
        np.testing.assert_allclose(back[name].values, rec[name].values)
        assert back.unit(name) == rec.unit(name)
    assert back.metadata["title"] == "Gießen der Kresse"
    assert back.gaps == [(4.2, 4.4)]


def test_pandas_opens_excel_de_with_semicolon_and_decimal_comma(tmp_path):
    path = sample().save(tmp_path / "messung.csv", dialect="excel-de")
    frame = pd.read_csv(path, sep=";", decimal=",", comment="#", encoding="utf-8-sig")
    feuchte = f"{sample().label('feuchte')} (%)"  # "Bodenfeuchte (%)" once a lesson ran
    assert list(frame.columns) == ["Zeit (s)", "Temperatur (°C)", feuchte]
    assert frame["Temperatur (°C)"].dtype == float
    assert frame["Temperatur (°C)"].iloc[1] == 21.375
    assert frame["Zeit (s)"].iloc[-1] == 10.25
    assert math.isnan(frame[feuchte].iloc[-1])


def test_default_dialect_is_plain_csv_without_bom(tmp_path):
    path = sample().save(tmp_path / "messung.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, comment="#")
    assert frame["Temperatur (°C)"].iloc[1] == 21.375


def test_unknown_dialect_is_explained(tmp_path):
    with pytest.raises(InvalidParameter) as info:
        sample().save(tmp_path / "x.csv", dialect="excel-fr")
    assert "excel-de" in str(info.value)


def test_to_pandas_long_form():
    rec = sample()
    frame = rec.to_pandas()  # long is the default
    assert list(frame.columns) == ["zeit_s", "kanal", "wert", "einheit"]
    assert len(frame) == len(rec)
    assert frame["zeit_s"].is_monotonic_increasing
    temps = frame[frame["kanal"] == "temperature"]
    np.testing.assert_allclose(temps["wert"], rec["temperature"].values)
    assert set(temps["einheit"]) == {"°C"}
    assert set(frame[frame["kanal"] == "feuchte"]["einheit"]) == {"%"}


def test_to_pandas_wide_form():
    rec = sample()
    frame = rec.to_pandas(form="wide")
    assert list(frame.columns) == ["zeit_s", "temperature", "feuchte"]
    assert len(frame) == 21
    assert frame.attrs["units"] == {"temperature": "°C", "feuchte": "%"}
    last = frame.iloc[-1]
    assert last["zeit_s"] == 10.25 and last["temperature"] == -3.5 and math.isnan(last["feuchte"])


def test_to_pandas_bad_form_and_empty_recording():
    with pytest.raises(InvalidParameter):
        sample().to_pandas(form="breit")
    empty = Recording().to_pandas()
    assert len(empty) == 0 and list(empty.columns) == ["zeit_s", "kanal", "wert", "einheit"]


def test_writer_while_recording_in_excel_de_loads_back(tmp_path):
    with cl.connect("sim://?seed=2&speed=50") as board:
        rec = board.record(["temperature", "light"], seconds=5, every=0.1,
                           save_to=tmp_path / "live.csv", dialect="excel-de", progress=False)
    raw = (tmp_path / "live.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    back = cl.load(tmp_path / "live.csv")
    np.testing.assert_allclose(back["light"].values, rec["light"].values)
    frame = pd.read_csv(tmp_path / "live.csv", sep=";", decimal=",", comment="#",
                        encoding="utf-8-sig")
    assert len(frame) == rec.count("light")
