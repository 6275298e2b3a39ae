"""The command line tells the truth: every case as a user runs it, in a real subprocess.

Each test asserts the exit code (0 only when the asked-for output was written) and that the
message names the cause, with no traceback for a user's mistake.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import calliope_lib as cl
from calliope_lib.errors import MissingOptionalPackage, require

ENV = {**os.environ, "CALLIOPE_LANG": "de", "MPLBACKEND": "Agg"}


def cli(*args: str, cwd: Path | None = None, env: dict | None = None,
        **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calliope_lib", *args], capture_output=True,
                          text=True, timeout=120, env=env or ENV, cwd=cwd, check=False, **kwargs)


def assert_clean_failure(proc: subprocess.CompletedProcess, *causes: str, code: int = 1) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    for cause in causes:
        assert cause in proc.stderr, (cause, proc.stderr)


def test_a_path_that_cannot_be_written_is_exit_1_naming_path_and_cause(tmp_path):
    not_a_folder = tmp_path / "datei"
    not_a_folder.write_text("x")
    target = not_a_folder / "m.csv"
    proc = cli("record", "--sim", "-s", "1", "-c", "temperature", "-o", str(target))
    assert_clean_failure(proc, str(target), "ein Teil des Pfads ist kein Ordner")
    assert "CSV:" not in proc.stdout
    assert "Not a directory" not in proc.stderr  # the system's English stays out of German


def test_a_folder_given_as_the_file_is_called_a_folder_not_missing(tmp_path):
    (tmp_path / "messung.csv").write_text("zeit_s,light\n0,1\n")
    (tmp_path / ".versteckt.csv").write_text("x")
    (tmp_path / "unter").mkdir()
    (tmp_path / "unter" / "tief.csv").write_text("x")
    proc = cli("plot", str(tmp_path), "-o", str(tmp_path / "bild.png"))
    assert_clean_failure(proc, str(tmp_path), "ist ein Ordner, keine Datei", "messung.csv")
    assert "gibt es nicht" not in proc.stderr
    assert "tief.csv" not in proc.stderr and ".versteckt" not in proc.stderr
    assert not (tmp_path / "bild.png").exists()


def test_a_picture_that_cannot_be_written_gives_the_reason_in_the_users_language(tmp_path):
    source = tmp_path / "m.csv"
    source.write_text("zeit_s,light\n0,1\n1,2\n")
    target = tmp_path / "fehlt" / "bild.png"
    proc = cli("plot", str(source), "-o", str(target))
    assert_clean_failure(proc, str(target), "gibt es nicht")
    assert "No such file" not in proc.stderr
    english = cli("plot", str(source), "-o", str(target), env={**ENV, "CALLIOPE_LANG": "en"})
    assert_clean_failure(english, str(target), "no such file or folder")


def test_unknown_output_formats_are_refused_before_recording(tmp_path):
    proc = cli("record", "--sim", "-s", "30", "-o", "y.xlsx", cwd=tmp_path)
    assert_clean_failure(proc, "y.xlsx", "'.xlsx'", "--dialect excel-de")
    proc = cli("record", "--sim", "-s", "30", "--plot", "x.txt", cwd=tmp_path)
    assert_clean_failure(proc, "x.txt", "'.txt'", ".png")
    assert not list(tmp_path.iterdir()), "nothing was recorded"


def test_plot_refuses_a_picture_format_it_cannot_write(tmp_path):
    rec = cl.Recording()
    rec.add("light", 0.0, 1.0)
    rec.save(tmp_path / "m.csv")
    proc = cli("plot", str(tmp_path / "m.csv"), "-o", str(tmp_path / "p.txt"))
    assert_clean_failure(proc, "p.txt", ".png, .pdf, .svg")
    proc = cli("plot", str(tmp_path / "fehlt.csv"))
    assert_clean_failure(proc, "fehlt.csv", "gibt es nicht", "m.csv")


def test_negative_seconds_say_that_negative_is_the_problem():
    proc = cli("record", "--sim", "-s", "-5")
    assert_clean_failure(proc, "-5 geht nicht", "größer als 0", "-s 10", code=2)
    proc = cli("record", "--sim", "-e", "0")
    assert_clean_failure(proc, "0 geht nicht", "-e 0.5", code=2)


def test_without_c_it_records_what_the_help_says(tmp_path):
    proc = cli("record", "sim://?speed=20", "-s", "2", "-o", "m.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert cl.load(tmp_path / "m.csv").channels == ["temperature", "light"]
    help_text = cli("record", "--help").stdout
    assert "temperature,light" in help_text


def test_an_existing_file_is_kept_and_the_new_name_is_said(tmp_path):
    (tmp_path / "m.csv").write_text("alt\n")
    proc = cli("record", "sim://?speed=20", "-s", "1", "-o", "m.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "m.csv").read_text() == "alt\n"
    assert "m_2.csv" in proc.stdout and "--overwrite" in proc.stdout
    assert f"CSV: {tmp_path / 'm_2.csv'}" in proc.stdout
    proc = cli("record", "sim://?speed=20", "-s", "1", "-o", "m.csv", "--overwrite",
               cwd=tmp_path)
    assert proc.returncode == 0 and cl.load(tmp_path / "m.csv").count("light") > 0


def _small_files() -> None:  # runs in the child before exec: files may hold 3000 bytes
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))


def test_a_file_that_breaks_while_recording_is_exit_1_naming_the_cause(tmp_path):
    proc = cli("record", "sim://?speed=50", "-s", "20", "-e", "0.05", "-o", "m.csv",
               cwd=tmp_path, preexec_fn=_small_files)
    assert_clean_failure(proc, "m.csv", "File too large", "NICHT")
    assert "CSV:" not in proc.stdout


def test_hints_speak_command_line_not_python():
    proc = cli("record", "foo://x", "-s", "1")
    assert_clean_failure(proc, "foo://x", "--sim")
    assert "cl.connect" not in proc.stderr


def test_debug_shows_the_traceback(tmp_path):
    proc = cli("--debug", "record", "--sim", "-o", "y.xlsx", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "InvalidParameter" in proc.stderr


def test_flash_names_a_missing_hex_and_a_missing_drive(tmp_path):
    proc = cli("flash", "missing.hex", "--all", cwd=tmp_path)
    assert_clean_failure(proc, "missing.hex", "gibt es nicht")
    hex_file = tmp_path / "p.hex"
    hex_file.write_text(":00000001FF\n")
    proc = cli("flash", str(hex_file), "--drive", "/nonexistent")
    assert_clean_failure(proc, "Laufwerk /nonexistent gibt es nicht")


def test_firmware_install_on_a_missing_port_is_one_clear_message(tmp_path):
    port = str(tmp_path / "ttyACM7")
    proc = cli("firmware", "install", "--port", port)
    assert_clean_failure(proc, f"Den Anschluss {port} gibt es nicht")
    assert proc.stderr.count(port) == 1 and "[Errno" not in proc.stderr
    assert "Mu" not in proc.stdout + proc.stderr


def test_doctor_exit_code_follows_its_problems():
    proc = cli("doctor", "--no-probe")
    said_problems = "Problem" in proc.stdout
    assert (proc.returncode != 0) == said_problems, proc.stdout


def test_install_hints_are_quoted_for_zsh():
    try:
        require("kein_solches_paket_xyz", "calliope-lib[worksheets]")
    except MissingOptionalPackage as exc:
        assert 'pip install "calliope-lib[worksheets]"' in exc.text()
    else:
        raise AssertionError("the package should be missing")
