"""``course collect`` trusts no upload: hostile and broken archives, folders and names.

Each test builds what a platform (or a kid) might deliver and checks that collect keeps
going, reports the file by name and never reads outside what it was given.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest

from calliope_lib.teach.course import collect as collect_mod
from calliope_lib.teach.course.collect import collect_submissions
from calliope_lib.teach.course.export import export_grades
from calliope_lib.teach.course.init import init_course
from calliope_lib.teach.course.students import import_students
from tests.teach.course_fixtures import classroom as cr

REPO = Path(__file__).resolve().parents[2]
FIXTURE_LESSONS = Path(__file__).resolve().parent / "course_fixtures" / "lessons"
CLASS = "Nachname;Vorname;Benutzername\nLovelace;Ada;ada.lovelace\nBecker;Ben;ben.becker\n"


@pytest.fixture()
def course(tmp_path):
    lessons = tmp_path / "lessons"
    shutil.copytree(REPO / "calliope_lib" / "teach" / "lessons" / cr.L1, lessons / cr.L1)
    shutil.copytree(FIXTURE_LESSONS / cr.L2, lessons / cr.L2)
    course = init_course(tmp_path / "kurs", lessons_dir=lessons)
    (tmp_path / "klasse.csv").write_text(CLASS, encoding="utf-8")
    import_students(course, tmp_path / "klasse.csv")
    return course


def _notebook(course, lesson: str) -> bytes:
    """The lesson's notebook as a kid hands it in (its grade ids name the lesson)."""
    nb = json.loads((course.source_dir / lesson / f"{lesson}.ipynb").read_text("utf-8"))
    return cr.dumps(nb)


def _keys(report) -> list[str]:
    return [p.key for p in report.problems]


def test_symlinks_are_never_followed(course, tmp_path):
    inbox = tmp_path / "inbox" / "Lovelace, Ada"
    inbox.mkdir(parents=True)
    (inbox / f"{cr.L2}.ipynb").write_bytes(_notebook(course, cr.L2))
    os.symlink("/etc/passwd", inbox / "meine_zahlen.csv")
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("Becker, Ben/meine_zahlen.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr(f"Becker, Ben/{cr.L2}.ipynb", _notebook(course, cr.L2))
    report = collect_submissions(course, [tmp_path / "inbox", archive])
    assert _keys(report).count("course.collect.symlink") == 2
    assert len(report.notebooks) == 2 and report.data_files == []
    for kid in ("ada.lovelace", "ben.becker"):
        assert not (course.submitted_dir / kid / cr.L2 / "meine_zahlen.csv").exists()
    assert "root:" not in "".join(p.read_text("utf-8", "replace")
                                  for p in course.root.rglob("*.csv"))


def test_one_size_budget_across_nested_zips_and_no_temp_folders_left(course, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(collect_mod, "MAX_UNPACKED_BYTES", 1_000_000)
    blob = os.urandom(400_000)  # incompressible: the zips are as big as what they hold
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("Lovelace, Ada/meine_zahlen.csv", blob)
    middle = tmp_path / "middle.zip"
    with zipfile.ZipFile(middle, "w") as zf:
        zf.write(inner, "inner.zip")
        zf.writestr("Becker, Ben/meine_zahlen.csv", blob)
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(middle, "middle.zip")
        zf.writestr(f"Becker, Ben/{cr.L2}.ipynb", _notebook(course, cr.L2))
    before = set(Path(tempfile.gettempdir()).glob("calliope-collect-*"))
    report = collect_submissions(course, [outer])
    assert "course.collect.zip_too_big" in _keys(report)
    assert set(Path(tempfile.gettempdir()).glob("calliope-collect-*")) == before
    assert [p.student for p in report.notebooks] == ["ben.becker"]


def test_malformed_notebooks_are_reported_one_by_one(course, tmp_path):
    inbox = tmp_path / "inbox"
    bad = {
        "zellen": '{"cells": 5}',
        "meta": '{"cells": [{"cell_type": "code", "metadata": null, "source": ""}]}',
        "tief": "[" * 200_000 + "]" * 200_000,
        "zahl": '{"cells": [], "n": ' + "7" * 5000 + "}",
    }
    for i, (name, text) in enumerate(bad.items()):
        folder = inbox / f"Lovelace_Ada_{i}"
        folder.mkdir(parents=True)
        (folder / f"{cr.L2}-{name}.ipynb").write_text(text, encoding="utf-8")
    (inbox / "Becker, Ben").mkdir()
    (inbox / "Becker, Ben" / f"{cr.L2}.ipynb").write_bytes(_notebook(course, cr.L2))
    report = collect_submissions(course, [inbox])
    assert ("ben.becker", cr.L2) in {(p.student, p.lesson) for p in report.notebooks}
    corrupt = [p for p in report.problems if p.key == "course.collect.corrupt"]
    # Ada handed in four broken files for one lesson: the newest is kept and reported
    assert len(corrupt) == 1 and "ada.lovelace" in corrupt[0].student


def test_odd_names_and_a_bad_member_never_drop_the_rest(course, tmp_path):
    archive = tmp_path / "abgaben.zip"
    long_name = "x" * 130
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{long_name}/Lovelace_Ada_{cr.L2}.ipynb", _notebook(course, cr.L2))
        zf.writestr("gleich", b"file")
        zf.writestr("gleich/meine_zahlen.csv", b"1\n")
        zf.writestr(f"Becker, Ben/{cr.L2}.ipynb", _notebook(course, cr.L2))
    report = collect_submissions(course, [archive])
    assert {(p.student, p.lesson) for p in report.notebooks} == {
        ("ada.lovelace", cr.L2), ("ben.becker", cr.L2)}
    assert "course.collect.odd_name" in _keys(report)


def test_the_kids_folder_outranks_a_file_name(course, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "Becker, Ben").mkdir(parents=True)
    (inbox / "Becker, Ben" / f"{cr.L2}.ipynb").write_bytes(_notebook(course, cr.L2))
    (inbox / "Lovelace, Ada").mkdir()
    # Ada uploads a notebook named like Ben's into her own folder
    (inbox / "Lovelace, Ada" / f"Becker_Ben_{cr.L2}.ipynb").write_text(
        json.dumps({**json.loads(_notebook(course, cr.L2)), "von": "ada"}), encoding="utf-8")
    (inbox / "Lovelace, Ada" / "timestamp.txt").write_text("2099-01-01 00:00:00.000000 UTC")
    report = collect_submissions(course, [inbox])
    owners = {p.student: p.found.shown for p in report.notebooks}
    assert owners["ben.becker"] == f"Becker, Ben/{cr.L2}.ipynb"
    assert owners["ada.lovelace"] == f"Lovelace, Ada/Becker_Ben_{cr.L2}.ipynb"
    assert "course.collect.other_kids_name" in _keys(report)
    ben = json.loads((course.submitted_dir / "ben.becker" / cr.L2 / f"{cr.L2}.ipynb")
                     .read_text("utf-8"))
    assert "von" not in ben
    stamp = (course.submitted_dir / "ada.lovelace" / cr.L2 / "timestamp.txt").read_text()
    assert not stamp.startswith("2099")  # the kid's timestamp.txt is not taken


def test_own_data_found_by_name_and_recollect_from_unmatched(course, tmp_path):
    inbox = tmp_path / "inbox" / "Lovelace, Ada"
    inbox.mkdir(parents=True)
    (inbox / f"{cr.L1}.ipynb").write_bytes(_notebook(course, cr.L1))
    (inbox / f"{cr.L2}.ipynb").write_bytes(_notebook(course, cr.L2))
    (inbox / "meine_messung.csv").write_text("zeit_s,temperature\n0,20\n", encoding="utf-8")
    (inbox / "meine_zahlen.csv").write_text("1\n2\n3\n", encoding="utf-8")
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / f"{cr.L2}.ipynb").write_bytes(_notebook(course, cr.L2))  # nobody's name
    report = collect_submissions(course, [tmp_path / "inbox", stray])
    assert (course.submitted_dir / "ada.lovelace" / cr.L1 / "meine_messung.csv").is_file()
    assert (course.submitted_dir / "ada.lovelace" / cr.L2 / "meine_zahlen.csv").is_file()
    kept = course.unmatched_dir / f"{cr.L2}.ipynb"
    assert kept.is_file() and report.unmatched
    renamed = kept.with_name(f"Becker_Ben_{cr.L2}.ipynb")
    kept.rename(renamed)
    again = collect_submissions(course, [course.unmatched_dir])
    assert [(p.student, p.lesson) for p in again.notebooks] == [("ben.becker", cr.L2)]
    assert not renamed.exists()


def test_class_list_twice_utf16_one_name_column_and_turkish_letters(course, tmp_path):
    text = "Name\r\nLovelace, Ada\r\nYılmaz, Ayşe\r\n=HYPERLINK(\"http://x\"), Eve\r\n"
    (tmp_path / "liste.txt").write_bytes(text.encode("utf-16"))
    first = import_students(course, tmp_path / "liste.txt")
    second = import_students(course, tmp_path / "liste.txt")
    assert first.encoding == "UTF-16"
    assert second.lines()[0].startswith("Klassenliste: 0 neu, 3 aktualisiert")
    students = {s.id: s for s in course.students()}
    assert students["ayse.yilmaz"].first_name == "Ayşe"
    assert students["ada.lovelace"].first_name == "Ada"
    assert len(students) == 4  # Ada and Ben from the fixture, Ayşe, Eve: nobody twice


@pytest.mark.parametrize("dialect", ["default", "excel-de"])
def test_export_neutralises_formulas(course, tmp_path, dialect):
    with course.gradebook() as gb:
        for i, evil in enumerate(['=HYPERLINK("http://x","klick")', "+cmd|' /C calc'!A0",
                                  "@SUM(1+1)", "-2+3", "\tTab", "\rCR"]):
            gb.update_or_create_student(f"evil{i}", first_name=evil, last_name=evil)
    path = export_grades(course, tmp_path / "noten.csv", dialect=dialect)
    text = path.read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if dialect == "excel-de" else ","))
    for row in rows:
        for cell in row[:3]:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(cell == "'@SUM(1+1)" for row in rows for cell in row)
