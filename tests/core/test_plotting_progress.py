"""The progress bar: a bar in a notebook that leaves one plain German line behind, tqdm's
line in a terminal. The notebook bar runs in a real Jupyter kernel."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from calliope_lib.progress import RecordingProgress
from calliope_lib.recording import Recording

KERNEL_CODE = r"""
import os
os.environ.pop("CALLIOPE_LIVE_PLOT", None)
import calliope_lib as cl
with cl.connect("sim://?seed=1&speed=5") as board:
    rec = board.record(["acceleration_x", "acceleration_y", "acceleration_z"], seconds=10,
                       every=0.05)
"""


def run_in_kernel(code: str) -> list[dict]:
    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "CALLIOPE_LIVE_PLOT")}
    env["CALLIOPE_LANG"] = "de"
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    messages = []
    try:
        kc.execute(code)
        deadline = time.monotonic() + 120
        started = False
        while time.monotonic() < deadline:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            messages.append(msg)
            if msg["msg_type"] == "status":
                state = msg["content"]["execution_state"]
                started = started or state == "busy"
                if state == "idle" and started:
                    break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return messages


def test_notebook_bar_grows_and_leaves_one_plain_german_line():
    messages = run_in_kernel(KERNEL_CODE)
    kinds = [m["msg_type"] for m in messages]
    assert "error" not in kinds, [m["content"] for m in messages if m["msg_type"] == "error"]
    assert "comm_open" not in kinds  # no widget: nothing to say "model not found" later
    shown = [m for m in messages if m["msg_type"] == "display_data"]
    assert len(shown) == 1
    display_id = shown[0]["content"]["transient"]["display_id"]
    html = shown[0]["content"]["data"]["text/html"]
    assert "Messung" in html and "width:" in html
    updates = [m["content"] for m in messages if m["msg_type"] == "update_display_data"
               and m["content"]["transient"]["display_id"] == display_id]
    assert len(updates) >= 4  # redrawn while the kernel is busy recording
    running = [u["data"]["text/html"] for u in updates[:-1]]
    assert any("Beschleunigung z" in h and "mg" in h for h in running)
    final = updates[-1]["data"]
    assert set(final) == {"text/plain"}  # the saved notebook keeps plain text only
    line = final["text/plain"]
    assert line.startswith("Messung beendet: 10/10 s, 2")
    assert "Werte je Kanal. Zuletzt: Beschleunigung x" in line and "\u00a0mg" in line
    assert "\n" not in line
    streams = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert "it/s" not in streams and "%|" not in streams  # no tqdm text on top


def test_terminal_gets_tqdm_line_with_german_names(capsys):
    rec = Recording()
    bar = RecordingProgress(seconds=2, samples=None, channels=["temperature", "light"],
                            notebook=False)
    for i in range(20):
        rec.add_row(i * 0.1, ["temperature", "light"], [21.5, 100.0 + i])
        bar.update(i * 0.1, rec)
    bar.close(rec, completed=True)
    out = capsys.readouterr().out
    assert "2/2 s" in out and "Temperatur 21,5\u00a0°C" in out and "Helligkeit 119" in out


def test_final_line_says_when_a_recording_stopped_early():
    rec = Recording()
    bar = RecordingProgress(seconds=10, samples=None, channels=["light"], notebook=False)
    rec.add_row(0.0, ["light"], [5.0])
    rec.add_row(3.2, ["light"], [7.25])
    bar.update(3.2, rec)
    bar.close(rec, completed=False)
    assert bar.final_line(False) == ("Messung vorzeitig beendet: 3/10 s, 2 Werte je Kanal. "
                                     "Zuletzt: Helligkeit 7,25")


def test_importing_the_library_does_not_import_tqdm_or_ipython():
    code = ("import sys, calliope_lib, calliope_lib.progress; "
            "print('tqdm' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_recording_without_an_end_shows_its_time_without_a_bar():
    from calliope_lib.progress import _Running

    rec = Recording()
    bar = RecordingProgress(seconds=None, samples=None, channels=["light"], notebook=False)
    for i in range(25):
        rec.add_row(i * 0.5, ["light"], [float(i)])
        bar.update(i * 0.5, rec)
    running = _Running(bar)
    assert "%;height" not in running._repr_html_() and "12 s" in running._repr_html_()
    assert repr(running) == "Messung: 12 s | Helligkeit 24"
    bar.close(rec)
    assert bar.final_line(False) == ("Messung beendet: 12 s, 25 Werte je Kanal. "
                                     "Zuletzt: Helligkeit 24")


def test_the_running_bar_is_html_with_its_share_and_a_text_twin():
    from calliope_lib.progress import _Running

    rec = Recording()
    bar = RecordingProgress(seconds=10, samples=None, channels=["temperature"], notebook=False)
    rec.add_row(4.0, ["temperature"], [21.25])
    bar.update(4.0, rec)
    running = _Running(bar)
    assert "width:40.0%" in running._repr_html_()
    assert "Temperatur 21,25\u00a0°C" in running._repr_html_()
    assert repr(running) == "Messung:  40% | 4/10 s | Temperatur 21,25\u00a0°C"
