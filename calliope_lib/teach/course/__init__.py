"""Course tools for teachers: one command line for a whole grading round with nbgrader.

Most schools have laptops and a platform (IServ, Moodle) but no JupyterHub, so notebooks
travel as files. These tools wrap nbgrader's Python API for exactly that::

    calliope-mini course init kurs-7b                        # course folder + lessons
    calliope-mini course students import klasse-7b.csv       # class list into the gradebook
    calliope-mini course release 01-hallo-calliope           # folder + zip to hand out
    calliope-mini course collect ~/Downloads/abgaben.zip     # sort what came back
    calliope-mini course grade 01-hallo-calliope             # all kids, in parallel
    calliope-mini course feedback 01-hallo-calliope          # one HTML per kid, zipped
    calliope-mini course export -o noten.csv --dialect excel-de

The same from Python::

    from calliope_lib.teach import course as kurs
    c = kurs.init_course("kurs-7b", lessons=["01"])
    kurs.import_students(c, "klasse-7b.csv")
    kurs.release_lesson(c, "01")
    kurs.collect_submissions(c, ["abgaben.zip"])
    kurs.grade_lesson(c, "01")
    kurs.feedback_lesson(c, "01")
    kurs.export_grades(c, "noten.csv", dialect="excel-de")

Modules: :mod:`.config` (the course folder), :mod:`.init`, :mod:`.students`,
:mod:`.release`, :mod:`.student` (the student version, also used by ``calliope-mini lab``),
:mod:`.collect`, :mod:`.grade` (sealed grading: :mod:`.sealed` runs a kid's notebook,
:mod:`.sandbox` keeps it away from everything else, :mod:`.guard` undoes tampering inside the
kernel, :mod:`.limits` and :mod:`.kernel` limit memory and time), :mod:`.feedback`,
:mod:`.export`, :mod:`.names` (ids and name matching),
:mod:`.lessons` (where lessons come from), :mod:`.texts` (German/English sentences).
nbgrader is imported only when a function runs.
"""

from __future__ import annotations

from calliope_lib.lazy import lazy_names
from calliope_lib.teach.course.config import Course, Student
from calliope_lib.teach.course.errors import CourseError, Problem

__all__ = ["Course", "Student", "CourseError", "Problem", "init_course", "import_students",
           "release_lesson", "collect_submissions", "grade_lesson", "feedback_lesson", "export_grades"]

# The steps of a grading round, imported when first used (they bring nbgrader along).
__getattr__ = lazy_names(__name__, {
    "init_course": "init",
    "import_students": "students",
    "release_lesson": "release",
    "collect_submissions": "collect",
    "grade_lesson": "grade",
    "feedback_lesson": "feedback",
    "export_grades": "export",
})
