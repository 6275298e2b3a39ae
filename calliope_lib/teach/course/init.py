"""``course init``: a new nbgrader course folder from the package's lessons.

    >>> from calliope_lib.teach.course import init_course
    >>> course = init_course("kurs-7b", lessons=["01", "02"])      # doctest: +SKIP

It copies each chosen lesson into ``source/<lesson>/`` (the teacher notes ``LEHRKRAFT.md`` go
to ``lehrkraft/`` instead, because nbgrader hands out every file of ``source/``), writes
``nbgrader_config.py`` and a German ``LIESMICH.md``, and registers the lessons in a new
gradebook.

Kids' own data files (``meine_*``) are protected twice: no lesson file may start with that
prefix (checked here; such a file is listed in ``Autograde.exclude_overwriting`` so that
nbgrader does not copy it over a kid's file), and :func:`calliope_lib.teach.lesson.my_file` only
ever writes that prefix.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from calliope_lib import __version__
from calliope_lib.teach.course.config import (CONFIG_NAME, DEFAULT_CPU_SECONDS, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT,
                     MARKER, Course)
from calliope_lib.teach.course.errors import CourseExists
from calliope_lib.teach.course.lessons import (TEACHER_FILES, available_lessons, choose, own_data_clashes,
                      package_lessons_dir)
from calliope_lib.teach.course.names import clean_id
from calliope_lib.teach.materials import course_readme_template

CONFIG_TEMPLATE = '''{marker} (calliope-lib {version}).
# Einstellungen für nbgrader in diesem Kurs. Du darfst sie ändern; die Kommentare sagen,
# wozu sie da sind. Settings for nbgrader in this course; edit freely.
import os
import sys

c = get_config()  # noqa: F821  (nbgrader provides get_config)

# Der Kurs ist der Ordner, in dem diese Datei liegt (er darf umziehen).
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {course_id!r}

# Höchstens so viele Sekunden pro Zelle beim Bewerten: eine Endlosschleife endet hier, die
# Aufgabe bekommt 0 Punkte. Seconds per cell while grading.
c.Execute.timeout = {timeout}

# Hat ein Kind eine Test-Zelle gelöscht, wird sie vor dem Bewerten wieder eingefügt.
# Deleted test cells are put back before grading.
c.OverwriteCells.add_missing_cells = True

# Dateien der Lektion, die beim Bewerten NICHT über die Dateien der Kinder kopiert werden.
# Die eigenen Messungen der Kinder heißen meine_*.csv; keine Lektionsdatei heißt so.
# Lesson files never copied over the kids' own files.
c.Autograde.exclude_overwriting = {exclude!r}

# Grenzen für jeden Bewertungs-Kernel, denn er führt den Code der Kinder aus:
# Speicher in MB und Rechenzeit in Sekunden. Memory and CPU limits per grading kernel.
try:
    from calliope_lib.teach.course.kernel import use_limited_kernel
except ImportError as exc:
    print("calliope-lib fehlt in dieser Umgebung; Bewerten ohne Speichergrenze "
          f"(pip install 'calliope-lib[lessons]'): {{exc}}", file=sys.stderr)
else:
    use_limited_kernel(c, memory_mb={memory_mb}, cpu_seconds={cpu_seconds})
'''


def write_config(root: Path, course_id: str, exclude: dict[str, list[str]],
                 timeout: int = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                 cpu_seconds: int = DEFAULT_CPU_SECONDS) -> Path:
    """Write ``nbgrader_config.py`` (see :data:`CONFIG_TEMPLATE`)."""
    path = root / CONFIG_NAME
    path.write_text(CONFIG_TEMPLATE.format(
        marker=MARKER, version=__version__, course_id=course_id, timeout=int(timeout),
        exclude=exclude, memory_mb=int(memory_mb), cpu_seconds=int(cpu_seconds)),
        encoding="utf-8")
    return path


def _copy_lesson(src: Path, course: Path) -> list[str]:
    """Copy one lesson into ``source/``; teacher files to ``lehrkraft/``. Returns clashes."""
    target = course / "source" / src.name
    ignore = shutil.ignore_patterns(*TEACHER_FILES, ".ipynb_checkpoints", "__pycache__", ".*")
    shutil.copytree(src, target, ignore=ignore)
    for name in TEACHER_FILES:
        note = src / name
        if note.is_file():
            (course / "lehrkraft").mkdir(exist_ok=True)
            shutil.copy2(note, course / "lehrkraft" / f"{src.name}-{name}")
    return own_data_clashes(target)


def init_course(folder: str | os.PathLike[str], lessons: list[str] | None = None, *,
                course_id: str | None = None, lessons_dir: str | os.PathLike[str] | None = None,
                timeout: int = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                cpu_seconds: int = DEFAULT_CPU_SECONDS) -> Course:
    """Create a course folder with the chosen lessons (all when ``lessons`` is ``None``).

    ``lessons`` are full names or numbers (``["01", "02-thermistor"]``); ``lessons_dir`` takes
    lessons from another folder than the package's. Raises :class:`CourseExists` if
    ``folder`` already holds files, :class:`UnknownLesson` for a name that is not there.
    """
    root = Path(folder).resolve()
    if root.exists() and any(root.iterdir()):
        raise CourseExists(path=str(root))
    source = Path(lessons_dir) if lessons_dir else package_lessons_dir()
    chosen = choose(available_lessons(source), lessons)
    course_id = clean_id(course_id or root.name) or "kurs"
    root.mkdir(parents=True, exist_ok=True)
    for name in ("source", "release", "submitted", "austeilen", "rueckgabe"):
        (root / name).mkdir(exist_ok=True)
    exclude: dict[str, list[str]] = {}
    for name, path in chosen.items():
        clashes = _copy_lesson(path, root)
        if clashes:
            exclude[name] = clashes
    write_config(root, course_id, exclude, timeout, memory_mb, cpu_seconds)
    readme = (course_readme_template()
              .replace("@COURSE_ID@", course_id).replace("@ROOT@", str(root))
              .replace("@LESSONS@", ", ".join(chosen) or "-")
              .replace("@TIMEOUT@", str(timeout)).replace("@MEMORY@", str(memory_mb)))
    (root / "LIESMICH.md").write_text(readme, encoding="utf-8")
    course = Course(root)
    with course.gradebook() as gb:
        for name in chosen:
            gb.update_or_create_assignment(name)
    return course

