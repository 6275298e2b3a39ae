"""Grading without an OS sandbox (Windows, macOS, Linux without bubblewrap), through the CLI.

``CALLIOPE_GRADE_NO_SANDBOX=1`` switches bubblewrap off, so the kernels run as the teacher,
each in its own workspace. Then the course is fingerprinted before each kid and checked
after: a notebook that wipes the gradebook and deletes another kid's data file has the damage
rolled back and is named; a ``setsid`` double fork is ended through the mark in its
environment; a notebook that kills its grading process fails alone (retried once) and is
exported as "nicht bewertbar", never as 0.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from tests.teach.course_fixtures import classroom as cr
from tests.teach.test_grading_sealed import (
    DATA,
    FIXTURE_LESSONS,
    L,
    _cli,
    _still_alive,
    hostile_notebooks,
)

pytestmark = pytest.mark.slow

CLASS = ("Nachname;Vorname;Benutzername\r\nEhrlich;Ada;ada.ehrlich\r\n"
         "Schreiber;Sam;sam.schreiber\r\nDaemon;Dora;dora.daemon\r\nKiller;Kai;kai.killer\r\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("fallback")
    shutil.copytree(FIXTURE_LESSONS / L, base / "lessons" / L)
    course = base / "kurs"
    assert _cli("course", "init", str(course), "--lessons-dir", str(base / "lessons"),
                cwd=base).returncode == 0
    (base / "klasse.csv").write_text(CLASS, encoding="utf-8")
    assert _cli("course", "students", "import", str(base / "klasse.csv"),
                cwd=course).returncode == 0
    assert _cli("course", "release", L, cwd=course).returncode == 0
    release = json.loads((course / "release" / L / f"{L}.ipynb").read_text("utf-8"))
    nbs = hostile_notebooks(release, course)
    for sid in ("ada.ehrlich", "sam.schreiber", "dora.daemon", "kai.killer"):
        folder = course / "submitted" / sid / L
        folder.mkdir(parents=True)
        (folder / f"{L}.ipynb").write_bytes(cr.dumps(nbs[sid]))
        (folder / "meine_zahlen.csv").write_text(DATA, encoding="utf-8")
    ada_data = (course / "submitted" / "ada.ehrlich" / L / "meine_zahlen.csv").read_bytes()
    run = _cli("course", "grade", L, "--allow-root", "--timeout", "4", "--jobs", "1",
               "--quiet", cwd=course, env={"CALLIOPE_GRADE_NO_SANDBOX": "1"})
    return {"course": course, "run": run, "alive": _still_alive(),
            "ada_data": ada_data}


def test_damage_is_rolled_back_and_named(graded):
    out = graded["run"].stdout
    lines = out.splitlines()
    at = [i for i, line in enumerate(lines) if line.startswith("Schutz:")]
    assert len(at) == 1, out  # after the lines printed at once for kids that failed
    assert lines[at[0]].startswith("Schutz: nur Arbeitsordner + Prüfen und Zurücksetzen")
    assert "4 Abgaben, 3 bewertet, 1 nicht bewertbar" in lines[at[0] + 1], out
    sam = [line for line in lines if "sam.schreiber" in line and "zurückgesetzt" in line]
    assert sam and "gradebook.db" in sam[0], out
    assert "submitted/ada.ehrlich/90-rechnen/meine_zahlen.csv" in sam[0], out
    course = graded["course"]
    assert (course / "submitted" / "ada.ehrlich" / L / "meine_zahlen.csv").read_bytes() \
        == graded["ada_data"]


def test_points_and_a_killed_grader_fails_alone(graded):
    from calliope_lib.teach.course.config import Course

    with Course(graded["course"]).gradebook() as gb:
        points = {s.student.id: float(s.score) for s in gb.find_assignment(L).submissions}
    assert points == {"ada.ehrlich": 4, "sam.schreiber": 4, "dora.daemon": 4}
    assert any("kai.killer" in line and "NICHT BEWERTBAR" in line and "zweimal" in line
               for line in graded["run"].stdout.splitlines())
    assert graded["alive"] == []


def test_export_marks_the_kid_that_could_not_be_graded(graded):
    course = graded["course"]
    run = _cli("course", "export", "-o", "noten.csv", "--dialect", "excel-de", cwd=course)
    assert run.returncode == 0, run.stderr
    rows = list(csv.reader(io.StringIO((course / "noten.csv").read_text("utf-8-sig")),
                           delimiter=";"))
    header = rows[0]
    kai = next(row for row in rows if row[0] == "kai.killer")
    assert kai[header.index(f"{L}:Summe")] == "nicht bewertbar"
    assert kai[header.index("Gesamt")] == ""
    ada = next(row for row in rows if row[0] == "ada.ehrlich")
    assert ada[header.index(f"{L}:Summe")] == "4"
