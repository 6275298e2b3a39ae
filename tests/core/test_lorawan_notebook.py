"""The key never reaches a notebook: a real kernel connects with the key from the
environment, records from a real broker, shows the source, the recording and an error, and
the saved notebook and CSV are searched for the key."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.core.lorawan_broker import (
    GARDEN_APP,
    GARDEN_KEY,
    Broker,
    mosquitto_path,
    tts_topic,
    tts_uplink,
)

pytestmark = [pytest.mark.skipif(mosquitto_path() is None, reason="mosquitto not installed"),
              pytest.mark.slow]


def test_a_notebook_that_records_the_garden_holds_no_key(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    broker = Broker(tmp_path)
    broker.start()
    url = f"ttn://{GARDEN_APP}@127.0.0.1:{broker.port}?tls=0"
    cells = [
        f"import calliope_lib as cl\ngarten = cl.connect({url!r})\ngarten",
        "print(garten.info)",
        "rec = garten.record(seconds=3, save_to='garten.csv')\nrec",
        "rec.metadata",
        "rec.summary()",
        "rec.plot();",
        # an error cell: the traceback and message are outputs too
        f"cl.connect({url.replace(GARDEN_APP, 'gibt-es-nicht')!r})",
        "garten.close()",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    stop = threading.Event()

    def network_server() -> None:  # an uplink every half second until the notebook is done
        count = 0
        while not stop.wait(0.5):
            count += 1
            broker.publish(tts_topic("boden-1"), tts_uplink(
                "boden-1", datetime.now(timezone.utc), {"moisture": 40 + count % 5},
                f_cnt=count))

    monkeypatch.setenv("CALLIOPE_LORA_KEY", GARDEN_KEY)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebook's own inline plots
    sender = threading.Thread(target=network_server, daemon=True)
    sender.start()
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        stop.set()
        sender.join()
        broker.stop()
    saved = tmp_path / "garten.ipynb"
    nbformat.write(nb, saved)
    outputs = [o for cell in nb.cells for o in cell.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["LoraLoginRefused"]  # only the cell meant to fail
    text = saved.read_text()
    assert "boden-1.moisture" in text and "lorapark-garten" in text  # it did record
    assert "image/png" in text  # and plot
    for path in (saved, tmp_path / "garten.csv"):
        data = path.read_bytes()
        assert GARDEN_KEY.encode() not in data, path.name
        assert b"SECRETPART4711" not in data, path.name
