"""Naming parts the way they are bought and read: ``10 kΩ (braun-schwarz-orange)``.

Worksheets list what a kid needs from the parts box; resistors are recognised by their colour
bands, so the band colours come with the value.

>>> ohms_text(10_000)
'10 kΩ'
>>> color_bands(10_000)
'braun-schwarz-orange'
>>> resistor(4700)
'Widerstand 4,7 kΩ (gelb-violett-rot)'
"""

from __future__ import annotations

import math

from calliope_lib.messages import language

_COLORS = {
    "de": ["schwarz", "braun", "rot", "orange", "gelb", "grün", "blau", "violett", "grau", "weiß"],
    "en": ["black", "brown", "red", "orange", "yellow", "green", "blue", "violet", "grey", "white"],
}
_GOLD = {"de": "gold", "en": "gold"}


def ohms_text(ohms: float, lang: str | None = None) -> str:
    """A resistance as people write it: ``100 Ω``, ``4,7 kΩ`` (German comma), ``1 MΩ``."""
    lang = lang or language()
    for factor, prefix in ((1e6, "M"), (1e3, "k"), (1.0, "")):
        if abs(ohms) >= factor or factor == 1.0:
            number = f"{ohms / factor:.3g}"
            if lang == "de":
                number = number.replace(".", ",")
            return f"{number} {prefix}Ω"
    raise AssertionError("unreachable")


def color_bands(ohms: float, lang: str | None = None) -> str:
    """The three value bands of a 4-band resistor (the fourth, tolerance, is usually gold).

    Two significant digits, then the multiplier: 10 kΩ = 1, 0, ×1000 = brown-black-orange.
    Values that need a third digit are rounded to two (E12/E24 parts never need one).
    """
    lang = lang or language()
    names = _COLORS["en" if lang == "en" else "de"]
    if ohms < 1:
        return "?"
    exponent = int(math.floor(math.log10(ohms))) - 1
    digits = int(round(ohms / 10**exponent))
    if digits >= 100:  # rounding 99.6 -> 100
        digits //= 10
        exponent += 1
    first, second = divmod(digits, 10)
    multiplier = _GOLD[lang if lang in _GOLD else "de"] if exponent == -1 else names[exponent]
    return f"{names[first]}-{names[second]}-{multiplier}"


def resistor(ohms: float, lang: str | None = None) -> str:
    """``Widerstand 10 kΩ (braun-schwarz-orange)`` -- one line of a parts list."""
    lang = lang or language()
    word = "Widerstand" if lang == "de" else "Resistor"
    return f"{word} {ohms_text(ohms, lang)} ({color_bands(ohms, lang)})"
