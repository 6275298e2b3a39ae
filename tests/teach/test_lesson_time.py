"""Every lesson keeps its promise "Dauer: 60 Minuten für den Kern", by the time model of
:mod:`calliope_lib.teach.lesson_time`.

* each lesson's core (everything not under a ``## ⭐ Zusatz`` heading) fits 60 minutes;
* the test bites: the same lesson with its ⭐ marks taken off (its extras back in the core,
  built from the real source text with ``make_notebooks.py``) does not fit;
* the model itself, on small notebooks with known numbers: reading speed, a recording's own
  seconds (not the seconds of a hands-on scene), a scene prepared once, building from the
  wiring data, writing code and answers, and where a ⭐ section ends;
* each ``LEHRKRAFT.md`` shows today's estimate and time plan (written by ``make_notebooks.py``).
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from calliope_lib.teach import lesson_time as lt
from tests.teach.lesson_tools import LESSON_NAMES, LESSONS


def _make_notebooks() -> ModuleType:
    # make_notebooks.py is the authors' script beside the lessons, not a module of the package.
    spec = importlib.util.spec_from_file_location("make_notebooks", LESSONS / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = _make_notebooks()


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, **nbgrader: object) -> dict:
    meta = {"nbgrader": nbgrader} if nbgrader else {}
    return {"cell_type": "code", "metadata": meta, "source": text, "outputs": []}


# -- every lesson ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", LESSON_NAMES)
def test_core_fits_sixty_minutes(name):
    est = lt.estimate(LESSONS / name)
    worst = "; ".join(f"Zelle {c.index}: {c.minutes:.1f} min {c.why}" for c in est.largest(4))
    print(f"\n{name}: {est.text()} ({len(est.cells)} Zellen)")
    assert est.fits(), f"{name}: {est.text()} – zu lang. Am teuersten: {worst}"
    assert est.extra_min > 0, f"{name}: no ⭐ extra part"


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_unmarking_the_extras_breaks_the_promise(name):
    """The lesson as written, but with every ⭐ Zusatz heading turned into a core heading: all
    the extra time moves into the core, and a lesson that needs its extras cut to fit fails."""
    source = (LESSONS / "_src" / f"{name}.txt").read_text(encoding="utf-8")
    est = lt.estimate_cells(MAKE.parse(source, name), name)
    assert est.core_min == pytest.approx(lt.estimate(LESSONS / name).core_min)  # same notebook
    unmarked = source.replace("## ⭐ Zusatz – ", "## ").replace("## ⭐ Zusatz: ", "## ")
    grown = lt.estimate_cells(MAKE.parse(unmarked, name), name)
    assert grown.extra_min == 0
    assert grown.core_min == pytest.approx(est.core_min + est.extra_min, abs=0.1)
    if est.core_min + est.extra_min > lt.CORE_LIMIT_MIN:
        assert not grown.fits(), grown.text()


def test_most_lessons_only_fit_because_of_their_extras():
    """Keeps the test above from passing by having nothing to check."""
    totals = {n: lt.estimate(LESSONS / n) for n in LESSON_NAMES}
    needing = [n for n, e in totals.items() if e.core_min + e.extra_min > lt.CORE_LIMIT_MIN]
    assert len(needing) >= 5, needing


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_teachers_notes_show_todays_plan(name):
    notes, planned = MAKE.planned_notes(LESSONS / name)
    text = notes.read_text(encoding="utf-8")
    assert text == planned, f"{name}: run calliope_lib/teach/lessons/make_notebooks.py"
    est = lt.estimate(LESSONS / name)
    assert f"**{est.text()}**" in text
    for head, _minutes, extra in est.sections():
        assert f"| {head} |" in text
    assert "60 Minuten Kernteil" in text


def test_a_plan_without_markers_is_refused():
    with pytest.raises(ValueError, match="no time plan markers"):
        MAKE.with_plan("# Notizen ohne Zeitplan\n", "| plan |")


# -- the model on known numbers --------------------------------------------------------------
def test_reading_is_a_hundred_words_a_minute():
    est = lt.estimate_cells([_md(" ".join(["Wort"] * 100)), _md(" ".join(["Satz"] * 50))])
    assert [c.minutes for c in est.cells] == [1.0, 0.5]
    assert est.core_min == pytest.approx(1.5 + lt.START_MIN + lt.END_MIN)
    assert lt.START_MIN + lt.END_MIN == 8.0


def test_a_recording_costs_its_own_seconds_and_a_scene_is_prepared_once():
    first = ('lesson.act(board, ("finger", 10, 15), ("eiswasser", 35, 20))\n'
             'rec = board.record(["p1"], seconds=60, every=0.5)')
    again = ('lesson.act(board, "eiswasser", at=5, seconds=30)\n'
             'rec = board.record(["p1"], seconds=30, every=0.5)')
    est = lt.estimate_cells([_code(first), _code(again)])
    words_first, words_again = 18, 17  # \w+ runs in the code, read at 100 words a minute
    # run 0.5 + read + setup 1 + 60 s + finger 0.25 + ice water 2 (a scene's seconds= ignored)
    assert est.cells[0].minutes == pytest.approx(0.5 + words_first / 100 + 1 + 1 + 0.25 + 2,
                                                 abs=0.01)
    # the ice water is already there: run + read + setup + 30 s
    assert est.cells[1].minutes == pytest.approx(0.5 + words_again / 100 + 1 + 0.5, abs=0.01)
    assert "vorbereiten: finger, eiswasser" in est.cells[0].why
    assert "vorbereiten" not in est.cells[1].why


def test_a_streaming_loop_and_the_data_logger():
    stream = ('for probe in board.stream(["p1"], every=0.5):\n'
              '    if probe.time >= 6:\n        break')
    logged = 'rec = lesson.logged(board, "bewegung", {"x": "acceleration_x"}, seconds=20)'
    est = lt.estimate_cells([_code(stream), _code(logged)])
    assert "6 s messen" in est.cells[0].why
    assert est.cells[0].minutes == pytest.approx(0.5 + 14 / 100 + 1 + 0.1, abs=0.01)
    assert est.cells[1].minutes >= lt.LOGGER_MIN
    assert "Datenlogger" in est.cells[1].why


def test_building_follows_the_wiring_data():
    from calliope_lib.teach.wiring import WIRING

    est = lt.estimate_cells([_code('lesson.wiring("thermistor")'),
                             _code('lesson.wiring("builtin")')])
    connections = len(WIRING["thermistor"].connections)
    assert connections == 3
    # run + read 3 words + look at the picture + 3 min laying out + 2 min per connection
    assert est.cells[0].minutes == pytest.approx(0.5 + 0.03 + 1 + 3 + 2 * 3)
    assert est.cells[1].minutes == pytest.approx(0.5 + 0.03 + 1)  # nothing to build


def test_writing_code_and_answers():
    solution = ("def spanne(werte):\n    ### BEGIN SOLUTION\n    hoch = max(werte)\n"
                "    return hoch - min(werte)\n    ### END SOLUTION")
    answer = {"cell_type": "markdown", "source": " ".join(["Antwort"] * 30),
              "metadata": {"nbgrader": {"grade": True, "solution": True, "points": 2}}}
    test = _code('lesson.check("x", spanne=spanne)', grade=True, solution=False, points=1)
    est = lt.estimate_cells([_code(solution, solution=True, grade=False), test, answer])
    # 2 min + 1.5 min per line of the model solution + reading "def spanne(werte):"
    assert est.cells[0].minutes == pytest.approx(2 + 2 * 1.5 + 0.03)
    assert est.cells[1].minutes == 0.5  # run the check, read it
    assert est.cells[2].minutes == pytest.approx(2 + 30 / 10)  # think, type 10 words a minute


def test_a_star_section_ends_at_the_next_plain_heading():
    cells = [_md("## Aufgabe 1: Kern"), _code("x = 1"),
             _md("## ⭐ Zusatz – Aufgabe 2: Extra"), _code("y = 2"), _md("Noch mehr Extra."),
             _md("## Deine eigenen Daten"), _code("z = 3")]
    est = lt.estimate_cells(cells)
    assert [c.extra for c in est.cells] == [False, False, True, True, True, False, False]
    assert [c.section for c in est.cells][2:5] == ["Aufgabe 2: Extra"] * 3
    assert est.extra_min == pytest.approx(sum(c.minutes for c in est.cells[2:5]))
    assert est.text() == f"Kern ≈ {round(est.core_min)} min, Zusatz ≈ {round(est.extra_min)} min"
    plan = est.plan()
    assert "| Aufgabe 2: Extra |" in plan and "| ⭐ Zusatz |" in plan


def test_the_limit_is_sixty_minutes():
    assert lt.CORE_LIMIT_MIN == 60
    est = lt.estimate_cells([_md(" ".join(["Wort"] * 5300))])  # 53 min + 8 start and end
    assert not est.fits() and est.fits(limit=61.5)
