"""German hints for the errors kids run into, shown under the error in the notebook.

``from calliope_lib import lesson`` calls :func:`install` once. Inside Jupyter (IPython) it
adds a line under the usual error for the mistakes every class makes::

    NameError: name 'zeiten' is not defined
    💡 Python kennt zeiten noch nicht. Führe zuerst die Zellen oben aus ...

The error stays an error: the cell still fails (and a graded cell still scores 0); the hint is
only added to what the kid reads. A visible check's :class:`~calliope_lib.teach.checks.Wrong`
is shown short, without the library's traceback: its message is the whole story.

Outside IPython (a plain Python script) nothing is installed. :func:`hint_for` is the pure
part, tested on real exceptions.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from calliope_lib import messages

messages.register({
    "hint.name": {
        "de": ("Python kennt {name} noch nicht. Führe zuerst die Zellen oben aus (Menü "
               "Ausführen → Alle Zellen darüber ausführen). Kommt {name} aus einer anderen "
               "Lektion, schreibe es hier noch einmal."),
        "en": ("Python does not know {name} yet. Run the cells above first (menu Run → Run "
               "All Above). If {name} comes from another lesson, write it here again."),
    },
    "hint.not_implemented": {
        "de": ("Hier fehlt noch dein Code: Ersetze die Zeilen \"# DEIN CODE HIER\" und "
               "\"raise NotImplementedError(...)\" durch deine Lösung."),
        "en": ("Your code is still missing here: replace the lines \"# DEIN CODE HIER\" and "
               "\"raise NotImplementedError(...)\" with your solution."),
    },
    "hint.decimal_comma": {
        "de": ("Steht in deiner Rechnung ein Komma statt eines Punktes? In Python schreibt man "
               "Kommazahlen mit Punkt: 3.3, nicht 3,3. Mit Komma werden daraus zwei Zahlen."),
        "en": ("Is there a comma instead of a point in your formula? Python writes decimals "
               "with a point: 3.3, not 3,3. A comma makes two numbers."),
    },
    "hint.none": {
        "de": ("Ein Wert ist None (leer). Gibt deine Funktion mit return etwas zurück? "
               "Hast du die Zelle mit der Variablen ausgeführt?"),
        "en": ("A value is None (empty). Does your function return something? Did you run "
               "the cell with the variable?"),
    },
    "hint.zero_division": {
        "de": "Du teilst durch 0. Ist eine Liste leer, oder fehlt ein Wert?",
        "en": "You divide by 0. Is a list empty, or a value missing?",
    },
})

_NAME = re.compile(r"name '([^']+)' is not defined")
_DECIMAL_COMMA = re.compile(r"\d\s*,\s*\d")


def hint_for(exc: BaseException, source: str = "") -> str | None:
    """The German hint for ``exc`` (or None when there is nothing useful to add).

    ``source``: the kid's cell text, if known (a ``3,3`` in it points at a decimal comma).

    >>> hint_for(NotImplementedError()).startswith("Hier fehlt noch dein Code")
    True
    """
    text = str(exc)
    if isinstance(exc, NotImplementedError):
        return messages.t("hint.not_implemented")
    if isinstance(exc, NameError):
        match = _NAME.search(text)
        name = match.group(1) if match else "dieser Name"
        return messages.t("hint.name", name=name)
    if isinstance(exc, ZeroDivisionError):
        return messages.t("hint.zero_division")
    if isinstance(exc, TypeError):
        if "tuple" in text or _DECIMAL_COMMA.search(source or ""):
            return messages.t("hint.decimal_comma")
        if "NoneType" in text:
            return messages.t("hint.none")
    return None


#: The errors that get a hint (IPython's custom exception handler catches exactly these).
HINTED: tuple[type[BaseException], ...] = (NameError, NotImplementedError, TypeError,
                                           ZeroDivisionError)


def _handler(shell: Any, etype: type, value: BaseException, tb: Any,
             tb_offset: int | None = None) -> list[str]:
    from calliope_lib.teach.checks import Wrong

    if isinstance(value, Wrong):
        stb = ["✘ " + str(value)]
    else:
        stb = list(shell.InteractiveTB.structured_traceback(etype, value, tb,
                                                            tb_offset=tb_offset))
        source = ""
        try:
            source = shell.user_ns.get("In", [""])[-1] or ""
        except Exception:  # no input history: hint from the message alone
            pass
        hint = hint_for(value, source)
        if hint:
            stb.append("💡 " + hint)
    show = getattr(shell, "_showtraceback", None)
    if show is not None:
        show(etype, value, stb)  # the kernel's error output: the cell still fails
    else:  # pragma: no cover - every IPython shell has it
        print("\n".join(stb))
    return stb


def install() -> bool:
    """Add the hints to the running IPython shell (True), or do nothing outside IPython."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    from calliope_lib.teach.checks import Wrong

    shell.set_custom_exc(HINTED + (Wrong,), _handler)
    return True
