"""Where the course material is: the lessons, the worksheet sources, the course read-me.

All are package data inside ``calliope_lib.teach`` (``lessons/NN-name/`` with the notebook,
the teacher notes and example data; ``worksheets/sheets/NN-name.md``;
``course/LIESMICH.md``), found with :mod:`importlib.resources` in a checkout, an editable
install and a wheel alike. This module is the only place that knows where they lie: code
elsewhere asks it instead of walking up from ``__file__``. A teacher's own lesson folder can
be given with the environment variable ``CALLIOPE_LESSONS``.

>>> (lessons_dir() / "01-hallo-calliope").is_dir()
True
>>> sorted(p.name for p in worksheet_sources_dir().glob("01-*.md"))
['01-hallo-calliope.md']
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def _package_dir(*parts: str) -> Path:
    # The wheel installs as plain files, so the resource is a real folder: give a Path
    # (copying a lesson tree needs one).
    return Path(str(resources.files("calliope_lib.teach").joinpath(*parts)))


def lessons_dir() -> Path:
    """The folder holding the lesson folders: ``$CALLIOPE_LESSONS`` if set, else the package's."""
    env = os.environ.get("CALLIOPE_LESSONS")
    return Path(env) if env else _package_dir("lessons")


def worksheet_sources_dir() -> Path:
    """The folder holding the worksheet sources ``NN-name.md``."""
    return _package_dir("worksheets", "sheets")


def course_readme_template() -> str:
    """The German read-me ``course init`` puts into a new course folder, with its
    ``@COURSE_ID@``-style blanks still to fill in."""
    return resources.files("calliope_lib.teach.course").joinpath("LIESMICH.md").read_text(
        encoding="utf-8")
