"""``course release``: the student version of a lesson, as a folder and a zip to hand out.

The student version is made the one way :mod:`calliope_lib.teach.course.student` knows
(nbgrader's ``generate_assignment``, German placeholders); it also records every graded cell
in the gradebook (grading needs that record). The result is copied to
``austeilen/<lesson>/`` and packed as ``austeilen/<lesson>.zip`` (one top folder
``<lesson>/`` inside, so unpacking never scatters files), with a short German note for the
kids (``LIES_MICH.txt``) saying what to hand back.

    >>> folder, zipped = release_lesson(course, "01")          # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from calliope_lib.messages import t
from calliope_lib.teach.course.config import Course
from calliope_lib.teach.course.student import generate_student_version


def generate(course: Course, lesson: str) -> None:
    """Make the student version of ``lesson`` in ``release/`` and record its graded cells in
    the gradebook (:func:`calliope_lib.teach.course.student.generate_student_version`)."""
    with course.gradebook() as gb:
        gb.update_or_create_assignment(lesson)
    generate_student_version(course.config(), lesson)


def is_generated(course: Course, lesson: str) -> bool:
    """Whether the gradebook already knows the lesson's graded cells."""
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        try:
            assignment = gb.find_assignment(lesson)
        except MissingEntry:
            return False
        return bool(assignment.notebooks)


def release_lesson(course: Course, lesson: str) -> tuple[Path, Path]:
    """Make the student version of ``lesson``; returns ``(folder, zip)`` in ``austeilen/``."""
    lesson = course.lesson(lesson)
    generate(course, lesson)
    released = course.release_dir / lesson
    folder = course.handout_dir / lesson
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(released, folder)
    notebooks = ", ".join(f"{nb}.ipynb" for nb in course.notebooks(lesson))
    (folder / "LIES_MICH.txt").write_text(
        t("course.release.kid_note", lesson=lesson, notebooks=notebooks) + "\n",
        encoding="utf-8")
    zipped = course.handout_dir / f"{lesson}.zip"
    tmp = zipped.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{lesson}/{path.relative_to(folder).as_posix()}")
    tmp.replace(zipped)
    return folder, zipped
