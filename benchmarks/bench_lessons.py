"""Benchmark: how long each lesson takes to run top to bottom and to grade (real nbgrader).

    .venv/bin/python -m benchmarks.bench_lessons

Runs every source notebook in ``lessons/`` in a fresh kernel against the simulated board
(``CALLIOPE_SIM_SPEED=100``), then generates the course and autogrades the unchanged release
of every lesson, and appends a "Lessons" table to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

from tests.teach.lesson_tools import (LESSON_ENV, LESSON_NAMES, Course, copy_lesson, errors,
                          execute, notebook_path, read)


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        start = time.perf_counter()
        course = Course(base / "course")
        generate_all = time.perf_counter() - start
        grading_env = {k: v for k, v in LESSON_ENV.items() if k != "CALLIOPE_LESSON_BOARD"}
        for name in LESSON_NAMES:
            folder = copy_lesson(name, base / "run" / name)
            nb = read(notebook_path(folder))
            run_s = execute(nb, folder, LESSON_ENV)
            course.submit("bench", name, read(course.release_notebook(name)))
            grade_s = course.autograde("bench", name, grading_env)
            rows.append((name, run_s, grade_s, len(errors(nb))))
            print(f"{name}: run {run_s:.1f} s, autograde {grade_s:.1f} s, errors {rows[-1][3]}")
    lines = [
        "",
        f"## Lessons ({datetime.now().strftime('%Y-%m-%d %H:%M')}, {platform.node()}, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()})",
        "",
        f"Course generation (all {len(LESSON_NAMES)} assignments, in-process API): "
        f"{generate_all:.1f} s",
        "",
        "| Lesson | run top to bottom (s) | autograde one kid (s) | errors |",
        "|---|---|---|---|",
        *[f"| {n} | {r:.1f} | {g:.1f} | {e} |" for n, r, g, e in rows],
        "",
    ]
    with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    return 0 if all(e == 0 for *_, e in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
