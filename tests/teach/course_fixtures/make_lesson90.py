"""Writes 90-rechnen.ipynb: a small nbgrader source lesson for the course tests (no board).

Run: .venv/bin/python tests/course_fixtures/make_lesson90.py
"""
import json
from pathlib import Path


def meta(grade_id, grade=False, solution=False, locked=False, points=None):
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
         "solution": solution}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


def code(src, m=None, cid=None):
    return {"cell_type": "code", "execution_count": None, "id": cid or (m or {}).get(
        "nbgrader", {}).get("grade_id", "x"), "metadata": m or {}, "outputs": [], "source": src}


def md(src, m=None, cid=None):
    return {"cell_type": "markdown", "id": cid or (m or {}).get("nbgrader", {}).get(
        "grade_id", "x"), "metadata": m or {}, "source": src}


cells = [
    md("# Lektion 90: Rechnen\n\nEine kleine Test-Lektion ohne Board.", cid="intro"),
    code("import csv\nwith open('beispiel_zahlen.csv', encoding='utf-8') as f:\n"
         "    zahlen = [float(row['wert']) for row in csv.DictReader(f)]\nprint(zahlen)",
         cid="laden"),
    md("## Aufgabe 1 (2 Punkte)\n\nSchreibe `quadrat(x)`.", meta("a1-text", locked=True)),
    code("def quadrat(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
         meta("a1", solution=True)),
    code("assert quadrat(3) == 9, 'quadrat(3) soll 9 sein.'\n### BEGIN HIDDEN TESTS\n"
         "assert quadrat(-2) == 4\nassert quadrat(0.5) == 0.25\n### END HIDDEN TESTS\nprint('Richtig!')",
         meta("test-a1", grade=True, locked=True, points=2)),
    md("## Aufgabe 2 (1 Punkt)\n\nSpeichere die Summe von `zahlen` in `summe`.",
       meta("a2-text", locked=True)),
    code("### BEGIN SOLUTION\nsumme = sum(zahlen)\n### END SOLUTION\nprint(summe)",
         meta("a2", solution=True)),
    code("assert isinstance(summe, float), 'summe soll eine Zahl sein.'\n### BEGIN HIDDEN TESTS\n"
         "assert abs(summe - 10.5) < 1e-9\n### END HIDDEN TESTS\nprint('Richtig!')",
         meta("test-a2", grade=True, locked=True, points=1)),
    md("## Deine eigenen Daten (1 Punkt)\n\nSpeichere drei Zahlen in `meine_zahlen.csv`.",
       meta("eigene-text", locked=True)),
    code("import os\nassert os.path.exists('meine_zahlen.csv'), 'meine_zahlen.csv fehlt.'\n"
         "with open('meine_zahlen.csv', encoding='utf-8') as f:\n"
         "    assert len(f.read().split()) >= 3, 'Mindestens drei Zahlen.'\nprint('Richtig!')",
         meta("test-eigene-daten", grade=True, locked=True, points=1)),
    md("## Frage (2 Punkte)\n\nWas ist ein Quadrat?", meta("frage-text", locked=True)),
    md("Eine Zahl mal sich selbst.", meta("frage", grade=True, solution=True, points=2)),
]
nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
      "language": "python", "name": "python3"}, "language_info": {"name": "python"}},
      "nbformat": 4, "nbformat_minor": 5}
here = Path(__file__).resolve().parent / "lessons" / "90-rechnen"
(here / "90-rechnen.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
