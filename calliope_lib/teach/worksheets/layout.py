"""Putting blocks on pages: the Markdown body split into units, each placed whole.

Print rules kept by construction: every unit is measured before it is placed and starts on a
new page when it would not fit, so no table, diagram or box is cut in half. Each placement is
logged (:class:`Placement`), so tests can check where things landed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calliope_lib.teach.worksheets import blocks
from calliope_lib.teach.worksheets.blocks import Draw
from calliope_lib.teach.worksheets.page import MARGIN_BOTTOM, MARGIN_TOP, PAGE_H
from calliope_lib.teach.worksheets.source import Worksheet, WorksheetError

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF


@dataclass(frozen=True)
class Placement:
    """Where one block landed: page (1-based) and its top and bottom in mm."""

    kind: str
    name: str
    page: int
    top: float
    bottom: float


class Layout:
    """Places blocks on pages: measure first, break the page if needed, then draw and log."""

    def __init__(self, pdf: "FPDF", page_offset: int = 0) -> None:
        self.pdf = pdf
        self.log: list[Placement] = []
        self.page_offset = page_offset

    @property
    def bottom(self) -> float:
        return self.pdf.page_break_trigger

    def measure(self, draw: Draw) -> float:
        """Height in mm that ``draw`` would use, found by drawing on a copy and rewinding."""
        pdf = self.pdf
        with pdf.offset_rendering():
            pdf.set_auto_page_break(False)
            y0 = pdf.y
            draw(pdf)
            height = pdf.y - y0
        return height

    def place(self, kind: str, name: str, draws: list[Draw], gap: float = 0.0) -> None:
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


def body_blocks(ws: Worksheet) -> list[tuple[str, str, list[Draw]]]:
    """Split the Markdown body into (kind, name, [draw...]) units, each kept on one page.

    Headings stay with the first unit after them. Lists split between items, paragraphs are
    kept whole (they are short on a worksheet).
    """
    units: list[tuple[str, str, list[Draw]]] = []
    pending: list[Draw] = []  # headings waiting for their first unit
    pending_name = ""

    lead: list[Draw] = []  # a heading and its intro paragraph

    def add(kind: str, name: str, draws: list[Draw]) -> None:
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
            add("text", "absatz", [blocks.paragraph(" ".join(paragraph))])
            paragraph = []
        if item is not None:
            add("text", "punkt", [blocks.list_item(item_marker, " ".join(item))])
            item = None
        if quote:
            add("box", "tipp", [blocks.tip_box(" ".join(quote))])
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
            for kind, name, draws in named_block(ws, block.group(1)):
                add(kind, name, draws)
        elif heading:
            flush()
            pending.append(blocks.heading(heading.group(2), level=len(heading.group(1))))
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


def named_block(ws: Worksheet, name: str) -> list[tuple[str, str, list[Draw]]]:
    if name == "ziele":
        return [("text", "ziel", [draw]) for draw in blocks.goals(ws)]
    if name == "teile":
        return [("table", "teile", [blocks.parts_table(ws)])]
    if name == "sicherheit":
        return [("box", "sicherheit", [blocks.safety_box(ws)])] if ws.safety else []
    if name == "schaltplan":
        out = [("diagram", ws.diagram, [blocks.diagram(ws.diagram, ws.diagram_caption)])]
        for extra, caption in ws.extra_diagrams:
            out.append(("diagram", extra, [blocks.diagram(extra, caption)]))
        return out
    if name == "messtabelle":
        assert ws.table is not None
        return [("table", "messtabelle", [blocks.measure_table(ws.table)])]
    if name == "fragen":
        return [("question", f"frage {i}", [blocks.question(i, q)]) for i, q in enumerate(ws.questions, 1)]
    if name == "herausgefunden":
        return [("box", "herausgefunden", [blocks.found_box(ws.found_lines)])]
    raise WorksheetError(ws.source, f"Unbekannter Block {name}")  # pragma: no cover - load() checks


def render(pdf: "FPDF", ws: Worksheet, page_offset: int = 0) -> list[Placement]:
    """Draw one worksheet into ``pdf`` starting on a new page; returns the layout log."""
    pdf.add_page()
    layout = Layout(pdf, page_offset)
    layout.place("title", "titel", [blocks.title_block(ws)])
    for kind, name, draws in body_blocks(ws):
        layout.place(kind, name, draws)
    return layout.log
