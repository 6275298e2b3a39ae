"""Naming parts the way they are bought and read: ``10 kΩ (braun-schwarz-orange)``.

Worksheets list what a kid needs from the parts box; resistors are recognised by their colour
bands, so the band colours come with the value. This module is the one place that knows the
resistor colour code (IEC 60062); the lesson notebooks, the worksheets and the wiring pictures
all ask it.

How to read a resistor: hold it so the bands that sit close together are on the left.

* **4 bands** (carbon film, 5 %): digit, digit, multiplier, tolerance.
  10 kΩ = 1, 0, ×1000 = braun-schwarz-orange, then gold (5 %).
* **5 bands** (metal film, 1 %): digit, digit, digit, multiplier, tolerance.
  10 kΩ = 1, 0, 0, ×100 = braun-schwarz-schwarz-rot, then braun (1 %).

The multiplier band is a colour for ×1 (schwarz) ... ×10⁹ (weiß), gold for ×0.1 and silber
for ×0.01.

>>> ohms_text(10_000)
'10 kΩ'
>>> color_bands(10_000)
'braun-schwarz-orange'
>>> resistor_bands(10_000, bands=5)
['braun', 'schwarz', 'schwarz', 'rot', 'braun']
>>> resistor_bands(4700, lang="en")
['yellow', 'violet', 'red', 'gold']
>>> resistor(4700)
'Widerstand 4,7 kΩ (gelb-violett-rot)'
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from calliope_lib.messages import language, register, t, with_decimal_mark

register({
    "parts.color.0": {"de": "schwarz", "en": "black"},
    "parts.color.1": {"de": "braun", "en": "brown"},
    "parts.color.2": {"de": "rot", "en": "red"},
    "parts.color.3": {"de": "orange", "en": "orange"},
    "parts.color.4": {"de": "gelb", "en": "yellow"},
    "parts.color.5": {"de": "grün", "en": "green"},
    "parts.color.6": {"de": "blau", "en": "blue"},
    "parts.color.7": {"de": "violett", "en": "violet"},
    "parts.color.8": {"de": "grau", "en": "grey"},
    "parts.color.9": {"de": "weiß", "en": "white"},
    "parts.color.gold": {"de": "gold", "en": "gold"},
    "parts.color.silver": {"de": "silber", "en": "silver"},
    "parts.resistor": {"de": "Widerstand {value} ({bands})", "en": "Resistor {value} ({bands})"},
    # Germans write 4,7 kΩ, the English 4.7 kΩ.
})

#: Tolerance in percent -> the colour of the last band (a message key below ``parts.color.``).
TOLERANCE_COLORS = {1: "1", 2: "2", 5: "gold", 10: "silver"}
#: The tolerance a resistor with that many bands usually has: 4 bands carbon film 5 %,
#: 5 bands metal film 1 %.
DEFAULT_TOLERANCE = {4: 5, 5: 1}
#: Multiplier exponents a band can show: silber (10⁻²), gold (10⁻¹), schwarz (10⁰) ... weiß (10⁹).
_MIN_EXPONENT, _MAX_EXPONENT = -2, 9


def _color(key: str | int, lang: str) -> str:
    return t(f"parts.color.{key}", lang=lang)


def _lang(lang: str | None) -> str:
    # Anything but English reads German: the course is German first.
    chosen = lang or language()
    return chosen if chosen in ("de", "en") else "de"


def ohms_text(ohms: float, lang: str | None = None) -> str:
    """A resistance as people write it: ``100 Ω``, ``4,7 kΩ`` (German comma), ``1 MΩ``."""
    lang = _lang(lang)
    for factor, prefix in ((1e6, "M"), (1e3, "k"), (1.0, "")):
        if abs(ohms) >= factor or factor == 1.0:
            number = with_decimal_mark(f"{ohms / factor:.3g}", lang)
            return f"{number} {prefix}Ω"
    raise AssertionError("unreachable")


def band_digits(ohms: float, bands: int = 4) -> tuple[str, int]:
    """The significant digits and the power of ten a resistor's bands show.

    ``bands=4`` gives two digits, ``bands=5`` three; a value with more digits is rounded
    (parts from the E12/E24 series never need that on 4 bands, E96 parts need 5 bands).

    >>> band_digits(4700)
    ('47', 2)
    >>> band_digits(4.7, bands=5)
    ('470', -2)

    Raises ``ValueError`` for a band count other than 4 or 5 and for values no multiplier
    band can show (not positive, below 0.1 Ω or above 99 GΩ).
    """
    if bands not in DEFAULT_TOLERANCE:
        raise ValueError("bands must be 4 or 5")
    if not ohms > 0:
        raise ValueError("a resistor has a positive value")
    digits = bands - 2
    # Decimal from the shortest repr: 4.7 stays 4.7 (no binary 4.7000000000000002 digits).
    value = Decimal(repr(float(ohms)))
    exponent = max(value.adjusted() - (digits - 1), _MIN_EXPONENT)
    mantissa = int(value.scaleb(-exponent).to_integral_value(ROUND_HALF_EVEN))
    if mantissa >= 10**digits:  # 99.6 rounds to 100: one digit too many -> shift it
        mantissa //= 10
        exponent += 1
    if mantissa < 10 ** (digits - 1) or exponent > _MAX_EXPONENT:
        raise ValueError(f"{ohms} Ω cannot be shown with {bands} colour bands")
    return f"{mantissa:0{digits}d}", exponent


def resistor_bands(ohms: float, bands: int = 4, tolerance: int | None = None,
                   lang: str | None = None) -> list[str]:
    """Every colour band of a resistor, read from the side with the bands close together.

    ``bands=4``: two digits, multiplier, tolerance (5 % gold by default: carbon film).
    ``bands=5``: three digits, multiplier, tolerance (1 % brown by default: metal film).
    ``tolerance`` in percent: 1 (braun), 2 (rot), 5 (gold) or 10 (silber).

    >>> resistor_bands(10_000)
    ['braun', 'schwarz', 'orange', 'gold']
    >>> resistor_bands(100, bands=5)
    ['braun', 'schwarz', 'schwarz', 'schwarz', 'braun']
    >>> resistor_bands(0.47)
    ['gelb', 'violett', 'silber', 'gold']
    """
    lang = _lang(lang)
    digits, exponent = band_digits(ohms, bands)
    if tolerance is None:
        tolerance = DEFAULT_TOLERANCE[bands]
    if tolerance not in TOLERANCE_COLORS:
        raise ValueError(f"tolerance must be one of {sorted(TOLERANCE_COLORS)} %")
    multiplier = {-2: "silver", -1: "gold"}.get(exponent, exponent)
    names = [_color(int(d), lang) for d in digits]
    return names + [_color(multiplier, lang), _color(TOLERANCE_COLORS[tolerance], lang)]


def color_bands(ohms: float, lang: str | None = None) -> str:
    """The three value bands of a 4-band resistor, joined: ``braun-schwarz-orange``.

    The fourth band, the tolerance, is left out: it is gold on nearly every resistor in a
    parts box. A value no band can show gives ``"?"``.
    """
    try:
        return "-".join(resistor_bands(ohms, lang=lang)[:3])
    except ValueError:
        return "?"


def resistor(ohms: float, lang: str | None = None) -> str:
    """``Widerstand 10 kΩ (braun-schwarz-orange)`` -- one line of a parts list."""
    lang = _lang(lang)
    return t("parts.resistor", lang=lang, value=ohms_text(ohms, lang),
             bands=color_bands(ohms, lang))
