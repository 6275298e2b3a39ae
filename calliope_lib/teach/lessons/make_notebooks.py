"""Build the lesson notebooks (nbgrader source versions) from their text sources in ``_src/``.

Why text sources: a notebook is JSON with nbgrader metadata in every graded cell; a plain text
file with one marker line per cell is easy to review and edit, and the metadata (schema 3,
grade ids, points, locks) is written the same way every time. Each source file
``lessons/_src/NN-name.txt`` becomes ``lessons/NN-name/NN-name.ipynb``.

Cell markers (a line starting with ``%%``)::

    %% md                    Markdown for the kid
    %% code                  a normal code cell (the kid may change it)
    %% solution ID           autograded answer: code between ### BEGIN/END SOLUTION
    %% test ID POINTS        test cell (locked): visible checks + ### BEGIN/END HIDDEN TESTS
    %% answer ID POINTS      manually graded answer (Markdown); the text is the model answer
    %% task ID               read-only Markdown (the task text cannot be deleted by accident)

It also writes each lesson's time plan into its ``LEHRKRAFT.md``, between the two marker
lines :data:`PLAN_START` and :data:`PLAN_END`: the estimate of
:mod:`calliope_lib.teach.lesson_time` (core and ⭐ extra minutes, section by section), so the
teachers' notes always show what the notebook really asks of a kid.

Run from the repository root::

    .venv/bin/python calliope_lib/teach/lessons/make_notebooks.py  # write notebooks and plans
    .venv/bin/python calliope_lib/teach/lessons/make_notebooks.py --check  # exit 1: out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

#: The lesson folders this script sits among: it writes next to its own sources, whichever
#: copy of calliope_lib happens to be installed.
HERE = Path(__file__).resolve().parent
SOURCES = HERE / "_src"
_MARKER = re.compile(r"^%%\s*(md|code|solution|test|answer|task)\b\s*(.*)$")
_GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")

#: The lines around the generated time plan in ``LEHRKRAFT.md`` (invisible when rendered).
PLAN_START = "<!-- Zeitplan: erzeugt von make_notebooks.py (lesson_time.py), nicht von Hand ändern -->"
PLAN_END = "<!-- Ende Zeitplan -->"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False,
              locked: bool = False, points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def parse(text: str, source: str = "<text>") -> list[dict[str, Any]]:
    """The cells of one text source as nbformat v4 cell dicts."""
    cells: list[dict[str, Any]] = []
    kind: str | None = None
    args: list[str] = []
    body: list[str] = []
    seen: set[str] = set()

    def flush() -> None:
        if kind is None:
            return
        src = "\n".join(body).strip("\n")
        index = len(cells) + 1
        cell_type = "markdown" if kind in ("md", "answer", "task") else "code"
        cell: dict[str, Any] = {"cell_type": cell_type, "id": f"c{index:02d}", "metadata": {},
                                "source": src}
        if cell_type == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        if kind in ("solution", "test", "answer", "task"):
            if not args or not _GRADE_ID.match(args[0]):
                raise ValueError(f"{source}: cell {index} ({kind}) needs a grade id")
            grade_id = args[0]
            if grade_id in seen:
                raise ValueError(f"{source}: grade id {grade_id!r} used twice")
            seen.add(grade_id)
            cell["id"] = grade_id
            if kind == "solution":
                if "### BEGIN SOLUTION" not in src:
                    raise ValueError(f"{source}: solution {grade_id} has no BEGIN SOLUTION")
                meta = _nbgrader(grade_id, solution=True)
            elif kind == "test":
                meta = _nbgrader(grade_id, grade=True, locked=True, points=float(args[1]))
            elif kind == "answer":
                meta = _nbgrader(grade_id, grade=True, solution=True, points=float(args[1]))
            else:
                meta = _nbgrader(grade_id, locked=True)
            cell["metadata"]["nbgrader"] = meta
        cells.append(cell)

    for line in text.splitlines():
        match = _MARKER.match(line)
        if match:
            flush()
            kind, args, body = match.group(1), match.group(2).split(), []
        elif kind is not None:
            body.append(line)
    flush()
    return cells


def notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def render(source: Path) -> str:
    nb = notebook(parse(source.read_text(encoding="utf-8"), source.name))
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def target_of(source: Path) -> Path:
    return HERE / source.stem / f"{source.stem}.ipynb"


def with_plan(notes: str, plan: str, where: str = "LEHRKRAFT.md") -> str:
    """``notes`` with the text between :data:`PLAN_START` and :data:`PLAN_END` replaced by
    ``plan``; a ValueError when the markers are missing."""
    start, end = notes.find(PLAN_START), notes.find(PLAN_END)
    if start < 0 or end < start:
        raise ValueError(f"{where}: no time plan markers ({PLAN_START} ... {PLAN_END})")
    return notes[:start + len(PLAN_START)] + "\n" + plan + "\n" + notes[end:]


def planned_notes(lesson: Path) -> tuple[Path, str]:
    """The teachers' notes of a lesson folder and their text with today's time plan."""
    from calliope_lib.teach.lesson_time import estimate

    notes = lesson / "LEHRKRAFT.md"
    text = notes.read_text(encoding="utf-8")
    return notes, with_plan(text, estimate(lesson).plan(), str(notes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for source in sorted(SOURCES.glob("*.txt")):
        text = render(source)
        target = target_of(source)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target.relative_to(HERE))
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"+ {target.relative_to(HERE)}")
    for source in sorted(SOURCES.glob("*.txt")):
        notes, text = planned_notes(target_of(source).parent)
        if notes.read_text(encoding="utf-8") == text:
            continue
        stale.append(notes.relative_to(HERE))
        if not args.check:
            notes.write_text(text, encoding="utf-8")
            print(f"+ {notes.relative_to(HERE)}")
    if args.check and stale:
        print("out of date: " + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
