"""What a kid sees: ``calliope-mini lab`` in a real browser (Debian's Chromium, headless).

One JupyterLab server for the module, started exactly as a kid starts it (``python -m
calliope_lib lab``), driven by Selenium at 1366×768 and 1024×600. The tests look at the page,
not at the kernel's messages:

* the live plot's picture changes **while** a recording runs and shows lines at the end, with
  the default (inline) backend and with ``%matplotlib widget``; the progress bar leaves
  "Messung beendet ..." behind;
* a saved notebook, reopened, shows pictures and text and no "Error displaying widget";
* no nbgrader teacher menus or buttons, no news pop-up, German menus;
* a lesson runs with "Alle Zellen ausführen" up to its first task;
* at 1024×600 the plot is not shrunk below readable size and the progress bar keeps its width.

Screenshots go to ``test-artifacts/browser/`` (gitignored), for a person to look at.
Needs ``chromium`` and ``chromedriver`` (``.ci/run`` installs Debian's ``chromium`` and
``chromium-driver``).
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from PIL import Image
from selenium.common.exceptions import JavascriptException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
TOKEN = "calliope-browser-test"
#: The first colour of every plot (Okabe–Ito blue): counting its pixels finds the lines.
BLUE = np.array([0x00, 0x72, 0xB2])

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
                       reason="needs chromium and chromedriver (apt install chromium "
                              "chromium-driver)"),
]

#: A notebook a kid might write: a live recording, first inline, then under ipympl.
LIVE_CELLS = {
    "live-inline.ipynb": [
        ("import calliope_lib as cl\n"
         "board = cl.connect('sim://?seed=1&speed=2')\n"
         "board"),
        ("rec = board.record(['acceleration_x', 'acceleration_y', 'acceleration_z'], "
         "seconds=16, every=0.05, live=True)"),
        "rec",
        "rec.summary()",
    ],
    "live-widget.ipynb": [
        ("%matplotlib widget\n"
         "import calliope_lib as cl\n"
         "board = cl.connect('sim://?seed=2&speed=2')"),
        "rec = board.record(['temperature', 'light'], seconds=14, every=0.1, live=True)",
        "rec.plot()",
    ],
    "live-notebook7.ipynb": [
        ("import calliope_lib as cl\n"
         "board = cl.connect('sim://?seed=3&speed=2')"),
        "rec = board.record(['light', 'sound'], seconds=12, every=0.1, live=True)",
    ],
}


def _notebook(sources: list[str]) -> dict[str, Any]:
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}",
                   "metadata": {}, "outputs": [], "source": src}
                  for i, src in enumerate(sources)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """The running ``calliope-mini lab`` server."""

    def __init__(self, base: str, work: Path, log: Path) -> None:
        self.base = base
        self.work = work
        self.log = log

    def url(self, path: str) -> str:
        return f"{self.base}{path}?token={TOKEN}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    tmp = tmp_path_factory.mktemp("lab")
    work = tmp / "Calliope-Lektionen"
    port = _free_port()
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(tmp / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "CALLIOPE_LESSON_BOARD": "sim", "CALLIOPE_SIM_SPEED": "10",
           "CALLIOPE_LANG": "de", "LANG": "de_DE.UTF-8",
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    for name in ("MPLBACKEND", "CALLIOPE_LIVE_PLOT"):
        env.pop(name, None)
    log = tmp / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "calliope_lib", "lab", "--dir", str(work), "--no-browser",
             "--port", str(port), "--", f"--IdentityProvider.token={TOKEN}",
             "--ServerApp.ip=127.0.0.1", "--LabApp.expose_app_in_browser=True",
             "--JupyterNotebookApp.expose_app_in_browser=True"],
            cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "JupyterLab did not start: " + log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        for name, cells in LIVE_CELLS.items():
            (work / name).write_text(json.dumps(_notebook(cells)), encoding="utf-8")
        yield Lab(base, work, log)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _browser(width: int, height: int) -> Any:
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=de-DE", "--hide-scrollbars"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # --window-size sets the outer size; make the page itself width x height (a laptop screen
    # minus the browser's bars is smaller still, so this errs on the generous side).
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    return driver


@pytest.fixture(scope="module")
def small() -> Iterator[Any]:
    driver = _browser(1024, 600)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def large() -> Iterator[Any]:
    driver = _browser(1366, 768)
    yield driver
    driver.quit()


def _shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def _wait(what: Callable[[], Any], timeout: float, message: str, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = what()
        except (JavascriptException, WebDriverException):
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError(message)


APP = "window.jupyterapp"
#: The code cells of the notebook in the current tab.
CELLS = f"{APP}.shell.currentWidget.node.querySelectorAll('.jp-CodeCell')"


def _open(driver: Any, lab: Lab, path: str, notebook7: bool = False) -> None:
    """Open ``path`` alone in a fresh workspace (no tabs restored from an earlier visit),
    or in the Notebook 7 view (JupyterLab's "Notebook" button)."""
    workspace = path.replace("/", "-").replace(".", "-")
    if notebook7:
        driver.get(lab.url(f"/notebooks/{path}"))
    else:
        driver.get(lab.url(f"/lab/workspaces/{workspace}/tree/{path}") + "&reset")
    _wait(lambda: driver.execute_script(
        f"return {APP} && {APP}.shell.currentWidget && "
        f"{APP}.shell.currentWidget.context && "
        f"{APP}.shell.currentWidget.context.path === arguments[0] && "
        f"{APP}.shell.currentWidget.sessionContext && "
        f"{APP}.shell.currentWidget.sessionContext.session && "
        f"{APP}.shell.currentWidget.sessionContext.session.kernel && "
        f"{APP}.shell.currentWidget.sessionContext.session.kernel.status === 'idle'", path),
        90, f"{path}: the notebook's kernel did not start")


def _kernel_busy(driver: Any) -> bool:
    return driver.execute_script(
        f"return {APP}.shell.currentWidget.sessionContext.session.kernel.status") != "idle"


def _still_running(driver: Any) -> bool:
    """True while a code cell is queued or running (prompt ``[*]``) or the kernel is busy.

    The kernel's status alone is not enough: between two queued cells it is idle for a moment,
    and a poll that lands there would end the watch before the recording cell even began.
    The page's kernel status can also stay "busy" after every cell is done (seen once in a
    full run, after an ipympl figure): then the server's own view of the kernel decides."""
    waiting, status = driver.execute_script(
        f"const nb = {APP}.shell.currentWidget.content;"
        "const waiting = nb.widgets.some(c => c.model.type === 'code' && "
        "  (c.node.querySelector('.jp-InputPrompt') || {textContent: ''})"
        "  .textContent.includes('*'));"
        f"return [waiting, {APP}.shell.currentWidget.sessionContext.session.kernel.status];")
    if waiting:
        return True
    return status != "idle" and _server_kernel_state(driver) != "idle"


def _server_kernel_state(driver: Any) -> str:
    """The kernel's execution state as the Jupyter server sees it (``/api/kernels/<id>``)."""
    return driver.execute_script(
        f"const app = {APP};"
        "const kernel = app.shell.currentWidget.sessionContext.session.kernel;"
        "const settings = app.serviceManager.serverSettings;"
        "const request = new XMLHttpRequest();"
        "request.open('GET', settings.baseUrl + 'api/kernels/' + kernel.id, false);"
        "if (settings.token) request.setRequestHeader('Authorization', 'token ' + settings.token);"
        "request.send();"
        "return request.status === 200 ? JSON.parse(request.responseText).execution_state"
        "  : 'http ' + request.status;")


def _run_all(driver: Any) -> None:
    driver.execute_script(f"{APP}.commands.execute('notebook:run-all-cells')")
    _wait(lambda: _kernel_busy(driver), 20, "the cells did not start")


def _cell_images(driver: Any, cell: int) -> list[str]:
    """The ``src`` of every picture in the output of code cell ``cell`` (0-based)."""
    return driver.execute_script(
        f"const cells = {CELLS};"
        "const c = cells[arguments[0]]; if (!c) return [];"
        "return Array.from(c.querySelectorAll('.jp-OutputArea img')).map(i => i.src);", cell)


def _cell_text(driver: Any, cell: int) -> str:
    return driver.execute_script(
        f"const c = {CELLS}[arguments[0]];"
        "return c ? c.querySelector('.jp-OutputArea').innerText : '';", cell)


def _page_text(driver: Any) -> str:
    return driver.execute_script("return document.body.innerText")


def _blue_pixels(src: str) -> int:
    """How many pixels of the first line colour a ``data:image/png`` picture has."""
    data = base64.b64decode(src.split(",", 1)[1])
    with Image.open(io.BytesIO(data)) as img:
        rgb = np.asarray(img.convert("RGB")).astype(int)
    return int((np.abs(rgb - BLUE).sum(axis=2) < 60).sum())


#: Width in pixels of the running progress bar's track (0 when there is none).
BAR_WIDTH = (f"const c = {CELLS}[arguments[0]];"
             "const t = c && c.querySelector('.calliope-progress > div > div');"
             "return t ? t.getBoundingClientRect().width : 0;")


def _watch_live_plot(driver: Any, cell: int, name: str) -> tuple[list[str], str]:
    """Run all cells; collect the live picture's versions while the kernel records."""
    _run_all(driver)
    # The server's view is readable (else _still_running could not fall back on it).
    assert _server_kernel_state(driver) in ("busy", "idle"), _server_kernel_state(driver)
    seen: list[str] = []
    bar_widths: list[float] = []
    shot_taken = False
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        pictures = [p for p in _cell_images(driver, cell) if p.startswith("data:image/png")]
        if pictures and (not seen or pictures[0] != seen[-1]):
            seen.append(pictures[0])
        bar_widths.append(driver.execute_script(BAR_WIDTH, cell) or 0.0)
        if len(seen) >= 4 and not shot_taken:
            _shot(driver, f"{name}-while-recording")
            shot_taken = True
        if not _still_running(driver):
            break
        time.sleep(0.15)
    if _still_running(driver):
        _shot(driver, f"{name}-did-not-finish")
        raise AssertionError(
            f"{name}: the notebook did not finish (server: kernel "
            f"{_server_kernel_state(driver)}):\n"
            + "\n---\n".join(_cell_text(driver, i) for i in range(cell + 2)))
    pictures = [p for p in _cell_images(driver, cell) if p.startswith("data:image/png")]
    outputs = "\n---\n".join(_cell_text(driver, i) for i in range(cell + 1))
    assert pictures, f"{name}: no live picture at all; the outputs:\n{outputs}"
    # The progress bar was a real bar, and the values beside it never squeezed it.
    running = [w for w in bar_widths if w > 0]
    assert running and min(running) >= 150, (name, running[:5])
    return seen, pictures[0]


def _no_widget_errors(driver: Any) -> None:
    text = _page_text(driver)
    assert "Error displaying widget" not in text
    assert "model not found" not in text


def _no_teacher_tools_and_german(driver: Any) -> None:
    menus = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lm-MenuBar-itemLabel'))"
        ".map(e => e.innerText)")
    assert "Datei" in menus and "Bearbeiten" in menus, menus  # German interface
    assert not any("nbgrader" in m.lower() for m in menus), menus
    text = _page_text(driver)
    for english in ("Create Assignment", "Validate", "Formgrader", "Assignment List",
                    "get notified about official Jupyter news"):
        assert english not in text, english
    tabs = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lm-TabBar-tab'))"
        ".map(e => (e.title || '') + ' ' + e.innerText)")
    assert not any("assignment" in t.lower() or "nbgrader" in t.lower() for t in tabs), tabs
    toasts = driver.execute_script(
        "return Array.from(document.querySelectorAll('.Toastify__toast')).map(e => e.innerText)")
    assert not any("news" in t.lower() or "neuigkeit" in t.lower() or "nachricht" in t.lower()
                   for t in toasts), toasts


def test_live_plot_inline_grows_and_ends_with_lines_at_1024x600(lab, small):
    _open(small, lab, "live-inline.ipynb")
    _no_teacher_tools_and_german(small)
    seen, final = _watch_live_plot(small, 1, "inline-1024x600")
    assert len(seen) >= 4, f"the live picture changed only {len(seen)} times while recording"
    assert _blue_pixels(final) > 1500, "no lines in the final picture"
    assert _blue_pixels(final) > _blue_pixels(seen[0]), "the picture did not grow"
    text = _cell_text(small, 1)
    assert "Messung beendet: 16/16 s" in text, text  # the progress bar's last line
    assert "läuft" not in text
    # Small laptop: the plot is not shrunk to unreadable, the progress text stays one line.
    natural, shown, visible = small.execute_script(
        f"const c = {CELLS}[1];"
        "const i = c.querySelector('.jp-OutputArea img');"
        "const panel = document.querySelector('.jp-NotebookPanel-notebook');"
        "return [i.naturalWidth, i.getBoundingClientRect().width,"
        "        panel.getBoundingClientRect().height];")
    assert shown >= 0.7 * natural, (natural, shown)  # fonts at least 70 % of their size
    # German reprs and a table with decimal commas
    assert "<Board simuliert an sim://" in _cell_text(small, 0)
    assert "<Messung 16,0 s: acceleration_x (" in _cell_text(small, 2)
    summary = _cell_text(small, 3)
    assert "Mittelwert" in summary and "," in summary and "Anzahl" in summary
    small.execute_script(f"{APP}.commands.execute('docmanager:save')")
    time.sleep(1.0)
    _shot(small, "inline-1024x600-done")
    _no_widget_errors(small)
    print(f"inline: {len(seen)} pictures while recording, plot {shown:.0f}/{natural} px wide, "
          f"notebook area {visible:.0f} px high")


def test_live_plot_under_the_widget_backend_draws_while_recording(lab, large):
    _open(large, lab, "live-widget.ipynb")
    seen, final = _watch_live_plot(large, 1, "widget-1366x768")
    assert len(seen) >= 4, f"the live picture changed only {len(seen)} times while recording"
    assert _blue_pixels(final) > 1500, "no lines in the final picture"
    assert "Messung beendet: 14/14 s" in _cell_text(large, 1)
    _wait(lambda: large.execute_script(
        f"const c = {CELLS}[2];"
        "return c.querySelector('.jupyter-matplotlib, canvas') !== null"), 30,
        "rec.plot() under %matplotlib widget did not give the interactive figure")
    large.execute_script(f"{APP}.commands.execute('docmanager:save')")
    time.sleep(1.0)
    _shot(large, "widget-1366x768-done")
    large.execute_script(f"const nb = {APP}.shell.currentWidget.content;"
                         "nb.activeCellIndex = 2; nb.scrollToItem(2, 'start');")
    time.sleep(1.0)
    _shot(large, "widget-1366x768-rec-plot")
    _no_widget_errors(large)


def test_live_plot_in_the_notebook7_view(lab, large):
    """JupyterLab's "Notebook" button opens Notebook 7 (what VS Code's notebooks resemble:
    display updates, no JupyterLab shell): the same live view, no teacher menus."""
    _open(large, lab, "live-notebook7.ipynb", notebook7=True)
    menus = large.execute_script(
        "return Array.from(document.querySelectorAll('.lm-MenuBar-itemLabel'))"
        ".map(e => e.innerText)")
    assert "Datei" in menus and not any("nbgrader" in m.lower() for m in menus), menus
    seen, final = _watch_live_plot(large, 1, "notebook7-1366x768")
    assert len(seen) >= 4, f"the live picture changed only {len(seen)} times while recording"
    assert _blue_pixels(final) > 1500
    assert "Messung beendet: 12/12 s" in _cell_text(large, 1)
    _shot(large, "notebook7-1366x768-done")
    _no_widget_errors(large)


def test_saved_notebooks_reopen_without_widget_errors(lab, large):
    """After the kernel is gone, a reopened notebook still shows the live plot's last picture
    and the progress bar's last line (what a teacher sees in a collected notebook)."""
    saved = json.loads((lab.work / "live-inline.ipynb").read_text(encoding="utf-8"))
    outputs = saved["cells"][1]["outputs"]
    kinds = [sorted(o.get("data", {})) for o in outputs]
    assert all("application/vnd.jupyter.widget-view+json" not in k for k in kinds), kinds
    large.execute_script(f"{APP}.commands.execute('kernelmenu:shutdown')")
    _open(large, lab, "live-inline.ipynb")
    time.sleep(2.0)
    _no_widget_errors(large)
    assert any(p.startswith("data:image/png") for p in _cell_images(large, 1))
    assert "Messung beendet" in _cell_text(large, 1)
    _shot(large, "reopened-1366x768")
    # The same for the notebook that used %matplotlib widget.
    large.execute_script(f"{APP}.commands.execute('kernelmenu:shutdown')")
    _open(large, lab, "live-widget.ipynb")
    time.sleep(2.0)
    _shot(large, "reopened-widget-1366x768")
    _no_widget_errors(large)
    assert any(p.startswith("data:image/png") for p in _cell_images(large, 1))


def test_a_lesson_runs_to_its_first_task(lab, small):
    lesson = "05-bewegung/05-bewegung.ipynb"
    _open(small, lab, lesson)
    _no_teacher_tools_and_german(small)
    _run_all(small)
    _wait(lambda: not _still_running(small), 180, "the lesson did not finish")
    time.sleep(1.0)
    # From the notebook's model: JupyterLab renders only the cells in view.
    cells = small.execute_script(
        f"return {APP}.shell.currentWidget.content.model.toJSON().cells")
    code = [c for c in cells if c["cell_type"] == "code"]
    errors = [i for i, c in enumerate(code)
              if any(o["output_type"] == "error" for o in c.get("outputs", []))]
    first_task = next(i for i, c in enumerate(code) if "DEIN CODE HIER" in "".join(c["source"]))
    assert all(c["execution_count"] for c in code[:first_task]), "cells before the task did not run"
    if errors:  # "Alle Zellen ausführen" stops at the first task the kid has not solved yet
        assert errors[0] >= first_task, "".join(code[errors[0]]["source"])
    mimes = {m for c in code for o in c.get("outputs", []) for m in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" not in mimes, mimes
    recorded = next(i for i, c in enumerate(code) if ".record(" in "".join(c["source"]))
    texts = "".join("".join(o.get("data", {}).get("text/plain", "")) + "".join(o.get("text", ""))
                    for o in code[recorded]["outputs"])
    assert "Messung beendet" in texts, texts
    _no_widget_errors(small)
    small.execute_script(
        f"const nb = {APP}.shell.currentWidget.content;"
        "const i = nb.widgets.findIndex(w => w.model.sharedModel.source.includes('.record('));"
        "nb.activeCellIndex = i; nb.scrollToItem(i, 'start');")
    time.sleep(1.0)
    _shot(small, "lesson-05-1024x600")
    # Pictures fit the notebook's width (shrunk a little at most, never cut off).
    boxes = small.execute_script(
        f"return Array.from({APP}.shell.currentWidget.node.querySelectorAll("
        "'.jp-OutputArea-output img')).map(i => {"
        "  const a = i.closest('.jp-OutputArea-output').getBoundingClientRect();"
        "  const r = i.getBoundingClientRect();"
        "  return [r.left - a.left, a.right - r.right, r.width, i.naturalWidth]; })")
    assert boxes
    for left, right, width, natural in boxes:
        assert left >= -1 and right >= -1, boxes
        assert width >= 0.7 * natural, boxes
