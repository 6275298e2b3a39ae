"""Remember the last flash run, so ``calliope-mini flash FILE --retry`` takes only the failed boards.

In a room of 30 boards a few always fail (a loose cable, a board in the wrong mode). The
leader fixes those and runs again with ``--retry``; the boards that already worked are not
flashed a second time. The memory is one small JSON file per user.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Sequence

from calliope_lib.workshop.flashing.results import FlashResult, FlashTarget


def state_file() -> Path:
    """Where the last flash run is remembered (``CALLIOPE_STATE_DIR`` overrides)."""
    base = os.environ.get("CALLIOPE_STATE_DIR")
    if base:
        return Path(base) / "last_flash.json"
    if os.name == "nt":
        root = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return root / "calliope-lib" / "last_flash.json"


def save_results(hex_path: str, results: Sequence[FlashResult]) -> None:
    """Remember which boards a run flashed and how each one did."""
    path = state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"hex": os.path.abspath(hex_path), "time": time.time(),
                                    "results": [r.to_json() for r in results]}, indent=1),
                        encoding="utf-8")
    except OSError:
        pass  # remembering is a convenience; flashing worked or failed regardless


def load_failed() -> list[dict[str, Any]]:
    """The boards that failed in the last run (as saved by :func:`save_results`)."""
    try:
        state = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in state.get("results", []) if not r.get("ok")]


def select_failed(targets: Sequence[FlashTarget],
                  failed: Sequence[dict[str, Any]]) -> list[FlashTarget]:
    """The targets that match a failed board (by serial number, else drive, else port)."""
    chosen = []
    for t in targets:
        for f in failed:
            if (t.serial_number and f.get("serial_number") == t.serial_number) or \
                    (t.drive and f.get("drive") == t.drive) or (t.port and f.get("port") == t.port):
                chosen.append(t)
                break
    return chosen
