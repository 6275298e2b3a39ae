"""Saving and loading recordings: round trips, crash safety, damaged files, full disks."""

from __future__ import annotations

import importlib
import math
import os
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.recording import Recording


def sample_recording() -> Recording:
    rec = Recording(metadata={"title": "Fensterbank", "calibrations": {"ntc": {"slope": 0.1}}})
    for i in range(20):
        rec.add_row(i * 0.5, ("temperature", "light"), (20 + i / 10, 100 + i))
    rec.add_row(10.25, ("feuchte",), (41.5,))
    rec.set_unit("feuchte", "%")
    rec.add_gap(3.0, 4.5)
    rec.bad_lines, rec.lost_lines = 2, 1
    rec.notes.append("3 Werte fehlen: Kabel lose?")
    return rec


@pytest.mark.parametrize("dialect", ["default", "excel-de"])
def test_round_trip_keeps_values_times_units_metadata(tmp_path, dialect):
    rec = sample_recording()
    path = rec.save(tmp_path / "x.csv", dialect=dialect)
    back = cl.load(path)
    assert back.channels == rec.channels
    for name in rec.channels:
        assert np.allclose(back[name].values, rec[name].values)
        assert np.allclose(back[name].times, rec[name].times)
        assert back.unit(name) == rec.unit(name)
    assert back.metadata["title"] == "Fensterbank"
    assert back.metadata["calibrations"] == {"ntc": {"slope": 0.1}}
    assert back.gaps == [(3.0, 4.5)]
    assert (back.bad_lines, back.lost_lines) == (2, 1)
    assert back.notes == rec.notes


def test_excel_de_dialect_bytes(tmp_path):
    rec = sample_recording()
    path = rec.save(tmp_path / "x.csv", dialect="excel-de")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # A kid's own "feuchte" has its own name, or the lessons' "Bodenfeuchte" once they ran.
    feuchte = f"{rec.label('feuchte')} (%)"
    assert f"Zeit (s);Temperatur (°C);Helligkeit (0–255);{feuchte}".encode() in raw
    assert b"0,500;20,1;101;" in raw


def test_pandas_reads_the_file_skipping_comments(tmp_path):
    pd = importlib.import_module("pandas")
    rec = sample_recording()
    path = rec.save(tmp_path / "x.csv")
    frame = pd.read_csv(path, comment="#")
    assert list(frame.columns) == ["Zeit (s)", "Temperatur (°C)", "Helligkeit (0–255)",
                                   f"{rec.label('feuchte')} (%)"]
    assert len(frame) == 21


def test_truncated_file_loads_the_rest_and_names_the_line(tmp_path):
    path = sample_recording().save(tmp_path / "x.csv")
    text = path.read_text()
    cut = text.index("5.000,")
    path.write_text(text[: cut + 7])  # the process died while writing this line
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = cl.load(path)
    assert back.count("temperature") == 10
    messages = [str(w.message) for w in caught]
    assert any("abgeschnitten" in m and "Zeile" in m for m in messages)


def test_hand_edited_file_skips_bad_lines_with_line_numbers(tmp_path):
    path = tmp_path / "hand.csv"
    path.write_text("zeit_s,temperatur\n0,20\n1,zwanzig\n2,21\n3\n4,22\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = cl.load(path)
    assert back["temperatur"].values.tolist() == [20, 21, 22]
    text = " ".join(str(w.message) for w in caught)
    assert "Zeile 3" in text and "Zeile 5" in text


def test_makecode_datalogger_export_loads(tmp_path):
    path = tmp_path / "MY_DATA.csv"
    path.write_text("Time (seconds),temperature,light\n0.00,21,120\n1.02,22,121\n")
    back = cl.load(path)
    assert back["light"].times.tolist() == [0.0, 1.02]


def test_not_a_recording_and_missing_file(tmp_path):
    (tmp_path / "a.csv").write_text("name,alter\nKim,12\n")
    with pytest.raises(cl.RecordingFileError, match="Zeit"):
        cl.load(tmp_path / "a.csv")
    with pytest.raises(FileNotFoundError) as err:
        cl.load(tmp_path / "fehlt.csv")
    assert "a.csv" in str(err.value)  # shows what is in the folder


def test_writer_adds_a_column_when_a_new_channel_appears(tmp_path):
    from calliope_lib.recording.files import RecordingWriter

    rec = Recording()
    writer = RecordingWriter(rec, tmp_path / "w.csv")
    rec.add_row(0.0, ("a",), (1.0,))
    rec.add_row(0.1, ("b",), (2.0,))
    rec.add_row(0.2, ("a", "b"), (3.0, 4.0))
    writer.close()
    back = cl.load(tmp_path / "w.csv")
    assert back["a"].values.tolist() == [1.0, 3.0]
    assert back["b"].values.tolist() == [2.0, 4.0]


def test_full_disk_at_the_start_stops_before_recording_and_names_the_file():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with cl.connect("sim://?speed=50") as board:
        with pytest.raises(cl.CalliopeError) as caught:
            board.record(["light"], seconds=5, every=0.1, save_to="/dev/full", progress=False)
    assert caught.value.reason == "disk_full"
    assert "/dev/full" in str(caught.value) and "voll" in str(caught.value)


def test_write_failure_while_recording_names_file_and_cause_and_keeps_the_data(tmp_path):
    """A file size limit (RLIMIT_FSIZE) makes the writes fail mid-recording, as a full
    stick would: the warning names the file and the system's reason, the data stays."""
    path = tmp_path / "big.csv"
    code = (
        "import resource, signal, warnings, calliope_lib as cl\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))\n"
        "warnings.simplefilter('always')\n"
        "with cl.connect('sim://?speed=200') as b:\n"
        f"    rec = b.record(['light', 'temperature'], seconds=20, every=0.05, save_to={str(path)!r},"
        " progress=False)\n"
        "print('VALUES', rec.count('light'), 'ERROR', rec.save_error)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "CALLIOPE_LANG": "de"})
    assert proc.returncode == 0, proc.stderr
    assert "VALUES 401 ERROR File too large" in proc.stdout
    assert str(path) in proc.stderr and "File too large" in proc.stderr
    assert "Speicher voll" not in proc.stderr  # not a guess: the real cause
    assert 0 < cl.load(path).count("light") < 401


def test_kill_9_while_recording_loses_at_most_the_last_second(tmp_path):
    path = tmp_path / "crash.csv"
    code = (
        "import calliope_lib as cl, sys\n"
        "board = cl.connect('sim://?seed=1')\n"
        f"board.record(['light'], seconds=120, every=0.05, save_to={str(path)!r}, progress=False)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = cl.load(path)
    recorded = back["light"].times
    # 3.5 s at 20 values/s are ~70 values; at most the last second (~20) may be missing.
    assert len(recorded) >= (3.5 - 1.0 - 0.6) * 20, len(recorded)
    assert not math.isnan(recorded[-1])


def test_to_pandas_long_and_wide():
    importlib.import_module("pandas")
    rec = sample_recording()
    long = rec.to_pandas()
    assert list(long.columns) == ["zeit_s", "kanal", "wert", "einheit"]
    assert len(long) == 41
    wide = rec.to_pandas("wide")
    assert list(wide.columns) == ["zeit_s", "temperature", "light", "feuchte"]
    with pytest.raises(ValueError):
        rec.to_pandas("diagonal")
