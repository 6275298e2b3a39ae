"""``course grade``: autograde every submission of a lesson, in parallel, with limits.

nbgrader's own ``nbgrader autograde`` grades one student after the other and shows no
progress. Here a pool of worker processes (one per CPU core by default) grades several kids
at once (one per CPU core plus one); each worker holds its own ``NbGraderAPI`` and calls ``autograde(lesson, student)``
exactly as nbgrader's command does, so points are the same.

The shared SQLite gradebook: nbgrader opens it briefly before and after running a notebook
(never while the kid's code runs), and SQLite serialises writers with a file lock. The
workers connect with a long busy timeout (``?timeout=120``) so that a writer waits for the
lock instead of failing with "database is locked". ``benchmarks/bench_grading.py`` grades 30
kids this way and checks every point against a sequential run.

Each kernel runs with the limits of :mod:`calliope_lib.teach.course.kernel` (time per cell, memory,
CPU). Kids' code runs as the user who grades: refused as root unless ``allow_root=True``.

After grading, the gradebook and the graded notebooks are read once more, so the teacher
learns *why* a task scored zero when the reason is not the kid's answer: a timeout (endless
loop), a memory limit, output on stderr, an edited or deleted test cell.

    >>> report = grade_lesson(course, "01", jobs=2)        # doctest: +SKIP
    >>> for line in report.lines(): print(line)            # doctest: +SKIP
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Callable

from calliope_lib.messages import t
from calliope_lib.teach.course.config import Course, Student
from calliope_lib.teach.course.errors import NothingSubmitted, Problem, RootRefused
from calliope_lib.teach.course.names import fold
from calliope_lib.teach.course.release import generate, is_generated

#: The gradebook URL suffix that makes a waiting writer patient (seconds).
DB_BUSY_TIMEOUT = 120
#: the text nbgrader puts at the top of a test cell it had to put back
_RESTORED = "was missing from the submission"


@dataclass
class TaskScore:
    """Points of one graded cell."""

    name: str
    score: float
    max_score: float
    needs_manual_grade: bool = False


@dataclass
class StudentResult:
    """How grading went for one kid."""

    student: Student
    lesson: str
    ok: bool
    seconds: float = 0.0
    score: float = 0.0
    max_score: float = 0.0
    tasks: list[TaskScore] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    log: str = ""

    @property
    def auto_max(self) -> float:
        """Points the autograder can give (manually graded answers left out)."""
        return sum(task.max_score for task in self.tasks if not task.needs_manual_grade)


@dataclass
class GradeReport:
    """All kids of one grading run."""

    lesson: str
    results: list[StudentResult]
    jobs: int
    seconds: float

    @property
    def failed(self) -> list[StudentResult]:
        return [r for r in self.results if not r.ok]

    def lines(self, lang: str | None = None) -> list[str]:
        out = [t("course.grade.summary", lang, lesson=self.lesson, count=len(self.results),
                 ok=len(self.results) - len(self.failed), failed=len(self.failed),
                 seconds=self.seconds, jobs=self.jobs)]
        for result in sorted(self.results, key=lambda r: (fold(r.student.last_name),
                                                          fold(r.student.first_name),
                                                          r.student.id)):
            if result.ok:
                manual = sum(1 for task in result.tasks if task.needs_manual_grade)
                out.append(t("course.grade.row", lang, student=result.student.label,
                             score=result.score, max=result.max_score,
                             manual=t("course.grade.manual", lang, count=manual)
                             if manual else ""))
            out.extend("  " + problem.text(lang) for problem in result.problems)
        return out


# -- the worker side ---------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _worker_init(root: str, overrides: dict[str, Any]) -> None:
    """Once per worker process: its own NbGraderAPI on the shared gradebook."""
    import warnings

    # nbformat and SQLAlchemy warn about things inside nbgrader the teacher cannot change;
    # on stderr they would tear the progress bar apart.
    warnings.filterwarnings("ignore")
    course = Course(root)
    overrides = dict(overrides)
    overrides["CourseDirectory__db_url"] = (f"sqlite:///{course.db_path}"
                                            f"?timeout={DB_BUSY_TIMEOUT}")
    _WORKER["api"] = course.api(course.config(**overrides))


def _grade_one(lesson: str, student: str) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = _WORKER["api"].autograde(lesson, student, force=True, create=True)
    except Exception as exc:  # noqa: BLE001  (the API should not raise; report if it does)
        result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
    result["seconds"] = time.monotonic() - started
    return result


# -- the teacher's side ------------------------------------------------------------------------
def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def default_jobs() -> int:
    """One grading process per CPU core this process may use, plus one.

    A grading worker spends part of each kid waiting (kernel start-up handshake, ZeroMQ
    round trips), so one extra worker keeps the cores busy: on 2 cores, 30 kids of lesson 1
    took 0.57x of ``nbgrader autograde`` with 2 workers and 0.44x with 3
    (``benchmarks/RESULTS.md``, "Grading").
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, cores) + 1


def submitted_students(course: Course, lesson: str) -> list[str]:
    """Ids with a folder ``submitted/<id>/<lesson>/``."""
    if not course.submitted_dir.is_dir():
        return []
    return sorted(p.name for p in course.submitted_dir.iterdir()
                  if (p / lesson).is_dir() and not p.name.startswith("."))


def _precheck(course: Course, lesson: str, student: Student) -> list[Problem]:
    """Reasons not to start nbgrader for this kid (missing or unreadable notebook)."""
    folder = course.submitted_dir / student.id / lesson
    problems = []
    for notebook in course.notebooks(lesson):
        path = folder / f"{notebook}.ipynb"
        if not path.exists():
            others = ", ".join(sorted(p.name for p in folder.glob("*.ipynb"))) or "-"
            problems.append(Problem("course.grade.missing_notebook", student.label, lesson,
                                    {"file": path.name, "others": others}))
            continue
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(nb, dict) or "cells" not in nb:
                raise ValueError("no cells")
        except (UnicodeDecodeError, ValueError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            problems.append(Problem("course.grade.corrupt", student.label, lesson,
                                    {"file": path.name, "why": why}))
    return problems


def _failure(result: dict[str, Any]) -> str:
    """The last meaningful line of nbgrader's error or log."""
    text = result.get("error") or result.get("log") or ""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line or "Exception" in line:
            return line[:300]
    return lines[-1][:300] if lines else "?"


def _scores(course: Course, lesson: str, results: dict[str, StudentResult]) -> None:
    """Fill in points per task from the gradebook (one connection for all kids)."""
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        for student_id, result in results.items():
            if not result.ok:
                continue
            try:
                submission = gb.find_submission(lesson, student_id)
            except MissingEntry:
                result.ok = False
                result.problems.append(Problem("course.grade.not_in_gradebook",
                                               result.student.label, lesson))
                continue
            result.score = float(submission.score)
            result.max_score = float(submission.max_score)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    result.tasks.append(TaskScore(grade.name, float(grade.score or 0),
                                                  float(grade.max_score),
                                                  bool(grade.needs_manual_grade)))


def _released_sources(course: Course, lesson: str) -> dict[str, str]:
    """grade_id -> source of the locked test cells as handed out (to spot edited tests)."""
    sources = {}
    for path in (course.release_dir / lesson).glob("*.ipynb"):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and meta.get("locked"):
                src = cell.get("source", "")
                sources[meta["grade_id"]] = "".join(src) if isinstance(src, list) else src
    return sources


def _explain(course: Course, lesson: str, result: StudentResult,
             released: dict[str, str]) -> None:
    """Why did a task score zero? Look at the graded notebook (and the submitted one)."""
    scores = {task.name: task for task in result.tasks}
    submitted: dict[str, str] = {}
    for path in (course.submitted_dir / result.student.id / lesson).glob("*.ipynb"):
        try:
            for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if meta.get("grade_id"):
                    src = cell.get("source", "")
                    submitted[meta["grade_id"]] = "".join(src) if isinstance(src, list) else src
        except (OSError, ValueError):
            continue
    for grade_id, source in released.items():
        if grade_id not in submitted:
            result.problems.append(Problem("course.grade.test_deleted", result.student.label,
                                           lesson, {"task": grade_id}))
        elif submitted[grade_id].strip() != source.strip():
            result.problems.append(Problem("course.grade.test_edited", result.student.label,
                                           lesson, {"task": grade_id}))
    for path in (course.autograded_dir / result.student.id / lesson).glob("*.ipynb"):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        timed_out = False
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            outputs = cell.get("outputs", [])
            errors = [o.get("ename", "") for o in outputs if o.get("output_type") == "error"]
            if "CellTimeoutError" in errors:
                timed_out = True
            grade_id = meta.get("grade_id")
            task = scores.get(grade_id or "")
            if not (meta.get("grade") and task and task.score == 0 and task.max_score > 0):
                continue
            if "CellTimeoutError" in errors or (timed_out and "NameError" in errors):
                key = "course.grade.timeout"
            elif "MemoryError" in errors:
                key = "course.grade.memory"
            elif errors:
                continue  # an ordinary wrong answer: the feedback shows the message
            elif any(o.get("output_type") == "stream" and o.get("name") == "stderr"
                     for o in outputs):
                key = "course.grade.stderr"
            else:
                continue
            result.problems.append(Problem(key, result.student.label, lesson,
                                           {"task": grade_id, "timeout": _timeout(course)}))


def _timeout(course: Course) -> int:
    try:
        return int(course.config().Execute.timeout)
    except (AttributeError, TypeError, ValueError):
        return 30


def _mp_context() -> multiprocessing.context.BaseContext:
    # fork is the cheapest start (nbgrader is already imported); elsewhere: spawn.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def grade_lesson(course: Course, lesson: str, *, students: list[str] | None = None,
                 jobs: int | None = None, timeout: int | None = None,
                 memory_mb: int | None = None, allow_root: bool = False,
                 progress: bool = True,
                 on_failure: Callable[[StudentResult], None] | None = None) -> GradeReport:
    """Autograde ``lesson`` for every kid who handed it in (or only ``students``).

    ``jobs``: parallel graders (default: CPU cores + 1); ``timeout``: seconds per cell and
    ``memory_mb``: per kernel, both overriding ``nbgrader_config.py`` for this run.
    ``on_failure`` is called at once for every kid that could not be graded (the CLI prints
    a line there). Raises :class:`RootRefused` as root without ``allow_root``, and
    :class:`NothingSubmitted` when nobody handed the lesson in.
    """
    if running_as_root() and not allow_root:
        raise RootRefused()
    started = time.monotonic()
    lesson = course.lesson(lesson)
    ids = students or submitted_students(course, lesson)
    if not ids:
        raise NothingSubmitted(lesson=lesson, course=str(course.root))
    if not is_generated(course, lesson):
        generate(course, lesson)
    known = course.student_map()
    results: dict[str, StudentResult] = {}
    runnable: list[str] = []
    for student_id in ids:
        student = known.get(student_id, Student(student_id))
        result = StudentResult(student, lesson, ok=True)
        results[student_id] = result
        result.problems = _precheck(course, lesson, student)
        if result.problems:
            result.ok = False
            if on_failure:
                on_failure(result)
        else:
            runnable.append(student_id)

    overrides: dict[str, Any] = {}
    if timeout is not None:
        overrides["Execute__timeout"] = int(timeout)
    if memory_mb is not None:
        overrides["LimitedKernelManager__memory_mb"] = int(memory_mb)
    jobs = max(1, min(jobs or default_jobs(), len(runnable) or 1))

    def finish(student_id: str, outcome: dict[str, Any]) -> None:
        result = results[student_id]
        result.seconds = outcome.get("seconds", 0.0)
        result.log = outcome.get("log", "")
        if not outcome.get("success"):
            result.ok = False
            result.problems.append(Problem("course.grade.failed", result.student.label, lesson,
                                           {"why": _failure(outcome), "sid": student_id}))
            if on_failure:
                on_failure(result)

    if runnable:
        from tqdm.auto import tqdm

        with ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(),
                                 initializer=_worker_init,
                                 initargs=(str(course.root), overrides)) as pool:
            futures = {pool.submit(_grade_one, lesson, sid): sid for sid in runnable}
            bar = tqdm(total=len(futures), desc=t("course.grade.progress", lesson=lesson),
                       disable=not progress, file=sys.stdout,
                       bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}<{remaining}")
            try:
                for future in as_completed(futures):
                    sid = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as exc:  # noqa: BLE001  (a worker died: report the kid)
                        outcome = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
                    finish(sid, outcome)
                    bar.update(1)
            finally:
                bar.close()

    _scores(course, lesson, results)
    released = _released_sources(course, lesson)
    for result in results.values():
        if result.ok:
            _explain(course, lesson, result, released)
    return GradeReport(lesson, list(results.values()), jobs, time.monotonic() - started)
