"""The pieces a worksheet is made of, each a function that draws one block with fpdf2.

Every builder here returns ``draw(pdf)``: a closure that draws its block at the current
position and moves ``pdf.y`` below it. The layout (:mod:`.layout`) calls each ``draw`` twice,
once on a throw-away copy to measure its height and once for real, so a block never has to
know where on the page it lands.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import TYPE_CHECKING, Callable, Iterator

from calliope_lib.teach.worksheets.page import (BODY_SIZE, COURSE_NAME, DIAGRAM_MAX_H,
                                                DIAGRAM_MAX_W, DIAGRAM_SCALE, LINE_H, TEXT_W)
from calliope_lib.teach.worksheets.source import MeasurementTable, Question, Worksheet

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

#: What every builder returns: draws one block at ``pdf.y``.
Draw = Callable[["FPDF"], None]


def md(text: str) -> str:
    """Our Markdown inline subset -> fpdf2's markers: **fett** stays, *kursiv* -> __kursiv__."""
    return re.sub(r"(?<![*\w])\*(?!\*)([^*\n]+?)\*(?!\*)", r"__\1__", text.strip())


def heading(text: str, level: int = 2) -> Draw:
    """A ``##`` heading (underlined) or a ``###`` one (smaller, no line)."""
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


def paragraph(text: str) -> Draw:
    """Running text with **fett** and *kursiv*."""
    def draw(pdf: "FPDF") -> None:
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.multi_cell(0, LINE_H, md(text), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    return draw


def list_item(marker: str, text: str, indent: float = 7.0) -> Draw:
    """One item of a list: ``•`` or a bold number, the text indented beside it."""
    def draw(pdf: "FPDF") -> None:
        pdf.set_font("DejaVu", "B" if marker[0].isdigit() else "", BODY_SIZE)
        pdf.set_x(pdf.l_margin)
        pdf.cell(indent, LINE_H, marker)
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.multi_cell(TEXT_W - indent, LINE_H, md(text), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)

    return draw


def tip_box(text: str) -> Draw:
    """A '> ' quote: text with a thick bar on the left (a tip)."""

    def draw(pdf: "FPDF") -> None:
        pdf.ln(1)
        y0 = pdf.y
        pdf.set_x(pdf.l_margin + 5)
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.multi_cell(TEXT_W - 5, LINE_H, md(text), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_line_width(1.2)
        pdf.line(pdf.l_margin + 1, y0, pdf.l_margin + 1, pdf.y)
        pdf.ln(2)

    return draw


def ruled_lines(count: int, spacing: float = 7.5, indent: float = 0.0) -> Draw:
    """Grey lines to write on (7.5 mm apart: room for a child's handwriting)."""
    def draw(pdf: "FPDF") -> None:
        pdf.set_line_width(0.2)
        pdf.set_draw_color(110)
        for _ in range(count):
            pdf.ln(spacing)
            pdf.line(pdf.l_margin + indent, pdf.y, pdf.l_margin + TEXT_W, pdf.y)
        pdf.set_draw_color(0)
        pdf.ln(2)

    return draw


def goals(ws: Worksheet) -> list[Draw]:
    """The block ``ziele``: one list item per goal, each placeable on its own."""
    return [list_item("•", goal, indent=5) for goal in ws.goals]


def parts_rows(ws: Worksheet) -> list[tuple[str, str, str]]:
    """(quantity, part, value and how to recognise it) for the parts table."""
    from calliope_lib.teach.wiring import WIRING, format_ohms, resistor_bands

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


def parts_table(ws: Worksheet) -> Draw:
    """The block ``teile``: a checklist to tick off while taking parts from the box."""
    rows = parts_rows(ws)

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


@contextlib.contextmanager
def _framed(pdf: "FPDF", title: str, size: float, height: float,
            rounded: bool = False) -> Iterator[float]:
    """A block in a thick frame: a bold ``title``, then what the ``with`` body draws.

    Yields the frame's left edge; the frame is drawn around everything the body put below
    the title.
    """
    x0, y0 = pdf.l_margin, pdf.y
    pdf.set_xy(x0 + 4, y0 + 3)
    pdf.set_font("DejaVu", "B", size)
    pdf.cell(TEXT_W - 8, height, title, new_x="LMARGIN", new_y="NEXT")
    yield x0
    pdf.set_line_width(0.9)
    pdf.rect(x0, y0, TEXT_W, pdf.y - y0, round_corners=rounded, corner_radius=3 if rounded else 0)


def safety_box(ws: Worksheet) -> Draw:
    """The block ``sicherheit``: the safety notes in a thick frame."""
    def draw(pdf: "FPDF") -> None:
        pdf.ln(1)
        with _framed(pdf, "⚠  Sicherheit", 12, 6) as x0:
            for note in ws.safety:
                pdf.set_x(x0 + 4)
                pdf.set_font("DejaVu", "", BODY_SIZE)
                pdf.cell(5, LINE_H, "•")
                pdf.multi_cell(TEXT_W - 13, LINE_H, md(note), markdown=True, align="L",
                               new_x="LMARGIN", new_y="NEXT")
                pdf.ln(0.6)
            pdf.ln(2)
        pdf.ln(3)

    return draw


def _svg_size_mm(data: bytes) -> tuple[float, float]:
    """Width and height of a matplotlib SVG in mm (its width/height are in pt)."""
    head = data[:2000].decode("utf-8", "replace")
    w = float(re.search(r'width="([\d.]+)pt"', head).group(1))  # type: ignore[union-attr]
    h = float(re.search(r'height="([\d.]+)pt"', head).group(1))  # type: ignore[union-attr]
    return w * 25.4 / 72, h * 25.4 / 72


def diagram(name: str, caption: str) -> Draw:
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


def measure_table(table: MeasurementTable) -> Draw:
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


def question(number: int, asked: Question) -> Draw:
    """One numbered question with its lines for the answer."""
    item = list_item(f"{number}.", asked.text)
    lines = ruled_lines(asked.lines, indent=7)

    def draw(pdf: "FPDF") -> None:
        item(pdf)
        lines(pdf)

    return draw


def found_box(count: int) -> Draw:
    """The block ``herausgefunden``: a framed box "Das habe ich herausgefunden" to fill in."""
    def draw(pdf: "FPDF") -> None:
        pdf.ln(2)
        with _framed(pdf, "★  Das habe ich herausgefunden", 13, 7, rounded=True) as x0:
            pdf.set_line_width(0.2)
            pdf.set_draw_color(110)
            for _ in range(count):
                pdf.ln(7.5)
                pdf.line(x0 + 4, pdf.y, x0 + TEXT_W - 4, pdf.y)
            pdf.set_draw_color(0)
            pdf.ln(5)
        pdf.set_font("DejaVu", "", BODY_SIZE)
        pdf.ln(2)

    return draw


def title_block(ws: Worksheet) -> Draw:
    """The top of the first page: course line, big title, fields for name, class and date."""
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
