"""Benchmark: what ``live=True`` costs in the lessons' recording cells, in a real kernel.

    .venv/bin/python -m benchmarks.bench_lesson_live

Runs lesson 1's "Live zuschauen" cell (``board.record(["light"], seconds=10, every=0.1,
live=True)``) and lesson 3's main recording (3 channels, 60 s every 0.5 s) in a fresh Jupyter
kernel (nbclient) against the simulated board, three ways each:

* ``live=False``: the recording alone;
* ``live=True`` in a kernel (the inline live view the kid sees; the tests run this way);
* ``live=True`` while nbgrader grades (``NBGRADER_EXECUTION=1``: the live view draws nothing).

At ``CALLIOPE_SIM_SPEED=100`` (the tests' speed) the difference is the live view's own cost;
at speed 1 (a kid's real time, lesson 1's cell only) it shows that the recording still takes its planned time.
Appends a table to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from benchmarks._common import append

CELLS = {
    "lesson 1, light 10 s / 0.1 s": 'board.record(["light"], seconds=10, every=0.1, live={live})',
    "lesson 3, 3 channels 60 s / 0.5 s": ('board.record(["light", "p1", "button_a"], seconds=60, '
                                          'every=0.5, live={live})'),
}
REPEAT = 3


def _cells(speed: int) -> dict[str, str]:
    """At a kid's real speed only lesson 1's 10 s cell (the benchmark stays short)."""
    return CELLS if speed > 1 else dict(list(CELLS.items())[:1])


def _notebook(speed: int) -> object:
    import nbformat

    cells = [nbformat.v4.new_code_cell(
        "import json, time\nimport calliope_lib as cl\n"
        f"board = cl.connect('sim://?seed=1&speed={speed}&p1=ldr')\nresults = {{}}")]
    for label, code in _cells(speed).items():
        for live in (False, True):
            cells.append(nbformat.v4.new_code_cell(
                f"times = []\nfor _ in range({REPEAT if speed > 1 else 1}):\n"
                f"    start = time.perf_counter()\n    rec = {code.format(live=live)}\n"
                f"    times.append(time.perf_counter() - start)\n"
                f"results[{label!r} + ' live={live}'] = min(times)"))
    cells.append(nbformat.v4.new_code_cell("print('RESULTS', json.dumps(results))"))
    return nbformat.v4.new_notebook(cells=cells)


def run(speed: int, grading: bool) -> dict[str, float]:
    from tests.teach.lesson_tools import execute

    env = {"CALLIOPE_LANG": "de", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "NBGRADER_EXECUTION": "autograde" if grading else ""}
    nb = _notebook(speed)
    with tempfile.TemporaryDirectory() as tmp:
        execute(nb, Path(tmp), env, timeout=600)
    for output in nb.cells[-1].outputs:  # type: ignore[attr-defined]
        text = output.get("text", "")
        if text.startswith("RESULTS "):
            return json.loads(text[len("RESULTS "):])
    raise RuntimeError(f"no results: {nb.cells[-1].outputs}")  # type: ignore[attr-defined]


def main() -> int:
    lines = ["Measured under load (2 cores shared with other jobs). Seconds per "
             "`board.record(...)` call in a fresh kernel (best of 3 at speed 100).", "",
             "| cell | sim speed | live=False | live=True (kernel, inline) | "
             "live=True (nbgrader) |", "|---|---:|---:|---:|---:|"]
    for speed in (100, 1):
        kernel = run(speed, grading=False)
        graded = run(speed, grading=True)
        for label in _cells(speed):
            lines.append(f"| {label} | {speed} | {kernel[label + ' live=False']:.2f} | "
                         f"{kernel[label + ' live=True']:.2f} | "
                         f"{graded[label + ' live=True']:.2f} |")
    append("Live view in the lessons (issue 17/19)", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
