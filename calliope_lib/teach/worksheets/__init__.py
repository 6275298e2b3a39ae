"""Printable worksheets: one A4 PDF per lesson, plus one PDF for the whole course.

Each worksheet is written once, in ``worksheets/NN-name.md``: a small TOML block between
``+++`` lines holds the lesson's data (number, title, goals, extra parts, safety notes, the
measurement table, the questions), and the Markdown below it holds the text a kid reads.
Lines such as ``{{ schaltplan }}`` say where the builder puts its blocks::

    +++
    number = 2
    title = "Temperatur mit dem Thermistor"
    diagram = "thermistor"          # a name in calliope_lib.teach.diagrams.DIAGRAMS
    goals = ["...", "..."]
    [table]
    columns = ["Wo?", "Rohwert an P1", "°C"]
    rows = ["Eiswasser", "Hand"]
    [[questions]]
    text = "Warum ...?"
    lines = 3
    +++
    ## Das lernst du
    {{ ziele }}
    ...

Blocks: ``ziele`` (goals), ``teile`` (parts: the wired parts from
:data:`calliope_lib.teach.wiring.WIRING` plus ``[[parts]]``; resistors with their colour bands),
``sicherheit`` (safety box, only if there are notes), ``schaltplan`` (the wiring diagram, the
same drawing the lesson notebook shows), ``messtabelle``, ``fragen`` and ``herausgefunden``
(the box "Das habe ich herausgefunden").

Print rules the builder keeps by construction: A4 portrait, 18 mm margins left and right,
15 mm top, 20 mm bottom; every block is measured before it is placed and starts on a new page
when it would not fit, so no table, diagram or box is cut in half. Each placement is logged
(:attr:`BuildResult.layout`) so tests can check it.

The modules, one idea each:

* :mod:`.source`: reading and checking a source file (:func:`load`, :class:`Worksheet`)
* :mod:`.page`: the A4 page (margins, sizes, page budget)
* :mod:`.blocks`: what each block looks like (title, parts table, diagram, questions...)
* :mod:`.layout`: the Markdown body split into blocks, placed on pages without cutting any
* :mod:`.pdf`: the PDF files (fonts, one per lesson, the whole course)

Example::

    from calliope_lib.teach.worksheets import build_all
    build_all("arbeitsblaetter/")            # 01-hallo-calliope.pdf ... + kurs-komplett.pdf
"""

from __future__ import annotations

from calliope_lib.teach.worksheets.layout import Placement
from calliope_lib.teach.worksheets.page import (COURSE_NAME, MARGIN_BOTTOM, MARGIN_LR, MARGIN_TOP,
                                                MAX_PAGES, PAGE_H, PAGE_W, TEXT_W)
from calliope_lib.teach.worksheets.pdf import COMBINED_NAME, BuildResult, build_all, build_lesson
from calliope_lib.teach.worksheets.source import (MeasurementTable, Question, Worksheet,
                                                  WorksheetError, default_source_dir,
                                                  find_sources, load)

__all__ = [
    "Worksheet",
    "Question",
    "MeasurementTable",
    "BuildResult",
    "Placement",
    "WorksheetError",
    "default_source_dir",
    "find_sources",
    "load",
    "build_lesson",
    "build_all",
    "COMBINED_NAME",
    "COURSE_NAME",
    "MAX_PAGES",
    "PAGE_W",
    "PAGE_H",
    "MARGIN_LR",
    "MARGIN_TOP",
    "MARGIN_BOTTOM",
    "TEXT_W",
]
