"""Reading a worksheet source: TOML front matter between ``+++`` lines, then Markdown.

A source ``NN-name.md`` looks like this (see the package docstring for every key)::

    +++
    number = 2
    title = "Temperatur mit dem Thermistor"
    diagram = "thermistor"
    ...
    +++
    ## Das lernst du
    {{ ziele }}

:func:`load` checks everything a build needs (known diagram, every required block once,
3 to 5 questions, a measurement table) and says in German what is wrong, so an author
finds the mistake before a PDF is half built.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calliope_lib.errors import CalliopeError
from calliope_lib.messages import register

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


REQUIRED_BLOCKS = ("ziele", "teile", "schaltplan", "messtabelle", "fragen", "herausgefunden")


OPTIONAL_BLOCKS = ("sicherheit",)


register(
    {
        "worksheets.error.title": {
            "de": "Das Arbeitsblatt {path} hat einen Fehler",
            "en": "The worksheet {path} has a mistake",
        },
        "worksheets.error.detail": {
            "de": "{problem}",
            "en": "{problem}",
        },
        "worksheets.none.title": {
            "de": "Keine Arbeitsblätter gefunden",
            "en": "No worksheets found",
        },
        "worksheets.none.detail": {
            "de": "Im Ordner {folder} liegt keine Datei NN-name.md. Gib den Ordner mit --source an.",
            "en": "The folder {folder} holds no NN-name.md file. Name the folder with --source.",
        },
        "worksheets.built": {
            "de": "Arbeitsblatt {number} ({pages} Seiten): {path}",
            "en": "Worksheet {number} ({pages} pages): {path}",
        },
        "worksheets.combined": {
            "de": "Ganzer Kurs ({pages} Seiten): {path}",
            "en": "Whole course ({pages} pages): {path}",
        },
    }
)


class WorksheetError(CalliopeError, ValueError):
    """A worksheet source cannot be built (missing block, bad TOML, too many pages...)."""

    reason = "worksheet"
    key = "worksheets.error"

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(path=str(path), problem=problem)


# --------------------------------------------------------------------------------------------
# The source
# --------------------------------------------------------------------------------------------
@dataclass
class Question:
    text: str
    lines: int = 3


@dataclass
class MeasurementTable:
    columns: list[str]
    rows: list[str] = field(default_factory=list)  # first column, prefilled
    blank_rows: int = 0  # extra empty rows to fill in
    widths: list[float] | None = None  # relative column widths
    title: str = ""


@dataclass
class Worksheet:
    """One lesson's worksheet, read from its source file."""

    number: int
    title: str
    diagram: str
    body: str
    source: Path
    duration: str = ""
    goals: list[str] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)  # extra parts
    safety: list[str] = field(default_factory=list)
    table: MeasurementTable | None = None
    questions: list[Question] = field(default_factory=list)
    found_lines: int = 4
    diagram_caption: str = ""
    extra_diagrams: list[tuple[str, str]] = field(default_factory=list)  # (name, caption)

    @property
    def stem(self) -> str:
        return self.source.stem


_FRONT = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n(.*)\Z", re.S)


def load(path: str | Path) -> Worksheet:
    """Read a worksheet source (TOML front matter between ``+++`` lines, then Markdown)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    if not match:
        raise WorksheetError(path, "Die Datei muss mit einem +++ ... +++ Block beginnen.")
    try:
        data = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise WorksheetError(path, f"TOML-Fehler: {exc}") from None
    body = match.group(2)
    for key in ("number", "title", "diagram"):
        if key not in data:
            raise WorksheetError(path, f"'{key}' fehlt im +++ Block.")
    from calliope_lib.teach.diagrams import DIAGRAMS  # the drawings themselves load lazily

    extras = [
        (e, "") if isinstance(e, str) else (str(e["name"]), str(e.get("caption", "")))
        for e in data.get("extra_diagrams", [])
    ]
    for name in [data["diagram"], *(name for name, _ in extras)]:
        if name not in DIAGRAMS:
            raise WorksheetError(path, f"Unbekannter Schaltplan '{name}'. Bekannt: {', '.join(DIAGRAMS)}")
    table = data.get("table")
    blocks = re.findall(r"^\{\{\s*(\w+)\s*\}\}\s*$", body, re.M)
    for block in blocks:
        if block not in REQUIRED_BLOCKS + OPTIONAL_BLOCKS:
            raise WorksheetError(path, f"Unbekannter Block {{{{ {block} }}}}.")
    for block in REQUIRED_BLOCKS:
        if blocks.count(block) != 1:
            raise WorksheetError(path, f"Der Block {{{{ {block} }}}} muss genau einmal vorkommen.")
    if data.get("safety") and "sicherheit" not in blocks:
        raise WorksheetError(path, "Es gibt Sicherheitshinweise, aber keinen Block {{ sicherheit }}.")
    questions = [Question(q["text"], int(q.get("lines", 3))) for q in data.get("questions", [])]
    if not 3 <= len(questions) <= 5:
        raise WorksheetError(path, f"Ein Arbeitsblatt hat 3 bis 5 Fragen, hier sind es {len(questions)}.")
    if not table or not table.get("columns"):
        raise WorksheetError(path, "Die Messtabelle ([table] mit columns) fehlt.")
    return Worksheet(
        number=int(data["number"]),
        title=str(data["title"]),
        diagram=str(data["diagram"]),
        body=body,
        source=path,
        duration=str(data.get("duration", "")),
        goals=list(data.get("goals", [])),
        parts=list(data.get("parts", [])),
        safety=list(data.get("safety", [])),
        table=MeasurementTable(
            columns=list(table["columns"]),
            rows=list(table.get("rows", [])),
            blank_rows=int(table.get("blank_rows", 0)),
            widths=table.get("widths"),
            title=str(table.get("title", "")),
        ),
        questions=questions,
        found_lines=int(data.get("found_lines", 4)),
        diagram_caption=str(data.get("diagram_caption", "")),
        extra_diagrams=extras,
    )


def default_source_dir() -> Path:
    """The worksheet sources shipped with the package (:mod:`calliope_lib.teach.materials`)."""
    from calliope_lib.teach.materials import worksheet_sources_dir

    return worksheet_sources_dir()


def find_sources(directory: str | Path | None = None) -> list[Path]:
    """The worksheet sources ``NN-name.md`` in ``directory``, sorted by lesson number."""
    folder = Path(directory) if directory else default_source_dir()
    return sorted(folder.glob("[0-9][0-9]-*.md"))
