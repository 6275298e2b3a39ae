"""The ``calliope-mini record`` command, run as a user runs it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import calliope_lib as cl


def test_record_from_the_simulated_board(tmp_path):
    out = tmp_path / "messung.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "calliope_lib", "record", "sim://?speed=20", "-c",
         "temperature,light", "-s", "10", "-e", "0.5", "-o", str(out)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Mittelwert" in proc.stdout and str(out) in proc.stdout
    assert "Messung" in proc.stdout  # the progress bar (on stdout, never stderr)
    rec = cl.load(out)
    assert rec.count("temperature") == 21


def test_ctrl_c_ends_cleanly_and_keeps_the_file(tmp_path):
    out = tmp_path / "abgebrochen.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "calliope_lib", "record", "--sim", "-c", "light", "-s", "600",
         "-e", "0.1", "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "angehalten" in stdout
    rec = cl.load(out)
    assert rec.count("light") >= 15
    assert "# lost_lines: 0" in out.read_text()  # the footer was written: a clean end


def test_unknown_channel_is_a_clear_error_and_exit_1(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "calliope_lib", "record", "--sim", "-c", "licht", "-s", "1",
         "-o", str(tmp_path / "x.csv")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Den Kanal 'licht' gibt es nicht" in proc.stderr
    assert "Traceback" not in proc.stderr
