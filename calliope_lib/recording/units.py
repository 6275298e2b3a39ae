"""Units and readable names (display names) of channels.

The board sends bare numbers; this table says what they mean. A kid's own channels
(``feuchte``, ``wert1``) have no unit until the kid gives one (``rec.set_unit("feuchte", "%")``)
or converts them with a sensor from :mod:`calliope_lib.sensors`.

Every channel has two names: its **id** in code and files (``temperature``, ``lux``: stable,
never translated) and its **display name** for people (``Temperatur``, ``Fotowiderstand``),
shown in plots, summaries and the CSV header. The display names come from, in this order:

1. the recording itself (``rec.set_label("t2", "Thermistor 2")``, ``rec.convert(...,
   label=...)``; see :meth:`calliope_lib.recording.Recording.label`);
2. names given to channel ids for a whole program (:func:`name_channels`: the lessons name
   the channels they make, ``lux`` -> ``Fotowiderstand``);
3. this module's table of the board's channels, in the reader's language (:func:`label`).

:func:`channel_of_title` goes the other way, from a spreadsheet's column title back to the id.

>>> unit_of("temperature")
'°C'
>>> label("temperature", lang="de")
'Temperatur'
"""

from __future__ import annotations

import re
from typing import Mapping

from calliope_lib.messages import LANGUAGES, language, register, t

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


#: Display names given with :func:`name_channels`: channel id -> {language: name}.
_NAMED: dict[str, dict[str, str]] = {}


def name_channels(names: Mapping[str, "str | Mapping[str, str]"]) -> None:
    """Give channel ids a display name for this whole program (every recording).

    A name is one text for every language, or ``{"de": ..., "en": ...}``. The lessons name
    the channels they make themselves (``rec.convert("p1", LightSensor(), name="lux")``)::

        name_channels({"lux": "Fotowiderstand", "temperatur_ntc": "Thermistor"})

    >>> name_channels({"_doc_demo": {"de": "Vorführung", "en": "Demo"}})
    >>> label("_doc_demo", lang="de"), label("_doc_demo", lang="en")
    ('Vorführung', 'Demo')
    """
    global _REVERSE
    for channel, name in names.items():
        if isinstance(name, str):
            _NAMED[channel] = {lang: name for lang in LANGUAGES}
        else:
            _NAMED[channel] = {lang: name.get(lang) or next(iter(name.values()))
                               for lang in LANGUAGES}
    _REVERSE = None  # the reverse tables are made again when next needed


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
    named = _NAMED.get(channel)
    if named is not None:
        return named[lang or language()]
    prefix, _, base = channel.rpartition(".")
    if base in _NAMED:
        name = _NAMED[base][lang or language()]
    elif base in STANDARD_CHANNELS:
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


def labels_of(channel: str) -> set[str]:
    """Every display name ``channel`` has without a recording's own: in each language.

    >>> sorted(labels_of("temperature"))
    ['Temperatur', 'Temperature']
    """
    return {label(channel, lang) for lang in LANGUAGES}


def title(name: str, unit: str) -> str:
    """A column title: the display name and the unit in brackets, ``"Temperatur (°C)"``.

    The unit in brackets is how spreadsheets (and MakeCode's ``Time (seconds)``) say it;
    a channel without a unit is its name alone (``"Helligkeit (0–255)"``).

    >>> title("Temperatur", "°C"), title("Knopf A", "")
    ('Temperatur (°C)', 'Knopf A')
    """
    return f"{name} ({unit})" if unit else name


#: (title -> channel id, display name -> channel id), made from the tables above when
#: first needed (and again after :func:`name_channels`).
_REVERSE: tuple[dict[str, str], dict[str, str]] | None = None
_PIN_TITLE = re.compile(r"^Pin ([PC])(\d+) \(0–1023\)$")
_TOUCH_TITLE = re.compile(r"^Touch (P\d+|Logo)$")
_WITH_UNIT = re.compile(r"^(.*\S) \(([^()]*)\)$")


def _reverse_tables() -> tuple[dict[str, str], dict[str, str]]:
    global _REVERSE
    if _REVERSE is None:
        by_title: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for channel, (unit, *_names) in STANDARD_CHANNELS.items():
            for lang in LANGUAGES:
                name = label(channel, lang)
                by_title.setdefault(title(name, unit), channel)
                by_name.setdefault(name, channel)
        for channel, names in _NAMED.items():
            for name in names.values():
                by_title[name] = channel  # a lesson's name wins over the board's
                by_name[name] = channel
        _REVERSE = by_title, by_name
    return _REVERSE


def channel_of_title(text: str) -> tuple[str, str | None] | None:
    """The channel id and unit a column title names, or None when it names no known channel.

    Reads what :func:`title` writes, in German or English, also with another unit than the
    standard one, a board's prefix, and the names of :func:`name_channels`. The unit is None
    when the title holds none (the channel's standard unit applies).

    >>> channel_of_title("Temperatur (°C)"), channel_of_title("Temperature (°F)")
    (('temperature', None), ('temperature', '°F'))
    >>> channel_of_title("kim: Pin P1 (0–1023)"), channel_of_title("feuchte")
    (('kim.p1', None), None)
    """
    text = " ".join(text.split())
    by_title, by_name = _reverse_tables()
    if text in by_title:
        return by_title[text], None
    if (match := _PIN_TITLE.match(text)) is not None:
        return f"{match.group(1).lower()}{match.group(2)}", None
    if (match := _TOUCH_TITLE.match(text)) is not None:
        return f"touch_{match.group(1).lower()}", None
    if (match := _WITH_UNIT.match(text)) is not None and match.group(1) in by_name:
        return by_name[match.group(1)], match.group(2)
    prefix, sep, rest = text.partition(": ")
    if sep and prefix and "." not in prefix:
        found = channel_of_title(rest)
        if found is not None and "." not in found[0]:
            return f"{prefix}.{found[0]}", found[1]
    return None
