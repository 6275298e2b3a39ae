"""The errors of the course tools: each says what happened and what the teacher does next.

Every error is a :class:`~calliope_lib.errors.CalliopeError` and a built-in exception
(``NotACourse`` is a ``FileNotFoundError``...), with its two sentences registered in
:mod:`calliope_lib.teach.course.texts` (German and English)::

    >>> from calliope_lib.teach.course.errors import UnknownLesson
    >>> print(UnknownLesson(lesson="07", known="01-hallo-calliope").text("en"))
    There is no lesson '07' in this course. Lessons in this course: 01-hallo-calliope.

Problems that concern one student (a corrupt file, a timeout) are not raised: they are
collected as :class:`Problem` lines, so one kid's broken notebook never stops the class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calliope_lib.errors import CalliopeError
from calliope_lib.messages import t
from calliope_lib.teach.course import texts  # noqa: F401  (registers the message table)


class CourseError(CalliopeError, RuntimeError):
    """Base class of the course tools' errors."""

    reason = "course"


class NotACourse(CourseError, FileNotFoundError):
    """The folder (or the current folder) is not a course made by ``course init``."""

    reason = "not_a_course"
    key = "course.not_found"


class CourseExists(CourseError, FileExistsError):
    """``course init`` into a folder that already holds files."""

    reason = "course_exists"
    key = "course.exists"


class LessonsMissing(CourseError, FileNotFoundError):
    """The package's lessons cannot be found (installed without them)."""

    reason = "lessons_missing"
    key = "course.lessons_missing"


class UnknownLesson(CourseError, LookupError):
    """A lesson name that is not part of the course (or of the package)."""

    reason = "unknown_lesson"
    key = "course.unknown_lesson"


class RootRefused(CourseError, PermissionError):
    """Grading runs students' code: not as root unless the teacher says ``--allow-root``."""

    reason = "root"
    key = "course.root"


class ClassListError(CourseError, ValueError):
    """A class list CSV that cannot be read; ``problem`` is ``unreadable``, ``empty`` or
    ``no_header`` (each has its own sentence pair, so both languages stay whole)."""

    reason = "class_list"

    def __init__(self, problem: str, **fields: Any) -> None:
        self.key = f"course.class_list_{problem}"
        self.problem = problem
        super().__init__(**fields)


class NoStudents(CourseError, LookupError):
    """A step that needs the class list before it was imported."""

    reason = "no_students"
    key = "course.no_students"


class NothingSubmitted(CourseError, LookupError):
    """Grading or feedback for a lesson nobody has handed in (or nobody was graded)."""

    reason = "nothing_submitted"
    key = "course.nothing_submitted"


class StepFailed(CourseError, RuntimeError):
    """An nbgrader step for the whole lesson failed (not one student's problem)."""

    reason = "step_failed"
    key = "course.step_failed"


@dataclass
class Problem:
    """One line for the teacher about one student and one lesson.

    ``key`` names a text in :mod:`calliope_lib.teach.course.texts` that is filled with ``student``,
    ``lesson`` and ``fields``; each text says what happened and what to do.
    """

    key: str
    student: str | None = None
    lesson: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, student=self.student or "?", lesson=self.lesson or "?",
                 **self.fields)

    def __str__(self) -> str:
        return self.text()
