"""The PDF files: one A4 document per lesson and one for the whole course.

Why fpdf2 renders: it is pure Python (installs with pip on Windows, macOS and Linux, no
LaTeX, no browser, no Cairo), embeds TrueType fonts as subsets and draws SVG as vector paths.
The font is DejaVu Sans, which ships with matplotlib and has ä, ö, ü, ß, °, Ω and ⚠.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from calliope_lib.messages import t
from calliope_lib.teach.worksheets.blocks import ruled_lines
from calliope_lib.teach.worksheets.layout import Placement, render
from calliope_lib.teach.worksheets.page import (BODY_SIZE, COURSE_NAME, MARGIN_BOTTOM, MARGIN_LR,
                                                MARGIN_TOP, MAX_PAGES, PAGE_H, TEXT_W)
from calliope_lib.teach.worksheets.source import (Worksheet, WorksheetError, default_source_dir,
                                                  find_sources, load)

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF


COMBINED_NAME = "kurs-komplett.pdf"


@dataclass
class BuildResult:
    """One built worksheet: its lesson number, the PDF, its page count and where each
    block landed (for tests and for a teacher wondering why a page broke)."""

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
    layout = render(pdf, ws)
    if pdf.pages_count > MAX_PAGES:
        raise WorksheetError(ws.source, f"{pdf.pages_count} Seiten, erlaubt sind höchstens {MAX_PAGES}.")
    _write(pdf, out)
    return BuildResult(ws.number, out, pdf.pages_count, layout)


def _notes_page(pdf: "FPDF") -> None:
    """A page for notes, so that every lesson starts on a right-hand page in duplex printing."""
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13.5)
    pdf.cell(0, 8, "Notizen", new_x="LMARGIN", new_y="NEXT")
    ruled_lines(int((PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 12) // 9), spacing=9)(pdf)


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
        render(pdf, ws, page_offset=pdf.page)
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
