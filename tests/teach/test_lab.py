"""``calliope-mini lab``: student copies of the lessons and a German JupyterLab.

Real subprocesses: ``python -m calliope_lib lab --dry-run`` as a user would type it, and one real
JupyterLab server whose settings API must answer ``locale: de_DE``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

importlib.import_module("nbgrader")

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "calliope_lib" / "teach" / "lessons"


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "CALLIOPE_LANG": "de"}
    return subprocess.run([sys.executable, "-m", "calliope_lib", "lab", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=env)


def test_dry_run_says_what_it_would_do_and_changes_nothing(tmp_path):
    work = tmp_path / "arbeit"
    out = _run("--dry-run", "--dir", str(work), "--no-browser")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "[dry-run]" in text
    assert '"locale": "de_DE"' in text
    assert "@jupyterlab/translation-extension:plugin" in text
    assert "-m jupyterlab" in text and "--no-browser" in text
    assert '"fetchNews": "false"' in text  # no news pop-up
    assert "@jupyter/nbgrader" in text and "=False" in text  # no teacher tools
    assert ("--allow-root" in text) == (os.geteuid() == 0)
    assert f"--ServerApp.root_dir={work}" in text
    assert "01-hallo-calliope.ipynb (Schülerfassung" in text
    assert not work.exists(), "a dry run must not create the work folder"


def test_work_dir_holds_student_versions_and_keeps_kids_work(tmp_path):
    from calliope_lib.cli.lab import lesson_folders, prepare_work_dir

    import nbformat

    work = tmp_path / "arbeit"
    done = prepare_work_dir(LESSONS, work)
    assert len(lesson_folders(LESSONS)) >= 6
    for folder in lesson_folders(LESSONS):
        nb_path = work / folder.name / f"{folder.name}.ipynb"
        text = nb_path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "DEIN CODE HIER" in text
        for data in folder.glob("beispiel_*.csv"):
            assert (work / folder.name / data.name).read_bytes() == data.read_bytes()
        assert not list((work / folder.name).glob("meine_*"))
        assert not (work / folder.name / "LEHRKRAFT.md").exists(), "answers must not reach kids"
    assert done
    # A kid works: changes the notebook, saves a measurement. Running lab again keeps both.
    first = lesson_folders(LESSONS)[0].name
    nb_path = work / first / f"{first}.ipynb"
    nb = nbformat.read(str(nb_path), as_version=4)
    nb.cells[0].source += "\n\nMeine Notiz"
    nbformat.write(nb, str(nb_path))
    (work / first / "meine_messung.csv").write_text("zeit_s,temperature\n0,21\n")
    again = prepare_work_dir(LESSONS, work)
    assert again == []
    assert "Meine Notiz" in nb_path.read_text(encoding="utf-8")
    assert (work / first / "meine_messung.csv").read_text().startswith("zeit_s")


def test_lab_and_course_release_hand_out_the_same_notebook(tmp_path):
    """There is one student version: the kid's work folder gets the very notebook a teacher
    hands out with ``course release`` (German placeholders in both)."""
    from calliope_lib.cli.lab import prepare_work_dir
    from calliope_lib.teach.course import init_course, release_lesson

    lesson = "01-hallo-calliope"
    course = init_course(tmp_path / "kurs", lessons=["01"], lessons_dir=LESSONS)
    folder, _ = release_lesson(course, lesson)
    prepare_work_dir(LESSONS, tmp_path / "arbeit")
    handed_out = (folder / f"{lesson}.ipynb").read_bytes()
    assert (tmp_path / "arbeit" / lesson / f"{lesson}.ipynb").read_bytes() == handed_out
    assert "DEIN CODE HIER".encode() in handed_out and b"YOUR CODE HERE" not in handed_out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_teacher_launch_keeps_nbgrader():
    from calliope_lib.cli.lab import command

    kids = command(Path("/w"), Path("/s"), True, None, as_root=False)
    teacher = command(Path("/w"), Path("/s"), True, None, teacher=True, as_root=True)
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False" in kids
    assert not any("jpserver_extensions" in part for part in teacher)
    assert "--allow-root" in teacher and "--allow-root" not in kids


def _get(url: str) -> tuple[int, str]:
    import urllib.error

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.mark.slow
def test_jupyterlab_starts_in_german_without_teacher_tools(tmp_path):
    """A real JupyterLab on the work folder: German locale, no news question, no nbgrader."""
    port = _free_port()
    token = "calliope-test"
    settings = tmp_path / "settings"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "calliope_lib", "lab", "--dir", str(tmp_path / "arbeit"),
         "--settings-dir", str(settings), "--no-browser", "--port", str(port), "--",
         f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        url = (f"http://127.0.0.1:{port}/lab/api/settings/"
               f"@jupyterlab/translation-extension:plugin?token={token}")
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    answer = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.3)
        assert answer is not None, "JupyterLab did not answer: " + (
            proc.stdout.read()[-3000:] if proc.poll() is not None else "")
        # The override becomes the default of the setting (the user has saved nothing).
        assert answer["schema"]["properties"]["locale"]["default"] == "de_DE"
        assert answer["settings"].get("locale", "de_DE") == "de_DE"
        assert (settings / "overrides.d" / "calliope-lib.json").exists()
        assert (tmp_path / "arbeit" / "01-hallo-calliope" / "01-hallo-calliope.ipynb").exists()
        # The German language pack is installed, so the locale really switches.
        langs = f"http://127.0.0.1:{port}/lab/api/translations?token={token}"
        with urllib.request.urlopen(langs, timeout=5) as response:
            packs = json.loads(response.read())
        assert "de_DE" in packs["data"], packs
        # No "get notified about Jupyter news?" pop-up.
        status, text = _get(f"http://127.0.0.1:{port}/lab/api/settings/"
                            f"@jupyterlab/apputils-extension:notification?token={token}")
        assert status == 200
        assert json.loads(text)["schema"]["properties"]["fetchNews"]["default"] == "false"
        # No teacher tools: nbgrader's lab extension is disabled in the page ...
        status, page = _get(f"http://127.0.0.1:{port}/lab?token={token}")
        assert status == 200
        config = json.loads(page.split('id="jupyter-config-data" type="application/json">')[1]
                            .split("</script>")[0])
        assert "@jupyter/nbgrader" in config["disabledExtensions"]
        # ... and its server side (the formgrader) is not there at all.
        assert _get(f"http://127.0.0.1:{port}/formgrader?token={token}")[0] == 404
        # Output text wraps between words.
        status, css = _get(f"http://127.0.0.1:{port}/custom/custom.css?token={token}")
        assert status == 200 and "word-break: normal" in css
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_custom_css_rule_is_added_once_and_keeps_a_teachers_rules(tmp_path):
    from calliope_lib.cli.lab import CSS_MARKER, ensure_custom_css

    css = tmp_path / "custom" / "custom.css"
    assert ensure_custom_css(css)
    assert CSS_MARKER in css.read_text(encoding="utf-8")
    assert "word-break: normal" in css.read_text(encoding="utf-8")
    css.write_text("body { font-size: 20px; }", encoding="utf-8")  # a teacher's own rule
    assert ensure_custom_css(css)
    assert not ensure_custom_css(css)  # added once
    text = css.read_text(encoding="utf-8")
    assert text.startswith("body { font-size: 20px; }\n") and text.count(CSS_MARKER) == 1
