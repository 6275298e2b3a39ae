"""The graded lessons, end to end with real nbgrader and real kernels.

For every lesson in ``lessons/``:

* the source notebook runs top to bottom against the simulated board without an error, and
  no test cell writes to stderr;
* ``nbgrader.validator.Validator`` passes it;
* the release (student version) scores exactly 0 when handed in unchanged;
* a typical kid with one wrong and one missing answer gets exactly the expected points, each
  test cell scoring all or nothing as planned, with no stderr in any test cell, and the kid's
  own ``meine_*.csv`` survives grading byte for byte.

One course (every lesson an assignment) is generated once per module. Timings are printed
(``pytest -s``); ``python -m benchmarks.bench_lessons`` records them in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import subprocess
from pathlib import Path

import pytest

import nbgrader  # noqa: E402,F401  (the lessons extra: a missing install must fail, not skip)

from tests.teach.lesson_tools import (  # noqa: E402  (after the import above)
    LESSON_ENV,
    LESSON_NAMES,
    LESSONS,
    ROOT,
    Course,
    Kid,
    copy_lesson,
    environment,
    errors,
    execute,
    fill,
    notebook_path,
    nbgrader_cells,
    own_recording,
    points,
    read,
    stderr_of,
)

#: One wrong and one missing answer per lesson, and which test cells must then fail.
#: Wrong answers are the mistakes kids make: swapped min/max, 1024 instead of 1023, <= instead
#: of <, no clamping, an off-by-one in a period, a float where a count is asked for.
KIDS: dict[str, Kid] = {
    "01-hallo-calliope": Kid(
        wrong={"aufgabe3": "waermster = min(temperaturen)\nkaeltester = max(temperaturen)"},
        missing="aufgabe2",
        failing=frozenset({"test-aufgabe3", "test-aufgabe2"}),
        own_file=("meine_messung.csv", "sim://?seed=101&speed=200",
                  ("temperature", "light"), 30, 0.5),
        damaged_own_file=True,
    ),
    "02-thermistor": Kid(
        wrong={"aufgabe1": "def spannung(rohwert):\n    return rohwert / 1024 * 3.3"},
        missing="aufgabe4",
        failing=frozenset({"test-aufgabe1", "test-aufgabe4"}),
        own_file=("meine_thermistor.csv", "sim://?seed=102&speed=200&p1=thermistor",
                  ("temperature", "p1"), 60, 0.5),
    ),
    "03-licht": Kid(
        # Passes the visible checks, fails the hidden one at exactly 20 lx.
        wrong={"aufgabe1": "def ist_dunkel(lux):\n    return lux <= 20"},
        missing="aufgabe4",
        failing=frozenset({"test-aufgabe1", "test-aufgabe4"}),
        own_file=("meine_licht.csv", "sim://?seed=103&speed=200&p1=ldr", ("light", "p1"), 60, 0.5),
    ),
    "04-bodenfeuchte": Kid(
        # No clamping to 0..100 %: right inside the calibration, wrong outside (hidden tests).
        wrong={"aufgabe1": "def feuchte_prozent(rohwert):\n"
                           "    return (rohwert - 310) / (780 - 310) * 100"},
        missing="aufgabe4",
        failing=frozenset({"test-aufgabe1", "test-aufgabe4"}),
        own_file=("meine_feuchte.csv", "sim://?seed=104&speed=200&p1=moisture", ("p1",), 60, 1),
    ),
    "05-bewegung": Kid(
        wrong={"aufgabe5": "spitzen = spitzen_zeiten(pendel_zeiten, pendel_x, 200)\n"
                           "periode = (spitzen[-1] - spitzen[0]) / len(spitzen)"},
        missing="aufgabe3",
        failing=frozenset({"test-aufgabe5", "test-aufgabe3"}),
        own_file=("meine_bewegung.csv", "sim://?seed=105&speed=200&motion=walk",
                  ("x=acceleration_x", "y=acceleration_y", "z=acceleration_z"), 20, 0.05),
    ),
    "06-solarbank": Kid(
        wrong={"aufgabe1": "def spannung(rohwert):\n    return rohwert / 1024 * 3.3"},
        missing="aufgabe5",
        failing=frozenset({"test-aufgabe1", "test-aufgabe5"}),
        own_file=("meine_solar.csv", "sim://?seed=106&speed=200&p1=solar", ("p1",), 60, 1),
    ),
    "07-sensorgarten": Kid(
        # Counts the channels (8), not the devices (4).
        wrong={"aufgabe1": "geraete = list(garten.channels)\nanzahl_geraete = len(geraete)"},
        missing="aufgabe5",
        failing=frozenset({"test-aufgabe1", "test-aufgabe5"}),
        own_file=("meine_topf.csv", "sim://?seed=107&speed=200&p1=moisture", ("p1",), 60, 1),
    ),
}

GRADING_ENV = {k: v for k, v in LESSON_ENV.items() if k != "CALLIOPE_LESSON_BOARD"}
TIMINGS: dict[str, dict[str, float]] = {}


def test_every_lesson_has_a_kid_plan():
    assert LESSON_NAMES == sorted(KIDS), "every lesson needs a typical-kid plan in KIDS"
    assert len(LESSON_NAMES) >= 6


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return Course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each source notebook run once top to bottom (kid mode, simulated board)."""
    results = {}
    base = tmp_path_factory.mktemp("executed")
    for name in LESSON_NAMES:
        folder = copy_lesson(name, base / name)
        nb = read(notebook_path(folder))
        seconds = execute(nb, folder, LESSON_ENV)
        results[name] = (folder, nb, seconds)
        TIMINGS.setdefault(name, {})["execute_s"] = seconds
    return results


# -- the source notebooks -------------------------------------------------------------------
@pytest.mark.parametrize("name", LESSON_NAMES)
def test_structure(name):
    """What the issue asks of every lesson, checked on the notebook itself."""
    nb = read(notebook_path(LESSONS / name))
    text = "\n".join(c.source for c in nb.cells)
    tests = points(nb)
    cells = nbgrader_cells(nb)
    manual = [g for g, c in cells.items()
              if c.metadata["nbgrader"].get("grade") and c.metadata["nbgrader"].get("solution")]
    autograded_tasks = [g for g in tests if g != "test-eigene-daten"]
    assert 3 <= len(autograded_tasks) <= 6
    assert manual, "at least one manually graded answer"
    for cell in cells.values():
        assert cell.metadata["nbgrader"]["schema_version"] == 3
    for must in ("Das lernst du heute", "Das brauchst du", "lesson.parts(", "lesson.wiring(",
                 "lesson.board(", "lesson.reference(", ".plot(",
                 "Was du gelernt hast", "### BEGIN HIDDEN TESTS"):
        assert must in text, f"{name}: missing {must!r}"
    # A core part for 60 minutes; the extra tasks are marked, and the teachers' notes count
    # their points right.
    assert "Dauer: 60 Minuten für den Kern" in text
    extra, in_extra = 0.0, False
    for cell in nb.cells:
        heading = next((line for line in cell.source.splitlines() if line.startswith("## ")), "")
        if heading:
            in_extra = heading.startswith("## ⭐ Zusatz")
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if in_extra and gid in tests:
            extra += tests[gid]
    assert extra > 0, f"{name}: no marked extra task"
    notes = (LESSONS / name / "LEHRKRAFT.md").read_text(encoding="utf-8")
    assert f"Davon {extra:g} in ⭐-Zusatzaufgaben" in notes
    # The kid's own file: recorded over the cable, or logged on the board and loaded.
    assert "lesson.my_file(" in text or "lesson.logged(" in text
    # Every test cell has visible checks before its hidden ones: the honest lesson.check,
    # which says "Richtig" only when the hidden lesson.passes agrees (test_lesson_checks.py).
    for gid in tests:
        src = cells[gid].source
        if "### BEGIN HIDDEN TESTS" in src:
            visible, hidden = src.split("### BEGIN HIDDEN TESTS")
            assert "lesson.check(" in visible, f"{gid}: no honest visible check"
            assert "lesson.ok()" not in src, f"{gid}: an unconditional tick after hidden tests"
            # Every hidden assert carries a message in kid words.
            for line in hidden.split("### END HIDDEN TESTS")[0].split("assert ")[1:]:
                assert re.search(r',\s*\\?\s*"[^"]{20,}"', line), f"{gid}: {line!r}"
    # No file shipped with the lesson can collide with a kid's own file.
    assert not [p for p in (LESSONS / name).iterdir() if p.name.startswith("meine_")
                and not _ignored(p)], "a lesson file named meine_* would replace a kid's data"


def _ignored(path: Path) -> bool:
    out = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT)
    return out.returncode == 0


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_source_runs_top_to_bottom(name, executed):
    folder, nb, seconds = executed[name]
    print(f"\n{name}: executed in {seconds:.1f} s")
    assert errors(nb) == []
    assert stderr_of(nb) == [], "a test cell wrote to stderr (nbgrader would give 0 points)"
    # It made plots and saved the kid's own file under a meine_ name.
    pngs = sum(1 for c in nb.cells for o in c.get("outputs", [])
               if "image/png" in o.get("data", {}))
    assert pngs >= 2
    assert list(folder.glob("meine_*.csv"))
    # Every test cell passed and said so.
    for gid in points(nb):
        out = "".join(o.get("text", "") for o in nbgrader_cells(nb)[gid].outputs)
        assert "✔" in out, f"{gid}: {out!r}"


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_validator_passes_source(name, executed):
    from nbgrader.validator import Validator

    folder, _nb, _s = executed[name]  # the kid's meine_ file from the run above is there
    with environment(GRADING_ENV):
        result = Validator().validate(str(notebook_path(folder)))
    assert result == {}, result


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_notebooks_are_built_from_sources(name):
    """calliope_lib/teach/lessons/_src/*.txt are the sources; the committed notebooks match them."""
    # make_notebooks.py is the authors' script beside the lessons, not a module of the package.
    spec = importlib.util.spec_from_file_location("make_notebooks", LESSONS / "make_notebooks.py")
    make_notebooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_notebooks)
    source = LESSONS / "_src" / f"{name}.txt"
    assert make_notebooks.target_of(source).read_text(encoding="utf-8") == \
        make_notebooks.render(source)


# -- grading ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", LESSON_NAMES)
def test_release_unchanged_scores_zero(name, course):
    release = read(course.release_notebook(name))
    text = "\n".join(c.source for c in release.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "DEIN CODE HIER" in text
    course.submit("unveraendert", name, release)
    took = course.autograde("unveraendert", name, GRADING_ENV)
    TIMINGS.setdefault(name, {})["autograde_unchanged_s"] = took
    score, max_score = course.score("unveraendert", name)
    assert score == 0
    assert max_score == sum(points(release).values()) + sum(
        float(c.metadata["nbgrader"]["points"]) for c in release.cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "markdown")


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_typical_kid_gets_expected_points(name, course, tmp_path):
    kid = KIDS[name]
    release = read(course.release_notebook(name))
    source = read(notebook_path(LESSONS / name))
    nb = fill(release, source, kid)
    file_name, url, channels, seconds, every = kid.own_file
    own = own_recording(url, channels, seconds, every, tmp_path / file_name,
                        damaged=kid.damaged_own_file)
    folder = course.submit("kind", name, nb, extra={file_name: own})
    took = course.autograde("kind", name, GRADING_ENV)
    TIMINGS.setdefault(name, {})["autograde_kid_s"] = took
    print(f"\n{name}: autograde of a kid {took:.1f} s")

    grades = course.grades("kind", name)
    test_points = points(source)
    for gid, full in test_points.items():
        score, max_score = grades[gid]
        assert max_score == full
        expected = 0.0 if gid in kid.failing else full
        assert score == expected, f"{gid}: {score} instead of {expected}"
    expected_total = sum(p for g, p in test_points.items() if g not in kid.failing)
    score, _max = course.score("kind", name)
    assert math.isclose(score, expected_total), (score, expected_total)
    assert 0 < score < sum(test_points.values())

    # Grading again gives exactly the same points (seeded simulator, reference data).
    course.autograde("kind", name, GRADING_ENV)
    assert course.grades("kind", name) == grades

    graded = read(course.autograded_notebook("kind", name))
    assert stderr_of(graded) == [], "a test cell wrote to stderr while grading"
    # The kid's own file was not replaced by a source file or by the grading run's recording.
    assert (course.root / "autograded" / "kind" / name / file_name).read_bytes() == own
    assert (folder / file_name).read_bytes() == own
    if kid.damaged_own_file:
        # Reading the damaged file warned, and the warning went to stdout, not stderr.
        own_cell = nbgrader_cells(graded)["test-eigene-daten"]
        out = "".join(o.get("text", "") for o in own_cell.outputs if o.get("name") == "stdout")
        assert "✔" in out
        assert "lasse ich weg" in out, out  # messages.warn routed to stdout while grading


def test_record_timings():
    """Print what the lessons cost (pytest -s); not a timing assertion."""
    for name, values in sorted(TIMINGS.items()):
        print(name, json.dumps({k: round(v, 2) for k, v in values.items()}))
