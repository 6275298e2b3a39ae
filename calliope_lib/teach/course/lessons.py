"""Where the package's lessons are, and what a lesson holds (notebooks, task ids, data names).

A lesson is a folder ``NN-name/`` with an nbgrader source notebook (solutions and hidden
tests inside), reference data (``beispiel_*.csv``) and notes for the teacher
(``LEHRKRAFT.md``, never handed out). Kids save their own measurements as
``meine_<name>.csv`` (see :func:`calliope_lib.teach.lesson.my_file`); no lesson file may use that
prefix, so nbgrader never copies a lesson file over a kid's data.

The lessons are found by :mod:`calliope_lib.teach.materials` (package data, or the folder
named by ``CALLIOPE_LESSONS``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from calliope_lib.teach.course.config import LESSON_NAME
from calliope_lib.teach.materials import lessons_dir
from calliope_lib.teach.course.errors import LessonsMissing, UnknownLesson

#: Files in a lesson folder that are for the teacher only (never copied to ``source/``).
TEACHER_FILES = ("LEHRKRAFT.md",)
#: Prefix of a kid's own data files (must match :data:`calliope_lib.teach.lesson.MY_PREFIX`).
MY_PREFIX = "meine_"
#: ``lesson.my_file("messung")`` / ``own_data_ok("messung", ...)`` / ``my_data("messung")``
_MY_LITERAL = re.compile(r"\b(meine_[A-Za-z0-9_-]+\.csv)\b")
_MY_NAME_CALL = re.compile(r"""(?:my_file|my_data|my_name|own_data_ok)\(\s*\\?["']([^"'\\]+)\\?["']""")


def package_lessons_dir() -> Path:
    """The folder with the lessons (:func:`calliope_lib.teach.materials.lessons_dir`)."""
    folder = lessons_dir()
    if not (folder.is_dir() and available_lessons(folder)):
        raise LessonsMissing(tried=str(folder))
    return folder


def available_lessons(folder: Path) -> dict[str, Path]:
    """``{name: path}`` of the lesson folders (``NN-name`` with a notebook) inside ``folder``."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_dir() and LESSON_NAME.match(path.name) and any(path.glob("*.ipynb")):
            found[path.name] = path
    return found


def choose(available: dict[str, Path], wanted: list[str] | None) -> dict[str, Path]:
    """The lessons named in ``wanted`` (full names or the number ``01``); all when ``None``."""
    if not wanted:
        return dict(available)
    chosen: dict[str, Path] = {}
    for name in wanted:
        hits = [n for n in available if n == name or n.split("-", 1)[0] == name
                or n.startswith(name.rstrip("-") + "-")]
        if len(hits) != 1:
            raise UnknownLesson(lesson=name, known=", ".join(available) or "-")
        chosen[hits[0]] = available[hits[0]]
    return chosen


@dataclass
class LessonInfo:
    """What ``collect`` needs to recognise a lesson's files."""

    name: str
    #: notebook name (no ``.ipynb``) -> the nbgrader ``grade_id``\\ s of its cells
    grade_ids: dict[str, set[str]] = field(default_factory=dict)
    #: the kid's own data files the lesson saves (``meine_messung.csv``...)
    data_names: set[str] = field(default_factory=set)
    #: every file the lesson itself ships (copied over the kid's files while grading)
    files: set[str] = field(default_factory=set)


def notebook_grade_ids(nb: dict) -> set[str]:
    """The nbgrader ``grade_id``\\ s of a notebook's cells (parsed JSON)."""
    ids = set()
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    for cell in cells if isinstance(cells, list) else []:
        meta = (cell.get("metadata") or {}) if isinstance(cell, dict) else None
        meta = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(meta, dict) and meta.get("grade_id"):
            ids.add(str(meta["grade_id"]))
    return ids


def lesson_info(folder: Path) -> LessonInfo:
    """Read a lesson folder (``source/<lesson>/``)."""
    info = LessonInfo(folder.name)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            info.files.add(path.relative_to(folder).as_posix())
    for nb_path in sorted(folder.glob("*.ipynb")):
        text = nb_path.read_text(encoding="utf-8")
        info.grade_ids[nb_path.stem] = notebook_grade_ids(json.loads(text))
        for name in _MY_NAME_CALL.findall(text):
            stem = name if name.startswith(MY_PREFIX) else MY_PREFIX + name
            info.data_names.add(stem if stem.endswith(".csv") else stem + ".csv")
        info.data_names.update(_MY_LITERAL.findall(text))  # open('meine_zahlen.csv')
    return info


def own_data_clashes(folder: Path) -> list[str]:
    """Lesson files whose names a kid's own data could have (``meine_*``): must be none."""
    return sorted(p.name for p in folder.rglob(f"{MY_PREFIX}*") if p.is_file())
