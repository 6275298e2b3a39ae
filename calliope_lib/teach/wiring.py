"""How each lesson's sensor is wired to the Calliope mini: the facts, once, as data.

The lesson notebooks (:func:`calliope_lib.teach.lesson.parts`), the printed worksheets (the
parts table) and the wiring pictures (:mod:`calliope_lib.teach.diagrams`) all read
:data:`WIRING`, so what a kid reads on paper, on screen and in the picture cannot drift apart::

    >>> from calliope_lib.teach.wiring import WIRING, resistor_bands
    >>> WIRING["thermistor"].pin
    'P1'
    >>> resistor_bands(WIRING["thermistor"].series_ohms)
    ['braun', 'schwarz', 'orange', 'gold']

Pin names are the ones printed on the board: the six big ring pads of the star-shaped
Calliope mini are ``+`` (3,3 V supply), ``-`` (GND) and P0-P3. Only P1 and P2 read analog values
on every board version (on 1.x/2.x P0 and P3 are digital only), so every DIY sensor here uses P1.

This module is plain data: no schemdraw, no fpdf2, so a lesson can import it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calliope_lib.sensors import ohms_text
from calliope_lib.sensors import resistor_bands as _resistor_bands

__all__ = [
    "PAD_3V",
    "PAD_GND",
    "Part",
    "Wiring",
    "WIRING",
    "LESSON_DIAGRAMS",
    "chain",
    "chain_text",
    "resistor_bands",
    "format_ohms",
]

# Labels for the board's pads. The pads say "+" and "-"; "+" carries the 3,3 V supply.
PAD_3V = "3,3 V (+)"
PAD_GND = "GND (−)"


# --------------------------------------------------------------------------------------------
# The wiring facts, once
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """One line of a parts list.

    ``ohms`` is set for resistors: the worksheet then spells out the colour bands
    (see :func:`resistor_bands`).
    """

    name: str  # German, as a kid reads it: "Widerstand"
    quantity: int = 1
    value: str = ""  # "10 kΩ", "B = 3950"
    ohms: float | None = None  # a plain resistor's value -> colour bands
    note: str = ""


@dataclass(frozen=True)
class Wiring:
    """How one sensor is connected to the Calliope mini.

    ``connections`` are (from, to) pairs in words a kid can follow with crocodile clips;
    the numbers (``series_ohms`` ...) are what :mod:`calliope_lib.sensors` needs to convert
    raw pin values.
    """

    key: str
    lesson: int
    title: str
    pin: str | None  # the analog pin read, None for built-in sensors
    parts: tuple[Part, ...]
    connections: tuple[tuple[str, str], ...] = ()
    series_ohms: float | None = None  # the fixed resistor of the divider
    # Where the sensor sits in the divider, in calliope_lib.sensors' words: "to_ground"
    # (sensor between pin and GND) or "to_supply" (sensor between 3V and pin).
    wiring: str | None = None
    extra: dict[str, float] = field(default_factory=dict)
    #: the sensor's short name in a chain (:func:`chain_text`): "LDR", "Thermistor"
    short: str = ""


_BOARD = Part("Calliope mini mit USB-Kabel", 1)
_CLIPS = "Krokodilkabel"

WIRING: dict[str, Wiring] = {
    "builtin": Wiring(
        key="builtin",
        lesson=1,
        title="Eingebaute Sensoren: Temperatur und Licht",
        pin=None,
        parts=(_BOARD,),
    ),
    "thermistor": Wiring(
        key="thermistor",
        lesson=2,
        title="NTC-Thermistor im Spannungsteiler",
        pin="P1",
        parts=(
            _BOARD,
            Part("NTC-Thermistor", 1, "10 kΩ bei 25 °C, B = 3950"),
            Part("Widerstand", 1, "10 kΩ", ohms=10_000),
            Part(_CLIPS, 4),
        ),
        connections=(
            (PAD_3V, "Widerstand 10 kΩ, Bein 1"),
            ("Widerstand 10 kΩ, Bein 2", "P1 und Thermistor, Bein 1"),
            ("Thermistor, Bein 2", PAD_GND),
        ),
        series_ohms=10_000,
        wiring="to_ground",
        extra={"r25_ohms": 10_000, "beta": 3950},
        short="Thermistor",
    ),
    "ldr": Wiring(
        key="ldr",
        lesson=3,
        title="Fotowiderstand (LDR) im Spannungsteiler",
        pin="P1",
        parts=(
            _BOARD,
            Part("Fotowiderstand (LDR)", 1, "GL5528"),
            Part("Widerstand", 1, "10 kΩ", ohms=10_000),
            Part(_CLIPS, 4),
        ),
        connections=(
            (PAD_3V, "LDR, Bein 1"),
            ("LDR, Bein 2", "P1 und Widerstand 10 kΩ, Bein 1"),
            ("Widerstand 10 kΩ, Bein 2", PAD_GND),
        ),
        series_ohms=10_000,
        # Same as calliope_lib.sensors.LightSensor and the simulator: brighter -> bigger value.
        wiring="to_supply",
        short="LDR",
    ),
    "moisture": Wiring(
        key="moisture",
        lesson=4,
        title="Zwei Nägel als Bodenfeuchte-Sensor",
        pin="P1",
        parts=(
            _BOARD,
            Part("verzinkte Nägel", 2, "etwa 5 cm lang"),
            Part("Widerstand", 1, "10 kΩ", ohms=10_000),
            Part(_CLIPS, 4),
        ),
        connections=(
            (PAD_3V, "Nagel 1"),
            ("Nagel 2", "P1"),
            ("P1", "Widerstand 10 kΩ, Bein 1"),
            ("Widerstand 10 kΩ, Bein 2", PAD_GND),
        ),
        series_ohms=10_000,
        wiring="to_supply",
        extra={"nail_distance_cm": 5},
        short="Nagel 1 → Erde → Nagel 2",
    ),
    "accelerometer": Wiring(
        key="accelerometer",
        lesson=5,
        title="Eingebauter Beschleunigungssensor",
        pin=None,
        parts=(_BOARD,),
    ),
    "solar": Wiring(
        key="solar",
        lesson=6,
        title="Kleine Solarzelle mit Lastwiderstand",
        pin="P1",
        parts=(
            _BOARD,
            Part("kleine Solarzelle", 1, "etwa 2 V, 100 mA"),
            Part("Widerstand (Last)", 1, "100 Ω", ohms=100),
            Part(_CLIPS, 4),
        ),
        connections=(
            ("Solarzelle +", "Widerstand 100 Ω, Bein 1 und P1"),
            ("Solarzelle −", "Widerstand 100 Ω, Bein 2 und " + PAD_GND),
        ),
        # Above this open-circuit voltage the cell goes to P1 through a 2:1 divider.
        extra={"load_ohms": 100, "max_pin_volts": 3.3, "divider_ohms": 10_000},
    ),
}


def chain(key: str) -> tuple[str, ...]:
    """A voltage divider from the supply to ground, part by part, as the kid clips it.

    The one place the order is spelled out: the lesson text, the teachers' notes and the
    worksheet quote :func:`chain_text`, a test compares them, and the picture
    (:mod:`.diagrams`) and the sensor defaults (:mod:`calliope_lib.sensors`) use the same
    ``wiring`` field.

    >>> chain("ldr")
    ('3,3 V (+)', 'LDR', 'P1', '10 kΩ', 'GND (−)')
    >>> chain("thermistor")
    ('3,3 V (+)', '10 kΩ', 'P1', 'Thermistor', 'GND (−)')
    """
    w = WIRING[key]
    if w.wiring not in ("to_ground", "to_supply") or w.series_ohms is None or not w.pin:
        raise ValueError(f"{key} is not a voltage divider")
    fixed = format_ohms(w.series_ohms)
    sensor = w.short or w.title
    middle = (fixed, w.pin, sensor) if w.wiring == "to_ground" else (sensor, w.pin, fixed)
    return (PAD_3V, *middle, PAD_GND)


def chain_text(key: str) -> str:
    """``chain(key)`` as one line: ``3,3 V (+) → LDR → P1 → 10 kΩ → GND (−)``."""
    return " → ".join(chain(key))


#: lesson number -> the name of its wiring (and of its picture in :mod:`.diagrams`)
LESSON_DIAGRAMS: dict[int, str] = {w.lesson: key for key, w in WIRING.items()}


# --------------------------------------------------------------------------------------------
# Resistor values as the course prints them: German, like the labels in the parts box
# --------------------------------------------------------------------------------------------
def resistor_bands(ohms: float, bands: int = 4, tolerance: int | None = None) -> list[str]:
    """The colour bands of a resistor in German (the colour code of
    :func:`calliope_lib.sensors.parts.resistor_bands`), read from the side with the bands
    close together.

    ``bands=4``: two digits, multiplier, tolerance (5 % gold by default: carbon film).
    ``bands=5``: three digits, multiplier, tolerance (1 % brown by default: metal film).

    >>> resistor_bands(10_000)
    ['braun', 'schwarz', 'orange', 'gold']
    >>> resistor_bands(10_000, bands=5)
    ['braun', 'schwarz', 'schwarz', 'rot', 'braun']
    >>> resistor_bands(100)
    ['braun', 'schwarz', 'braun', 'gold']
    """
    # Worksheets and lesson notebooks are German whatever the computer's language is.
    return _resistor_bands(ohms, bands=bands, tolerance=tolerance, lang="de")


def format_ohms(ohms: float) -> str:
    """``10000 -> '10 kΩ'``, ``100 -> '100 Ω'``, ``4700 -> '4,7 kΩ'`` (German decimal comma).

    The words of :func:`calliope_lib.sensors.parts.ohms_text`, so lesson and worksheet agree.
    """
    return ohms_text(ohms, lang="de")
