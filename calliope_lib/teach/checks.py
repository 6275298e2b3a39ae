"""Honest checks for the lessons' tasks: one set of criteria for the visible check and the
hidden test.

A test cell of a lesson looks like this::

    lesson.check("licht-aufgabe3", dunkel_ab=dunkel_ab)          # what the kid sees
    ### BEGIN HIDDEN TESTS
    assert lesson.passes("licht-aufgabe3", dunkel_ab=dunkel_ab), "Die Zeit stimmt noch nicht ..."
    ### END HIDDEN TESTS

Both read the same entry of :data:`calliope_lib.teach.tasks.TASKS`, so the visible check can
be honest:

* it says **"✔ Richtig!"** only when :func:`passes` is true, which is exactly what the hidden
  test asserts, so the point is certain;
* for the typical mistakes (a decimal comma that makes a tuple, a fraction where percent is
  asked, minutes instead of seconds, off by a factor of 10, a visible example that fails) it
  stops with a German hint (an ``AssertionError`` in kid words);
* otherwise it says the answer *looks plausible* and will be checked more closely later. It
  does not give the exact answer away.

The criteria are plain data (:class:`Number`, :class:`Function`, :class:`Case`, in
:mod:`calliope_lib.teach.tasks`), so a test can run every task against a list of typical wrong
answers (``tests/teach/test_lesson_checks.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Union

from calliope_lib import messages

messages.register({
    "check.right": {"de": "✔ Richtig!", "en": "✔ Correct!"},
    "check.plausible": {
        "de": "Sieht plausibel aus. Genauer prüfe ich es später bei der Bewertung.",
        "en": "Looks plausible. It is checked more closely later, when it is graded.",
    },
    "check.tuple": {
        "de": ("{name} ist ein Paar von Zahlen {value}, keine einzelne Zahl. Hast du ein Komma "
               "statt eines Punktes geschrieben? In Python schreibt man 3.3, nicht 3,3."),
        "en": ("{name} is a pair of numbers {value}, not one number. Did you write a comma "
               "instead of a point? Python writes 3.3, not 3,3."),
    },
    "check.none": {
        "de": "{name} ist noch leer (None). Rechne den Wert aus und speichere ihn in {name}.",
        "en": "{name} is still empty (None). Compute the value and store it in {name}.",
    },
    "check.text": {
        "de": "{name} ist ein Text ({value!r}). Schreibe die Zahl ohne Anführungszeichen.",
        "en": "{name} is text ({value!r}). Write the number without quotes.",
    },
    "check.not_number": {
        "de": "{name} soll eine Zahl sein, ist aber {kind}.",
        "en": "{name} should be a number, but it is {kind}.",
    },
    "check.not_whole": {
        "de": "{name} soll eine ganze Zahl sein (ohne Komma), ist aber {value}.",
        "en": "{name} should be a whole number, but it is {value}.",
    },
    "check.range": {
        "de": "{name} = {value} kann nicht stimmen: {why}",
        "en": "{name} = {value} cannot be right: {why}",
    },
    "check.not_function": {
        "de": "{name} soll eine Funktion sein (mit def {name}(...):). Führe ihre Zelle aus.",
        "en": "{name} should be a function (def {name}(...):). Run its cell.",
    },
    "check.result_tuple": {
        "de": ("{call} gibt ein Paar von Zahlen {value} zurück. Steht in deiner Rechnung ein "
               "Komma statt eines Punktes? In Python schreibt man 3.3, nicht 3,3."),
        "en": ("{call} returns a pair of numbers {value}. Is there a comma instead of a point "
               "in your formula? Python writes 3.3, not 3,3."),
    },
    "check.case": {
        "de": "{call} gibt {got} zurück. {why}",
        "en": "{call} returns {got}. {why}",
    },
    "check.none_result": {
        "de": "{call} gibt nichts zurück (None). Fehlt in deiner Funktion ein return?",
        "en": "{call} returns nothing (None). Is a return missing in your function?",
    },
    "check.unknown": {
        "de": "Diese Prüfung kenne ich nicht: {task}",
        "en": "I do not know this check: {task}",
    },
    # Typical unit mistakes: the answer is the right one times a factor.
    "mistake.fraction": {
        "de": ("Das sieht nach einem Anteil zwischen 0 und 1 aus. Gefragt sind Prozent: "
               "Nimm den Anteil mal 100."),
        "en": "That looks like a fraction between 0 and 1. Percent is asked: multiply by 100.",
    },
    "mistake.minutes": {
        "de": "Das sieht nach Minuten aus. Gefragt sind Sekunden (1 min = 60 s).",
        "en": "That looks like minutes. Seconds are asked (1 min = 60 s).",
    },
    "mistake.milliseconds": {
        "de": "Das sieht nach Millisekunden aus. Gefragt sind Sekunden (1 s = 1000 ms).",
        "en": "That looks like milliseconds. Seconds are asked (1 s = 1000 ms).",
    },
    "mistake.hours": {
        "de": "Das sieht nach Stunden aus. Gefragt sind Tage (1 Tag = 24 h).",
        "en": "That looks like hours. Days are asked (1 day = 24 h).",
    },
    "mistake.mw_seconds": {
        "de": ("Das sieht nach mW mal Sekunden aus. Für mWh teilst du noch durch 3600 "
               "(eine Stunde hat 3600 s)."),
        "en": "That looks like mW times seconds. For mWh divide by 3600 (an hour has 3600 s).",
    },
    "mistake.factor10": {
        "de": "Das ist ungefähr um den Faktor 10 daneben. Prüfe die Kommastelle und die Einheit.",
        "en": "That is off by about a factor of 10. Check the decimal point and the unit.",
    },
    "mistake.swapped": {
        "de": "Hast du die beiden vertauscht? Prüfe, welcher Wert der größere ist.",
        "en": "Did you swap the two? Check which value is the bigger one.",
    },
})


def _say(key: str, **fields: Any) -> str:
    return messages.t(key, **fields)


class Wrong(AssertionError):
    """A visible check found a mistake: the message says what, in kid words."""


# -- the criteria ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Number:
    """A number the kid computes. Right: within ``tolerance`` of ``expected``.

    ``low``/``high``/``why``: the plausible range the visible check can tell openly.
    ``unit``: picks the typical unit mistakes to diagnose (``%``, ``s``, ``Tage``, ``mWh``).
    """

    expected: float
    tolerance: float
    unit: str = ""
    low: float = -math.inf
    high: float = math.inf
    why: str = ""
    whole: bool = False


@dataclass(frozen=True)
class Case:
    """One call of a kid's function: ``args`` -> ``expected`` (``tolerance`` for numbers).

    ``shown``: an example printed in the task; a failing shown case is told openly with
    ``why``. Failing cases that are not shown make the answer "plausible" only.
    ``args`` may be a callable returning the arguments (data loaded when checked).
    """

    args: tuple[Any, ...] | Callable[[], tuple[Any, ...]]
    expected: Any
    tolerance: float | None = None
    shown: bool = False
    why: str = ""


@dataclass(frozen=True)
class Function:
    """A function the kid writes, checked on its :class:`Case` list."""

    cases: tuple[Case, ...]


Criterion = Union[Number, Function]


@dataclass(frozen=True)
class Task:
    """The criteria of one graded task: answer name -> criterion (read-only: a notebook
    cannot change what is right by accident)."""

    answers: Mapping[str, Criterion] = field(default_factory=dict)
    #: pairs of answer names a kid might swap (min/max)
    swappable: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))


# -- judging --------------------------------------------------------------------------------
def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) or (
        type(value).__module__ == "numpy" and hasattr(value, "dtype")
        and getattr(value.dtype, "kind", "") in "iuf" and getattr(value, "ndim", 1) == 0)


def _close(value: Any, expected: Any, tolerance: float | None) -> bool:
    """Is the kid's ``value`` the ``expected`` one (numbers within ``tolerance``)?"""
    if isinstance(expected, bool):
        return (isinstance(value, bool) or type(value).__name__ == "bool_") and \
            bool(value) == expected
    if expected is None:
        return value is None
    if isinstance(expected, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(expected):
            return False
        tol = 1e-9 if tolerance is None else tolerance
        return all(_close(v, e, tol) for v, e in zip(value, expected))
    if not _is_number(value):
        return False
    number = float(value)
    return math.isfinite(number) and abs(number - float(expected)) <= (tolerance or 0.0)


def _mistakes(unit: str) -> tuple[tuple[float, str], ...]:
    """(factor, message key): the answer is ``expected * factor`` after a typical mistake."""
    by_unit = {
        "%": ((0.01, "mistake.fraction"),),
        "s": ((1 / 60, "mistake.minutes"), (1000.0, "mistake.milliseconds")),
        "Tage": ((24.0, "mistake.hours"),),
        "mWh": ((3600.0, "mistake.mw_seconds"),),
    }
    return by_unit.get(unit, ()) + ((10.0, "mistake.factor10"), (0.1, "mistake.factor10"))


def _number_verdict(name: str, value: Any, crit: Number) -> bool:
    """True if exactly right; raises :class:`Wrong` for a clear mistake; False if plausible."""
    if isinstance(value, tuple):
        raise Wrong(_say("check.tuple", name=name, value=value))
    if value is None:
        raise Wrong(_say("check.none", name=name))
    if isinstance(value, str):
        raise Wrong(_say("check.text", name=name, value=value))
    if not _is_number(value):
        kind = {"bool": "True/False", "list": "eine Liste"}.get(type(value).__name__,
                                                               type(value).__name__)
        raise Wrong(_say("check.not_number", name=name, kind=kind))
    number = float(value)
    if crit.whole and not (isinstance(value, int) or math.isnan(number)) and not (
            type(value).__module__ == "numpy" and value.dtype.kind in "iu"):
        raise Wrong(_say("check.not_whole", name=name, value=value))
    if _close(number, crit.expected, crit.tolerance):
        return True
    if crit.unit == "%" and 0 < number <= 1 < crit.expected:
        raise Wrong(f"{name} = {value}: " + _say("mistake.fraction"))
    if crit.expected != 0:
        for factor, key in _mistakes(crit.unit):
            target = crit.expected * factor
            if abs(number - target) <= max(crit.tolerance * abs(factor), 1e-9):
                raise Wrong(f"{name} = {value}: " + _say(key))
    if not (crit.low <= number <= crit.high) or not math.isfinite(number):
        raise Wrong(_say("check.range", name=name, value=value, why=crit.why))
    return False


def _call_text(name: str, args: tuple[Any, ...]) -> str:
    shown = ", ".join(_short(a) for a in args)
    return f"{name}({shown})"


def _short(value: Any) -> str:
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return "[…]"
    return repr(value)


def _function_verdict(name: str, func: Any, crit: Function) -> bool:
    if not callable(func):
        raise Wrong(_say("check.not_function", name=name))
    all_right = True
    for case in crit.cases:
        args = case.args() if callable(case.args) else case.args
        got = func(*args)  # errors (NotImplementedError ...) reach the kid with a hint
        if _close(got, case.expected, case.tolerance):
            continue
        call = _call_text(name, args)
        if isinstance(got, tuple):
            raise Wrong(_say("check.result_tuple", call=call, value=got))
        if case.shown:
            if got is None and case.expected is not None:
                raise Wrong(_say("check.none_result", call=call))
            raise Wrong(_say("check.case", call=call, got=_short(got), why=case.why))
        all_right = False
    return all_right


def _judge(task: str, answers: dict[str, Any]) -> bool:
    """True: exactly right. False: plausible. Raises :class:`Wrong` for a clear mistake."""
    from calliope_lib.teach.tasks import TASKS  # the data imports this module

    spec = TASKS.get(task)
    if spec is None:
        raise KeyError(_say("check.unknown", task=task))
    right = True
    for name, crit in spec.answers.items():
        if name not in answers:
            raise KeyError(_say("check.unknown", task=f"{task}: {name}"))
        value = answers[name]
        if isinstance(crit, Function):
            right = _function_verdict(name, value, crit) and right
        else:
            if spec.swappable and name in spec.swappable and not _swap_check(spec, answers):
                raise Wrong(_say("mistake.swapped"))
            right = _number_verdict(name, value, crit) and right
    return right


def _swap_check(spec: Task, answers: dict[str, Any]) -> bool:
    """False when both answers of ``spec.swappable`` are numbers equal to the other's expected."""
    a, b = spec.swappable or ("", "")
    ca, cb = spec.answers[a], spec.answers[b]
    va, vb = answers.get(a), answers.get(b)
    if not (_is_number(va) and _is_number(vb)) or not isinstance(ca, Number) \
            or not isinstance(cb, Number):
        return True
    return not (_close(va, cb.expected, cb.tolerance) and _close(vb, ca.expected, ca.tolerance)
                and not _close(va, ca.expected, ca.tolerance))


def passes(task: str, **answers: Any) -> bool:
    """Exactly what the hidden test asserts: every answer of ``task`` is right.

    Never raises for a wrong answer (a kid's function that crashes counts as wrong).
    """
    try:
        return _judge(task, answers)
    except KeyError:
        raise
    except Exception:  # Wrong, or the kid's code failing: no point
        return False


def check(task: str, **answers: Any) -> str:
    """The visible check: returns the verdict text ("Richtig" only when :func:`passes`),
    raises :class:`Wrong` (an AssertionError) with a German hint for a clear mistake."""
    return _say("check.right") if _judge(task, answers) else _say("check.plausible")
