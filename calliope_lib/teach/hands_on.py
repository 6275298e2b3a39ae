"""The hands-on steps of a lesson: what the kid does while the board measures.

A lesson says "after 10 s hold your hand over the sensor for 5 s". :func:`act` prints that
(from the same numbers the simulated board uses, so text and data cannot disagree) and, on the
simulated board, arms the matching scene (:mod:`calliope_lib.simulator.scenes`): the next
measurement shows the hand's shadow in the kid's own data. The next recording gets a worded
mark as each action starts (``rec.marks``: ``(10.0, "Hand drüber")``, :func:`mark_actions`),
drawn in every plot and saved in the CSV. On a real board the kid also presses button A; the
simulated board presses A too. :func:`marks` finds those presses in a recording (the
``button_a`` channel, saved in the CSV like any other), and
:func:`calliope_lib.teach.lesson.plot` draws the ones no worded mark names.

Some measurements cannot run over the cable (walking with the board in a pocket). The board
logs them itself (MakeCode's data logger, ``MY_DATA.HTM``), the kid downloads the CSV, and
:func:`logged` loads it with ``cl.load``; without a board the simulated board writes the same
kind of file.

Everything here is reached as ``lesson.act``, ``lesson.marks``, ``lesson.logged``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calliope_lib import messages

if TYPE_CHECKING:  # pragma: no cover
    from calliope_lib.board import Board
    from calliope_lib.recording import Recording


def _say(key: str, **fields: Any) -> None:
    print(messages.t(key, **fields))


# What the kid does during a measurement (:func:`act`), one sentence per scene kind.
messages.register({
    "lesson.act.hand": {"de": "Halte die Hand über den Sensor", "en": "Hold your hand over the sensor"},
    "lesson.act.lampe": {"de": "Leuchte mit einer Taschenlampe auf den Sensor",
                         "en": "Shine a torch on the sensor"},
    "lesson.act.wolke": {"de": "Halte ein Blatt Papier über die Solarzelle, wie eine Wolke",
                         "en": "Hold a sheet of paper over the solar cell, like a cloud"},
    "lesson.act.eiswasser": {"de": "Steck den Thermistor (im Plastikbeutel) ins Eiswasser",
                             "en": "Put the thermistor (in its plastic bag) into ice water"},
    "lesson.act.finger": {"de": "Halte den Thermistor fest zwischen zwei Fingern",
                          "en": "Hold the thermistor tight between two fingers"},
    "lesson.act.giessen": {"de": "Gieße etwas Wasser in den Topf",
                           "en": "Pour some water into the pot"},
    "lesson.act.kippen": {"de": "Kipp das Board langsam nach links und rechts, nach vorne und hinten",
                          "en": "Tilt the board slowly left and right, forward and back"},
    "lesson.act.gehen": {"de": "Geh mit dem Board in der Tasche durch den Raum",
                         "en": "Walk around with the board in your pocket"},
    "lesson.act.pendel": {"de": "Lass das Board an der Schnur hin und her schwingen",
                          "en": "Let the board swing on its string"},
    "lesson.act.step": {
        "de": "▶ {when}: {what} ({seconds} s lang). Drück dabei kurz Knopf A.",
        "en": "▶ {when}: {what} (for {seconds} s). Press button A briefly as you start.",
    },
    "lesson.act.at": {"de": "Nach {at} s", "en": "After {at} s"},
    "lesson.act.start": {"de": "Gleich zu Beginn", "en": "Right at the start"},
    "lesson.act.sim": {
        "de": "Das simulierte Board macht es dir in der nächsten Messung vor.",
        "en": "The simulated board acts it out in the next measurement.",
    },
    "lesson.act.real": {
        "de": "Dein echter Calliope mini misst: Jetzt bist du dran!",
        "en": "Your real Calliope mini is measuring: now it's your turn!",
    },
    "lesson.mark": {"de": "Knopf A", "en": "button A"},
    # The mark each action leaves in the recording (short: it stands beside a line in a plot).
    "lesson.mark.hand": {"de": "Hand drüber", "en": "hand over it"},
    "lesson.mark.lampe": {"de": "Taschenlampe", "en": "torch"},
    "lesson.mark.wolke": {"de": "Wolke", "en": "cloud"},
    "lesson.mark.eiswasser": {"de": "Eiswasser", "en": "ice water"},
    "lesson.mark.finger": {"de": "Warme Finger", "en": "warm fingers"},
    "lesson.mark.giessen": {"de": "Gießen", "en": "watering"},
    "lesson.mark.kippen": {"de": "Kippen", "en": "tilting"},
    "lesson.mark.gehen": {"de": "Gehen", "en": "walking"},
    "lesson.mark.pendel": {"de": "Pendel", "en": "pendulum"},
})


# -- what the kid does during a measurement ------------------------------------------------
#: The channel that carries the kid's marks: button A, pressed when an action starts.
MARK_CHANNEL = "button_a"


def act(board: Board, *steps: Any, at: float | None = None,
        seconds: float | None = None) -> list[tuple[str, float, float]]:
    """Say what to do during the next measurement, and let a simulated board do the same.

    ``act(board, "hand", at=10, seconds=5)`` prints "▶ Nach 10 s: Halte die Hand über den
    Sensor (5 s lang). Drück dabei kurz Knopf A." Several steps:
    ``act(board, ("hand", 10, 5), ("lampe", 30, 5))``. Kinds: ``hand``, ``lampe``, ``wolke``,
    ``eiswasser``, ``finger``, ``giessen``, ``kippen``, ``gehen``, ``pendel``.

    On the simulated board the next measurement (the next ``stream`` or ``record``) plays the
    steps at exactly these times, so a kid without a board sees the hand's shadow in their own
    data; on a real board the kid does it, and presses button A for a mark. Either way the
    next recording gets a worded mark at each announced start (``(10.0, "Hand drüber")`` in
    ``rec.marks``: plots, CSV); a press of A more than a second and a half away from it (a kid
    who acted late) is drawn as a mark of its own by :func:`calliope_lib.teach.lesson.plot`.
    Returns the steps.
    """
    plan: list[tuple[str, float, float]] = []
    if steps and isinstance(steps[0], str):  # act(board, "hand", 10, 5) or at=, seconds=
        numbers = [x for x in steps[1:3] if isinstance(x, (int, float))]
        start = numbers[0] if numbers else (at or 0.0)
        length = numbers[1] if len(numbers) > 1 else (seconds or 5.0)
        plan.append((steps[0], float(start), float(length)))
        steps = steps[1 + len(numbers):]
    for step in steps:
        kind, start, length = step
        plan.append((str(kind), float(start), float(length)))
    for kind, start, length in plan:
        what = messages.t(f"lesson.act.{kind}") if messages.has(f"lesson.act.{kind}") else kind
        when = (messages.t("lesson.act.at", at=_number(start)) if start > 0
                else messages.t("lesson.act.start"))
        _say("lesson.act.step", when=when, what=what, seconds=_number(length))
    # The next recording gets a worded mark ("Hand drüber") as each action starts: in the
    # plot, the CSV and cl.load, besides the press of button A.
    prepare = getattr(board, "before_next_recording", None)
    if prepare is not None:
        prepare(mark_actions(plan))
    # The simulated board's state machine hangs on its port (``board.transport.simulator``);
    # a real board has none, and its kid acts instead.
    simulator = getattr(getattr(board, "transport", None), "simulator", None)
    if simulator is not None and hasattr(simulator, "arm"):
        simulator.arm(",".join(f"{k}:{a:g}:{s:g}" for k, a, s in plan))
        _say("lesson.act.sim")
    else:
        _say("lesson.act.real")
    return plan


def mark_word(kind: str) -> str:
    """The short word a kind of action leaves as a mark: ``"hand"`` -> ``"Hand drüber"``."""
    key = f"lesson.mark.{kind}"
    return messages.t(key) if messages.has(key) else kind


def mark_actions(plan: list[tuple[str, float, float]]) -> Any:
    """What :func:`act` hands to the board for its next recording: a ``prepare(rec)`` that
    sets a mark with each action's word (:func:`mark_word`) at its start, as soon as the
    recording has reached that time (so a file written while recording gets it then).

    >>> import calliope_lib as cl
    >>> rec = cl.Recording()
    >>> mark_actions([("hand", 2.0, 5.0)])(rec)
    >>> for t in range(5):
    ...     rec.add("light", float(t), 100.0)
    >>> rec.marks
    [(2.0, 'Hand drüber')]
    """
    due = sorted((start, mark_word(kind)) for kind, start, _length in plan)

    def prepare(rec: Recording) -> None:
        waiting = list(due)

        def on_row(when: float, *_row: Any) -> None:
            # (It stays in the list when done: removing it while the recording walks
            # through its listeners would skip the next one.)
            while waiting and when >= waiting[0][0]:
                start, word = waiting.pop(0)
                rec.mark(word, time=start)

        rec.listeners.append(on_row)

    return prepare


def _number(value: float) -> str:
    """``1.5`` -> ``"1,5"`` in German (the kid's decimal mark), ``10.0`` -> ``"10"``."""
    return messages.with_decimal_mark(f"{value:g}")


def marks(rec: Recording) -> list[float]:
    """The times (s) the kid pressed button A during the recording: the start of each action.

    >>> import calliope_lib as cl
    >>> r = cl.Recording()
    >>> for t, v in [(0, 0), (1, 1), (1.5, 1), (2, 0), (3, 1)]:
    ...     r.add("button_a", t, v)
    >>> marks(r)
    [1.0, 3.0]
    """
    if MARK_CHANNEL not in rec:
        return []
    ch = rec[MARK_CHANNEL]
    out, before = [], 0.0
    for t, v in zip(ch.times.tolist(), ch.values.tolist()):
        if v >= 0.5 > before:
            out.append(float(t))
        before = before if math.isnan(v) else v
    return out


# -- measuring without the cable: the board's own data logger -----------------------------
messages.register({
    "lesson.logged_found": {
        "de": "Ich lade deine Datei {name} vom Datenlogger deines Calliope mini.",
        "en": "Loading your file {name} from your Calliope mini's data logger.",
    },
    "lesson.logged_sim": {
        "de": ("Das simulierte Board misst jetzt {seconds:g} s ohne Kabel, speichert die Werte "
               "wie ein Datenlogger und legt die Datei {name} an. Die lade ich."),
        "en": ("The simulated board now measures {seconds:g} s without a cable, logs the "
               "values like a data logger and writes {name}. I load that file."),
    },
    "lesson.logged_missing": {
        "de": ("Deine Datei {name} fehlt noch. Steck den Calliope mini an, öffne das Laufwerk "
               "MINI, öffne MY_DATA.HTM, klick auf Download und speichere die Datei als {name} "
               "neben diesem Notebook. Dann führe diese Zelle noch einmal aus."),
        "en": ("Your file {name} is still missing. Plug in the Calliope mini, open the MINI "
               "drive, open MY_DATA.HTM, click Download and save the file as {name} next to "
               "this notebook. Then run this cell again."),
    },
})

#: The time column of MakeCode's data logger export (what ``MY_DATA.HTM`` downloads).
LOGGER_TIME = "Time (seconds)"


def datalogger_text(rec: Recording, columns: dict[str, str]) -> str:
    """``rec`` written as the board's data logger exports it: ``Time (seconds),x,y,z``.

    ``columns``: the kid's column name -> the channel in ``rec`` (``{"x": "acceleration_x"}``).
    """
    names = list(columns)
    first = rec[columns[names[0]]]
    lines = [",".join([LOGGER_TIME, *names])]
    series = [rec[columns[n]].values.tolist() for n in names]
    for i, t in enumerate(first.times.tolist()):
        cells = [f"{t:.2f}"] + [f"{s[i]:g}" if i < len(s) else "" for s in series]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def logged(board: Board, name: str, columns: dict[str, str], seconds: float,
           every: float) -> Recording | None:
    """A measurement the board made on its own, without the cable (its data logger).

    * Your file ``meine_<name>.csv`` is there (downloaded from ``MY_DATA.HTM``): it is loaded
      with ``cl.load``, as any file.
    * No file and a simulated board: the simulated board measures ``seconds`` (playing what
      :func:`act` announced), writes the file in the data logger's format and it is loaded
      the same way.
    * No file and a real board: how to get the file off the board; returns None.
    """
    from calliope_lib.recording.files import load_recording
    from calliope_lib.teach.lesson import (  # it imports this module
        grading,
        my_file,
        my_name,
    )

    mine = Path(my_name(name))
    if mine.exists():
        _say("lesson.logged_found", name=mine)
        return _with_units(load_recording(mine), columns)
    if getattr(getattr(board, "transport", None), "simulator", None) is None and not grading():
        _say("lesson.logged_missing", name=mine)
        return None
    rec = board.record(list(columns.values()), seconds=seconds, every=every, progress=False)
    target = Path(my_file(name))  # a temporary folder while grading
    target.write_text(datalogger_text(rec, columns), encoding="utf-8")
    _say("lesson.logged_sim", seconds=seconds, name=target.name)
    loaded = _with_units(load_recording(target), columns)
    for when, text in rec.marks:  # the logger's file has no marks: "Gehen" stays in the plot
        loaded.mark(text, time=when)
    return loaded


def _with_units(rec: Recording, columns: dict[str, str]) -> Recording:
    """The logger's file has no units: each column gets the unit of the board channel it
    logged (``x`` <- ``acceleration_x``: mg), so plots say "x in mg"."""
    from calliope_lib.recording.units import unit_of

    for column, channel in columns.items():
        unit = unit_of(channel)
        if column in rec and unit and not rec.unit(column):
            rec.set_unit(column, unit)
    return rec
