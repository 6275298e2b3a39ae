"""Units and readable names of the standard channels.

The board sends bare numbers; this table says what they mean. A kid's own channels
(``feuchte``, ``wert1``) have no unit until the kid gives one (``rec.set_unit("feuchte", "%")``)
or converts them with a sensor from :mod:`calliope_lib.sensors`.

>>> unit_of("temperature")
'°C'
>>> label("temperature", lang="de")
'Temperatur'
"""

from __future__ import annotations

import re

from calliope_lib.messages import register, t

# channel -> (unit, German name, English name): the one table; the names are registered as
# texts (``channel.temperature``) below, so they are looked up like every other sentence.
STANDARD_CHANNELS: dict[str, tuple[str, str, str]] = {
    "temperature": ("°C", "Temperatur", "Temperature"),
    # Light through the LED matrix: 0..255, no physical unit (it is not lux).
    "light": ("", "Helligkeit (0–255)", "Light level (0–255)"),
    "sound": ("", "Lautstärke (0–255)", "Sound level (0–255)"),
    "acceleration_x": ("mg", "Beschleunigung x", "Acceleration x"),
    "acceleration_y": ("mg", "Beschleunigung y", "Acceleration y"),
    "acceleration_z": ("mg", "Beschleunigung z", "Acceleration z"),
    "acceleration_strength": ("mg", "Beschleunigung (Stärke)", "Acceleration (strength)"),
    "compass_heading": ("°", "Himmelsrichtung", "Compass heading"),
    "button_a": ("", "Knopf A", "Button A"),
    "button_b": ("", "Knopf B", "Button B"),
}
_PIN = re.compile(r"^(p|c)(\d+)$")
_TOUCH = re.compile(r"^touch_(p\d+|logo)$")

register({f"channel.{name}": {"de": de, "en": en}
          for name, (_unit, de, en) in STANDARD_CHANNELS.items()})


def unit_of(channel: str) -> str:
    """The unit of a standard channel, ``""`` for unitless or unknown channels.

    A channel recorded from several boards at once carries the board's short name as prefix
    (``"kim.temperature"``); the unit is that of the part after the dot.
    """
    base = channel.rsplit(".", 1)[-1]
    entry = STANDARD_CHANNELS.get(base)
    if entry is not None:
        return entry[0]
    return ""


def label(channel: str, lang: str | None = None) -> str:
    """A readable name for plots and tables (``"Temperatur"``, ``"Pin P1 (0–1023)"``).

    ``lang``: ``"de"`` or ``"en"``; default from :func:`calliope_lib.messages.language`.
    A kid's own channel keeps its own name; a board's prefix is kept in front.

    >>> label("acceleration_x", lang="en")
    'Acceleration x'
    >>> label("kim.p1"), label("feuchte")
    ('kim: Pin P1 (0–1023)', 'feuchte')
    """
    prefix, _, base = channel.rpartition(".")
    if base in STANDARD_CHANNELS:
        name = t(f"channel.{base}", lang)
    elif (match := _PIN.match(base)) is not None:
        name = f"Pin {match.group(1).upper()}{match.group(2)} (0–1023)"
    elif (match := _TOUCH.match(base)) is not None:
        pad = match.group(1).upper() if match.group(1) != "logo" else "Logo"
        name = f"Touch {pad}"
    else:
        name = base
    return f"{prefix}: {name}" if prefix else name


def is_pin(channel: str) -> bool:
    """True for raw analog/digital pin channels (``p0``…``p3``, ``c4``…)."""
    return _PIN.match(channel.rsplit(".", 1)[-1]) is not None
