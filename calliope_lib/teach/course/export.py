"""``course export``: one table of points, a row per kid, for the teacher's grade book.

Columns: ``ID``, ``Nachname``, ``Vorname``, then for every lesson one column per graded
task (``01-hallo-calliope:test-aufgabe1``), the lesson's sum and how many answers still
wait for manual grading, and at the end the total and the maximum. The first row after the
header holds the maximum points of each column. A lesson a kid did not hand in stays empty
(not 0), so "not handed in" and "0 points" look different; a kid whose last grading failed
reads ``nicht bewertbar`` in the lesson's sum (never a silent 0 or an older score).

Names come from class lists and kids; a cell starting with ``=``, ``+``, ``-``, ``@``, tab or
CR is written with a leading ``'`` so that Excel or LibreOffice never runs it as a formula.

``dialect="excel-de"`` writes what German Excel opens with a double click: ``;`` between
cells, a decimal comma, and a UTF-8 byte-order mark (without it Excel shows ``MÃ¼ller``).

    >>> export_grades(course, "noten.csv", dialect="excel-de")      # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from calliope_lib.errors import InvalidParameter
from calliope_lib.messages import t
from calliope_lib.teach.course.config import Course

DIALECTS = ("default", "excel-de")
#: first characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell that cannot start a formula in Excel or LibreOffice: ``=HYPERLINK(...)``
    becomes ``'=HYPERLINK(...)`` (OWASP's rule: a leading apostrophe). Numbers we write
    ourselves are not passed through here."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _number(value: float | None, dialect: str) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if dialect == "excel-de" else text


def grade_table(course: Course, lessons: list[str] | None = None) -> tuple[list[str],
                                                                        list[list[object]]]:
    """Header and rows (numbers as floats, ``None`` = not handed in); the first row is the max."""
    from nbgrader.api import MissingEntry

    from calliope_lib.teach.course.grade import not_gradable

    lessons = [course.lesson(name) for name in lessons] if lessons else course.lessons()
    students = course.students()
    header = [t("course.export.id"), t("course.export.last"), t("course.export.first")]
    maximum: list[object] = ["", t("course.export.max"), ""]
    rows: list[list[object]] = [[s.id, s.last_name, s.first_name] for s in students]
    totals = [0.0 for _ in students]
    any_submitted = [False for _ in students]
    blocked = [False for _ in students]  # a lesson not gradable: no total either
    grand_max = 0.0
    with course.gradebook() as gb:
        for lesson in lessons:
            try:
                assignment = gb.find_assignment(lesson)
            except MissingEntry:
                continue
            cells = [(nb.name, cell) for nb in assignment.notebooks for cell in nb.grade_cells]
            if not cells:
                continue  # never released: nothing to grade yet
            several = len(assignment.notebooks) > 1
            for notebook, cell in cells:
                header.append(f"{lesson}:{notebook + '/' if several else ''}{cell.name}")
                maximum.append(float(cell.max_score))
            header += [f"{lesson}:{t('course.export.sum')}", f"{lesson}:{t('course.export.open')}"]
            lesson_max = float(sum(cell.max_score for _, cell in cells))
            maximum += [lesson_max, ""]
            grand_max += lesson_max
            failed = not_gradable(course, lesson)
            for i, student in enumerate(students):
                if student.id in failed:  # never a silent 0 or an old score
                    rows[i] += [None] * len(cells) + [t("course.export.not_gradable"), None]
                    blocked[i] = True
                    continue
                try:
                    submission = gb.find_submission(lesson, student.id)
                except MissingEntry:
                    rows[i] += [None] * (len(cells) + 2)
                    continue
                scores: dict[tuple[str, str], tuple[float, bool]] = {}
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        scores[(nb.name, grade.name)] = (float(grade.score or 0),
                                                         bool(grade.needs_manual_grade))
                for notebook, cell in cells:
                    rows[i].append(scores.get((notebook, cell.name), (0.0, False))[0])
                score = float(submission.score)
                rows[i] += [score, sum(1 for _, manual in scores.values() if manual)]
                totals[i] += score
                any_submitted[i] = True
    header += [t("course.export.total"), t("course.export.max")]
    maximum += [grand_max, ""]
    for i, row in enumerate(rows):
        row += [totals[i] if any_submitted[i] and not blocked[i] else None, grand_max]
    return header, [maximum] + rows


def export_grades(course: Course, output: str | os.PathLike[str], dialect: str = "default",
                  lessons: list[str] | None = None) -> Path:
    """Write the grade table to ``output`` (CSV) and return its path."""
    if dialect not in DIALECTS:
        raise InvalidParameter(key="course.export.bad_dialect", dialect=dialect,
                               known=", ".join(DIALECTS))
    header, rows = grade_table(course, lessons)
    path = Path(output)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True)
    delimiter = ";" if dialect == "excel-de" else ","
    encoding = "utf-8-sig" if dialect == "excel-de" else "utf-8"
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n"
                            if dialect == "excel-de" else "\n")
        writer.writerow([neutralise(str(h)) for h in header])
        for row in rows:
            writer.writerow([_number(v, dialect) if isinstance(v, float) or v is None
                             else neutralise(str(v)) for v in row])
    return path
