"""The criteria of every graded task of the lessons: the visible check and the hidden test of
a task both read its entry here (see :mod:`calliope_lib.teach.checks`).

Keys are ``<lesson>-<grade id>`` (``"licht-aufgabe3"``); each names the kid's answers and what
is right. Cases with ``shown=True`` are the examples printed in the task: the visible check
tells openly when one fails. The others are what the hidden test adds; failing them makes the
visible check say "plausibel", never "Richtig". The expected numbers are those of the
reference data (``beispiel_*.csv``) and agree with the teachers' notes (``LEHRKRAFT.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from calliope_lib.teach.checks import Case, Function, Number, Task


def _light_values() -> tuple[Any, ...]:
    """Lesson 1: the light values of the reference recording (read in the lesson's folder)."""
    from calliope_lib.recording.files import load_recording

    rec = load_recording("beispiel_messung.csv")
    return ([float(v) for v in rec["light"].values],)


def _garden_moisture() -> tuple[Any, ...]:
    """Lesson 7: the moisture values of ``boden-2`` in the garden export (in the lesson's
    folder)."""
    from calliope_lib.recording.files import load_recording

    rec = load_recording("beispiel_sensorgarten_export.json")
    return ([float(v) for v in rec["boden-2.moisture"].values],)


_SEC = "s"

_TASKS: dict[str, Task] = {
    # Lesson 1: Hallo Calliope
    "hallo-aufgabe1": Task({"anzahl": Number(121, 0, whole=True, low=1,
                                             why="Es gibt mindestens einen Wert.")}),
    "hallo-aufgabe2": Task({"mittelwert": Function((
        Case(([2, 4, 6],), 4, 1e-9, shown=True, why="Der Mittelwert von 2, 4 und 6 ist 4."),
        Case(([5],), 5, 1e-9, shown=True, why="Der Mittelwert einer Zahl ist die Zahl selbst."),
        Case(([1, 2],), 1.5, 1e-9),
        Case(([-3, 3, 9],), 3.0, 1e-9),
    ))}),
    "hallo-aufgabe3": Task({
        "waermster": Number(24.9, 1e-6, "°C", 0, 50, "Im Raum sind es zwischen 0 und 50 °C."),
        "kaeltester": Number(23.9, 1e-6, "°C", 0, 50, "Im Raum sind es zwischen 0 und 50 °C."),
    }, swappable=("waermster", "kaeltester")),
    "hallo-aufgabe4": Task({"spanne": Function((
        Case(([3, 8, 5],), 5, 1e-9, shown=True, why="Bei 3, 8 und 5 ist die Spanne 8 - 3 = 5."),
        Case(([7],), 0, 1e-9),
        Case(([-2, 4],), 6, 1e-9),
        Case(_light_values, 71, 1e-6),
    ))}),
    # Lesson 2: Thermistor
    "thermistor-aufgabe1": Task({"spannung": Function((
        Case((0,), 0, 1e-9, shown=True, why="Rohwert 0 bedeutet 0 Volt."),
        Case((1023,), 3.3, 0.001, shown=True, why="Rohwert 1023 bedeutet 3,3 Volt."),
        Case((511.5,), 1.65, 0.001),
        Case((620,), 2.0, 0.001),
    ))}),
    "thermistor-aufgabe2": Task({"ntc_widerstand": Function((
        Case((511.5,), 10000, 0.5, shown=True, why="Beim Rohwert 511,5 sind es 10000 Ω."),
        Case((700,), 21671.8, 0.5),
        Case((300,), 4149.4, 0.5),
    ))}),
    "thermistor-aufgabe3": Task({"unterschied": Number(
        3.030, 0.02, "°C", 0, 20,
        "Der eingebaute Sensor zeigt mehr an: Der Unterschied ist positiv und kleiner als "
        "20 °C.")}),
    "thermistor-aufgabe4": Task({
        "steigung": Number(1.0815, 0.001, "", 0, 10, "Die Steigung ist positiv und klein."),
        "korrigiert": Function((
            Case((1.2,), 0.0, 0.01, shown=True, why="Im Eiswasser soll 0 °C herauskommen."),
            Case((33.1,), 34.5, 0.01, shown=True, why="In der Hand soll 34,5 °C herauskommen."),
            Case((20.0,), 20.332, 0.01),
            Case((-5.0,), -6.705, 0.01),
        )),
    }),
    # Lesson 3: Licht
    "licht-aufgabe1": Task({"ist_dunkel": Function((
        Case((5,), True, shown=True, why="5 Lux ist dunkel: Es soll True herauskommen."),
        Case((300,), False, shown=True, why="300 Lux ist hell: Es soll False herauskommen."),
        Case((19.9,), True),
        Case((20,), False),
        Case((80,), False),
    ))}),
    "licht-aufgabe2": Task({"wann_dunkel": Function((
        Case(([0, 1, 2, 3], [300, 250, 10, 5]), 2, 1e-9, shown=True,
             why="Bei 2 s ist es zum ersten Mal dunkel."),
        Case(([0, 1], [300, 300]), None, shown=True,
             why="Wird es nie dunkel, soll None herauskommen."),
        Case(([0, 1, 2, 3], [5, 300, 5, 5]), 0, 1e-9),
        Case(([10, 20, 30], [100, 19, 400]), 20, 1e-9),
        Case(([], []), None),
    ))}),
    "licht-aufgabe3": Task({"dunkel_ab": Number(
        187.0, 0.01, _SEC, 0, 300, "Die Messung dauert 300 Sekunden: Gefragt ist eine Zeit "
        "zwischen 0 und 300 s.")}),
    "licht-aufgabe4": Task({"dunkel_prozent": Number(
        37.87, 0.05, "%", 0, 100, "Prozent liegen zwischen 0 und 100.")}),
    # Lesson 4: Bodenfeuchte
    "feuchte-aufgabe1": Task({"feuchte_prozent": Function((
        Case((310,), 0, 0.01, shown=True, why="Rohwert 310 ist ganz trocken: 0 Prozent."),
        Case((780,), 100, 0.01, shown=True, why="Rohwert 780 ist ganz nass: 100 Prozent."),
        Case((545,), 50, 0.01, shown=True, why="Rohwert 545 liegt genau in der Mitte: 50."),
        Case((200,), 0, 0.01),
        Case((900,), 100, 0.01),
        Case((400,), 19.149, 0.01),
    ))}),
    "feuchte-aufgabe2": Task({"braucht_wasser": Function((
        Case((10,), True, shown=True, why="Bei 10 Prozent ist die Erde zu trocken."),
        Case((80,), False, shown=True, why="Bei 80 Prozent ist genug Wasser da."),
        Case((29.9,), True),
        Case((30,), False),
    ))}),
    "feuchte-aufgabe3": Task({"giessen_nach_tagen": Number(
        3.2917, 0.03, "Tage", 0, 7, "Die Messung dauert 7 Tage.")}),
    "feuchte-aufgabe4": Task({"trockenster_wert": Number(
        13.83, 0.1, "%", 0, 100, "Die Feuchte liegt zwischen 0 und 100 Prozent.")}),
    # Lesson 5: Bewegung
    "bewegung-aufgabe1": Task({"staerke": Function((
        Case((0, 0, -1024), 1024, 0.001, shown=True, why="Still auf dem Tisch: 1024 mg."),
        Case((3, 4, 0), 5, 0.001, shown=True, why="3, 4, 0 gibt 5 (wie im Dreieck)."),
        Case((1, 2, 2), 3, 0.001),
        Case((-300, 0, 400), 500, 0.001),
    ))}),
    "bewegung-aufgabe2": Task({"zaehle_spitzen": Function((
        Case(([0, 5, 0, 5, 0], 3), 2, 0, shown=True, why="Die Kurve steigt zweimal über 3."),
        Case(([0, 4, 4, 4, 0], 3), 1, 0, shown=True, why="Eine breite Spitze zählt nur einmal."),
        Case(([5, 5, 0, 5], 3), 1, 0),
        Case(([1, 2, 3], 3), 0, 0),
        Case(([], 3), 0, 0),
    ))}),
    "bewegung-aufgabe3": Task({"schritte": Number(
        36, 0, "", 11, 99, "In 20 Sekunden macht man mehr als 10 und weniger als 100 Schritte.",
        whole=True)}),
    "bewegung-aufgabe4": Task({"spitzen_zeiten": Function((
        Case(([0, 1, 2, 3, 4], [0, 5, 0, 5, 0], 3), [1, 3], shown=True,
             why="Die Spitzen sind bei 1 s und 3 s: [1, 3]."),
        Case(([0, 1, 2], [5, 0, 0], 3), []),
        Case(([0.5, 1.0, 1.5, 2.0], [0, 9, 9, 0], 3), [1.0]),
    ))}),
    "bewegung-aufgabe5": Task({"periode": Number(
        1.423, 0.03, _SEC, 0.5, 5,
        "Ein Pendel an 50 cm Schnur braucht mehr als 0,5 s und weniger als 5 s.")}),
    # Lesson 6: Solarbank
    "solar-aufgabe1": Task({"spannung": Function((
        Case((0,), 0, 1e-9, shown=True, why="Rohwert 0 heißt 0 Volt."),
        Case((1023,), 3.3, 0.001, shown=True, why="Rohwert 1023 heißt 3,3 Volt."),
        Case((620,), 2.0, 0.001),
    ))}),
    "solar-aufgabe2": Task({"leistung_mw": Function((
        Case((2.0,), 40, 0.001, shown=True, why="2 Volt an 100 Ω sind 40 mW."),
        Case((1.0,), 10, 0.001),
        Case((0,), 0, 0.001),
    ))}),
    "solar-aufgabe3": Task({"energie_mwh": Function((
        Case(([0, 1800, 3600], [40, 40, 40]), 40, 0.001, shown=True,
             why="40 mW eine Stunde lang sind 40 mWh."),
        Case(([0, 3600, 7200], [10, 10, 10]), 20, 0.001),
        Case(([0, 60], [0, 0]), 0, 0.001),
    ))}),
    "solar-aufgabe4": Task({"tag_energie": Number(
        382.0, 8, "mWh", 0, 5000, "Am Tag scheint die Sonne: Die Energie ist größer als 0 "
        "und kleiner als 5000 mWh.")}),
    "solar-aufgabe5": Task({"solarzellen": Number(
        40, 1, "", 1, 10_000, "Die Bank braucht mindestens eine Solarzelle.", whole=True)}),
    # Lesson 7: Sensorgarten (numbers of beispiel_sensorgarten_export.json, beispiel_topf.csv)
    "garten-aufgabe1": Task({"anzahl_geraete": Number(
        4, 0, "", 1, 100, "Im Garten sendet mindestens ein Gerät.", whole=True)}),
    "garten-aufgabe2": Task({
        "mittelwert": Function((
            Case(([40, 50, 60],), 50, 1e-9, shown=True,
                 why="Der Mittelwert von 40, 50 und 60 ist 50."),
            Case(([33.5],), 33.5, 1e-9, shown=True,
                 why="Der Mittelwert einer Zahl ist die Zahl selbst."),
            Case(([10, 20, 30, 41],), 25.25, 1e-9),
            Case(_garden_moisture, 47.6718, 1e-3),
        )),
        "mittel_boden2": Number(47.6718, 0.01, "%", 0, 100,
                                "Die Feuchte liegt zwischen 0 und 100 Prozent."),
    }),
    "garten-aufgabe3": Task({"unter_30_ab": Number(
        30.9997, 0.02, "h", 0, 72, "Die Daten gehen über 72 Stunden: Gefragt ist eine Zeit "
        "zwischen 0 und 72 Stunden.")}),
    "garten-aufgabe4": Task({"unterschied": Number(
        35.879, 0.05, "%", -100, 100, "Zwei Feuchte-Werte in Prozent liegen höchstens 100 "
        "Prozentpunkte auseinander.")}),
    "garten-aufgabe5": Task({"trockene_stunden": Number(
        29, 0, "", 0, 72, "Beet 1 hat 72 Messwerte, einen pro Stunde.", whole=True)}),
}

#: task key -> criteria; read-only, like each task's answers.
TASKS: Mapping[str, Task] = MappingProxyType(_TASKS)
