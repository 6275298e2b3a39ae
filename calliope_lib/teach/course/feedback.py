"""``course feedback``: one German HTML page per kid with points and comments, all in one zip.

nbgrader's ``generate_feedback`` turns each graded notebook into
``feedback/<id>/<lesson>/<notebook>.html``; here it runs kid by kid (a notebook that breaks
the converter costs only that kid's page) with three changes, so that a page is safe to hand
back:

* **German** labels ("Punkte", "Testzelle", "Deine Antwort", "Kommentar deiner Lehrkraft"):
  the template ``vorlagen/feedback`` (it takes the place of nbgrader's English one);
* **the kid's output sanitised** (:class:`KidSafeOutputs`): only plain text and PNG/JPEG
  images of what the kid's code showed; HTML, JavaScript, SVG and widgets are dropped (no
  ``<script>``, no ``onerror``), and markdown goes through nbconvert's HTML sanitiser;
* **test results in kid words**: a failed test shows its own message ("Test nicht bestanden:
  quadrat(3) soll 9 sein.") instead of a traceback, and an empty ``AssertionError`` reads
  "Dieser Test ist noch nicht erfüllt"; the hidden tests' code stays out of the page.

Kids that could not be graded get no page (their last grading said why). While answers still
wait for hand grading, the teacher is warned: the page shows 0 points there until then.
The pages are zipped into ``rueckgabe/<lesson>-rueckmeldung.zip`` named
``Lovelace_Ada_ada.lovelace.html`` (plus ``_<notebook>`` for lessons with several notebooks).

    >>> zipped, problems = feedback_lesson(course, "01")       # doctest: +SKIP
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from calliope_lib.teach.course.config import Course, Student
from calliope_lib.teach.course.errors import NothingSubmitted, Problem
from calliope_lib.teach.course.names import fold

#: what of a kid's output may appear on the page (everything else is dropped)
SAFE_MIMETYPES = ("text/plain", "image/png", "image/jpeg")
#: the template folder (``feedback``, German) lives here
TEMPLATES = Path(__file__).resolve().parent / "vorlagen"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _file_name(student: Student, notebook: str | None) -> str:
    # Names folded to ASCII (ZIP tools on old Windows garble umlauts); the id is safe as is.
    names = [re.sub(r"[^A-Za-z0-9.-]+", "-", fold(p).title()).strip("-")
             for p in (student.last_name, student.first_name) if p]
    base = "_".join([n for n in names if n] + [student.id])
    return f"{base}_{notebook}.html" if notebook else f"{base}.html"


def kid_error_text(ename: str, evalue: str, test: bool) -> str:
    """What a kid reads instead of a traceback."""
    from calliope_lib.messages import t

    evalue = _ANSI.sub("", evalue or "").strip()
    if ename == "AssertionError":
        return (t("course.feedback.test_failed", None, why=evalue) if evalue
                else t("course.feedback.test_failed_plain"))
    if ename in ("NotImplementedError",):
        return t("course.feedback.missing_code")
    if ename in ("CellTimeoutError",):
        return t("course.feedback.too_slow")
    text = f"{ename}: {evalue}" if evalue else ename
    return t("course.feedback.error", None, error=text) if test else text


def _make_safe_class() -> type:
    from nbformat import NotebookNode
    from nbgrader.preprocessors import NbGraderPreprocessor

    class KidSafeOutputs(NbGraderPreprocessor):  # (nbconvert's own are off by default)
        """Keep only plain text and raster images of the kid's outputs; errors in kid words.

        The hidden tests' lines are cut from the test cells (the kid sees the visible part
        and the result)."""

        def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            test = bool(meta.get("grade")) and not meta.get("solution")
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                if "BEGIN HIDDEN TESTS" in source:
                    cell.source = re.sub(r"[ \t]*#+\s*BEGIN HIDDEN TESTS.*?END HIDDEN TESTS[^\n]*\n?",
                                         "", source, flags=re.DOTALL).rstrip() + "\n"
                outputs = []
                for output in cell.get("outputs", []):
                    kind = output.get("output_type")
                    if kind == "stream":
                        outputs.append(output)
                    elif kind in ("display_data", "execute_result"):
                        data = {k: v for k, v in output.get("data", {}).items()
                                if k in SAFE_MIMETYPES}
                        if data:
                            output.data = data
                            output.metadata = {}
                            outputs.append(output)
                    elif kind == "error":
                        outputs.append(NotebookNode(
                            output_type="stream", name="stdout",
                            text=kid_error_text(output.get("ename", ""),
                                                output.get("evalue", ""), test) + "\n"))
                cell.outputs = outputs
            cell.get("metadata", {}).pop("attachments", None)
            cell.pop("attachments", None)
            return cell, resources

    return KidSafeOutputs


def _config(course: Course) -> Any:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    config = course.config()
    # nbgrader's API insists on a template named "feedback": ours has that name and comes
    # first, so it stands in for nbgrader's English one
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.sanitize_html = True
    config.GenerateFeedback.preprocessors = [GetGrades, _make_safe_class(),
                                             CSSHTMLHeaderPreprocessor]
    return config


def _open_manual(course: Course, lesson: str, ids: list[str]) -> dict[str, int]:
    """How many answers of each kid still wait for hand grading."""
    from nbgrader.api import MissingEntry

    out: dict[str, int] = {}
    with course.gradebook() as gb:
        for sid in ids:
            try:
                submission = gb.find_submission(lesson, sid)
            except MissingEntry:
                continue
            count = sum(1 for nb in submission.notebooks for g in nb.grades
                        if g.needs_manual_grade)
            if count:
                out[sid] = count
    return out


def feedback_lesson(course: Course, lesson: str) -> tuple[Path, list[Problem]]:
    """Make the feedback pages of ``lesson`` and zip them; returns ``(zip, problems)``."""
    from calliope_lib.teach.course.grade import not_gradable

    lesson = course.lesson(lesson)
    failed = not_gradable(course, lesson)
    graded = sorted({p.parent.name for p in course.autograded_dir.glob(f"*/{lesson}")
                     if p.is_dir()} - set(failed)) if course.autograded_dir.is_dir() else []
    if not graded:
        raise NothingSubmitted(lesson=lesson, course=str(course.root))
    known = course.student_map()
    api = course.api(_config(course))
    problems: list[Problem] = []
    for student_id, count in _open_manual(course, lesson, graded).items():
        student = known.get(student_id, Student(student_id))
        problems.append(Problem("course.feedback.manual_open", student.label, lesson,
                                {"count": count}))
    made: list[str] = []
    for student_id in graded:  # one by one: a broken notebook costs only its own page
        student = known.get(student_id, Student(student_id))
        try:
            result = api.generate_feedback(lesson, student_id, force=True)
        except Exception as exc:  # noqa: BLE001  (reported for this kid only)
            result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
        if result.get("success"):
            made.append(student_id)
        else:
            from calliope_lib.teach.course.grade import _failure

            problems.append(Problem("course.feedback.failed", student.label, lesson,
                                    {"why": _failure(result)}))
    for student_id in sorted(failed):
        student = known.get(student_id, Student(student_id))
        problems.append(Problem("course.feedback.not_gradable", student.label, lesson))
    notebooks = course.notebooks(lesson)
    course.returns_dir.mkdir(exist_ok=True)
    zipped = course.returns_dir / f"{lesson}-rueckmeldung.zip"
    tmp = zipped.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for student_id in made:
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
