"""The file written while recording: existing files, two writers, kill -9 in a silence,
new channels on every line.

Real processes and real files: the second writer and the killed recording run in their own
Python process, as a second notebook or a crashed terminal would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings

import pytest

import calliope_lib as cl
from calliope_lib.errors import FileInUseError
from calliope_lib.recording import Recording
from calliope_lib.recording.files import RecordingWriter, load_recording
from tests.core.fake_firmware import FakeFirmware

ENV = {**os.environ, "CALLIOPE_LANG": "de"}


def test_an_existing_file_is_kept_and_the_recording_gets_a_numbered_name(tmp_path, capsys):
    old = tmp_path / "messung.csv"
    old.write_text("meine alte Messung\n", encoding="utf-8")
    with cl.connect("sim://?speed=50") as board:
        rec = board.record(["light"], seconds=2, every=0.1, save_to=old, progress=False)
    assert old.read_text(encoding="utf-8") == "meine alte Messung\n"
    assert rec.saved_to == tmp_path / "messung_2.csv"
    assert load_recording(rec.saved_to).count("light") == rec.count("light") > 0
    said = capsys.readouterr().out
    assert "messung.csv gibt es schon" in said and "messung_2.csv" in said


def test_overwrite_true_is_the_consent_to_replace(tmp_path):
    old = tmp_path / "messung.csv"
    old.write_text("alt\n", encoding="utf-8")
    with cl.connect("sim://?speed=50") as board:
        rec = board.record(["light"], seconds=1, every=0.1, save_to=old, overwrite=True,
                           progress=False)
    assert rec.saved_to == old
    assert load_recording(old).count("light") == rec.count("light")


def test_a_second_writer_cannot_take_a_file_being_recorded(tmp_path):
    path = tmp_path / "m.csv"
    rec = Recording()
    first = RecordingWriter(rec, path, channels=["a"])
    try:
        rec.add_row(0.0, ("a",), (1.0,))
        code = ("from calliope_lib.recording import Recording\n"
                "from calliope_lib.recording.files import RecordingWriter\n"
                f"RecordingWriter(Recording(), {str(path)!r}, overwrite=True)\n")
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=ENV, timeout=60)
        assert other.returncode != 0
        assert "FileInUseError" in other.stderr and str(path) in other.stderr
        # Without overwrite the second writer takes a new name and leaves ours alone.
        second = RecordingWriter(Recording(), path)
        assert second.path.name == "m_2.csv"
        second.close()
        rec.add_row(0.5, ("a",), (2.0,))
    finally:
        first.close()
    assert load_recording(path)["a"].values.tolist() == [1.0, 2.0]


def test_in_one_process_too_a_locked_file_is_refused(tmp_path):
    path = tmp_path / "m.csv"
    first = RecordingWriter(Recording(), path)
    try:
        with pytest.raises(FileInUseError):
            RecordingWriter(Recording(), path, overwrite=True)
    finally:
        first.close()


def test_kill_9_during_a_silence_keeps_every_row_that_arrived_a_second_before(tmp_path):
    fake = FakeFirmware(tmp_path / "ttyACM0")
    path = tmp_path / "crash.csv"
    code = ("import calliope_lib as cl\n"
            f"board = cl.connect({fake.device!r})\n"
            f"board.record(['light'], seconds=60, every=0.05, save_to={str(path)!r},"
            " progress=False)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], env=ENV)
    try:
        deadline = time.monotonic() + 30
        while fake.sent < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        fake.stall(60)  # the board goes silent
        time.sleep(0.1)
        sent = fake.sent
        time.sleep(1.2)  # the promise: handed to the system within a second, silence or not
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        fake.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = load_recording(path)
    assert sent >= 20
    assert back.count("light") == sent


def test_a_new_channel_on_every_line_does_not_make_writing_quadratic(tmp_path):
    rec = Recording()
    writer = RecordingWriter(rec, tmp_path / "wide.csv")
    began = time.perf_counter()
    try:
        for i in range(600):
            rec.add_row(i * 0.01, (f"k{i}",), (float(i),))
            writer.tick()
    finally:
        writer.close()
    took = time.perf_counter() - began
    back = load_recording(tmp_path / "wide.csv")
    assert len(back.channels) == 600
    assert back["k599"].values.tolist() == [599.0]
    # One rewrite per new channel (the old way) takes minutes here; the budget keeps it short.
    assert took < 5.0, took


def test_a_path_that_cannot_be_written_fails_before_recording_and_names_the_cause(tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "m.csv"
    with cl.connect("sim://?speed=50") as board:
        with pytest.raises(cl.CalliopeError) as caught:
            board.record(["light"], seconds=1, save_to=target, progress=False)
    text = str(caught.value)
    assert str(target) in text and "Datei oder Ordner gibt es nicht" in text


def test_several_boards_keep_an_existing_file_too(tmp_path):
    old = tmp_path / "klasse.csv"
    old.write_text("alt\n", encoding="utf-8")
    with cl.connect_all(["sim://?speed=50", "sim://?speed=50"], names=["kim", "ali"]) as boards:
        rec = boards.record(["light"], seconds=1, every=0.1, save_to=old)
    assert old.read_text(encoding="utf-8") == "alt\n"
    assert rec.saved_to == tmp_path / "klasse_2.csv"
    assert load_recording(rec.saved_to).channels == ["kim.light", "ali.light"]
