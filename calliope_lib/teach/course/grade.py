"""``course grade``: grade every submission of a lesson, each kid sealed off, in parallel.

nbgrader's own ``nbgrader autograde`` runs every notebook with the teacher's rights inside
the course folder, one kid after the other. Here each kid is graded in two halves
(:mod:`calliope_lib.teach.course.sealed`):

* **execution** in a process of its own per kid (several at once: CPU cores + 1), in a fresh
  temporary workspace with only the lesson's data files and the kid's own ``meine_*.csv``,
  inside the OS sandbox where there is one (:mod:`calliope_lib.teach.course.sandbox`);
  the grading guard undoes tampering before every test cell. A process that dies fails only
  its kid and is retried once; one that takes too long is ended with everything it started.
* **scoring** in this (the teacher's) process only, with nbgrader's own ``autograde`` whose
  ``Execute`` step replays the sealed run. So the gradebook is written by nbgrader's code
  and never by a kernel.

Without an OS sandbox (Windows, macOS, Linux without bubblewrap) the gradebook and the
course's folders are fingerprinted before and checked after each kid; a change is rolled
back and named. The report's first line says which protection was in force.

Every kid gets an outcome: graded, graded with notes (timeout, memory, tampering, a restored
test cell), or not gradable with the reason and what to do. Not gradable kids are recorded in
``bewertung/<lesson>.json`` so that ``course export`` marks them instead of showing 0 or an
old score.

    >>> report = grade_lesson(course, "01", jobs=2)        # doctest: +SKIP
    >>> for line in report.lines(): print(line)            # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import multiprocessing.connection
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
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
    protection: str = "snapshot"   #: ``bwrap`` or ``snapshot`` (:mod:`.sandbox`)
    memory: str = "process"        #: ``cgroup1``/``cgroup2`` (per kid) or ``process``

    @property
    def failed(self) -> list[StudentResult]:
        return [r for r in self.results if not r.ok]

    def lines(self, lang: str | None = None) -> list[str]:
        memory = "kid" if self.memory.startswith("cgroup") else "process"
        out = [t(f"course.grade.protection_{self.protection}", lang) + " "
               + t(f"course.grade.memory_mode_{memory}", lang),
               t("course.grade.summary", lang, lesson=self.lesson, count=len(self.results),
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
            else:
                out.append(t("course.grade.row_failed", lang, student=result.student.label))
            out.extend("  " + problem.text(lang) for problem in result.problems)
        return out


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


#: nbgrader's lines that say nothing about the cause (the cause is in the lines above them)
_USELESS = ("Please see the", "see the above traceback", "NbGraderException")


def _failure(result: dict[str, Any]) -> str:
    """The most telling line of nbgrader's error or log (not "Please see the traceback")."""
    text = "\n".join(part for part in (result.get("error"), result.get("log")) if part)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()
             and not any(u in line for u in _USELESS)]
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


# -- execution: one process per kid -------------------------------------------------------------
def ctx_name() -> str:
    """``fork`` (Linux) or ``spawn``: how kid processes start."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _mp_context() -> multiprocessing.context.BaseContext:
    # fork is the cheapest start (nbgrader is already imported); elsewhere: spawn.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


#: the scoring ``NbGraderAPI`` made once before the kid processes are forked (they share it)
_SCORER: dict[str, Any] = {}


def replay_score(scorer: Any, lesson: str, sid: str, answer: dict[str, Any]) -> dict[str, Any]:
    """nbgrader's ``autograde`` for one kid, replaying the sealed run in ``answer``."""
    import nbformat

    from calliope_lib.teach.course.sealed import ReplayExecute

    names = list(answer.get("notebooks", {}))
    try:
        for name, text in answer["notebooks"].items():
            ReplayExecute.executed[(sid, name)] = nbformat.reads(text, as_version=4)
        outcome = scorer.autograde(lesson, sid, force=True, create=True)
    except Exception as exc:  # noqa: BLE001  (the API should not raise; report if it does)
        outcome = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        for name in names:
            ReplayExecute.executed.pop((sid, name), None)
    return {"success": bool(outcome.get("success")), "error": outcome.get("error") or "",
            "log": (outcome.get("log") or "")[-3000:]}


def _child(conn: Any, root: str, overrides: dict[str, Any], lesson: str, student: str,
           notebooks: list[str], uid: int | None, base: str, token: str,
           score_here: bool) -> None:
    """One kid's execution, in its own process; the answer goes back through ``conn``.

    With ``score_here`` (inside the OS sandbox, where no kernel can reach the course) the
    trusted scoring runs here too, once the kernel has ended, so kids are scored in
    parallel; otherwise the teacher's process scores after checking the course."""
    import warnings

    from calliope_lib.teach.course.sealed import execute_kid

    warnings.filterwarnings("ignore")
    if sys.platform.startswith("linux"):
        try:  # end with the teacher's process, whatever happens to it
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    try:
        course = Course(root)
        config = course.config(**overrides)
        answer: dict[str, Any] = execute_kid(config, course.root, lesson, student, notebooks,
                                             uid, Path(base), token)
        if score_here and "api" in _SCORER:
            answer["scored"] = replay_score(_SCORER["api"], lesson, student, answer)
            answer.pop("notebooks", None)
    except BaseException as exc:  # noqa: BLE001  (reported for this kid only)
        answer = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    try:
        conn.send(answer)
    finally:
        conn.close()


@dataclass
class _Run:
    """One kid's execution process."""

    sid: str
    process: Any
    conn: Any
    slot: int
    started: float
    attempt: int
    token: str


def _budget(course: Course, lesson: str, timeout: int) -> float:
    """Seconds one kid's whole execution may take: every code cell at its timeout, plus
    a minute for kernel start and guard calls."""
    cells = 0
    for path in (course.release_dir / lesson).glob("*.ipynb"):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            cells += sum(1 for c in nb.get("cells", []) if c.get("cell_type") == "code")
        except (OSError, ValueError):
            cells += 30
    return float(max(cells, 5) * timeout + 60)


def _kill(run: _Run) -> None:
    with contextlib.suppress(Exception):
        run.process.kill()
    run.process.join(5)
    with contextlib.suppress(Exception):
        run.conn.close()


def _write_outcomes(course: Course, lesson: str, results: dict[str, StudentResult]) -> Path:
    """``bewertung/<lesson>.json``: who was graded and who not (read by ``course export``)."""
    folder = course.root / "bewertung"
    folder.mkdir(exist_ok=True)
    path = folder / f"{lesson}.json"
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    for sid, result in results.items():
        known[sid] = {"gradable": result.ok,
                      "reason": "; ".join(p.text() for p in result.problems)[:2000],
                      "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    tmp = path.with_suffix(".json.part")
    tmp.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def not_gradable(course: Course, lesson: str) -> dict[str, str]:
    """Kids whose last grading of ``lesson`` found them not gradable: ``{id: reason}``."""
    try:
        known = json.loads((course.root / "bewertung" / f"{lesson}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(known, dict):
        return {}
    return {sid: str(v.get("reason", "")) for sid, v in known.items()
            if isinstance(v, dict) and not v.get("gradable", True)}


def grade_lesson(course: Course, lesson: str, *, students: list[str] | None = None,
                 jobs: int | None = None, timeout: int | None = None,
                 memory_mb: int | None = None, allow_root: bool = False,
                 progress: bool = True,
                 on_failure: Callable[[StudentResult], None] | None = None) -> GradeReport:
    """Grade ``lesson`` for every kid who handed it in (or only ``students``), each sealed.

    ``jobs``: kids at once (default: CPU cores + 1); ``timeout``: seconds per cell and
    ``memory_mb``: per kernel process, both overriding ``nbgrader_config.py`` for this run.
    ``on_failure`` is called at once for every kid that could not be graded (the CLI prints
    a line there). Raises :class:`RootRefused` as root without ``allow_root``, and
    :class:`NothingSubmitted` when nobody handed the lesson in.
    """
    from calliope_lib.teach.course import limits, sandbox
    from calliope_lib.teach.course.sealed import autograde_chain, sanitize_chain

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
    notebooks = course.notebooks(lesson)
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

    db_url = f"sqlite:///{course.db_path}?timeout={DB_BUSY_TIMEOUT}"
    overrides: dict[str, Any] = {"CourseDirectory__db_url": db_url,
                                 "Autograde__sanitize_preprocessors": sanitize_chain()}
    if timeout is not None:
        overrides["Execute__timeout"] = int(timeout)
    if memory_mb is not None:
        overrides["LimitedKernelManager__memory_mb"] = int(memory_mb)
    jobs = max(1, min(jobs or default_jobs(), len(runnable) or 1))
    protection = sandbox.protection()
    budget = _budget(course, lesson, int(timeout or _timeout(course)))
    scorer = course.api(course.config(**overrides,
                                      Autograde__autograde_preprocessors=autograde_chain()))
    base = Path(tempfile.mkdtemp(prefix="calliope-grade-"))
    if running_as_root():
        os.chmod(base, 0o711)  # the sandbox users pass through to their own workspaces
    snapshot = sandbox.Snapshot.take(course.root) if protection == "snapshot" else None
    executed: dict[str, dict[str, Any]] = {}

    def fail(sid: str, key: str, **fields: Any) -> None:
        result = results[sid]
        result.ok = False
        result.problems.append(Problem(key, result.student.label, lesson,
                                       {"sid": sid, **fields}))
        if on_failure:
            on_failure(result)

    def score(sid: str, answer: dict[str, Any]) -> None:
        """The trusted half: nbgrader's autograde replaying the sealed run (done by the
        kid's process already when it ran inside the sandbox)."""
        result = results[sid]
        for key, fields in answer.get("notes", []):
            result.problems.append(Problem(key, result.student.label, lesson, dict(fields)))
        outcome = answer.get("scored") or replay_score(scorer, lesson, sid, answer)
        if not outcome.get("success"):
            fail(sid, "course.grade.failed", why=_failure(outcome))

    score_in_child = protection == "bwrap" and ctx_name() == "fork"
    _SCORER["api"] = scorer
    ctx = _mp_context()
    waiting = list(runnable)
    attempts: dict[str, int] = {}
    running: dict[str, _Run] = {}
    free_slots = list(range(jobs))
    since_check: set[str] = set()  # kids whose kernels ran since the last snapshot check

    def start(sid: str) -> None:
        slot = free_slots.pop(0)
        parent_end, child_end = ctx.Pipe(duplex=False)
        uid = sandbox.FIRST_UID + slot if running_as_root() else None
        token = secrets.token_hex(8)
        process = ctx.Process(target=_child, args=(child_end, str(course.root), overrides,
                                                   lesson, sid, notebooks, uid, str(base),
                                                   token, score_in_child),
                              daemon=True)
        process.start()
        child_end.close()
        attempts[sid] = attempts.get(sid, 0) + 1
        running[sid] = _Run(sid, process, parent_end, slot, time.monotonic(), attempts[sid],
                            token)
        since_check.add(sid)

    def finished(run: _Run, answer: dict[str, Any] | None, why: str) -> None:
        sandbox.kill_marked(run.token)  # without a sandbox: whatever the kernel left behind
        limits.remove_leftovers(f"calliope-{run.token}")
        running.pop(run.sid, None)
        free_slots.append(run.slot)
        free_slots.sort()
        if snapshot is not None:
            changed = snapshot.verify()
            if changed:
                suspects = sorted(since_check | set(running))
                for sid in suspects:
                    results[sid].problems.append(Problem(
                        "course.grade.rolled_back", results[sid].student.label, lesson,
                        {"files": ", ".join(changed[:5]), "count": len(changed),
                         "others": ", ".join(results[s].student.label for s in suspects
                                             if s != sid) or "-"}))
            since_check.clear()
            since_check.update(running)
        if answer is not None and "error" in answer:  # an error, not a crash: no retry
            fail(run.sid, "course.grade.failed", why=answer["error"])
            return
        if answer is None:
            if run.attempt < 2 and why != "too_long":
                waiting.insert(0, run.sid)  # the process died: retried once, at the front
                return
            key = {"too_long": "course.grade.too_long"}.get(why, "course.grade.worker_died")
            fail(run.sid, key, why=why, seconds=int(budget))
            return
        if snapshot is None:
            score(run.sid, answer)
        else:
            executed[run.sid] = answer  # scored once every kernel has ended

    from tqdm.auto import tqdm

    def stop(signum: int, frame: Any) -> None:  # killed from outside: clean up, then end
        raise SystemExit(128 + signum)

    import threading

    previous = (signal.signal(signal.SIGTERM, stop)
                if threading.current_thread() is threading.main_thread() else None)
    bar = tqdm(total=len(runnable), desc=t("course.grade.progress", lesson=lesson),
               disable=not progress, file=sys.stdout,
               bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}<{remaining}")
    try:
        while waiting or running:
            while waiting and free_slots:
                start(waiting.pop(0))
            handles = {r.conn: r for r in running.values()}
            sentinels = {r.process.sentinel: r for r in running.values()}
            ready = multiprocessing.connection.wait([*handles, *sentinels], timeout=0.5)
            done: set[str] = set()
            for item in ready:
                run = handles.get(item) or sentinels.get(item)
                if run is None or run.sid in done:
                    continue
                done.add(run.sid)
                answer = None
                if run.conn.poll():
                    try:
                        answer = run.conn.recv()
                    except (EOFError, OSError):
                        answer = None
                run.process.join(10)
                if run.process.is_alive():
                    _kill(run)
                code = run.process.exitcode
                finished(run, answer, f"exit {code}")
                if run.sid not in waiting:
                    bar.update(1)
            now = time.monotonic()
            for run in list(running.values()):
                if now - run.started > budget:
                    _kill(run)
                    finished(run, None, "too_long")
                    bar.update(1)
    finally:
        for run in list(running.values()):
            _kill(run)
            sandbox.kill_marked(run.token)
            limits.remove_leftovers(f"calliope-{run.token}")
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        _SCORER.pop("api", None)
        bar.close()
        if snapshot is not None:
            snapshot.close()
        shutil.rmtree(base, ignore_errors=True)
    for sid in sorted(executed):
        score(sid, executed[sid])

    for sid, result in results.items():  # no stale autograded notebook for a failed kid
        if not result.ok:
            shutil.rmtree(course.autograded_dir / sid / lesson, ignore_errors=True)
    _scores(course, lesson, results)
    released = _released_sources(course, lesson)
    for result in results.values():
        if result.ok:
            _explain(course, lesson, result, released)
    _write_outcomes(course, lesson, results)
    report = GradeReport(lesson, list(results.values()), jobs, time.monotonic() - started)
    report.protection = protection
    report.memory = limits.describe()
    return report
