"""Shared helpers for the benchmarks: machine description and appending results."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def append(section: str, lines: list[str]) -> None:
    """Append a dated block under ``## section`` to RESULTS.md (newest at the end)."""
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    block = [f"", f"## {section}", f"_{stamp} — {machine()}_", ""] + lines + [""]
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(block))
    print("\n".join(block))
