"""The student version of a lesson: solutions and hidden tests out, German placeholders in.

There is one way to make it: nbgrader's own ``generate_assignment`` converter, run by
:func:`generate_student_version`. It locks the test cells, replaces every solution with a
placeholder, removes hidden tests and outputs and stores checksums, so that grading can later
tell a changed test cell from an untouched one. Two places need the result:

* ``calliope-mini course release`` (:mod:`.release`): inside a course folder, and it also
  records every graded cell in the gradebook (grading needs that record);
* ``calliope-mini lab`` (:mod:`calliope_lib.cli.lab`): a kid's own work folder, no course
  and no gradebook. :func:`student_lesson` makes the student version in a scratch course
  folder for it.

The placeholders are German (nbgrader's own say "YOUR CODE HERE"); a course's
``nbgrader_config.py`` may still name its own (``c.ClearSolutions.code_stub``).

    >>> with student_lesson(Path("lessons/01-hallo-calliope")) as folder:   # doctest: +SKIP
    ...     print(sorted(p.name for p in folder.iterdir()))
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from calliope_lib.teach.course.config import quiet_nbgrader
from calliope_lib.teach.course.errors import StepFailed

if TYPE_CHECKING:  # pragma: no cover
    from traitlets.config import Config

#: What a kid finds where a code solution was (the error says in German what is missing).
CODE_STUB = '# DEIN CODE HIER\nraise NotImplementedError("Hier fehlt noch dein Code")'
#: ... and where a written answer was.
TEXT_STUB = "DEINE ANTWORT HIER"


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else "?"


def student_config(config: "Config", record: bool = True) -> "Config":
    """``config`` plus what every student version needs: the German placeholders (unless the
    config names its own) and, with ``record=False``, no gradebook at all."""
    from traitlets.config import Config

    merged = Config()
    merged.ClearSolutions.code_stub = {"python": CODE_STUB}
    merged.ClearSolutions.text_stub = TEXT_STUB
    merged.merge(config)  # a course's own nbgrader_config.py wins
    if not record:
        # What ``nbgrader generate_assignment --no-db`` sets: no cells saved, no assignment.
        merged.SaveCells.enabled = False
        merged.GenerateAssignment.no_database = True
    return merged


def generate_student_version(config: "Config", lesson: str, record: bool = True) -> Path:
    """``source/<lesson>/`` -> ``release/<lesson>/`` in the course folder of ``config``
    (``CourseDirectory.root``); returns the release folder.

    ``record=True`` also stores the lesson's graded cells in the course's gradebook.
    Raises :class:`~calliope_lib.teach.course.errors.StepFailed` with nbgrader's reason when
    the notebook cannot be converted (a broken cell marker, say).
    """
    quiet_nbgrader()
    from nbgrader.apps import NbGraderAPI

    api = NbGraderAPI(config=student_config(config, record=record))
    result = api.generate_assignment(lesson, force=True, create=record)
    if not result.get("success"):
        raise StepFailed(step="generate_assignment", lesson=lesson,
                         why=_last_line(result.get("error") or result.get("log", "")))
    return Path(api.coursedir.root) / api.coursedir.release_directory / lesson


@contextlib.contextmanager
def student_lesson(folder: Path) -> Iterator[Path]:
    """The student version of the lesson folder ``folder``, in a scratch folder that is
    deleted again when the ``with`` block ends. No gradebook is touched.

    Only the notebooks are converted: the caller copies the lesson's other files itself
    (it knows which of them a kid may get).
    """
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="calliope-student-") as scratch:
        root = Path(scratch)
        source = root / "source" / folder.name
        source.mkdir(parents=True)
        for notebook in folder.glob("*.ipynb"):
            shutil.copy2(notebook, source / notebook.name)
        config = Config()
        config.CourseDirectory.root = str(root)
        yield generate_student_version(config, folder.name, record=False)
