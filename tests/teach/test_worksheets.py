"""Printable worksheets: every lesson builds to a real A4 PDF with its sections, its wiring
diagram and no block cut in half; the course PDF holds them all. Checked by reading the PDFs
back with pypdf."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

importlib.import_module("fpdf")
importlib.import_module("schemdraw")
pypdf = importlib.import_module("pypdf")

from calliope_lib import worksheets as W  # noqa: E402
from calliope_lib.teach.worksheets import WorksheetError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "calliope_lib" / "teach" / "worksheets" / "sheets"
MM = 72 / 25.4  # PDF points per mm
A4 = (210 * MM, 297 * MM)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("arbeitsblaetter")
    results = W.build_all(out, source_dir=SOURCES)
    return out, {r.number: r for r in results}


def _text(page) -> str:
    return re.sub(r"\s+", " ", page.extract_text() or "")


def _sheets():
    return [W.load(p) for p in W.find_sources(SOURCES)]


def test_six_lessons_have_sources():
    numbers = [ws.number for ws in _sheets()]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    stems = [p.stem for p in W.find_sources(SOURCES)]
    lessons = ROOT / "calliope_lib" / "teach" / "lessons"
    if lessons.is_dir():  # same names as the lesson folders, so people find the pair
        for stem in stems:
            assert (lessons / stem).is_dir(), stem


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6, 7])
def test_pdf_is_a4_within_budget_with_fonts_embedded(built, number):
    out, results = built
    result = results[number]
    reader = pypdf.PdfReader(result.path)
    assert 1 <= len(reader.pages) <= W.MAX_PAGES
    assert len(reader.pages) == result.pages
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(A4[0], abs=0.5)
        assert float(box.height) == pytest.approx(A4[1], abs=0.5)
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded TTF


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6, 7])
def test_pdf_has_all_sections(built, number):
    out, results = built
    ws = next(ws for ws in _sheets() if ws.number == number)
    reader = pypdf.PdfReader(results[number].path)
    text = " ".join(_text(p) for p in reader.pages)
    for expected in [ws.title, "Das lernst du", "Das brauchst du", "Meine Messwerte", "Fragen",
                     "Das habe ich herausgefunden", "Name:", "Calliope mini mit USB-Kabel"]:
        assert expected in text, expected
    for goal in ws.goals:
        assert re.sub(r"\*\*", "", goal)[:30] in text
    for column in ws.table.columns:
        assert column in text
    for question in ws.questions:
        assert re.sub(r"\*\*", "", question.text)[:35] in text
    if ws.safety:
        assert "Sicherheit" in text
    # resistors come with their colour bands, spelled out
    from calliope_lib.teach.wiring import WIRING

    for part in WIRING[ws.diagram].parts:
        if part.ohms == 10_000:
            assert "braun – schwarz – orange – gold" in text
        if part.ohms == 100:
            assert "braun – schwarz – braun – gold" in text


def _path_ops(page) -> dict[str, int]:
    counts: dict[str, int] = {}
    content = pypdf.generic.ContentStream(page.get_contents(), page.pdf)
    for _operands, operator in content.operations:
        op = operator.decode("latin-1")
        counts[op] = counts.get(op, 0) + 1
    return counts


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6, 7])
def test_pdf_contains_its_wiring_diagram(built, number):
    """The diagram is vector art: its labels are glyph outlines drawn with Bézier curves.

    Our text is real text (Tj), tables are straight lines; only the diagram brings hundreds of
    curve segments ('c'). The page the layout log names must have them, the others not.
    """
    out, results = built
    result = results[number]
    reader = pypdf.PdfReader(result.path)
    diagram_pages = {p.page for p in result.layout if p.kind == "diagram"}
    assert diagram_pages
    for index, page in enumerate(reader.pages, start=1):
        curves = _path_ops(page).get("c", 0)
        if index in diagram_pages:
            assert curves >= 150, (index, curves)
        else:
            assert curves < 60, (index, curves)


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6, 7])
def test_no_block_is_cut_and_all_stay_inside_margins(built, number):
    out, results = built
    result = results[number]
    bottom = W.PAGE_H - W.MARGIN_BOTTOM
    kinds = {p.kind for p in result.layout}
    assert {"title", "table", "diagram", "box", "question"} <= kinds
    for placement in result.layout:
        assert W.MARGIN_TOP - 0.01 <= placement.top <= placement.bottom <= bottom + 0.01, placement
        assert 1 <= placement.page <= result.pages
    # and in the PDF itself: the measurement table's header and its last prefilled row share a page
    ws = next(ws for ws in _sheets() if ws.number == number)
    reader = pypdf.PdfReader(result.path)
    table_page = next(p.page for p in result.layout if p.name == "messtabelle")
    page_text = _text(reader.pages[table_page - 1])
    assert ws.table.columns[0] in page_text
    if ws.table.rows:
        assert ws.table.rows[-1] in page_text


@pytest.mark.parametrize("number", [2, 4, 6])
def test_text_stays_inside_the_printable_area(built, number):
    out, results = built
    reader = pypdf.PdfReader(results[number].path)
    for page in reader.pages:
        spots = []

        def visit(text, cm, tm, font, size, spots=spots):
            if text.strip():
                spots.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

        page.extract_text(visitor_text=visit)
        assert spots
        for x, y in spots:
            assert 15 * MM <= x <= (210 - 15) * MM, (x, y)
            assert 9 * MM <= y <= (297 - 12) * MM, (x, y)


def test_combined_course_pdf(built):
    out, results = built
    path = out / W.COMBINED_NAME
    reader = pypdf.PdfReader(path)
    first = _text(reader.pages[0])
    for ws in _sheets():
        assert ws.title in first
    # each lesson starts on an odd (right-hand) page, right where the contents page says
    for ws in _sheets():
        start = int(re.search(rf"{ws.number}\. {re.escape(ws.title)} Seite (\d+)", first).group(1))
        assert start % 2 == 1
        assert f"{ws.number}. {ws.title}" in _text(reader.pages[start - 1])
        assert f"Seite 1 von {results[ws.number].pages}" in _text(reader.pages[start - 1])
    total = 2 + sum(r.pages + r.pages % 2 for r in results.values())
    assert len(reader.pages) in (total, total - 1)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4[0], abs=0.5)


def _source(tmp_path: Path, front: str, body: str) -> Path:
    path = tmp_path / "09-test.md"
    path.write_text(f"+++\n{front}\n+++\n{body}", encoding="utf-8")
    return path


FRONT = """number = 9
title = "Test"
diagram = "ldr"
goals = ["eins"]
[table]
columns = ["a", "b"]
rows = ["x"]
[[questions]]
text = "eins?"
[[questions]]
text = "zwei?"
[[questions]]
text = "drei?"
"""
BODY = "{{ ziele }}\n{{ teile }}\n{{ schaltplan }}\n{{ messtabelle }}\n{{ fragen }}\n{{ herausgefunden }}\n"


def test_minimal_source_builds(tmp_path):
    result = W.build_lesson(_source(tmp_path, FRONT, BODY), tmp_path / "out")
    assert result.path.exists() and result.pages >= 1


@pytest.mark.parametrize(
    "front, body, message",
    [
        (FRONT, BODY.replace("{{ schaltplan }}\n", ""), "schaltplan"),
        (FRONT.replace('diagram = "ldr"', 'diagram = "toaster"'), BODY, "toaster"),
        (FRONT.split("[[questions]]")[0] + '[[questions]]\ntext = "a"\n', BODY, "3 bis 5 Fragen"),
        (FRONT.replace('goals = ["eins"]', 'goals = ["eins"]\nsafety = ["heiß!"]'), BODY, "Sicherheit"),
        (FRONT.replace('goals = ["eins"]', 'goals = ["eins"]\nsafety = ["heiß!"]'),
         BODY + "{{ sicherheit }}\n", ""),
        (FRONT.replace("number = 9\n", ""), BODY, "number"),
        (FRONT, BODY + "{{ unsinn }}\n", "unsinn"),
        ('number = 9\ntitle = "x" "y"', BODY, "TOML"),
    ],
)
def test_broken_sources_are_explained(tmp_path, front, body, message):
    path = _source(tmp_path, front, body)
    if not message:
        W.load(path)  # a valid variant: must load
        return
    with pytest.raises(WorksheetError, match=message) as info:
        W.load(path)
    assert info.value.reason == "worksheet"
    assert isinstance(info.value, ValueError)


def test_page_budget_is_enforced(tmp_path):
    front = FRONT.replace('text = "drei?"', 'text = "drei?"\nlines = 30') + (
        '[[questions]]\ntext = "vier?"\nlines = 30\n[[questions]]\ntext = "fünf?"\nlines = 30\n'
    )
    front = front.replace('text = "zwei?"', 'text = "zwei?"\nlines = 30')
    with pytest.raises(WorksheetError, match="Seiten"):
        W.build_lesson(_source(tmp_path, front, BODY), tmp_path / "out")


def test_cli_builds_one_lesson(tmp_path):
    out = tmp_path / "blaetter"
    run = subprocess.run(
        [sys.executable, "-m", "calliope_lib", "worksheets", "build", "-o", str(out), "--lesson", "3"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert (out / "03-licht.pdf").exists()
    assert not (out / W.COMBINED_NAME).exists()  # only with all lessons
    assert "03-licht.pdf" in run.stdout
    assert "unsupported SVG" not in run.stderr


def test_cli_unknown_lesson_says_so(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "calliope_lib", "worksheets", "build", "-o", str(tmp_path), "--lesson", "9"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert run.returncode == 1
    assert "Lektion 9" in run.stderr
