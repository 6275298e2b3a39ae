"""The lessons' visible checks are honest: "Richtig" only where the hidden test gives the point.

For every graded task of every lesson, the test cell of the *source* notebook is split into its
visible part (what the kid runs) and the whole cell (what nbgrader runs while grading). Both
run in-process against:

* the right answer (the solution cell's own function, or the expected number): the visible part
  says "✔ Richtig!" and the whole cell passes;
* typical wrong answers, made from the right one the way kids get it wrong: a fraction where
  percent is asked, minutes instead of seconds, off by a factor of 10, a decimal comma that
  makes a tuple, a value that is no time, a function that returns nothing; plus the mistakes
  we saw in class (listed in ``SEEN``). None of them may make the visible part say "Richtig",
  and every one must fail the whole cell with a message in kid words.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Callable
from typing import Any

import pytest

from calliope_lib.teach import checks, lesson, tasks
from tests.teach.lesson_tools import (
    LESSON_NAMES,
    LESSONS,
    nbgrader_cells,
    notebook_path,
    points,
    read,
    solution_code,
)

_CHECK = re.compile(r'lesson\.check\("([^"]+)"((?:, \w+=\w+)+)\)')
_HIDDEN = "### BEGIN HIDDEN TESTS"


def _graded_tasks(name: str) -> list[tuple[str, str, list[str], str]]:
    """(grade id, task key, answer names, cell source) of every checked test cell."""
    nb = read(notebook_path(LESSONS / name))
    out = []
    for gid, cell in nbgrader_cells(nb).items():
        if gid not in points(nb) or _HIDDEN not in cell.source:
            continue
        match = _CHECK.search(cell.source)
        assert match, f"{name} {gid}: a test cell with hidden tests must use lesson.check"
        names = [part.split("=")[0].strip() for part in match.group(2).split(",") if part.strip()]
        out.append((gid, match.group(1), names, cell.source))
    return out


def _solutions(name: str) -> dict[str, Any]:
    """The namespace after running every solution cell that runs without the lesson's data
    (the functions kids write)."""
    nb = read(notebook_path(LESSONS / name))
    ns: dict[str, Any] = {"math": math, "lesson": lesson}
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(solution_code(cell.source), "<solution>", "exec"), ns)
            except Exception:  # needs data loaded by earlier cells: a value task
                pass
    return ns


def _run(code: str, ns: dict[str, Any]) -> tuple[str, BaseException | None]:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<test cell>", "exec"), dict(ns))
    except Exception as exc:  # the cell fails: what nbgrader would see
        return out.getvalue(), exc
    return out.getvalue(), None


def _visible(source: str) -> str:
    return source.split(_HIDDEN)[0]


def _whole(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.startswith("### "))


# -- typical wrong answers, made from the right one -----------------------------------------
def _wrong_numbers(name: str, crit: checks.Number) -> list[tuple[str, Any]]:
    e = crit.expected
    out: list[tuple[str, Any]] = [
        ("Faktor 10", e * 10), ("Faktor 1/10", e / 10),
        ("Dezimalkomma", (int(e), 5)), ("leer", None), ("Text", str(e)),
        ("knapp daneben", e + 3 * crit.tolerance + 0.01 * max(1.0, abs(e)) + 1),
    ]
    if crit.unit == "%":
        out.append(("Anteil statt Prozent", e / 100))
    if crit.unit == "s":
        out += [("Minuten statt Sekunden", e / 60), ("Millisekunden", e * 1000),
                ("ein Messwert statt einer Zeit", 3.78)]
    if crit.unit == "Tage":
        out.append(("Stunden statt Tage", e * 24))
    if crit.unit == "mWh":
        out.append(("mW·s statt mWh", e * 3600))
    if crit.whole:
        out.append(("keine ganze Zahl", e + 0.5))
    return [(f"{name}: {label}", value) for label, value in out]


def _wrong_functions(name: str, right: Callable[..., Any],
                     crit: checks.Function) -> list[tuple[str, Callable[..., Any]]]:
    def comma(*a: Any) -> Any:      # return x / 1023 * 3,3  -> a tuple
        return (right(*a), 3)

    def nothing(*a: Any) -> Any:    # forgot the return
        right(*a)

    def times10(*a: Any) -> Any:
        got = right(*a)
        return got * 10 if isinstance(got, (int, float)) and not isinstance(got, bool) else got

    def negated(*a: Any) -> Any:
        got = right(*a)
        return (not got) if isinstance(got, bool) else [] if isinstance(got, list) else got + 1

    out = [(f"{name}: Dezimalkomma", comma), (f"{name}: ohne return", nothing),
           (f"{name}: falsch herum", negated)]
    numeric = all(isinstance(c.expected, (int, float)) and not isinstance(c.expected, bool)
                  for c in crit.cases)
    if numeric:  # a factor of 10 only changes numbers (not True/False or lists)
        out.append((f"{name}: Faktor 10", times10))
    return out


#: Wrong answers we saw kids give (issue 17 and the teachers' notes), as the kid's code.
SEEN: dict[str, list[tuple[str, str]]] = {
    "01-hallo-calliope": [
        ("aufgabe1", "anzahl = 120"),
        ("aufgabe2", "def mittelwert(werte):\n    return sum(werte) / (len(werte) - 1)"),
        ("aufgabe3", "waermster = 23.9\nkaeltester = 24.9"),
        ("aufgabe4", "def spanne(werte):\n    return max(werte) - werte[0]"),
    ],
    "02-thermistor": [
        ("aufgabe1", "def spannung(rohwert):\n    return rohwert / 1024 * 3.3"),
        ("aufgabe1", "def spannung(rohwert):\n    return rohwert / 1023 * 3"),
        ("aufgabe1", "def spannung(rohwert):\n    return rohwert / 1023 * 3,3"),
        ("aufgabe2", "def ntc_widerstand(rohwert):\n    return 10 * rohwert / (1023 - rohwert)"),
        ("aufgabe3", "unterschied = -3.03"),
        ("aufgabe3", "unterschied = 3,1"),
        ("aufgabe4", "steigung = (34.5 - 0.0) / (33.1 - 1.2)\n"
                     "def korrigiert(gemessen):\n    return gemessen * steigung"),
    ],
    "03-licht": [
        ("aufgabe1", "def ist_dunkel(lux):\n    return lux <= 20"),
        ("aufgabe2", "def ist_dunkel(lux):\n    return lux < 20\n"
                     "def wann_dunkel(zeiten, werte):\n    letzte = None\n"
                     "    for zeit, wert in zip(zeiten, werte):\n"
                     "        if ist_dunkel(wert):\n            letzte = zeit\n    return letzte"),
        ("aufgabe2", "def ist_dunkel(lux):\n    return lux < 20\n"
                     "def wann_dunkel(zeiten, werte):\n"
                     "    for zeit, wert in zip(zeiten, werte):\n"
                     "        if ist_dunkel(wert):\n            return wert\n    return None"),
        ("aufgabe3", "dunkel_ab = 3.78"),          # a lux value, not a time
        ("aufgabe3", "dunkel_ab = 187.0 / 60"),     # minutes
        ("aufgabe4", "dunkel_prozent = 0.4"),       # a fraction, not percent
        ("aufgabe4", "dunkel_prozent = 0.3787"),
        ("aufgabe4", "dunkel_prozent = 37,87"),
    ],
    "04-bodenfeuchte": [
        ("aufgabe1", "def feuchte_prozent(rohwert):\n"
                     "    return (rohwert - 310) / (780 - 310) * 100"),
        ("aufgabe1", "def feuchte_prozent(rohwert):\n    return (rohwert - 310) / (780 - 310)"),
        ("aufgabe2", "def braucht_wasser(prozent):\n    return prozent <= 30"),
        ("aufgabe3", "giessen_nach_tagen = 79"),   # hours
        ("aufgabe4", "trockenster_wert = 0.1383"),
    ],
    "05-bewegung": [
        ("aufgabe1", "import math\ndef staerke(x, y, z):\n    return math.sqrt(x + y + z)"),
        ("aufgabe1", "def staerke(x, y, z):\n    return x * x + y * y + z * z"),
        ("aufgabe2", "def zaehle_spitzen(werte, schwelle):\n"
                     "    return sum(1 for w in werte if w > schwelle)"),
        ("aufgabe3", "schritte = 37"),
        ("aufgabe3", "schritte = 36.0"),
        ("aufgabe4", "def spitzen_zeiten(zeiten, werte, schwelle):\n"
                     "    return [z for z, w in zip(zeiten, werte) if w > schwelle]"),
        ("aufgabe5", "periode = 1.32"),            # divided by the number of peaks
        ("aufgabe5", "periode = 1423"),            # milliseconds
    ],
    "06-solarbank": [
        ("aufgabe1", "def spannung(rohwert):\n    return rohwert / 1024 * 3.3"),
        ("aufgabe2", "def leistung_mw(volt):\n    return volt * volt / 100"),
        ("aufgabe3", "def energie_mwh(zeiten, leistungen):\n    summe = 0\n"
                     "    for i in range(len(zeiten) - 1):\n"
                     "        summe = summe + leistungen[i] * (zeiten[i + 1] - zeiten[i])\n"
                     "    return summe"),
        ("aufgabe4", "tag_energie = 382.0 * 3600"),
        ("aufgabe5", "solarzellen = 15000 / 382.0"),
        ("aufgabe5", "solarzellen = 39.3"),
    ],
    "07-sensorgarten": [
        ("aufgabe1", "anzahl_geraete = 8"),         # counted the channels, not the devices
        ("aufgabe2", "def mittelwert(werte):\n    return sum(werte)"),   # forgot to divide
        ("aufgabe2", "def mittelwert(werte):\n    return sum(werte) / (len(werte) - 1)"),
        ("aufgabe2", "mittel_boden2 = 0.4767"),     # a fraction, not percent
        ("aufgabe3", "unter_30_ab = 1.29"),         # days, not hours
        ("aufgabe3", "unter_30_ab = 111599"),       # seconds, not hours
        ("aufgabe4", "unterschied = -35.88"),       # Beet minus Topf
        ("aufgabe5", "trockene_stunden = 43"),      # counted the wet hours
    ],
}


def _answers_for(name: str) -> list[tuple[str, str, str, dict[str, Any], str]]:
    """(grade id, task key, label, answer namespace, test cell source) of all wrong answers."""
    ns = _solutions(name)
    out = []
    graded = _graded_tasks(name)
    by_gid = {gid.removeprefix("test-"): (gid, key, names, src) for gid, key, names, src in graded}
    for gid, key, names, src in graded:
        spec = tasks.TASKS[key]
        right = {n: ns[n] if isinstance(spec.answers[n], checks.Function)
                 else spec.answers[n].expected for n in names}
        for n in names:
            crit = spec.answers[n]
            if isinstance(crit, checks.Number):
                wrongs: list[tuple[str, Any]] = _wrong_numbers(n, crit)
            else:
                wrongs = list(_wrong_functions(n, ns[n], crit))
            for label, value in wrongs:
                out.append((gid, key, label, {**right, n: value}, src))
    for solution_id, code in SEEN[name]:
        gid, key, names, src = by_gid[solution_id]
        kid: dict[str, Any] = {"math": math, "lesson": lesson}
        exec(compile(code, "<kid>", "exec"), kid)
        spec = tasks.TASKS[key]
        answers = {n: kid.get(n, ns.get(n) if isinstance(spec.answers[n], checks.Function)
                              else spec.answers[n].expected) for n in names}
        out.append((gid, key, f"gesehen: {code.splitlines()[-1].strip()}", answers, src))
    return out


@pytest.fixture
def in_lesson(monkeypatch, request):
    """Run inside the lesson folder (some checks read the lesson's reference data)."""
    monkeypatch.chdir(LESSONS / request.param)
    return request.param


@pytest.mark.parametrize("in_lesson", LESSON_NAMES, indirect=True)
def test_right_answers_say_richtig(in_lesson):
    name = in_lesson
    ns = _solutions(name)
    graded = _graded_tasks(name)
    assert len(graded) >= 3
    for gid, key, names, src in graded:
        spec = tasks.TASKS[key]
        answers = {n: ns[n] if isinstance(spec.answers[n], checks.Function)
                   else spec.answers[n].expected for n in names}
        out, exc = _run(_visible(src), {"lesson": lesson, **answers})
        assert exc is None and "Richtig" in out, (gid, out, exc)
        out, exc = _run(_whole(src), {"lesson": lesson, **answers})
        assert exc is None, (gid, exc)


@pytest.mark.parametrize("in_lesson", LESSON_NAMES, indirect=True)
def test_wrong_answers_never_say_richtig(in_lesson):
    name = in_lesson
    cases = _answers_for(name)
    kinds = {label.split(": ", 1)[-1] for _g, _k, label, _a, _s in cases}
    assert {"Faktor 10", "Dezimalkomma", "ohne return"} <= kinds
    told = 0
    for gid, key, label, answers, src in cases:
        out, exc = _run(_visible(src), {"lesson": lesson, **answers})
        assert "Richtig" not in out, f"{name} {gid} [{label}]: the visible check said {out!r}"
        if exc is not None:
            # A clear mistake is told in kid words; or the kid's own code failed (its error).
            assert not isinstance(exc, AssertionError) or len(str(exc)) > 20, (gid, label, exc)
            told += 1
        else:
            assert "plausibel" in out, (gid, label, out)
        # Grading gives no point, and says why in kid words.
        _out, exc = _run(_whole(src), {"lesson": lesson, **answers})
        assert exc is not None, f"{name} {gid} [{label}]: graded as right"
        if isinstance(exc, AssertionError):
            assert len(str(exc)) > 20, f"{name} {gid} [{label}]: no kid words: {exc!r}"
        # The hidden test alone (as if the visible part had passed) fails too, in kid words.
        hidden = _whole(src.split(_HIDDEN)[1])
        _out, exc = _run(hidden, {"lesson": lesson, **answers})
        assert isinstance(exc, AssertionError) and len(str(exc)) > 20, (gid, label, exc)
    # Most typical mistakes are told right away; the rest wait for grading.
    assert told >= len(cases) // 2, (told, len(cases))


def test_every_task_is_used_by_a_lesson():
    used = {key for name in LESSON_NAMES for _g, key, _n, _s in _graded_tasks(name)}
    assert used == set(tasks.TASKS)


@pytest.mark.parametrize("kid,expected", [
    ({"dunkel_prozent": 0.4}, "Anteil"),
    ({"dunkel_prozent": (37, 87)}, "Komma"),
    ({"dunkel_prozent": None}, "None"),
    ({"dunkel_prozent": "37.87"}, "Anführungszeichen"),
    ({"dunkel_prozent": 378.7}, "Faktor 10"),
    ({"dunkel_prozent": 120}, "zwischen 0 und 100"),
])
def test_typical_mistakes_get_german_hints(kid, expected):
    with pytest.raises(AssertionError, match=expected):
        lesson.check("licht-aufgabe4", **kid)


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_reference_titles_do_not_give_answers_away(name):
    """A reference file's title is the title of its plot: it must not say the answer
    (it once read "Schatten bei 60-70 s, Licht aus bei 187 s")."""
    from calliope_lib.recording.files import load_recording

    answers = [crit.expected for _g, key, names, _s in _graded_tasks(name)
               for n, crit in tasks.TASKS[key].answers.items()
               if isinstance(crit, checks.Number) and n in names]
    for path in sorted((LESSONS / name).glob("beispiel_*.csv")):
        title = str(load_recording(path).metadata.get("title", ""))
        numbers = {float(x.replace(",", ".")) for x in re.findall(r"\d+(?:[.,]\d+)?", title)}
        for answer in answers:
            assert not any(abs(n - answer) <= max(0.5, 0.01 * abs(answer)) for n in numbers
                           if n > 9), f"{path.name}: the title {title!r} gives away {answer}"


def _raised(code: str) -> BaseException:
    try:
        exec(compile(code, "<kid>", "exec"), {})
    except Exception as exc:  # the real exception a kid's cell raises
        return exc
    raise AssertionError(f"{code!r} did not fail")


@pytest.mark.parametrize("code,expected", [
    ("volt = 512 / 1023 * 3,3\nvolt + 1", "3.3, nicht 3,3"),
    ("volt = 512 / 1023 * 3,3\nvolt < 2", "3.3, nicht 3,3"),
    ("print(zeiten)", "Führe zuerst die Zellen oben aus"),
    ("raise NotImplementedError()", "Hier fehlt noch dein Code"),
    ("werte = []\nsum(werte) / len(werte)", "teilst durch 0"),
    ("def f(x):\n    x * 2\nf(3) + 1", "return"),
])
def test_hints_for_the_errors_kids_meet(code, expected):
    from calliope_lib.teach.hints import hint_for

    hint = hint_for(_raised(code), code)
    assert hint and expected in hint, hint


def test_no_hint_where_there_is_nothing_to_add():
    from calliope_lib.teach.hints import hint_for

    assert hint_for(_raised("int('abc')")) is None
