"""Grading 30 submissions of one lesson: ``course grade`` (parallel) vs ``nbgrader autograde``.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_grading [--students 30] [--lesson 01-hallo-calliope]

Builds a course in a temporary folder (``course init`` with the package's lesson), a class
of N kids whose submissions mix perfect, partial and untouched notebooks (the perfect ones
with their own data file), then grades everything twice in the same run:

1. nbgrader's own command, sequential: ``nbgrader autograde LESSON`` (one process for all
   kids, the same ``nbgrader_config.py``, so the same kernel limits);
2. ``course grade`` (one process per kid, CPU cores + 1 at a time), *sealed*: each kid in
   its own workspace, inside bubblewrap where it exists, with the grading guard around every
   test cell and the scores written by nbgrader's autograde replaying the sealed run.

Both runs must give every kid the same points (checked). One kid is graded once before
timing so that both runs start with warm disk caches. Target: ``course grade`` <= 0.6x the
wall time of ``nbgrader autograde`` on a 2-core machine. The result is appended to
``benchmarks/RESULTS.md`` under "Grading".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


from benchmarks._common import append

from tests.teach.course_fixtures.classroom import PARTIAL_01, PERFECT_01, dumps, fill


def points(course, lesson: str) -> dict[str, float]:
    with course.gradebook() as gb:
        return {s.student.id: float(s.score) for s in gb.find_assignment(lesson).submissions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--lesson", default="01-hallo-calliope")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the course folder")
    args = parser.parse_args(argv)

    from calliope_lib.teach.course.config import ensure_tools_on_path
    from calliope_lib.teach.course.grade import default_jobs, grade_lesson
    from calliope_lib.teach.course.init import init_course
    from calliope_lib.teach.course.release import release_lesson

    ensure_tools_on_path()
    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    course = init_course(base / "kurs", lessons=[args.lesson], timeout=60)
    lesson = course.lesson(args.lesson)
    with course.gradebook() as gb:
        for i in range(args.students):
            gb.update_or_create_student(f"kind{i:02d}", first_name=f"Kind{i:02d}",
                                        last_name="Test")
    release_lesson(course, lesson)
    release_nb = json.loads((course.release_dir / lesson / f"{lesson}.ipynb").read_text("utf-8"))
    reference = sorted((course.source_dir / lesson).glob("beispiel_*.csv"))
    kinds = ["perfect", "partial", "untouched"]
    for i in range(args.students):
        folder = course.submitted_dir / f"kind{i:02d}" / lesson
        folder.mkdir(parents=True)
        kind = kinds[i % 3]
        if lesson == "01-hallo-calliope":
            answers = {"perfect": PERFECT_01, "partial": PARTIAL_01, "untouched": {}}[kind]
        else:  # another lesson: handed in as released (still a full run of the notebook)
            answers = {}
        (folder / f"{lesson}.ipynb").write_bytes(dumps(fill(release_nb, answers)))
        if kind == "perfect" and reference:
            shutil.copy(reference[0], folder / "meine_messung.csv")

    # Warm-up: one kid, so both timed runs start with warm caches.
    course.api().autograde(lesson, "kind00", force=True)

    env = {**os.environ, "PATH": os.pathsep.join([os.path.dirname(sys.executable),
                                                 os.environ.get("PATH", "")])}
    import resource

    def cpu() -> float:  # CPU seconds of this process and every finished descendant
        own, kids = (resource.getrusage(resource.RUSAGE_SELF),
                     resource.getrusage(resource.RUSAGE_CHILDREN))
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    started, cpu0 = time.monotonic(), cpu()
    proc = subprocess.run(["nbgrader", "autograde", lesson, "--force"], cwd=course.root,
                          env=env, capture_output=True, text=True)
    t_nbgrader, c_nbgrader = time.monotonic() - started, cpu() - cpu0
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        return 1
    first = points(course, lesson)

    shutil.rmtree(course.autograded_dir)
    jobs = args.jobs or default_jobs()
    started, cpu0 = time.monotonic(), cpu()
    report = grade_lesson(course, lesson, jobs=jobs, allow_root=True, progress=False)
    t_ours, c_ours = time.monotonic() - started, cpu() - cpu0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    second = points(course, lesson)
    same = first == second and len(first) == args.students
    failed = len(report.failed)

    ratio = t_ours / t_nbgrader
    from calliope_lib.teach.course.limits import describe

    append("Grading", [
        f"Sealed grading (issue 13): protection `{report.protection}`, memory per kid: "
        f"`{describe()}`.",
        f"{args.students} submissions of `{lesson}` (1/3 perfect with own data, 1/3 partial, "
        "1/3 untouched), per-cell timeout 60 s, kernel memory limit 2048 MB.",
        "",
        "| run | wall time (s) | per kid (s) | CPU time (s) |",
        "|---|---:|---:|---:|",
        f"| `nbgrader autograde` (sequential, its own CLI) | {t_nbgrader:.1f} | "
        f"{t_nbgrader / args.students:.2f} | {c_nbgrader:.1f} |",
        f"| `course grade` ({jobs} kid processes at a time, sealed) | {t_ours:.1f} | "
        f"{t_ours / args.students:.2f} | {c_ours:.1f} |",
        "",
        f"1-minute load average at the end: {load:.1f}. The CPU column of `course grade` misses "
        "the kernels (ended by a kill inside the sandbox, their CPU time is not collected).",
        "",
        f"Ratio **{ratio:.2f}x** (target <= 0.6x). Same points for every kid in both runs: "
        f"{'yes' if same else 'NO'}; kids that failed: {failed}. "
        f"Points: {sorted(set(second.values()))}.",
    ])
    if args.keep:
        print(f"course kept in {course.root}")
    else:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if same and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
