"""The whole grading round with real nbgrader: a scripted class of eleven kids, two lessons.

One course is built once per module (init, class list, release, collect, grade both
lessons: about 40 s on 2 cores, 10 s of it the endless loop); the tests then read the
result like a teacher would: points per kid, the lines the teacher sees, the files made.
See ``tests/course_fixtures/classroom.py`` for who does what.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.teach.course_fixtures import classroom as cr

from calliope_lib.teach.course import errors as course_errors
from calliope_lib.teach.course.collect import collect_submissions
from calliope_lib.teach.course.export import export_grades
from calliope_lib.teach.course.feedback import feedback_lesson
from calliope_lib.teach.course.grade import grade_lesson, running_as_root
from calliope_lib.teach.course.init import init_course
from calliope_lib.teach.course.release import release_lesson
from calliope_lib.teach.course.students import import_students

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIXTURE_LESSONS = Path(__file__).resolve().parent / "course_fixtures" / "lessons"
CLI = [sys.executable, "-m", "calliope_lib"]


@pytest.fixture(scope="module")
def lessons_dir(tmp_path_factory) -> Path:
    """The real first lesson of the package plus the small test lesson."""
    folder = tmp_path_factory.mktemp("lessons")
    shutil.copytree(REPO / "calliope_lib" / "teach" / "lessons" / cr.L1, folder / cr.L1)
    shutil.copytree(FIXTURE_LESSONS / cr.L2, folder / cr.L2)
    return folder


@pytest.fixture(scope="module")
def round_(tmp_path_factory, lessons_dir):
    """A complete round: returns a namespace with the course and every report."""
    base = tmp_path_factory.mktemp("round")
    course = init_course(base / "kurs-7b", lessons_dir=lessons_dir, timeout=10,
                         memory_mb=1536)
    (base / "klasse.csv").write_bytes(cr.CLASS_CSV)
    students = import_students(course, base / "klasse.csv")
    released = {lesson: release_lesson(course, lesson) for lesson in (cr.L1, cr.L2)}
    inbox = base / "inbox"
    inbox.mkdir()
    r1 = json.loads((course.release_dir / cr.L1 / f"{cr.L1}.ipynb").read_text("utf-8"))
    r2 = json.loads((course.release_dir / cr.L2 / f"{cr.L2}.ipynb").read_text("utf-8"))
    reference = (course.source_dir / cr.L1 / "beispiel_messung.csv").read_bytes()
    zipped = cr.build_lesson1(r1, reference, inbox)
    folder = cr.build_lesson2(r2, inbox)
    collected = collect_submissions(course, [zipped, folder])
    failures: list[str] = []
    graded = {lesson: grade_lesson(course, lesson, jobs=2, allow_root=True, progress=False,
                                   on_failure=lambda r: failures.extend(
                                       p.text() for p in r.problems))
              for lesson in (cr.L1, cr.L2)}

    class Round:
        pass

    r = Round()
    r.course, r.students, r.released, r.collected = course, students, released, collected
    r.graded, r.failures, r.reference, r.base = graded, failures, reference, base
    return r


# -- init -----------------------------------------------------------------------------------
def test_init_with_package_lessons(tmp_path):
    course = init_course(tmp_path / "kurs", lessons=["01"])
    assert course.lessons() == [cr.L1]
    assert not (course.source_dir / cr.L1 / "LEHRKRAFT.md").exists()
    config = course.config()
    assert config.Execute.timeout == 60
    assert config.OverwriteCells.add_missing_cells is True
    assert config.Autograde.exclude_overwriting == {}
    assert config.CourseDirectory.course_id == "kurs"
    assert config.LimitedKernelManager.memory_mb == 2048
    readme = (course.root / "LIESMICH.md").read_text("utf-8")
    assert "calliope-mini course grade 01-hallo-calliope" in readme
    with pytest.raises(course_errors.CourseExists):
        init_course(tmp_path / "kurs")
    with pytest.raises(course_errors.UnknownLesson) as info:
        init_course(tmp_path / "other", lessons=["77"])
    assert "77" in str(info.value) and cr.L1 in str(info.value)


def test_init_protects_kids_files_named_like_a_lesson_file(tmp_path, lessons_dir):
    """A lesson file that starts with meine_ is excluded from overwriting the kid's copy."""
    own = tmp_path / "lessons"
    shutil.copytree(lessons_dir / cr.L2, own / cr.L2)
    (own / cr.L2 / "meine_zahlen.csv").write_text("1\n", encoding="utf-8")
    course = init_course(tmp_path / "kurs", lessons_dir=own)
    assert course.config().Autograde.exclude_overwriting == {cr.L2: ["meine_zahlen.csv"]}


def test_teacher_notes_stay_out_of_the_handout(round_):
    folder, zipped = round_.released[cr.L2]
    assert (round_.course.root / "lehrkraft" / f"{cr.L2}-LEHRKRAFT.md").is_file()
    names = zipfile.ZipFile(zipped).namelist()
    assert sorted(names) == [f"{cr.L2}/{cr.L2}.ipynb", f"{cr.L2}/LIES_MICH.txt",
                             f"{cr.L2}/beispiel_zahlen.csv"]
    handout = json.loads((folder / f"{cr.L2}.ipynb").read_text("utf-8"))
    text = json.dumps(handout)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "quadrat(-2)" not in text  # the hidden test is gone


# -- students -------------------------------------------------------------------------------
def test_class_list_ids_are_made_valid_and_reported(round_):
    assert round_.students.lines() == [
        "Klassenliste: 11 neu, 0 aktualisiert (gelesen als Windows-1252, Trennzeichen ';').",
        "  Ben Becker: keine Kennung in der Liste, benutze 'ben.becker'.",
        "  Jonas Jäger: Kennung 'Jonas J.' ist für nbgrader ungültig, benutze 'jonas_j'.",
    ]
    ids = [s.id for s in round_.course.students()]
    assert set(ids) == set(cr.EXPECTED)
    assert round_.course.student_map()["jonas_j"].last_name == "Jäger"


def test_class_list_utf8_comma_full_names(tmp_path, lessons_dir):
    course = init_course(tmp_path / "kurs", lessons_dir=lessons_dir)
    (tmp_path / "k.csv").write_text(
        '\ufeffName,E-Mail\n"Müller, Jörg",j@x.de\nAnna Maria Schmidt,\n"Müller, Jörg",\n,\n',
        encoding="utf-8")
    report = import_students(course, tmp_path / "k.csv")
    assert report.encoding == "UTF-8" and report.delimiter == ","
    students = {s.id: s for s in course.students()}
    assert sorted(students) == ["anna-maria.schmidt", "joerg.mueller", "joerg.mueller-2"]
    assert students["joerg.mueller"].first_name == "Jörg"
    assert students["joerg.mueller"].email == "j@x.de"
    assert students["anna-maria.schmidt"].last_name == "Schmidt"


def test_class_list_without_name_column_says_what_is_expected(tmp_path, lessons_dir):
    course = init_course(tmp_path / "kurs", lessons_dir=lessons_dir)
    (tmp_path / "k.csv").write_text("Klasse;Raum\n7b;12\n", encoding="utf-8")
    with pytest.raises(course_errors.ClassListError) as info:
        import_students(course, tmp_path / "k.csv")
    assert isinstance(info.value, ValueError)
    assert "Keine Spalte für Namen gefunden (Kopfzeile: Klasse;Raum)" in str(info.value)
    assert "Vorname;Nachname;ID" in str(info.value)
    assert "No column for names found" in info.value.text("en")


# -- collect --------------------------------------------------------------------------------
def test_collect_matches_every_kid_and_lesson(round_):
    matched = {(p.student, p.lesson): p.found.shown for p in round_.collected.notebooks}
    expected = {(sid, lesson) for sid, lessons in cr.EXPECTED.items() for lesson in lessons}
    assert set(matched) == expected
    assert matched[("finn.fischer", cr.L1)] == f"abgaben-01/finn.fischer/{cr.L1}-Copy1.ipynb"
    assert matched[("greta.graf", cr.L1)] == f"abgaben-01/Greta Graf/{cr.L1}.ipynb"
    assert matched[("finn.fischer", cr.L2)] == f"Fischer, Finn/{cr.L2} (1).ipynb"
    # Every notebook is stored under the name nbgrader expects, with a timestamp.
    for sid, lesson in expected:
        folder = round_.course.submitted_dir / sid / lesson
        assert (folder / f"{lesson}.ipynb").is_file()
        assert (folder / "timestamp.txt").is_file()


def test_collect_report_lines(round_):
    lines = round_.collected.lines()
    kept = round_.course.unmatched_dir / "abgaben-01" / f"Zorro_Zack_{cr.L1}.ipynb"
    assert lines[0] == ("Eingesammelt: 17 Notebooks, 3 Messdateien. Nicht zugeordnet: 1. "
                        "Doppelt abgegeben: 1.")
    assert (f"  ✔ finn.fischer · {cr.L1} ← abgaben-01/finn.fischer/{cr.L1}-Copy1.ipynb"
            in lines)
    problems = lines[18:]
    assert problems == [
        f"✗ abgaben-01/Zorro_Zack_{cr.L1}.ipynb: Lektion {cr.L1}, aber kein Kind der "
        f"Klassenliste im Namen. Kopie in {kept}. Benenne die Datei mit dem Namen des Kindes "
        "(Nachname_Vorname_...) und sammle sie noch einmal ein.",
        f"✗ Ida Illing (ida.illing) · {cr.L1}: abgaben-01/Illing_Ida_{cr.L1}.ipynb ist kein "
        "lesbares Notebook (kein JSON / not JSON: Unterminated string starting at "
        "(Zeile/line 1)). Bitte das Kind, das Notebook noch einmal abzugeben (in JupyterLab: "
        "Datei → Notebook herunterladen).",
        f"! Jonas Jäger (jonas_j) · {cr.L1}: mehrfach abgegeben. Ich nehme die neueste Datei "
        f"abgaben-01/Jonas Jäger_1010_assignsubmission_file_/{cr.L1} (1).ipynb, nicht: "
        f"abgaben-01/Jäger_Jonas_{cr.L1}.ipynb.",
    ]
    assert kept.is_file()  # never silently dropped
    assert round_.collected.duplicates == [
        ("jonas_j", cr.L1, f"abgaben-01/Jonas Jäger_1010_assignsubmission_file_/{cr.L1} (1).ipynb",
         [f"abgaben-01/Jäger_Jonas_{cr.L1}.ipynb"])]
    saved = sorted((round_.course.root / "berichte").glob("einsammeln-*.txt"))
    assert saved and saved[-1].read_text("utf-8").splitlines() == lines


def test_collect_keeps_the_kids_data_files(round_):
    sub = round_.course.submitted_dir
    assert (sub / "ada.lovelace" / cr.L1 / "meine_messung.csv").read_bytes() == round_.reference
    assert (sub / "ada.lovelace" / cr.L2 / "meine_zahlen.csv").read_bytes() == b"1\n2\n3\n"
    # "meine_zahlen (1).csv" as the platform renamed it, stored under the lesson's name
    assert (sub / "finn.fischer" / cr.L2 / "meine_zahlen.csv").read_bytes() == b"4 5 6\n"
    assert not list(sub.rglob("._*"))  # __MACOSX resource forks are no submissions


def test_collect_again_with_an_older_file_keeps_the_newer(round_, tmp_path):
    old = tmp_path / "old"
    (old / "Lovelace, Ada").mkdir(parents=True)
    nb = old / "Lovelace, Ada" / f"{cr.L2}.ipynb"
    nb.write_text("{}", encoding="utf-8")
    os.utime(nb, (cr.when(cr.ZIP_OLD) - 86400 * 400,) * 2)
    stored = round_.course.submitted_dir / "ada.lovelace" / cr.L2 / f"{cr.L2}.ipynb"
    before = stored.read_bytes()
    report = collect_submissions(round_.course, [old])
    assert stored.read_bytes() == before
    assert [p.key for p in report.problems] == ["course.collect.older_than_stored"]


# -- grade ----------------------------------------------------------------------------------
def test_points_per_kid(round_):
    for lesson, report in round_.graded.items():
        points = {r.student.id: (r.score if r.ok else None) for r in report.results}
        expected = {sid: lessons[lesson] for sid, lessons in cr.EXPECTED.items()
                    if lesson in lessons}
        assert points == expected, lesson


def test_points_per_task_for_the_special_cases(round_):
    by_id = {r.student.id: {t.name: t.score for t in r.tasks}
             for r in round_.graded[cr.L1].results}
    assert by_id["greta.graf"]["test-aufgabe1"] == 0           # endless loop
    assert by_id["greta.graf"]["test-aufgabe2"] == 2            # ... and the rest still ran
    assert by_id["hannah.hahn"]["test-aufgabe4"] == 0           # stderr
    assert by_id["kim.krause"]["test-aufgabe2"] == 0            # MemoryError
    assert by_id["emma.engel"]["test-aufgabe4"] == 1            # deleted, put back, graded
    assert by_id["david.dahl"]["test-aufgabe2"] == 0            # edited, restored
    assert by_id["ada.lovelace"]["test-eigene-daten"] == 1      # her own file survived


def test_lines_the_teacher_sees_after_grading(round_):
    lines = round_.graded[cr.L1].lines()
    assert lines[0].startswith("Schutz: Sandbox (bubblewrap)")  # which protection held
    assert lines[1].startswith(f"{cr.L1}: 11 Abgaben, 10 bewertet, 1 nicht bewertbar (")
    assert not [line for line in lines if "Manipulation" in line]  # an honest class
    for line in [
        "  Ben Becker (ben.becker): 2 von 8 Punkten",
        "  Clara Conti (clara.conti): 0 von 8 Punkten",
        "  Ada Lovelace (ada.lovelace): 6 von 8 Punkten (1 Antwort(en) noch von Hand bewerten)",
        f"  ! Greta Graf (greta.graf) · {cr.L1}: test-aufgabe1 hat 0 Punkte, weil der Code "
        "länger als 10 s lief (Endlosschleife?).",
        f"  ! Hannah Hahn (hannah.hahn) · {cr.L1}: test-aufgabe4 hat 0 Punkte nur wegen einer "
        "Ausgabe auf stderr (Warnung oder print(..., file=sys.stderr)); die Antwort selbst war "
        "fehlerfrei. Prüfe die Aufgabe im Formgrader und gib die Punkte von Hand.",
        f"  ! Kim Krause (kim.krause) · {cr.L1}: test-aufgabe2 hat 0 Punkte, weil der Code zu "
        "viel Speicher wollte (MemoryError).",
        f"  ! David Dahl (david.dahl) · {cr.L1}: Test-Zelle test-aufgabe2 war verändert; "
        "bewertet wurde mit der Original-Zelle.",
        f"  ! Emma Engel (emma.engel) · {cr.L1}: Test-Zelle test-aufgabe4 war gelöscht; sie "
        "wurde wieder eingefügt und bewertet.",
        f"  ✗ Ida Illing (ida.illing) · {cr.L1}: {cr.L1}.ipynb ist kein lesbares Notebook "
        "(Unterminated string starting at), nicht bewertet. Bitte das Kind, das Notebook noch "
        "einmal abzugeben.",
    ]:
        assert line in lines
    # The failure line came at once (during grading), not only in the summary.
    assert round_.failures == [
        f"✗ Ida Illing (ida.illing) · {cr.L1}: {cr.L1}.ipynb ist kein lesbares Notebook "
        "(Unterminated string starting at), nicht bewertet. Bitte das Kind, das Notebook noch "
        "einmal abzugeben."]
    english = [p.text("en") for r in round_.graded[cr.L1].results for p in r.problems
               if p.key == "course.grade.timeout"]
    assert english == [f"! Greta Graf (greta.graf) · {cr.L1}: test-aufgabe1 got 0 points "
                       "because the code ran longer than 10 s (endless loop?)."]


def test_grading_never_overwrites_the_kids_data(round_):
    graded = round_.course.autograded_dir / "ada.lovelace"
    assert (graded / cr.L1 / "meine_messung.csv").read_bytes() == round_.reference
    assert (graded / cr.L2 / "meine_zahlen.csv").read_bytes() == b"1\n2\n3\n"


def test_grading_refuses_root(round_, monkeypatch):
    if not running_as_root():  # a normal user: pretend to be root (what CI really is)
        monkeypatch.setattr(os, "geteuid", lambda: 0)
    with pytest.raises(course_errors.RootRefused) as info:
        grade_lesson(round_.course, cr.L2, students=["ada.lovelace"])
    assert isinstance(info.value, PermissionError)
    assert "--allow-root" in str(info.value)


def test_grading_a_lesson_nobody_handed_in(tmp_path, lessons_dir):
    course = init_course(tmp_path / "kurs", lessons_dir=lessons_dir)
    with pytest.raises(course_errors.NothingSubmitted) as info:
        grade_lesson(course, "90", allow_root=True)
    assert str(info.value).startswith("Für die Lektion 90-rechnen liegt nichts vor.")


# -- feedback and export --------------------------------------------------------------------
def test_feedback_zip_has_one_page_per_graded_kid(round_):
    zipped, problems = feedback_lesson(round_.course, cr.L2)
    # the written answer of every graded kid still waits for hand grading: the teacher is told
    assert {p.key for p in problems} == {"course.feedback.manual_open"}
    assert len(problems) == 6
    names = sorted(zipfile.ZipFile(zipped).namelist())
    assert names == [f"{cr.L2}/{n}.html" for n in [
        "Becker_Ben_ben.becker", "Dahl_David_david.dahl", "Engel_Emma_emma.engel",
        "Fischer_Finn_finn.fischer", "Hahn_Hannah_hannah.hahn", "Lovelace_Ada_ada.lovelace"]]
    page = zipfile.ZipFile(zipped).read(f"{cr.L2}/Lovelace_Ada_ada.lovelace.html").decode()
    assert "quadrat" in page
    assert "4 von 6 Punkten" in page and "Testzelle" in page and "Deine Antwort" in page
    assert "Score" not in page and "Student&#39;s answer" not in page
    assert "quadrat(-2)" not in page  # the hidden tests stay the teacher's


def test_export_default_and_excel_de(round_, tmp_path):
    plain = export_grades(round_.course, tmp_path / "noten.csv")
    rows = list(csv.reader(io.StringIO(plain.read_text("utf-8"))))
    header, maximum, body = rows[0], rows[1], {r[0]: r for r in rows[2:]}
    assert header[:4] == ["ID", "Nachname", "Vorname", f"{cr.L1}:test-aufgabe1"]
    assert header[-2:] == ["Gesamt", "Höchstpunktzahl"]
    col = header.index
    assert maximum[col(f"{cr.L1}:Summe")] == "8" and maximum[col("Gesamt")] == "14"
    assert body["ada.lovelace"][col(f"{cr.L1}:Summe")] == "6"
    assert body["ada.lovelace"][col(f"{cr.L2}:Summe")] == "4"
    assert body["ada.lovelace"][col("Gesamt")] == "10"
    assert body["ada.lovelace"][col(f"{cr.L1}:offen")] == "1"
    assert body["clara.conti"][col(f"{cr.L2}:Summe")] == ""     # not handed in: empty, not 0
    assert body["ida.illing"][col(f"{cr.L1}:Summe")] == "nicht bewertbar"  # corrupt
    assert body["ida.illing"][col("Gesamt")] == ""
    assert body["greta.graf"][col(f"{cr.L1}:test-aufgabe1")] == "0"

    excel = export_grades(round_.course, tmp_path / "noten-excel.csv", dialect="excel-de")
    data = excel.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfID;Nachname;Vorname;")
    assert b"\r\n" in data
    rows_de = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [r[:3] for r in rows_de] == [r[:3] for r in rows]
    from calliope_lib.teach.course.export import _number

    assert _number(1.5, "excel-de") == "1,5" and _number(1.5, "default") == "1.5"
    with pytest.raises(ValueError):
        export_grades(round_.course, tmp_path / "x.csv", dialect="excel-fr")


# -- the command line -----------------------------------------------------------------------
def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CALLIOPE_LANG": "de", "PYTHONPATH": str(REPO)}
    return subprocess.run(CLI + list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_cli_inside_the_course_and_with_course_option(round_, tmp_path):
    inside = _cli("course", "export", "-o", "noten.csv", cwd=round_.course.root / "source")
    assert inside.returncode == 0, inside.stderr
    assert (round_.course.root / "source" / "noten.csv").is_file()
    anywhere = _cli("course", "students", "list", "--course", str(round_.course.root),
                    cwd=tmp_path)
    assert anywhere.returncode == 0, anywhere.stderr
    assert anywhere.stdout.splitlines()[0] == "ben.becker\tBecker\tBen"
    lost = _cli("course", "release", "01", cwd=tmp_path)
    assert lost.returncode == 1
    assert lost.stderr.startswith(f"Fehler: Hier ist kein Kurs-Ordner: {tmp_path}.")
    assert "--course kurs-7b" in lost.stderr


def test_cli_grade_refuses_root_and_grades_with_allow_root(round_):
    if not running_as_root():
        pytest.skip("the refusal of the real CLI needs root; test_grading_refuses_root "
                    "checks the logic for normal users")
    refused = _cli("course", "grade", "90", "--student", "ada.lovelace",
                   "--course", str(round_.course.root), cwd=round_.base)
    assert refused.returncode == 1
    assert "Bewerten als Administrator (root) ist abgeschaltet" in refused.stderr
    graded = _cli("course", "grade", "90", "--student", "ada.lovelace", "--allow-root",
                  "--course", str(round_.course.root), cwd=round_.base)
    assert graded.returncode == 0, graded.stderr
    assert "  Ada Lovelace (ada.lovelace): 4 von 6 Punkten (1 Antwort(en) noch von Hand " \
           "bewerten)" in graded.stdout.splitlines()
