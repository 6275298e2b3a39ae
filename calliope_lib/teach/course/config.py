"""The course folder: where it is, how nbgrader is configured there, its lessons and students.

A course folder made by ``calliope-mini course init`` looks like this::

    kurs-7b/
      nbgrader_config.py    nbgrader's settings (timeout per cell, limits, course id)
      LIESMICH.md           what to do, step by step, for the teacher (German)
      gradebook.db          students, lessons, points (nbgrader's SQLite database)
      source/<lesson>/      lessons with solutions and hidden tests (never hand these out)
      lehrkraft/            teacher notes per lesson
      release/<lesson>/     student versions (made by ``course release``)
      austeilen/            the student versions as folder and zip, to hand out
      submitted/<id>/<lesson>/   what the kids handed in (filled by ``course collect``)
      nicht_zugeordnet/     files ``collect`` could not match: kept here, never dropped
      autograded/ feedback/ nbgrader's working folders
      rueckgabe/            feedback zips to hand back

:class:`Course` finds that folder (``--course DIR`` or the current folder and its parents),
loads ``nbgrader_config.py`` the way nbgrader does, and hands out an ``NbGraderAPI`` and a
``Gradebook``. nbgrader is imported only inside methods: ``import calliope_lib`` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from calliope_lib.teach.course.errors import NotACourse, UnknownLesson

if TYPE_CHECKING:  # pragma: no cover
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

CONFIG_NAME = "nbgrader_config.py"
#: First line of every config file ``course init`` writes; how a course folder is recognised.
MARKER = "# calliope-mini course"
#: Default seconds one notebook cell may run while grading (an endless loop stops here).
DEFAULT_TIMEOUT = 60
#: Default address-space limit of one grading kernel in MiB (numpy + matplotlib need ~1 GiB).
DEFAULT_MEMORY_MB = 2048
#: Default CPU seconds one grading kernel may use in total (a backstop behind the timeout).
DEFAULT_CPU_SECONDS = 600
#: A lesson folder's name: two digits, a dash, lower-case words (``01-hallo-calliope``).
LESSON_NAME = re.compile(r"^\d\d-[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Student:
    """One kid as the gradebook knows them."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def name(self) -> str:
        """``Vorname Nachname`` (or the id when the class list had no names)."""
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.id

    @property
    def label(self) -> str:
        """How reports name the kid: ``Ada Lovelace (ada.lovelace)``."""
        return f"{self.name} ({self.id})" if self.name != self.id else self.id


def ensure_tools_on_path() -> None:
    """Put this Python's ``bin`` folder on ``PATH``.

    nbgrader creates a new gradebook by running the ``alembic`` command, and finds it through
    ``PATH``. Started as ``.venv/bin/calliope-mini`` without activating the venv, ``PATH``
    lacks that folder and nbgrader fails with ``No such file or directory: 'alembic'``.
    """
    folder = os.path.dirname(sys.executable)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if folder not in parts:
        os.environ["PATH"] = os.pathsep.join([folder, *[p for p in parts if p]])


def quiet_nbgrader() -> None:
    """Silence library chatter a teacher cannot act on (SQLAlchemy warnings inside nbgrader)."""
    with contextlib.suppress(ImportError):
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


class Course:
    """A course folder made by ``course init``.

    >>> course = Course.find("kurs-7b")          # doctest: +SKIP
    >>> course.lessons()                          # doctest: +SKIP
    ['01-hallo-calliope', '02-thermistor']
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        config = self.root / CONFIG_NAME
        if not config.is_file():
            raise NotACourse(path=str(self.root))
        self.config_file = config

    # -- finding ------------------------------------------------------------------------------
    @classmethod
    def find(cls, course: str | os.PathLike[str] | None = None) -> "Course":
        """The course at ``course``, or the one the current folder is in (searching upwards)."""
        if course is not None:
            return cls(course)
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            candidate = folder / CONFIG_NAME
            if candidate.is_file() and (folder / "source").is_dir():
                return cls(folder)
        raise NotACourse(path=str(here))

    # -- folders ------------------------------------------------------------------------------
    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def release_dir(self) -> Path:
        return self.root / "release"

    @property
    def submitted_dir(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded_dir(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback_dir(self) -> Path:
        return self.root / "feedback"

    @property
    def handout_dir(self) -> Path:
        """Student versions to hand out (folder and zip per lesson)."""
        return self.root / "austeilen"

    @property
    def returns_dir(self) -> Path:
        """Feedback zips to hand back."""
        return self.root / "rueckgabe"

    @property
    def unmatched_dir(self) -> Path:
        """Files ``collect`` could not assign: kept here, never thrown away."""
        return self.root / "nicht_zugeordnet"

    @property
    def db_path(self) -> Path:
        return self.root / "gradebook.db"

    # -- nbgrader -----------------------------------------------------------------------------
    def config(self, **overrides: Any) -> "Config":
        """nbgrader's configuration: ``nbgrader_config.py`` plus ``overrides``.

        ``overrides`` use ``Section__name`` keys: ``config(Execute__timeout=10)``.
        """
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        ensure_tools_on_path()
        loaded = PyFileConfigLoader(CONFIG_NAME, path=str(self.root)).load_config()
        config = Config()
        config.merge(loaded)
        # The folder may have moved since init: the root is always where the config file is.
        config.CourseDirectory.root = str(self.root)
        for key, value in overrides.items():
            section, _, name = key.partition("__")
            setattr(getattr(config, section), name, value)
        return config

    @property
    def course_id(self) -> str:
        config = self.config()
        if "course_id" in config.CourseDirectory:
            return str(config.CourseDirectory.course_id)
        return "default_course"

    def api(self, config: "Config | None" = None) -> "NbGraderAPI":
        """An ``NbGraderAPI`` for this course (in-process; ~0.2 s, no CLI start-up)."""
        quiet_nbgrader()
        from nbgrader.apps import NbGraderAPI

        return NbGraderAPI(config=config or self.config())

    @contextlib.contextmanager
    def gradebook(self) -> Iterator["Gradebook"]:
        """The gradebook, opened and closed again: ``with course.gradebook() as gb: ...``."""
        quiet_nbgrader()
        ensure_tools_on_path()
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.db_path}", course_id=self.course_id) as gb:
            yield gb

    # -- lessons and students -----------------------------------------------------------------
    def lessons(self) -> list[str]:
        """The lessons of the course (folders in ``source/``), sorted."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.name for p in self.source_dir.iterdir()
                      if p.is_dir() and not p.name.startswith((".", "_")))

    def lesson(self, name: str) -> str:
        """The full lesson name for ``name`` (``"01"`` or ``"01-hallo-calliope"``)."""
        known = self.lessons()
        if name in known:
            return name
        matches = [lesson for lesson in known if lesson.startswith(name.rstrip("-") + "-")
                   or lesson.split("-", 1)[0] == name]
        if len(matches) == 1:
            return matches[0]
        raise UnknownLesson(lesson=name, known=", ".join(known) or "-")

    def notebooks(self, lesson: str) -> list[str]:
        """Names (without ``.ipynb``) of the lesson's notebooks."""
        return sorted(p.stem for p in (self.source_dir / lesson).glob("*.ipynb"))

    def students(self) -> list[Student]:
        """Every student in the gradebook, sorted by last name, first name."""
        if not self.db_path.exists():
            return []
        with self.gradebook() as gb:
            found = [Student(s.id, s.first_name or "", s.last_name or "", s.email or "")
                     for s in gb.students]
        from calliope_lib.teach.course.names import fold

        return sorted(found, key=lambda s: (fold(s.last_name), fold(s.first_name), s.id))

    def student_map(self) -> dict[str, Student]:
        return {s.id: s for s in self.students()}
