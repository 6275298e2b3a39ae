"""Small helpers for the lesson notebooks, so that every cell a kid reads stays short.

A lesson notebook starts like this::

    from calliope_lib import lesson
    board = lesson.board(sensor="thermistor")      # your Calliope mini, or the simulated one
    rec = board.record(["temperature", "p1"], seconds=60, every=0.5,
                       save_to=lesson.my_file("thermistor"))
    beispiel = lesson.reference("beispiel_thermistor")   # data shipped with the lesson

What the helpers promise, and why:

* :func:`board` gives the real board when one is plugged in, otherwise a friendly German note
  and the simulated board (``sim://``) with the lesson's DIY sensor on P1. While nbgrader grades
  or validates (``NBGRADER_EXECUTION`` / ``NBGRADER_VALIDATING``) it **never touches hardware**:
  there is no board at the grading computer, and a grade must not depend on one. The simulated
  board then runs fast (``CALLIOPE_SIM_SPEED``, default 100x), so grading never waits.
* :func:`my_file` names a kid's own recording ``meine_<name>.csv``. No file shipped with a
  lesson starts with ``meine_``: nbgrader copies every source file over the kid's files before
  grading, and a shared name would silently replace the kid's measurement. While grading the
  live recording goes to a temporary folder instead, so it cannot overwrite the kid's file either.
* :func:`my_data` loads the kid's saved recording (or, if there is none, the reference data);
  :func:`reference` loads the data shipped with the lesson. Graded tasks use reference data, so
  points never depend on what a kid happened to measure.
* :func:`own_data_ok` checks the kid's own file (enough values, plausible range) for the one
  point that is fair to give for measuring at all.
* :func:`check` is a graded task's visible check and :func:`passes` its hidden test, on the
  same criteria (:mod:`calliope_lib.teach.checks`): "Richtig" only where the point is certain,
  a German hint for the typical mistakes, otherwise "sieht plausibel aus".
* :func:`act` says what to do during the next measurement ("Nach 10 s: Halte die Hand über
  den Sensor") and lets the simulated board play it, so a kid without a board sees it in their
  own data; button A marks it, :func:`marks` finds the marks and :func:`plot` draws them.
  :func:`logged` loads a measurement the board made on its own (data logger file).
* Importing this module adds German hints under the errors kids meet
  (:mod:`calliope_lib.teach.hints`: decimal comma, a cell above not run, missing code).

Everything the kid reads comes from :mod:`calliope_lib.messages` (German first, English with
``CALLIOPE_LANG=en``). Nothing here writes to stderr: a test cell with stderr output scores 0.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from calliope_lib import messages
from calliope_lib.errors import CalliopeError
from calliope_lib.recording import units as _units
from calliope_lib.teach.hands_on import (  # noqa: F401  (lesson.act, lesson.marks ... for kids)
    LOGGER_TIME,
    MARK_CHANNEL,
    act,
    datalogger_text,
    logged,
    marks,
)

if TYPE_CHECKING:  # pragma: no cover
    from calliope_lib.board import Board
    from calliope_lib.recording import Recording

#: Prefix of every file a kid's own measurement is saved to. No lesson source file uses it.
MY_PREFIX = "meine_"
#: Prefix of the reference data files shipped with the lessons.
REFERENCE_PREFIX = "beispiel_"
#: Environment variable: speed of the simulated board (e.g. ``1000`` in tests).
SPEED_VAR = "CALLIOPE_SIM_SPEED"
#: Environment variable: ``sim`` forces the simulated board even when a board is plugged in.
BOARD_VAR = "CALLIOPE_LESSON_BOARD"
#: How much faster than real time the simulated board runs for a kid (30 s take 3 s).
KID_SIM_SPEED = 10.0
#: ... and while nbgrader grades or validates (a 30 s recording takes 0.3 s).
GRADING_SIM_SPEED = 100.0
#: Sensors a lesson can put on the simulated board's pin P1.
SIM_SENSORS = ("thermistor", "ldr", "moisture", "solar")

messages.register({
    "lesson.real_board": {
        "de": "Ich habe deinen Calliope mini gefunden ({port}). Los geht's!",
        "en": "Found your Calliope mini ({port}). Let's go!",
    },
    "lesson.listen_mode": {
        "de": ("Auf deinem Calliope mini läuft ein eigenes Programm. Ich lese mit, was es "
               "schickt. Für diese Lektion brauchst du die Mess-Firmware: "
               "calliope-mini firmware install"),
        "en": ("Your Calliope mini runs its own program. I read what it sends. This lesson "
               "needs the measuring firmware: calliope-mini firmware install"),
    },
    "lesson.no_board": {
        "de": ("Kein Calliope mini eingesteckt? Kein Problem! Ich nehme das simulierte Board. "
               "Es misst eine ausgedachte, aber echt wirkende Welt{sensor} und läuft "
               "{speed:g}-mal so schnell wie die echte Zeit."),
        "en": ("No Calliope mini plugged in? No problem! I use the simulated board. It "
               "measures a made-up but realistic world{sensor} and runs {speed:g} times "
               "faster than real time."),
    },
    "lesson.sim_sensor": {
        "de": " (mit einem simulierten {sensor} an P1)",
        "en": " (with a simulated {sensor} on P1)",
    },
    "lesson.board_failed": {
        "de": "Dein Board antwortet nicht richtig ({error}). Ich nehme das simulierte Board.",
        "en": "Your board does not answer properly ({error}). I use the simulated board.",
    },
    "lesson.grading": {
        "de": "Bewertung läuft: simuliertes Board, keine Hardware.",
        "en": "Grading: simulated board, no hardware.",
    },
    "lesson.using_reference": {
        "de": ("Ich finde deine Datei {mine} nicht. Ich nehme die Beispieldaten {reference}. "
               "Nimm oben selbst etwas auf, dann bekommst du deine eigenen Daten."),
        "en": ("I cannot find your file {mine}. I use the example data {reference}. Record "
               "something above to get your own data."),
    },
    "lesson.own_missing": {
        "de": "Deine Datei {name} fehlt. Führe die Mess-Zelle oben aus, sie speichert sie.",
        "en": "Your file {name} is missing. Run the measuring cell above: it saves it.",
    },
    "lesson.own_unreadable": {
        "de": "Deine Datei {name} lässt sich nicht lesen: {error}",
        "en": "Your file {name} cannot be read: {error}",
    },
    "lesson.own_no_channel": {
        "de": "In deiner Datei {name} fehlt der Kanal {channel}. Gefunden: {found}.",
        "en": "Your file {name} has no channel {channel}. Found: {found}.",
    },
    "lesson.own_too_few": {
        "de": "In deiner Datei {name} sind nur {count} Werte für {channel}. Miss mindestens {need}.",
        "en": "Your file {name} holds only {count} values of {channel}. Record at least {need}.",
    },
    "lesson.own_out_of_range": {
        "de": ("Deine Werte für {channel} liegen zwischen {low:g} und {high:g}. Erwartet habe "
               "ich {min:g} bis {max:g}. Ist der Sensor richtig angeschlossen?"),
        "en": ("Your {channel} values lie between {low:g} and {high:g}. I expected {min:g} to "
               "{max:g}. Is the sensor wired correctly?"),
    },
    "lesson.own_ok": {
        "de": "Deine Messung {name}: {count} Werte für {channel}. Prima!",
        "en": "Your recording {name}: {count} values of {channel}. Well done!",
    },
    "lesson.ok": {
        "de": "✔ Richtig!",
        "en": "✔ Correct!",
    },
})

# The simulated sensor's name in the kid's language (``lesson.sensor.<name>``).
messages.register({
    "lesson.sensor.thermistor": {"de": "Thermistor", "en": "thermistor"},
    "lesson.sensor.ldr": {"de": "Fotowiderstand", "en": "ldr"},
    "lesson.sensor.moisture": {"de": "Feuchte-Sensor", "en": "moisture"},
    "lesson.sensor.solar": {"de": "Solarzelle", "en": "solar"},
})


def grading() -> bool:
    """True while nbgrader grades or validates this notebook (then: no hardware, no stderr)."""
    return messages.grading()


def _say(key: str, **fields: Any) -> None:
    print(messages.t(key, **fields), file=sys.stdout)


# -- the board ------------------------------------------------------------------------------
def sim_url(sensor: str | None = None, motion: str | None = None, seed: int = 1,
            speed: float | None = None) -> str:
    """The ``sim://`` address of the lesson's simulated board.

    >>> sim_url("thermistor", seed=2, speed=10)
    'sim://?seed=2&speed=10&p1=thermistor'
    """
    if speed is None:
        speed = _speed()
    parts = [f"seed={int(seed)}", f"speed={speed:g}"]
    if sensor:
        if sensor not in SIM_SENSORS:
            raise ValueError(f"sensor must be one of {', '.join(SIM_SENSORS)}, not {sensor!r}")
        parts.append(f"p1={sensor}")
    if motion:
        parts.append(f"motion={motion}")
    return "sim://?" + "&".join(parts)


def _speed() -> float:
    text = os.environ.get(SPEED_VAR, "").strip()
    if text:
        try:
            value = float(text)
            if value > 0:
                return value
        except ValueError:
            pass
    return GRADING_SIM_SPEED if grading() else KID_SIM_SPEED


def board(sensor: str | None = None, motion: str | None = None, seed: int = 1) -> "Board":
    """Your Calliope mini if one is plugged in, otherwise the simulated board.

    * ``sensor``: the DIY sensor of the lesson on P1 (``"thermistor"``, ``"ldr"``,
      ``"moisture"``, ``"solar"``): only used by the simulated board; on a real board you
      plug it in yourself.
    * ``motion``: how the simulated board is moved (``"walk"``, ``"pendulum"``, ``"shake"``).
    * ``seed``: which simulated world (the same seed gives the same measurements).

    While nbgrader grades, or when ``CALLIOPE_LESSON_BOARD=sim`` is set, no hardware is looked
    for at all.

    >>> b = board(sensor="thermistor")     # doctest: +SKIP
    """
    from calliope_lib.board import connect

    url = sim_url(sensor, motion, seed)
    if grading():
        _say("lesson.grading")
        return connect(url)
    if os.environ.get(BOARD_VAR, "").strip().lower() != "sim":
        real = _real_board()
        if real is not None:
            return real
    sensor_text = ""
    if sensor:
        key = f"lesson.sensor.{sensor}"
        name = messages.t(key) if messages.has(key) else sensor
        sensor_text = messages.t("lesson.sim_sensor", sensor=name)
    _say("lesson.no_board", sensor=sensor_text, speed=_speed())
    return connect(url)


def _real_board() -> "Board | None":
    """The first plugged-in board, or None (with a note when it is there but does not work)."""
    from calliope_lib.board import connect
    from calliope_lib.board.discovery import find_boards

    try:
        found = [b for b in find_boards() if b.port]
    except Exception:  # a strange system: finding boards must never stop the lesson
        return None
    if not found:
        return None
    try:
        real = connect(found[0])  # keeps its serial number: found again after unplugging
    except CalliopeError as exc:
        _say("lesson.board_failed", error=exc.text() if hasattr(exc, "text") else str(exc))
        return None
    _say("lesson.real_board", port=found[0].port)
    if real.info.mode != "firmware":
        _say("lesson.listen_mode")
    return real


# -- files ----------------------------------------------------------------------------------
def _csv_name(name: str) -> str:
    name = str(name)
    return name if name.lower().endswith(".csv") else name + ".csv"


def my_name(name: str) -> str:
    """``"messung"`` -> ``"meine_messung.csv"`` (also while grading: the file handed in)."""
    base = Path(_csv_name(name)).name
    return base if base.startswith(MY_PREFIX) else MY_PREFIX + base


def my_file(name: str) -> str:
    """The file name for your own measurement: ``my_file("messung")`` -> ``"meine_messung.csv"``.

    While nbgrader grades, the answer is a file in a temporary folder: the grading run records
    simulated data, and that must not replace the measurement you handed in.
    """
    base = my_name(name)
    if grading():
        folder = Path(tempfile.mkdtemp(prefix="calliope-grading-"))
        return str(folder / base)
    return base


def _load(path: Path) -> "Recording":
    from calliope_lib.recording.files import load_recording

    return load_recording(path)


def reference(name: str) -> "Recording":
    """The reference data ``name`` shipped with the lesson (``beispiel_...csv``).

    The graded tasks use these, so everybody's answers are checked on the same numbers.
    """
    # A missing file raises RecordingFileMissing, which lists what the folder holds.
    return _load(Path(_csv_name(name)))


def my_data(name: str, fallback: str | None = None) -> "Recording | None":
    """Your own saved measurement ``meine_<name>.csv``.

    If it is not there (yet), the reference data ``fallback`` (with a note), or None.
    """
    mine = Path(my_name(name))
    if mine.exists():
        try:
            return _load(mine)
        except CalliopeError as exc:
            _say("lesson.own_unreadable", name=mine, error=exc)
    if fallback is None:
        return None
    _say("lesson.using_reference", mine=mine, reference=_csv_name(fallback))
    return reference(fallback)


def own_data_ok(name: str, channel: str, at_least: int = 10,
                between: tuple[float, float] = (-math.inf, math.inf)) -> bool:
    """Is your own file ``meine_<name>.csv`` there, with ``at_least`` values of ``channel``
    inside the range ``between``? Prints what is missing (on stdout) and returns True/False.

    Used by the one test cell per lesson that gives a point for measuring yourself.
    """
    path = Path(my_name(name))
    if not path.exists():
        _say("lesson.own_missing", name=path)
        return False
    try:
        rec = _load(path)
    except CalliopeError as exc:
        _say("lesson.own_unreadable", name=path, error=exc)
        return False
    if channel not in rec:
        _say("lesson.own_no_channel", name=path, channel=channel,
             found=", ".join(rec.channels) or "-")
        return False
    ch = rec[channel]
    finite = [v for v in ch.values.tolist() if math.isfinite(v)]
    if len(finite) < at_least:
        _say("lesson.own_too_few", name=path, count=len(finite), channel=channel, need=at_least)
        return False
    low, high = min(finite), max(finite)
    if low < between[0] or high > between[1]:
        _say("lesson.own_out_of_range", channel=channel, low=low, high=high,
             min=between[0], max=between[1])
        return False
    _say("lesson.own_ok", name=path, count=len(finite), channel=channel)
    return True


# -- pictures and lists ---------------------------------------------------------------------
class _Markdown:
    """Shown as Markdown by Jupyter, as plain text elsewhere (no IPython import needed)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def parts(key: str) -> _Markdown:
    """The parts list of a lesson's build (``"thermistor"``, ``"ldr"``, ...) as a table."""
    from calliope_lib.teach.wiring import WIRING, resistor_bands

    wiring = WIRING[key]
    lines = ["| Anzahl | Teil | Wert |", "|---|---|---|"]
    for part in wiring.parts:
        value = part.value
        if part.ohms is not None:
            value = f"{value} ({'-'.join(resistor_bands(part.ohms))})"
        lines.append(f"| {part.quantity} | {part.name} | {value} |")
    return _Markdown("\n".join(lines))


def wiring(key: str) -> Any:
    """The wiring picture of a lesson (drawn from code, the same one as on the worksheet),
    with the connections as numbered steps above it."""
    from calliope_lib.teach.diagrams import show
    from calliope_lib.teach.wiring import WIRING

    steps = WIRING[key].connections
    for number, (a, b) in enumerate(steps, start=1):
        print(f"{number}. {a}  →  {b}")
    return show(key)


def ok(text: str | None = None) -> None:
    """Print a green tick at the end of a test cell whose checks above are complete (nothing
    hidden is checked after them, e.g. the own-data cell). Cells with hidden tests end with
    :func:`check` instead, which says "Richtig" only when the hidden test agrees."""
    print(text or messages.t("lesson.ok"))


def check(task: str, **answers: Any) -> None:
    """The visible check of a graded task, as honest as the hidden test.

    Prints "✔ Richtig!" only when :func:`passes` is true (exactly what the hidden test
    asserts), stops with a German hint for a typical mistake (decimal comma, fraction instead
    of percent, minutes instead of seconds, a factor of 10, an example from the task that
    fails), and otherwise says the answer looks plausible and is checked more closely later.

    >>> check("licht-aufgabe4", dunkel_prozent=37.87)
    ✔ Richtig!
    """
    from calliope_lib.teach.checks import check as _check

    print(_check(task, **answers))


def passes(task: str, **answers: Any) -> bool:
    """True when every answer of ``task`` is right: the criterion of the hidden test.

    >>> passes("licht-aufgabe4", dunkel_prozent=0.3787)
    False
    """
    from calliope_lib.teach.checks import passes as _passes

    return _passes(task, **answers)


# -- plots ----------------------------------------------------------------------------------
def plot(rec: "Recording | None", channels: Sequence[str] | str | None = None, *,
         title: str | None = None, level: float | None = None, level_label: str = "",
         mark: float | None = None, mark_label: str = "", **kwargs: Any) -> Any:
    """Plot a recording (``rec.plot``) and optionally draw a horizontal line at ``level``
    (a threshold) and a vertical line at the time ``mark`` (in seconds). The kid's own marks
    (button A pressed, :func:`marks`) are drawn as violet dash-dotted lines.

    Returns the figure, so Jupyter shows it.
    """
    if rec is None:  # nothing measured yet (the cell above said why)
        return None
    if isinstance(channels, str):
        channels = [channels]
    if channels is not None and MARK_CHANNEL in rec and MARK_CHANNEL not in channels:
        channels = [*channels, MARK_CHANNEL]  # rec.plot draws its presses as marks
    if "time_unit" not in kwargs and rec.duration <= SECONDS_AXIS_UP_TO:
        kwargs["time_unit"] = "s"  # the tasks ask for seconds: so does the axis
    fig = rec.plot(channels, **kwargs)
    if not fig.axes:
        return fig
    if title:
        fig.axes[0].set_title(title)
    # rec.plot drew the worded marks and the presses of button A (once each: a press that a
    # worded mark names is not drawn again) and gave each axis its unit's minimum span.
    # Legends and axes say the lesson channels' German names already (DISPLAY_NAMES below).
    if level is not None or mark is not None:
        for ax in fig.axes:
            if level is not None:
                ax.axhline(level, color="tab:red", linestyle="--", label=level_label or None)
            if mark is not None:
                ax.axvline(_axis_time(ax, mark), color="tab:green", linestyle=":",
                           label=mark_label or None)
            if level_label or mark_label:
                ax.legend(loc="best")
            if level is not None:
                break  # the threshold belongs to the first channel only
    return fig


#: What a kid reads for the channels the lessons make themselves (``rec.convert(...,
#: name="lux")``): the name in code (``rec["lux"]``) and the ``# column`` lines of the CSV stay
#: short and stable; plots, summaries and the CSV header say what it is ("Fotowiderstand").
#: Given to the core's one table of display names below (``units.name_channels``), which
#: every Recording reads (``rec.label``), so nothing is renamed after the fact.
DISPLAY_NAMES = {
    "temperatur_ntc": "Thermistor",
    "lux": "Fotowiderstand",
    "feuchte": "Bodenfeuchte",
    "leistung": "Solarzelle",
    "staerke": "Stärke",
    "button_a": "Knopf A",
}
_units.name_channels(DISPLAY_NAMES)

messages.register({
    "lesson.summary.head": {"de": "| Kanal | Werte | kleinster | größter | Mittelwert |",
                            "en": "| Channel | values | smallest | biggest | mean |"},
})


def display_name(channel: str, rec: "Recording | None" = None) -> str:
    """The German name a kid reads for ``channel`` (``"lux"`` -> ``"Fotowiderstand"``,
    ``"temperature"`` -> ``"Temperatur"``); the channel's name in code stays as it is.
    With ``rec``: the name that recording gives it (``rec.label``)."""
    return rec.label(channel) if rec is not None else _units.label(channel)


def summary(rec: "Recording") -> _Markdown:
    """Per channel: how many values, the smallest, the biggest and the mean, with German
    names and decimal commas (a table in Jupyter)."""
    lines = [messages.t("lesson.summary.head"), "|---|---:|---:|---:|---:|"]
    for ch in rec:
        if ch.name == MARK_CHANNEL:
            continue
        unit = f" {ch.unit}" if ch.unit else ""
        cells = [messages.with_decimal_mark(f"{v:.4g}") + unit
                 for v in (ch.min(), ch.max(), ch.mean())]
        lines.append(f"| {rec.label(ch.name)} | {len(ch)} | " + " | ".join(cells) + " |")
    return _Markdown("\n".join(lines))


#: Recordings up to this long (s) are plotted over seconds, as the lessons' tasks count time.
SECONDS_AXIS_UP_TO = 900.0

def _axis_time(ax: Any, seconds: float) -> float:
    """Seconds converted to the unit of the time axis (the plot shows s, min or h; its label
    ends in the unit: "Zeit in min")."""
    unit = (ax.get_xlabel() or "").strip().rsplit(" ", 1)[-1].strip("()[]")
    return seconds / {"min": 60.0, "h": 3600.0, "d": 86400.0}.get(unit, 1.0)


def values(rec: "Recording", channel: str) -> list[float]:
    """The values of one channel as a plain Python list (easy to loop over)."""
    return [float(v) for v in rec[channel].values]


def times(rec: "Recording", channel: str) -> list[float]:
    """The times (seconds since the start) of one channel as a plain Python list."""
    return [float(v) for v in rec[channel].times]


def close_to(value: Any, expected: float, tolerance: float) -> bool:
    """True if ``value`` is a number within ``tolerance`` of ``expected`` (for test cells)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and abs(number - expected) <= tolerance


def numbers(items: Iterable[Any]) -> list[float]:
    """A list of floats (for test cells comparing lists a kid built)."""
    return [float(x) for x in items]


# Hints under the errors kids meet (decimal comma, a cell above not run, missing code):
# installed once the notebook imports this module; nothing happens outside Jupyter.
from calliope_lib.teach import hints as _hints  # noqa: E402  (after the helpers it uses)

_hints.install()
