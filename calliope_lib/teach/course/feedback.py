"""``course feedback``: one HTML page per kid with points and comments, all in one zip.

nbgrader's ``generate_feedback`` writes ``feedback/<id>/<lesson>/<notebook>.html`` for every
graded kid. Those pages are collected into ``rueckgabe/<lesson>-rueckmeldung.zip`` with one
file per kid named so the teacher can find each kid at a glance:
``Lovelace_Ada_ada.lovelace.html`` (plus ``_<notebook>`` when a lesson has several
notebooks). Upload it to the platform, or hand each kid their file.

    >>> zipped, problems = feedback_lesson(course, "01")       # doctest: +SKIP
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from calliope_lib.teach.course.config import Course, Student
from calliope_lib.teach.course.errors import NothingSubmitted, Problem, StepFailed
from calliope_lib.teach.course.names import fold


def _file_name(student: Student, notebook: str | None) -> str:
    # Names folded to ASCII (ZIP tools on old Windows garble umlauts); the id is safe as is.
    names = [re.sub(r"[^A-Za-z0-9.-]+", "-", fold(p).title()).strip("-")
             for p in (student.last_name, student.first_name) if p]
    base = "_".join([n for n in names if n] + [student.id])
    return f"{base}_{notebook}.html" if notebook else f"{base}.html"


def feedback_lesson(course: Course, lesson: str) -> tuple[Path, list[Problem]]:
    """Make the feedback pages of ``lesson`` and zip them; returns ``(zip, problems)``."""
    lesson = course.lesson(lesson)
    graded = sorted({p.parent.name for p in course.autograded_dir.glob(f"*/{lesson}")
                     if p.is_dir()}) if course.autograded_dir.is_dir() else []
    if not graded:
        raise NothingSubmitted(lesson=lesson, course=str(course.root))
    result = course.api().generate_feedback(lesson, force=True)
    if not result.get("success"):
        lines = (result.get("error") or result.get("log") or "?").strip().splitlines()
        raise StepFailed(step="generate_feedback", lesson=lesson, why=lines[-1] if lines else "?")
    known = course.student_map()
    notebooks = course.notebooks(lesson)
    problems: list[Problem] = []
    course.returns_dir.mkdir(exist_ok=True)
    zipped = course.returns_dir / f"{lesson}-rueckmeldung.zip"
    tmp = zipped.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for student_id in graded:
            student = known.get(student_id, Student(student_id))
            for notebook in notebooks:
                page = course.feedback_dir / student_id / lesson / f"{notebook}.html"
                if not page.exists():
                    problems.append(Problem("course.feedback.missing", student.label, lesson,
                                            {"file": page.name}))
                    continue
                name = _file_name(student, notebook if len(notebooks) > 1 else None)
                archive.write(page, f"{lesson}/{name}")
    tmp.replace(zipped)
    return zipped, problems
