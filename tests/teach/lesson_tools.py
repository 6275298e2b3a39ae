"""Helpers for tests/teach/test_lessons.py: a real nbgrader course made from the lessons, kid submissions.

Nothing here imitates nbgrader: the course is built with nbgrader's in-process API
(``NbGraderAPI``, ``Gradebook``) exactly as ``shared/facts/nbgrader.md`` describes, and
notebooks run in real kernels (nbclient).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "calliope_lib" / "teach" / "lessons"
LESSON_NAMES = sorted(p.name for p in LESSONS.iterdir()
                      if p.is_dir() and p.name[:2].isdigit() and any(p.glob("*.ipynb")))

#: German placeholders: the very ones the course tooling writes into nbgrader_config.py.
from calliope_lib.teach.course.student import CODE_STUB, TEXT_STUB  # noqa: E402

#: The environment a lesson runs in during tests: simulated board only, fast.
LESSON_ENV = {"CALLIOPE_LESSON_BOARD": "sim", "CALLIOPE_SIM_SPEED": "100",
              "CALLIOPE_LANG": "de", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}

_SOLUTION = re.compile(r"[ \t]*### BEGIN SOLUTION\n(.*?)[ \t]*### END SOLUTION\n?", re.S)


@dataclass(frozen=True)
class Kid:
    """A typical kid's submission: one answer wrong, one left out.

    ``wrong``: grade id of a solution cell -> the kid's (wrong) code for the whole cell.
    ``missing``: grade id of a solution cell the kid did not touch.
    ``failing``: the test cells that must then score 0 (all others full points).
    ``own_file``: the kid's own recording to hand in: (file name, sim URL, channels, seconds,
    every).
    """

    wrong: dict[str, str]
    missing: str
    failing: frozenset[str]
    own_file: tuple[str, str, tuple[str, ...], float, float]
    damaged_own_file: bool = False
    answers: dict[str, str] = field(default_factory=dict)


def notebook_path(folder: Path) -> Path:
    return next(folder.glob("*.ipynb"))


def read(path: Path) -> Any:
    import nbformat

    return nbformat.read(str(path), as_version=4)


def nbgrader_cells(nb: Any) -> dict[str, Any]:
    """grade id -> cell."""
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if "nbgrader" in c.metadata and "grade_id" in c.metadata["nbgrader"]}


def points(nb: Any) -> dict[str, float]:
    """grade id -> points of every autograded test cell."""
    return {gid: float(c.metadata["nbgrader"]["points"]) for gid, c in nbgrader_cells(nb).items()
            if c.metadata["nbgrader"].get("grade") and not c.metadata["nbgrader"].get("solution")}


def solution_code(cell_source: str) -> str:
    """A source solution cell with the solution markers removed (the lines kept)."""
    return _SOLUTION.sub(lambda m: m.group(1), cell_source)


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """``env`` set in ``os.environ`` inside the block (kernels inherit it), restored after."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(nb: Any, folder: Path, env: dict[str, str], timeout: int = 120) -> float:
    """Run ``nb`` top to bottom in a fresh kernel in ``folder``; returns seconds taken.

    Errors do not stop the run (as in nbgrader); the outputs show them.
    """
    from nbclient import NotebookClient

    with environment(env):
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
        return time.perf_counter() - start


def errors(nb: Any) -> list[tuple[str, str]]:
    """(cell id, error) of every cell that raised."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                out.append((cell.get("id", "?"), f"{o.ename}: {o.evalue}"))
    return out


def stderr_of(nb: Any, only_tests: bool = True) -> list[tuple[str, str]]:
    """(cell id, text) of every stderr output (in test cells only, by default)."""
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if only_tests and not (meta.get("grade") and cell.cell_type == "code"):
            continue
        for o in cell.get("outputs", []):
            if o.output_type == "stream" and o.name == "stderr":
                out.append((cell.get("id", "?"), o.text))
    return out


def copy_lesson(name: str, dest: Path) -> Path:
    """Copy a lesson folder to ``dest`` as the course tooling does: without anybody's
    ``meine_*`` files and without the teachers' note (it holds the expected results)."""
    shutil.copytree(LESSONS / name, dest,
                    ignore=shutil.ignore_patterns("meine_*", ".ipynb_checkpoints",
                                                 "LEHRKRAFT.md"))
    return dest


# -- the course -----------------------------------------------------------------------------
class Course:
    """An nbgrader course in ``root`` with every lesson as an assignment."""

    def __init__(self, root: Path) -> None:
        from nbgrader.api import Gradebook
        from nbgrader.apps import NbGraderAPI
        from traitlets.config import Config

        self.root = root
        # nbgrader's gradebook runs the ``alembic`` command of its own environment.
        bin_dir = str(Path(sys.executable).parent)
        if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
        (root / "exchange").mkdir(parents=True, exist_ok=True)
        for name in LESSON_NAMES:
            copy_lesson(name, root / "source" / name)
        c = Config()
        c.CourseDirectory.root = str(root)
        c.CourseDirectory.course_id = "calliope"
        c.Exchange.root = str(root / "exchange")
        c.Execute.timeout = 120
        c.OverwriteCells.add_missing_cells = True
        c.ClearSolutions.code_stub = {"python": CODE_STUB}
        c.ClearSolutions.text_stub = TEXT_STUB
        self.api = NbGraderAPI(config=c)
        with Gradebook(self.api.coursedir.db_url, course_id="calliope") as gb:
            for name in LESSON_NAMES:
                gb.update_or_create_assignment(name)
        self.generate_seconds: dict[str, float] = {}
        for name in LESSON_NAMES:
            start = time.perf_counter()
            result = self.api.generate_assignment(name)
            self.generate_seconds[name] = time.perf_counter() - start
            if not result["success"]:
                raise RuntimeError(f"generate_assignment {name}: {result['error']}\n{result['log']}")

    def release_notebook(self, name: str) -> Path:
        return notebook_path(self.root / "release" / name)

    def submit(self, student: str, name: str, nb: Any, extra: dict[str, bytes] | None = None) -> Path:
        """Put a filled notebook (and the kid's own files) into ``submitted/``."""
        import nbformat
        from nbgrader.api import Gradebook

        with Gradebook(self.api.coursedir.db_url, course_id="calliope") as gb:
            gb.update_or_create_student(student)
        folder = self.root / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / self.release_notebook(name).name))
        for file_name, data in (extra or {}).items():
            (folder / file_name).write_bytes(data)
        (folder / "timestamp.txt").write_text("2025-06-02 10:00:00.000000 UTC")
        return folder

    def autograde(self, student: str, name: str, env: dict[str, str]) -> float:
        with environment(env):
            start = time.perf_counter()
            result = self.api.autograde(name, student, force=True, create=True)
            took = time.perf_counter() - start
        if not result["success"]:
            raise RuntimeError(f"autograde {name}/{student}: {result['error']}\n{result['log']}")
        return took

    def grades(self, student: str, name: str) -> dict[str, tuple[float | None, float]]:
        """grade id -> (score, max score) of every graded cell of the lesson's notebook."""
        from nbgrader.api import Gradebook

        nb_name = self.release_notebook(name).stem
        out = {}
        with Gradebook(self.api.coursedir.db_url, course_id="calliope") as gb:
            sub = gb.find_submission_notebook(nb_name, name, student)
            for grade in sub.grades:
                out[grade.name] = (grade.score, grade.max_score)
        return out

    def score(self, student: str, name: str) -> tuple[float, float]:
        from nbgrader.api import Gradebook

        with Gradebook(self.api.coursedir.db_url, course_id="calliope") as gb:
            sub = gb.find_submission(name, student)
            return float(sub.score), float(sub.max_score)

    def autograded_notebook(self, student: str, name: str) -> Path:
        return self.root / "autograded" / student / name / self.release_notebook(name).name


def fill(release: Any, source: Any, kid: Kid) -> Any:
    """The release notebook as a kid fills it in: every answer as in the solution, except
    ``kid.wrong`` (the kid's wrong code) and ``kid.missing`` (left as handed out)."""
    import copy

    nb = copy.deepcopy(release)
    solutions = nbgrader_cells(source)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        gid = meta["grade_id"]
        if gid == kid.missing:
            continue
        if cell.cell_type == "markdown":
            cell.source = kid.answers.get(gid, "Ich habe gesehen, dass sich die Werte ändern.")
        elif gid in kid.wrong:
            cell.source = kid.wrong[gid]
        else:
            cell.source = solution_code(solutions[gid].source)
    return nb


def own_recording(url: str, channels: tuple[str, ...], seconds: float, every: float,
                  path: Path, damaged: bool = False) -> bytes:
    """Record a kid's own file from the simulated board (as the notebook's record cell does)."""
    import calliope_lib as cl
    from calliope_lib import lesson

    # "x=acceleration_x": a column of the board's data logger export (lesson 5's walk).
    columns = dict(c.split("=", 1) for c in channels if "=" in c)
    names = list(columns.values()) or list(channels)
    with cl.connect(url) as board:
        rec = board.record(names, seconds=seconds, every=every, progress=False)
    if columns:
        path.write_text(lesson.datalogger_text(rec, columns), encoding="utf-8")
    else:
        rec.save(path)
    data = path.read_bytes()
    if damaged:
        # One broken line, as when a kid typed into the file: loading it warns (must not reach
        # stderr while grading).
        lines = data.split(b"\n")
        first_data = next(i for i, line in enumerate(lines) if line[:1].isdigit())
        lines.insert(first_data + 3, b"das ist kaputt;;;")
        data = b"\n".join(lines)
        path.write_bytes(data)
    return data
