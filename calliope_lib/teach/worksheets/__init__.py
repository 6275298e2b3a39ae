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
:data:`calliope_lib.teach.diagrams.WIRING` plus ``[[parts]]``; resistors with their colour bands),
``sicherheit`` (safety box, only if there are notes), ``schaltplan`` (the wiring diagram, the
same drawing the lesson notebook shows), ``messtabelle``, ``fragen`` and ``herausgefunden``
(the box "Das habe ich herausgefunden").

Why fpdf2 renders: it is pure Python (installs with pip on Windows, macOS and Linux, no
LaTeX, no browser, no Cairo), embeds TrueType fonts as subsets and draws SVG as vector paths.
The font is DejaVu Sans, which ships with matplotlib and has ä, ö, ü, ß, °, Ω and ⚠.

Print rules the builder keeps by construction: A4 portrait, 18 mm margins left and right,
15 mm top, 20 mm bottom; every block is measured before it is placed and starts on a new page
when it would not fit, so no table, diagram or box is cut in half. Each placement is logged
(:attr:`BuildResult.layout`) so tests can check it.

Example::

    from calliope_lib.teach.worksheets import build_all
    build_all("arbeitsblaetter/")            # 01-hallo-calliope.pdf ... + kurs-komplett.pdf
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from calliope_lib.errors import CalliopeError
from calliope_lib.messages import register, t

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "Worksheet",
    "BuildResult",
    "Placement",
    "WorksheetError",
    "default_source_dir",
    "find_sources",
    "load",
    "build_lesson",
    "build_all",
    "COMBINED_NAME",
]

COMBINED_NAME = "kurs-komplett.pdf"
COURSE_NAME = "Calliope mini Messlabor"

# Page geometry in mm (A4 portrait). Printers keep at least 5 mm; 15+ mm is safe everywhere.
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_LR = 18.0
MARGIN_TOP = 15.0
MARGIN_BOTTOM = 20.0  # the footer sits inside, 10 mm above the paper's edge
TEXT_W = PAGE_W - 2 * MARGIN_LR
MAX_PAGES = 4  # page budget per lesson

# Diagrams: schemdraw's natural size times this factor (12 pt labels print at 9 pt).
DIAGRAM_SCALE = 0.75
DIAGRAM_MAX_W = 150.0
DIAGRAM_MAX_H = 95.0

BODY_SIZE = 11
LINE_H = 5.6

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
    from calliope_lib.teach.diagrams import DIAGRAMS

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


# --------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    """Where one block landed: page (1-based) and its top and bottom in mm."""

    kind: str
    name: str
    page: int
    top: float
    bottom: float


@dataclass
class BuildResult:
    number: int
    path: Path
    pages: int
    layout: list[Placement]


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _new_pdf(footer: Callable[["FPDF"], str]) -> "FPDF":
    """An A4 document with DejaVu Sans and our margins; ``footer(pdf)`` gives the footer text."""
    from fpdf import FPDF

    class _Sheet(FPDF):
        def footer(self) -> None:  # noqa: D401 - fpdf2 hook
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(0)
            self.cell(0, 4, footer(self), align="C")

    pdf = _Sheet(orientation="P", unit="mm", format="A4")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.add_font("DejaVu", "BI", str(fonts / "DejaVuSans-BoldOblique.ttf"))
    pdf.set_margins(MARGIN_LR, MARGIN_TOP, MARGIN_LR)
    pdf.set_auto_page_break(True, MARGIN_BOTTOM)
    pdf.set_font("DejaVu", "", BODY_SIZE)
    pdf.set_draw_color(0)
    pdf.set_text_color(0)
    pdf.set_creator("calliope_lib")
    pdf.set_lang("de")
    return pdf


def _md(text: str) -> str:
    """Our Markdown inline subset -> fpdf2's markers: **fett** stays, *kursiv* -> __kursiv__."""
    return re.sub(r"(?<![*\w])\*(?!\*)([^*\n]+?)\*(?!\*)", r"__\1__", text.strip())


class _Layout:
    """Places blocks on pages: measure first, break the page if needed, then draw and log."""

    def __init__(self, pdf: "FPDF", page_offset: int = 0) -> None:
        self.pdf = pdf
        self.log: list[Placement] = []
        self.page_offset = page_offset

    @property
    def bottom(self) -> float:
        return self.pdf.page_break_trigger

    def measure(self, draw: Callable[["FPDF"], None]) -> float:
        """Height in mm that ``draw`` would use, found by drawing on a copy and rewinding."""
        pdf = self.pdf
        with pdf.offset_rendering():
            pdf.set_auto_page_break(False)
            y0 = pdf.y
            draw(pdf)
            height = pdf.y - y0
        return height

    def place(self, kind: str, name: str, draws: list[Callable[["FPDF"], None]], gap: float = 0.0) -> None:
        """Draw ``draws`` one after the other, all on the same page."""
        pdf = self.pdf

        def all_draws(p: "FPDF") -> None:
            for draw in draws:
                draw(p)

        height = self.measure(all_draws)
        room = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
        if height > room:
            raise WorksheetError("?", f"Der Block '{name}' ist höher als eine Seite ({height:.0f} mm).")
        if pdf.y + height > self.bottom:
            pdf.add_page()
        top = pdf.y
        page = pdf.page
        all_draws(pdf)
        if pdf.page != page:  # pragma: no cover - would be a bug in measure()
            raise RuntimeError(f"block {name} was split across pages")
        self.log.append(Placement(kind, name, page - self.page_offset, top, pdf.y))
        if gap:
            pdf.ln(gap)


# --- drawing pieces -------------------------------------------------------------------------
def _heading(text: str, level: int = 2) -> Callable[["FPDF"], None]:
    def draw(pdf: "FPDF") -> None:
        pdf.ln(2.5 if level == 2 else 1.5)
        pdf.set_font("DejaVu", "B", 13.5 if level == 2 else 11.5)
        pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")
        if level == 2:
            pdf.set_line_width(0.3)
            pdf.line(pdf.l_margin, pdf.y + 0.3, pdf.l_margin + TEXT_W, pdf.y + 0.3)
            pdf.ln(2)
        else:
            pdf.ln(0.5)
        pdf.set_font("DejaVu", "", BODY_SIZE)

    return draw


def _paragraph(text: str) -> Callable[["FPDF"], None]:
    def draw(pdf: "FPDF") -> None:
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.multi_cell(0, LINE_H, _md(text), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    return draw


def _list_item(marker: str, text: str, indent: float = 7.0) -> Callable[["FPDF"], None]:
    def draw(pdf: "FPDF") -> None:
        pdf.set_font("DejaVu", "B" if marker[0].isdigit() else "", BODY_SIZE)
        pdf.set_x(pdf.l_margin)
        pdf.cell(indent, LINE_H, marker)
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.multi_cell(TEXT_W - indent, LINE_H, _md(text), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)

    return draw


def _tip_box(text: str) -> Callable[["FPDF"], None]:
    """A '> ' quote: text with a thick bar on the left (a tip)."""

    def draw(pdf: "FPDF") -> None:
        pdf.ln(1)
        y0 = pdf.y
        pdf.set_x(pdf.l_margin + 5)
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.multi_cell(TEXT_W - 5, LINE_H, _md(text), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_line_width(1.2)
        pdf.line(pdf.l_margin + 1, y0, pdf.l_margin + 1, pdf.y)
        pdf.ln(2)

    return draw


def _ruled_lines(count: int, spacing: float = 7.5, indent: float = 0.0) -> Callable[["FPDF"], None]:
    def draw(pdf: "FPDF") -> None:
        pdf.set_line_width(0.2)
        pdf.set_draw_color(110)
        for _ in range(count):
            pdf.ln(spacing)
            pdf.line(pdf.l_margin + indent, pdf.y, pdf.l_margin + TEXT_W, pdf.y)
        pdf.set_draw_color(0)
        pdf.ln(2)

    return draw


def _goals(ws: Worksheet) -> list[Callable[["FPDF"], None]]:
    return [_list_item("•", goal, indent=5) for goal in ws.goals]


def _parts_rows(ws: Worksheet) -> list[tuple[str, str, str]]:
    """(quantity, part, value and how to recognise it) for the parts table."""
    from calliope_lib.teach.diagrams import WIRING, format_ohms, resistor_bands

    rows = []
    wiring = WIRING.get(ws.diagram.split("_")[0]) or WIRING.get(ws.diagram)
    parts = list(wiring.parts) if wiring else []
    for part in parts:
        value = part.value
        if part.ohms:
            four = " – ".join(resistor_bands(part.ohms))
            five = " – ".join(resistor_bands(part.ohms, bands=5))
            value = f"{format_ohms(part.ohms)}, Ringe: {four}\n(bei 5 Ringen: {five})"
        if part.note:
            value = f"{value}\n{part.note}" if value else part.note
        rows.append((f"{part.quantity} ×", part.name, value))
    for extra in ws.parts:
        value = str(extra.get("value", ""))
        if extra.get("ohms"):
            ohms = float(extra["ohms"])
            value = f"{format_ohms(ohms)}, Ringe: {' – '.join(resistor_bands(ohms))}"
        rows.append((f"{extra.get('quantity', 1)} ×", str(extra["name"]), value))
    return rows


def _parts_table(ws: Worksheet) -> Callable[["FPDF"], None]:
    rows = _parts_rows(ws)

    def draw(pdf: "FPDF") -> None:
        pdf.set_font("DejaVu", "", 10)
        pdf.set_line_width(0.25)
        with pdf.table(
            col_widths=(7, 15, 64, 88),
            text_align=("CENTER", "CENTER", "LEFT", "LEFT"),
            line_height=4.6,
            padding=(1.2, 1.5),
            first_row_as_headings=True,
            headings_style=_headings_style(),
            width=TEXT_W,
        ) as table:
            head = table.row()
            for text in ("✓", "Stück", "Teil", "Wert, so erkennst du es"):
                head.cell(text)
            for quantity, name, value in rows:
                row = table.row()
                row.cell("☐")
                row.cell(quantity)
                row.cell(name)
                row.cell(value)
        pdf.ln(2)

    return draw


def _headings_style():
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD", fill_color=225)


def _safety_box(ws: Worksheet) -> Callable[["FPDF"], None]:
    def draw(pdf: "FPDF") -> None:
        pdf.ln(1)
        x0, y0 = pdf.l_margin, pdf.y
        pdf.set_xy(x0 + 4, y0 + 3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(TEXT_W - 8, 6, "⚠  Sicherheit", new_x="LMARGIN", new_y="NEXT")
        for note in ws.safety:
            pdf.set_x(x0 + 4)
            pdf.set_font("DejaVu", "", BODY_SIZE)
            pdf.cell(5, LINE_H, "•")
            pdf.multi_cell(TEXT_W - 13, LINE_H, _md(note), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.6)
        pdf.ln(2)
        pdf.set_line_width(0.9)
        pdf.rect(x0, y0, TEXT_W, pdf.y - y0)
        pdf.ln(3)

    return draw


def _svg_size_mm(data: bytes) -> tuple[float, float]:
    """Width and height of a matplotlib SVG in mm (its width/height are in pt)."""
    head = data[:2000].decode("utf-8", "replace")
    w = float(re.search(r'width="([\d.]+)pt"', head).group(1))  # type: ignore[union-attr]
    h = float(re.search(r'height="([\d.]+)pt"', head).group(1))  # type: ignore[union-attr]
    return w * 25.4 / 72, h * 25.4 / 72


def _diagram(name: str, caption: str) -> Callable[["FPDF"], None]:
    from calliope_lib.teach.diagrams import svg

    # fpdf2 does not read <metadata> (matplotlib's creator info) and would log about it
    data = re.sub(rb"<metadata>.*?</metadata>", b"", svg(name), flags=re.S)
    w, h = _svg_size_mm(data)
    scale = min(DIAGRAM_SCALE, DIAGRAM_MAX_W / w, DIAGRAM_MAX_H / h)
    w, h = w * scale, h * scale

    def draw(pdf: "FPDF") -> None:
        pdf.ln(1)
        x = pdf.l_margin + (TEXT_W - w) / 2
        # SVG -> vector paths in the PDF (sharp at any zoom, black lines only)
        pdf.image(io.BytesIO(data), x=x, y=pdf.y, w=w, h=h)
        pdf.set_y(pdf.y + h + 1.5)
        if caption:
            pdf.set_font("DejaVu", "I", 9.5)
            pdf.multi_cell(0, 4.6, caption, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.ln(2)

    return draw


def _measure_table(table: MeasurementTable) -> Callable[["FPDF"], None]:
    """A grid to fill in by hand: a bold header, then rows 9 mm high (room for handwriting)."""
    n = len(table.columns)
    rel = table.widths or [1.0] * n
    widths = [TEXT_W * r / sum(rel) for r in rel]
    rows = list(table.rows) + [""] * table.blank_rows
    row_h = 9.5

    def draw(pdf: "FPDF") -> None:
        pdf.set_line_width(0.3)
        pdf.set_font("DejaVu", "B", 9.5)
        # header height: the tallest wrapped header text
        lines = [
            len(pdf.multi_cell(w - 2, 4.6, c, dry_run=True, output="LINES")) for w, c in zip(widths, table.columns)
        ]
        head_h = max(lines) * 4.6 + 3
        x0, y = pdf.l_margin, pdf.y
        x = x0
        for w, c, nl in zip(widths, table.columns, lines):
            pdf.set_fill_color(225)
            pdf.rect(x, y, w, head_h, style="DF")
            pdf.set_xy(x + 1, y + (head_h - nl * 4.6) / 2)
            pdf.multi_cell(w - 2, 4.6, c, align="C")
            x += w
        y += head_h
        pdf.set_font("DejaVu", "", 10)
        for label in rows:
            x = x0
            for i, w in enumerate(widths):
                pdf.rect(x, y, w, row_h)
                if i == 0 and label:
                    # centre the (maybe two-line) label vertically in its row
                    n_lines = len(pdf.multi_cell(w - 3, 4.2, label, dry_run=True, output="LINES"))
                    pdf.set_xy(x + 1.5, y + (row_h - n_lines * 4.2) / 2)
                    pdf.multi_cell(w - 3, 4.2, label, align="L")
                x += w
            y += row_h
        pdf.set_xy(x0, y)
        pdf.ln(3)

    return draw


def _question(number: int, question: Question) -> Callable[["FPDF"], None]:
    item = _list_item(f"{number}.", question.text)
    lines = _ruled_lines(question.lines, indent=7)

    def draw(pdf: "FPDF") -> None:
        item(pdf)
        lines(pdf)

    return draw


def _found_box(count: int) -> Callable[["FPDF"], None]:
    def draw(pdf: "FPDF") -> None:
        pdf.ln(2)
        x0, y0 = pdf.l_margin, pdf.y
        pdf.set_xy(x0 + 4, y0 + 3)
        pdf.set_font("DejaVu", "B", 13)
        pdf.cell(TEXT_W - 8, 7, "★  Das habe ich herausgefunden", new_x="LMARGIN", new_y="NEXT")
        pdf.set_line_width(0.2)
        pdf.set_draw_color(110)
        for _ in range(count):
            pdf.ln(7.5)
            pdf.line(x0 + 4, pdf.y, x0 + TEXT_W - 4, pdf.y)
        pdf.set_draw_color(0)
        pdf.ln(5)
        pdf.set_line_width(0.9)
        pdf.rect(x0, y0, TEXT_W, pdf.y - y0, round_corners=True, corner_radius=3)
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.ln(2)

    return draw


def _title_block(ws: Worksheet) -> Callable[["FPDF"], None]:
    def draw(pdf: "FPDF") -> None:
        x0, y0 = pdf.l_margin, pdf.y
        pdf.set_font("DejaVu", "", 9.5)
        info = f"{COURSE_NAME} · Arbeitsblatt {ws.number}"
        if ws.duration:
            info += f" · {ws.duration}"
        pdf.cell(0, 5, info, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 21)
        pdf.multi_cell(0, 10, f"{ws.number}. {ws.title}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("DejaVu", "", 10)
        y = pdf.y + 6
        pdf.set_line_width(0.2)
        for label, x, w in (("Name:", x0, 80), ("Klasse:", x0 + 86, 34), ("Datum:", x0 + 126, TEXT_W - 126)):
            pdf.text(x, y, label)
            pdf.line(x + pdf.get_string_width(label) + 1.5, y + 0.8, x + w, y + 0.8)
        pdf.set_y(y + 4)
        pdf.set_line_width(0.6)
        pdf.line(x0, pdf.y, x0 + TEXT_W, pdf.y)
        pdf.ln(2)
        del y0

    return draw


# --- the body: Markdown subset -> blocks ----------------------------------------------------
def _body_blocks(ws: Worksheet) -> list[tuple[str, str, list[Callable[["FPDF"], None]]]]:
    """Split the Markdown body into (kind, name, [draw...]) units, each kept on one page.

    Headings stay with the first unit after them. Lists split between items, paragraphs are
    kept whole (they are short on a worksheet).
    """
    units: list[tuple[str, str, list[Callable[["FPDF"], None]]]] = []
    pending: list[Callable[["FPDF"], None]] = []  # headings waiting for their first unit
    pending_name = ""

    lead: list[Callable[["FPDF"], None]] = []  # a heading and its intro paragraph

    def add(kind: str, name: str, draws: list[Callable[["FPDF"], None]]) -> None:
        nonlocal pending, pending_name, lead
        if kind in ("table", "diagram") and lead and not pending:
            # "## Meine Messwerte" + one intro paragraph stay with their table or diagram
            units.pop()
            units.append((kind, name, lead + draws))
            lead = []
            return
        lead = pending + draws if (pending and name == "absatz") else []
        units.append((kind, name if kind != "text" else (pending_name or name), pending + draws))
        pending, pending_name = [], ""

    paragraph: list[str] = []
    item: list[str] | None = None
    item_marker = ""
    quote: list[str] = []

    def flush() -> None:
        nonlocal paragraph, item, quote
        if paragraph:
            add("text", "absatz", [_paragraph(" ".join(paragraph))])
            paragraph = []
        if item is not None:
            add("text", "punkt", [_list_item(item_marker, " ".join(item))])
            item = None
        if quote:
            add("box", "tipp", [_tip_box(" ".join(quote))])
            quote = []

    for raw in ws.body.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        block = re.match(r"^\{\{\s*(\w+)\s*\}\}$", stripped)
        heading = re.match(r"^(#{2,3})\s+(.*)$", stripped)
        numbered = re.match(r"^(\d+)\.\s+(.*)$", stripped)
        bullet = re.match(r"^[-*]\s+(.*)$", stripped)
        if not stripped:
            flush()
        elif block:
            flush()
            for kind, name, draws in _named_block(ws, block.group(1)):
                add(kind, name, draws)
        elif heading:
            flush()
            pending.append(_heading(heading.group(2), level=len(heading.group(1))))
            pending_name = pending_name or heading.group(2)
        elif numbered or bullet:
            flush()
            item = [(numbered or bullet).group(2 if numbered else 1)]  # type: ignore[union-attr]
            item_marker = f"{numbered.group(1)}." if numbered else "•"
        elif stripped.startswith(">"):
            if paragraph or item is not None:
                flush()
            quote.append(stripped.lstrip("> ").strip())
        elif item is not None and raw.startswith((" ", "\t")):
            item.append(stripped)
        else:
            if item is not None or quote:
                flush()
            paragraph.append(stripped)
    flush()
    if pending:
        units.append(("text", pending_name, pending))
    return units


def _named_block(ws: Worksheet, name: str) -> list[tuple[str, str, list[Callable[["FPDF"], None]]]]:
    if name == "ziele":
        return [("text", "ziel", [draw]) for draw in _goals(ws)]
    if name == "teile":
        return [("table", "teile", [_parts_table(ws)])]
    if name == "sicherheit":
        return [("box", "sicherheit", [_safety_box(ws)])] if ws.safety else []
    if name == "schaltplan":
        out = [("diagram", ws.diagram, [_diagram(ws.diagram, ws.diagram_caption)])]
        for extra, caption in ws.extra_diagrams:
            out.append(("diagram", extra, [_diagram(extra, caption)]))
        return out
    if name == "messtabelle":
        assert ws.table is not None
        return [("table", "messtabelle", [_measure_table(ws.table)])]
    if name == "fragen":
        return [("question", f"frage {i}", [_question(i, q)]) for i, q in enumerate(ws.questions, 1)]
    if name == "herausgefunden":
        return [("box", "herausgefunden", [_found_box(ws.found_lines)])]
    raise WorksheetError(ws.source, f"Unbekannter Block {name}")  # pragma: no cover - load() checks


def _render(pdf: "FPDF", ws: Worksheet, page_offset: int = 0) -> list[Placement]:
    """Draw one worksheet into ``pdf`` starting on a new page; returns the layout log."""
    pdf.add_page()
    layout = _Layout(pdf, page_offset)
    layout.place("title", "titel", [_title_block(ws)])
    for kind, name, draws in _body_blocks(ws):
        layout.place(kind, name, draws)
    return layout.log


def _write(pdf: "FPDF", path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".pdf.tmp")
    pdf.output(str(tmp))
    tmp.replace(path)  # no half-written PDF if something fails


def build_lesson(ws: Worksheet | str | Path, out_dir: str | Path) -> BuildResult:
    """Build one worksheet to ``out_dir/<NN-name>.pdf``."""
    if not isinstance(ws, Worksheet):
        ws = load(ws)
    out = Path(out_dir) / f"{ws.stem}.pdf"
    pdf = _new_pdf(lambda p: f"{COURSE_NAME} · Arbeitsblatt {ws.number}: {ws.title} · Seite {p.page_no()} von {{nb}}")
    pdf.set_title(f"Arbeitsblatt {ws.number}: {ws.title}")
    pdf.set_subject(COURSE_NAME)
    layout = _render(pdf, ws)
    if pdf.pages_count > MAX_PAGES:
        raise WorksheetError(ws.source, f"{pdf.pages_count} Seiten, erlaubt sind höchstens {MAX_PAGES}.")
    _write(pdf, out)
    return BuildResult(ws.number, out, pdf.pages_count, layout)


def _notes_page(pdf: "FPDF") -> None:
    """A page for notes, so that every lesson starts on a right-hand page in duplex printing."""
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13.5)
    pdf.cell(0, 8, "Notizen", new_x="LMARGIN", new_y="NEXT")
    _ruled_lines(int((PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 12) // 9), spacing=9)(pdf)


def _build_combined(sheets: list[Worksheet], results: list[BuildResult], out: Path) -> int:
    """All worksheets in one PDF: a contents page, each lesson starting on an odd page."""
    counts = {r.number: r.pages for r in results}
    current: dict[str, Any] = {"ws": None, "first": 1}

    def footer(p: "FPDF") -> str:
        ws = current["ws"]
        if ws is None:
            return COURSE_NAME
        page = p.page_no() - current["first"] + 1
        if page > counts[ws.number]:
            return f"{COURSE_NAME} · Notizen"
        return f"{COURSE_NAME} · Arbeitsblatt {ws.number}: {ws.title} · Seite {page} von {counts[ws.number]}"

    pdf = _new_pdf(footer)
    pdf.set_title(f"{COURSE_NAME}: alle Arbeitsblätter")
    # contents: lessons start on odd pages; the start pages follow from the page counts
    starts = {}
    page = 3  # page 1 contents, page 2 notes/back side
    for ws in sheets:
        starts[ws.number] = page
        page += counts[ws.number] + (counts[ws.number] % 2)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 24)
    pdf.multi_cell(0, 12, COURSE_NAME, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.multi_cell(0, 7, "Arbeitsblätter zum Bauen, Messen und Aufschreiben", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("DejaVu", "B", 13.5)
    pdf.cell(0, 8, "Inhalt", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    for ws in sheets:
        pdf.cell(TEXT_W - 25, 8, f"{ws.number}.  {ws.title}")
        pdf.cell(25, 8, f"Seite {starts[ws.number]}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 10.5)
    pdf.multi_cell(
        0, 5.5,
        "Jedes Arbeitsblatt beginnt auf einer rechten Seite: Beim doppelseitigen Drucken "
        "kannst du die Blätter einer Lektion einzeln austeilen. Leere Rückseiten sind Notizseiten.",
        new_x="LMARGIN", new_y="NEXT",
    )
    _notes_page(pdf)
    for ws in sheets:
        current["ws"] = None
        if pdf.page % 2 == 1:  # next page would be even: fill with notes
            _notes_page(pdf)
        current["ws"] = ws
        current["first"] = pdf.page + 1
        _render(pdf, ws, page_offset=pdf.page)
        if pdf.page - current["first"] + 1 != counts[ws.number]:  # pragma: no cover
            raise RuntimeError("combined layout differs from the single worksheet")
    _write(pdf, out)
    return pdf.pages_count


def build_all(
    out_dir: str | Path,
    source_dir: str | Path | None = None,
    lessons: Iterable[int] | None = None,
    combined: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[BuildResult]:
    """Build every worksheet (or only ``lessons``) into ``out_dir``; plus the course PDF.

    The combined PDF ``kurs-komplett.pdf`` is written when all lessons are built.
    Returns one :class:`BuildResult` per lesson (the combined one is not in the list).
    """
    sources = find_sources(source_dir)
    if not sources:
        folder = source_dir or default_source_dir()
        raise WorksheetError(folder, t("worksheets.none.detail", folder=folder))
    sheets = [load(p) for p in sources]
    wanted = set(lessons) if lessons is not None else None
    if wanted is not None:
        unknown = wanted - {ws.number for ws in sheets}
        if unknown:
            raise WorksheetError(
                source_dir or default_source_dir(),
                f"Kein Arbeitsblatt für Lektion {', '.join(map(str, sorted(unknown)))}.",
            )
        sheets = [ws for ws in sheets if ws.number in wanted]
    results = []
    for ws in sheets:
        result = build_lesson(ws, out_dir)
        results.append(result)
        if progress:
            progress(t("worksheets.built", number=ws.number, pages=result.pages, path=result.path))
    if combined and wanted is None:
        out = Path(out_dir) / COMBINED_NAME
        pages = _build_combined(sheets, results, out)
        if progress:
            progress(t("worksheets.combined", pages=pages, path=out))
    return results
