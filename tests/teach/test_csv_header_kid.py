"""A kid runs lesson 1's first measurement on the simulated board: the file it saves has a
German header a spreadsheet shows as it is, and ``cl.load`` still finds ``temperature``.

The cells are lesson 1's own (from its notebook, up to the measurement that saves
``meine_messung.csv``), run in a real kernel in a copy of the lesson folder, with one cell
added as a kid would write it: ``rec.save(...)`` in the German Excel dialect.
"""

from __future__ import annotations

import csv

import nbformat

import calliope_lib as cl
from tests.teach.lesson_tools import LESSON_ENV, copy_lesson, execute, notebook_path, read

LESSON = "01-hallo-calliope"


def _header(path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    line = next(line for line in text.splitlines() if not line.startswith("#"))
    return next(csv.reader([line], delimiter=";" if ";" in line else ","))


def test_lesson_1_recording_is_saved_with_a_german_header(tmp_path):
    folder = copy_lesson(LESSON, tmp_path / LESSON)
    nb = read(notebook_path(folder))
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cells.append(cell)
        if 'save_to=lesson.my_file("messung")' in cell.source:
            break
    else:
        raise AssertionError("lesson 1 has no measurement saved to meine_messung.csv")
    cells.append(nbformat.v4.new_code_cell(
        'rec.save("meine_messung_excel.csv", dialect="excel-de")\nprint(rec.summary())'))
    nb.cells = cells
    execute(nb, folder, LESSON_ENV)
    errors = [(o.ename, o.evalue) for c in nb.cells for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert not errors, errors

    for name in ("meine_messung.csv", "meine_messung_excel.csv"):
        path = folder / name
        assert _header(path) == ["Zeit (s)", "Temperatur (°C)", "Helligkeit (0–255)",
                                 "Knopf A"], name
        back = cl.load(path)
        assert back.channels == ["temperature", "light", "button_a"], name
        assert back.marks and back.marks[0][1] == "Hand drüber", name
        assert back.count("temperature") >= 50
    summary = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "Temperatur" in summary and "Helligkeit" in summary and "temperature" not in summary


def test_the_lessons_names_reach_the_csv_header_plot_and_summary(tmp_path):
    """lesson.py names the channels lessons make (``lux``: "Fotowiderstand") in the core's
    one table: the file, the plot and both summaries say it; code and cl.load keep ``lux``."""
    import matplotlib

    matplotlib.use("Agg")
    from calliope_lib import lesson
    from calliope_lib.sensors import LightSensor

    rec = cl.load(copy_lesson("03-licht", tmp_path / "l3") / "beispiel_licht.csv")
    rec.convert("p1", LightSensor(), name="lux")
    assert lesson.display_name("lux") == "Fotowiderstand" == rec.label("lux")
    path = rec.save(tmp_path / "licht.csv", dialect="excel-de")
    assert _header(path)[-1] == "Fotowiderstand (lx)"
    assert cl.load(path).channels == ["light", "p1", "lux"]
    fig = lesson.plot(rec, ["lux"])
    assert fig.axes[0].get_ylabel() == "Fotowiderstand in lx"
    assert "| Fotowiderstand |" in repr(lesson.summary(rec))
    assert "Fotowiderstand" in str(rec.summary())
