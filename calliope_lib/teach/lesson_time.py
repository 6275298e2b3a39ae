"""How long a lesson takes a kid of 10–14: a small, honest time model.

Every lesson promises "Dauer: 60 Minuten für den Kern". This module turns that promise into
a number that a test can hold each lesson to (``tests/teach/test_lesson_time.py``): it walks
through a lesson notebook cell by cell and adds up what a kid does there: read, run, look,
build, measure, write code, write an answer. Everything under a ``## ⭐ Zusatz`` heading (up to
the next ``## `` heading without the star) counts as extra time, the rest as the core::

    >>> from calliope_lib.teach.lesson_time import estimate
    >>> from calliope_lib.teach.materials import lessons_dir
    >>> print(estimate(lessons_dir() / "01-hallo-calliope").text())   # doctest: +SKIP
    Kern ≈ 47 min, Zusatz ≈ 5 min

The model reads the nbgrader **source** notebook: the student version has the same cells,
only the model solutions are replaced by stubs, and the model solution is our best measure of
how much code a kid has to write.

Where the numbers come from (each is a constant below, so a teacher who measures their own
class can change one place):

* **Reading** — :data:`READING_WPM` = 100 words a minute. Children in grades 5–6 read a
  text aloud at roughly 140–150 words a minute (the median of the English oral-reading-fluency
  norms of Hasbrouck & Tindal, 2017, in spring). Reading instructions in order to *follow*
  them is slower than reading a story, German words are longer than English ones, and a
  notebook mixes text with formulas and code. 100 words a minute is therefore a careful-reading
  speed, not a skimming speed; code in a cell is read at the same rate.
* **Running a cell** — :data:`RUN_MIN`: click, Shift + Enter, glance at the output.
  :data:`LOOK_MIN` more when the cell draws a plot or a picture: the lesson asks the kid to
  find something in it.
* **Writing code** — :data:`WRITE_BASE_MIN` + :data:`WRITE_PER_LINE_MIN` per line of the
  model solution: understanding the task's stub, typing, running the check, fixing once.
  A one-line answer (``anzahl = len(temperaturen)``) costs about 3,5 min, a loop of four
  lines about 8 min. These are assumptions from classroom practice, not measurements: a
  teacher who times a class should change them here.
* **Writing an answer** — :data:`ANSWER_BASE_MIN` to think, then the words of the model
  answer at :data:`TYPING_WPM` = 10 words a minute. Also an assumption: kids of this age
  copy text on a keyboard clearly faster than that, but composing their own sentences (think,
  type, correct) is much slower than copying.
* **Measuring** — the recording's own duration (``seconds=...`` in the code, or the
  ``probe.time >= N`` of a streaming loop) plus :data:`RECORD_SETUP_MIN`, plus the preparation
  of each hands-on scene in ``lesson.act`` (:data:`SCENE_SETUP_MIN`: a cup of ice water takes
  longer than a hand over the board), counted the first time the lesson uses that scene. Logging on the board without a cable (``lesson.logged``)
  costs :data:`LOGGER_MIN`: flash the logger, unplug, walk, plug in, download the file.
* **Building** — ``lesson.wiring(key)`` for a sensor with crocodile-clip connections:
  :data:`BUILD_BASE_MIN` to lay out the parts plus :data:`BUILD_PER_CONNECTION_MIN` for each
  connection in :data:`calliope_lib.teach.wiring.WIRING` (the same data the picture is drawn
  from), so a new wire in the picture makes the lesson longer here too.
* **Start and end** — :data:`START_MIN` (open JupyterLab, find the notebook, the teacher's
  first words) and :data:`END_MIN` (save, hand in).

Not counted: the teacher explaining at the board, waiting for help, a board that will not
connect. That is what the rest of the 60 minutes is for, and why the core should not fill
them to the last minute. What a hands-on step costs is only seen where the notebook's code
shows it (``lesson.wiring``, ``lesson.act``, a recording); a step that is only described in
the text is not counted, so keep such steps in the ⭐ parts or give them code.

``python -m calliope_lib.teach.lesson_time`` prints every lesson's estimate and its most
expensive core cells; ``lessons/make_notebooks.py`` writes the plan into each ``LEHRKRAFT.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CORE_LIMIT_MIN",
    "CellTime",
    "LessonTime",
    "estimate",
    "estimate_cells",
]

#: The promise in every lesson: the core part fits a 60-minute lesson.
CORE_LIMIT_MIN = 60.0

READING_WPM = 100.0
RUN_MIN = 0.5
LOOK_MIN = 1.0
WRITE_BASE_MIN = 2.0
WRITE_PER_LINE_MIN = 1.5
ANSWER_BASE_MIN = 2.0
TYPING_WPM = 10.0
CHECK_MIN = 0.5
RECORD_SETUP_MIN = 1.0
LOGGER_MIN = 8.0
BUILD_BASE_MIN = 3.0
BUILD_PER_CONNECTION_MIN = 2.0
START_MIN = 5.0
END_MIN = 3.0

#: Preparing one hands-on scene of ``lesson.act`` (names as in the simulator's scenes).
SCENE_SETUP_MIN: dict[str, float] = {
    "hand": 0.25,
    "finger": 0.25,
    "lampe": 1.0,  # find a torch (or a phone's light)
    "wolke": 0.5,  # a sheet of paper
    "eiswasser": 2.0,  # fill a cup, stir
    "giessen": 1.0,  # a glass of water
    "kippen": 0.25,
    "gehen": 0.0,  # in LOGGER_MIN
    "pendel": 3.0,  # tape the board to a string
}
_SCENE_DEFAULT_MIN = 0.5

_EXTRA_HEADING = "## ⭐ Zusatz"
_WORD = re.compile(r"\w+")
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
_SECONDS = re.compile(r"\bseconds\s*=\s*([0-9.]+)")
_STREAM_UNTIL = re.compile(r"\.time\s*>=?\s*([0-9.]+)")
_WIRING = re.compile(r"""lesson\.wiring\(\s*["']([a-z_]+)["']""")
_ACT = re.compile(r"lesson\.act\((.*?)\)\s*$", re.S | re.M)
_QUOTED = re.compile(r"""["']([a-z]+)["']""")
_DRAWS = ("lesson.plot(", ".plot(", "lesson.wiring(", "plt.subplots(")


@dataclass(frozen=True)
class CellTime:
    """The minutes one cell costs a kid, and why (German, for the teachers' table)."""

    index: int
    minutes: float
    why: str
    extra: bool
    #: the ``## `` heading the cell stands under ("" before the first one)
    section: str = ""


@dataclass
class LessonTime:
    """The estimate of one lesson: core and extra minutes, cell by cell."""

    name: str
    cells: list[CellTime] = field(default_factory=list)
    start_end_min: float = START_MIN + END_MIN

    @property
    def core_min(self) -> float:
        """Minutes of everything not marked ⭐ Zusatz, start and end included."""
        return self.start_end_min + sum(c.minutes for c in self.cells if not c.extra)

    @property
    def extra_min(self) -> float:
        """Minutes of the ⭐ Zusatz parts."""
        return sum(c.minutes for c in self.cells if c.extra)

    def fits(self, limit: float = CORE_LIMIT_MIN) -> bool:
        """True when the core part fits ``limit`` minutes."""
        return self.core_min <= limit

    def text(self) -> str:
        """The estimate as a teacher reads it: ``Kern ≈ 52 min, Zusatz ≈ 20 min``."""
        return f"Kern ≈ {round(self.core_min)} min, Zusatz ≈ {round(self.extra_min)} min"

    def sections(self) -> list[tuple[str, float, bool]]:
        """``(heading, minutes, extra)`` per ``## `` section, in lesson order; the cells before
        the first heading and the start and end of the lesson are "Beginn und Ende"."""
        rows: list[tuple[str, float, bool]] = [("Beginn und Ende", self.start_end_min, False)]
        for cell in self.cells:
            title = cell.section or "Beginn und Ende"
            if title == "Beginn und Ende":
                head, minutes, extra = rows[0]
                rows[0] = (head, minutes + cell.minutes, extra)
            elif rows[-1][0] == title:
                head, minutes, extra = rows[-1]
                rows[-1] = (head, minutes + cell.minutes, extra)
            else:
                rows.append((title, cell.minutes, cell.extra))
        return rows

    def plan(self) -> str:
        """The time plan as a Markdown table for the teachers' notes (German)."""
        lines = [f"Geschätzt mit `calliope_lib.teach.lesson_time`: **{self.text()}** "
                 f"(Grenze für den Kern: {CORE_LIMIT_MIN:g} min).", "",
                 "| Abschnitt | Minuten | Teil |", "|---|---:|---|"]
        for head, minutes, extra in self.sections():
            part = "⭐ Zusatz" if extra else "Kern"
            lines.append(f"| {head} | {minutes:.0f} | {part} |")
        return "\n".join(lines)

    def largest(self, n: int = 5) -> list[CellTime]:
        """The ``n`` most expensive core cells: where to cut first."""
        return sorted((c for c in self.cells if not c.extra), key=lambda c: -c.minutes)[:n]


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _reading(text: str) -> float:
    return _words(text) / READING_WPM


def _build_minutes(key: str) -> float:
    from calliope_lib.teach.wiring import WIRING

    wiring = WIRING.get(key)
    if wiring is None or not wiring.connections:
        return 0.0
    return BUILD_BASE_MIN + BUILD_PER_CONNECTION_MIN * len(wiring.connections)


def _scene_names(source: str) -> list[str]:
    """The scenes a cell's ``lesson.act(...)`` calls announce, in order."""
    return [name for call in _ACT.findall(source) for name in _QUOTED.findall(call)]


def _measuring(source: str) -> tuple[float, str]:
    """Minutes of the measurements in one code cell (0 when it measures nothing)."""
    if "lesson.logged(" in source:
        return LOGGER_MIN, "ohne Kabel messen (Datenlogger)"
    if not any(m in source for m in ("board.record(", ".record(", "board.stream(")):
        return 0.0, ""
    measuring = _ACT.sub("", source)  # an act's seconds= is the scene's, not the recording's
    found = [float(s) for s in _SECONDS.findall(measuring)]
    found += [float(s) for s in _STREAM_UNTIL.findall(measuring)]
    seconds = sum(found)
    return RECORD_SETUP_MIN + seconds / 60, f"{seconds:g} s messen"


def _code_cell(source: str, prepared: set[str]) -> tuple[float, list[str]]:
    """Minutes of a plain code cell; ``prepared`` holds the scenes set up earlier in the
    lesson (a cup of ice water is filled once, however often it is used)."""
    why = ["ausführen"]
    minutes = RUN_MIN + _reading(source)
    if any(d in source for d in _DRAWS):
        minutes += LOOK_MIN
        why.append("Bild ansehen")
    measure, text = _measuring(source)
    if measure:
        minutes += measure
        why.append(text)
    new = [name for name in dict.fromkeys(_scene_names(source)) if name not in prepared]
    if new:
        prepared.update(new)
        minutes += sum(SCENE_SETUP_MIN.get(name, _SCENE_DEFAULT_MIN) for name in new)
        why.append("vorbereiten: " + ", ".join(new))
    for key in _WIRING.findall(source):
        build = _build_minutes(key)
        if build:
            minutes += build
            why.append(f"aufbauen ({key})")
    return minutes, why


def _solution_lines(source: str) -> int:
    return sum(1 for block in _SOLUTION.findall(source)
               for line in block.splitlines() if line.strip())


def _cell_minutes(cell: dict[str, Any], prepared: set[str]) -> tuple[float, str]:
    """Minutes one cell costs, and why."""
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    if cell.get("cell_type") == "markdown":
        if meta.get("grade") and meta.get("solution"):  # a written answer
            minutes = ANSWER_BASE_MIN + _words(source) / TYPING_WPM
            return minutes, "Antwort schreiben"
        return _reading(source), "lesen"
    if meta.get("solution"):
        lines = _solution_lines(source)
        outside = _SOLUTION.sub("", source)
        return (WRITE_BASE_MIN + WRITE_PER_LINE_MIN * lines + _reading(outside),
                f"Code schreiben ({lines} Zeilen)")
    if meta.get("grade"):  # a test cell: the kid sees the visible part only
        return CHECK_MIN, "prüfen"
    minutes, why = _code_cell(source, prepared)
    return minutes, ", ".join(why)


def _section_title(heading: str) -> str:
    """``## ⭐ Zusatz – Aufgabe 4: Die Spanne (1 Punkt)`` -> ``Aufgabe 4: Die Spanne (1 Punkt)``;
    headings that start with the lesson's own names stay as they are."""
    title = heading[3:].strip()
    for prefix in ("⭐ Zusatz – ", "⭐ Zusatz: ", "⭐ Zusatz"):
        if title.startswith(prefix):
            return title[len(prefix):].strip() or "Zusatz"
    return title


def estimate_cells(cells: list[dict[str, Any]], name: str = "") -> LessonTime:
    """The estimate for a list of notebook cells (nbformat v4 dicts)."""
    result = LessonTime(name)
    extra = False
    section = ""
    prepared: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        if cell.get("cell_type") == "markdown":
            heading = next((line for line in source.splitlines() if line.startswith("## ")),
                           "")
            if heading:
                extra = heading.startswith(_EXTRA_HEADING)
                section = _section_title(heading)
        minutes, why = _cell_minutes(cell, prepared)
        result.cells.append(CellTime(index, round(minutes, 2), why, extra, section))
    return result


def estimate(lesson: Path) -> LessonTime:
    """The estimate for a lesson folder ``NN-name/`` (its source notebook) or a notebook."""
    lesson = Path(lesson)
    path = lesson / f"{lesson.name}.ipynb" if lesson.is_dir() else lesson
    nb = json.loads(path.read_text(encoding="utf-8"))
    return estimate_cells(nb.get("cells", []), path.stem)


def _main() -> None:
    """Print every lesson's estimate and its most expensive core cells (for lesson authors)."""
    from calliope_lib.teach.materials import lessons_dir

    for folder in sorted(p for p in lessons_dir().iterdir() if (p / f"{p.name}.ipynb").exists()):
        est = estimate(folder)
        mark = "" if est.fits() else "   ZU LANG"
        print(f"{est.name:22} {est.text()}   ({len(est.cells)} Zellen){mark}")
        for cell in est.largest(4):
            print(f"    Zelle {cell.index:2}: {cell.minutes:4.1f} min  {cell.why}")


if __name__ == "__main__":
    _main()
