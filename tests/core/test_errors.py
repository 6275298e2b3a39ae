"""Errors: each is a CalliopeError and a built-in, and says what to do, in German and English."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import calliope_lib as cl
from calliope_lib import errors, messages


def test_every_text_has_german_and_english():
    import calliope_lib.recording.files  # noqa: F401  (registers its texts)

    for key, versions in messages._TEXTS.items():
        assert versions.get("de") and versions.get("en"), key


def test_language_follows_calliope_lang_then_locale(monkeypatch):
    monkeypatch.setenv("CALLIOPE_LANG", "en")
    assert messages.language() == "en"
    monkeypatch.delenv("CALLIOPE_LANG")
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert messages.language() == "en"
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert messages.language() == "de"
    monkeypatch.setenv("LC_ALL", "C")
    assert messages.language() == "de"  # German first when the locale says nothing


def test_no_board_found_mentions_charge_only_cables(monkeypatch):
    from calliope_lib import discovery

    monkeypatch.setattr(discovery, "find_boards", lambda *a, **k: [])
    with pytest.raises(cl.NoBoardFound) as err:
        cl.connect()
    assert isinstance(err.value, LookupError)
    assert "Ladekabel" in str(err.value) and 'cl.connect("sim")' in str(err.value)
    assert "charge-only" in err.value.text("en")


def test_missing_port():
    with pytest.raises(cl.PortNotFoundError) as err:
        cl.connect("/dev/ttyDOESNOTEXIST")
    assert isinstance(err.value, FileNotFoundError)
    assert err.value.reason == "port_missing"
    assert "calliope-mini boards" in str(err.value)


def test_port_busy_names_the_usual_suspects(pty_peer):
    first = cl.connect(pty_peer.path)
    try:
        with pytest.raises(cl.PortBusyError) as err:
            cl.connect(pty_peer.path)
    finally:
        first.close()
    assert "Mu" in str(err.value) and "MakeCode" in str(err.value)
    assert isinstance(err.value, OSError)


def test_permission_denied_gives_the_dialout_command(pty_peer, tmp_path):
    """A user outside 'dialout' opens the port: the message holds the exact command."""
    os.chmod(pty_peer.path, 0o600)
    code = (
        "import os, sys, getpass, errno, serial, calliope_lib as cl\n"
        "import calliope_lib.board.opening, calliope_lib.transports, calliope_lib.protocol.parser\n"
        "if os.geteuid() == 0:  # root may open anything: become 'nobody', like a kid's account\n"
        "    os.setgid(65534); os.setuid(65534)\n"
        "try:\n"
        f"    cl.connect({pty_peer.path!r})\n"
        "except PermissionError as exc:\n"
        "    print(type(exc).__name__, '|', exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=str(tmp_path), env={**os.environ, "PYTHONPATH": os.getcwd()},
                         timeout=60)
    assert "PortPermissionError" in out.stdout, out.stderr
    assert "sudo usermod -aG dialout" in out.stdout


def test_bad_address():
    with pytest.raises(cl.CalliopeError) as err:
        cl.connect("nonsense://x")
    assert isinstance(err.value, ValueError)
    assert 'cl.connect("sim")' in str(err.value)


def test_errors_carry_reason_title_detail_and_english():
    err = errors.BoardNotAnswering(port="COM3", seconds=5)
    assert isinstance(err, TimeoutError)
    assert err.reason == "not_answering"
    assert "COM3" in err.title or "COM3" in err.detail
    assert "Reset" in err.text("de") and "reset button" in err.text("en")


def test_warnings_go_to_stdout_while_nbgrader_grades(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    messages.warn("replugged.note")
    out = capsys.readouterr()
    assert "wieder da" in out.out and out.err == ""


def test_import_is_light():
    """``import calliope_lib`` must not pull in matplotlib, pandas, nbgrader or serial."""
    code = ("import sys, calliope_lib\n"
            "heavy = [m for m in ('matplotlib', 'pandas', 'nbgrader', 'serial', 'numpy') "
            "if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_misspelled_sim_option_is_explained():
    with pytest.raises(cl.CalliopeError) as err:
        cl.connect("sim://?sede=1")
    assert isinstance(err.value, ValueError)
    assert "sede" in str(err.value) and 'cl.connect("sim")' in str(err.value)
    with pytest.raises(ValueError, match="thermistor"):
        cl.connect("sim://?p1=thermo")  # the message lists the sensors there are


def test_os_reasons_speak_the_users_language():
    import errno

    from calliope_lib.errors import os_reason, write_error

    gone = FileNotFoundError(errno.ENOENT, "No such file or directory")
    assert os_reason(gone, "de") == "Datei oder Ordner gibt es nicht"
    assert os_reason(gone, "en") == "no such file or folder"
    full = OSError(errno.ENOSPC, "No space left on device")
    error = write_error("/media/stick/m.csv", full)
    assert isinstance(error, cl.errors.DiskFullError)
    assert "/media/stick/m.csv" in str(error)
    # A reason we have no words for keeps the system's own text, never an empty one.
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link"), "de") == \
        "Invalid cross-device link"
    assert os_reason(OSError("plain"), "de") == "plain"
    # An SSL error's errno 1 is the SSL library's code, not EPERM: its own text is kept.
    import ssl

    refused = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                                              "verify failed")
    assert "CERTIFICATE_VERIFY_FAILED" in os_reason(refused, "de")


def test_loading_a_folder_says_folder_and_names_the_files_in_it(tmp_path):
    (tmp_path / "messung.csv").write_text("zeit_s,light\n0,1\n")
    (tmp_path / "unter").mkdir()
    (tmp_path / "unter" / "tief.csv").write_text("x")
    with pytest.raises(errors.RecordingIsFolder) as caught:
        cl.load(tmp_path)
    assert isinstance(caught.value, IsADirectoryError)  # code catching OSError still works
    text = caught.value.text("de")
    assert text.startswith(f"{tmp_path} ist ein Ordner, keine Datei")
    assert "messung.csv" in text and "tief.csv" not in text
    assert "is a folder" in caught.value.text("en")
    with pytest.raises(errors.RecordingFileMissing) as missing:
        cl.load(tmp_path / "messsung.csv")
    assert "messung.csv" in missing.value.text("de")
