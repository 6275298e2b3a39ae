"""How plots look: colours, line styles, labels, time units and number formats.

Shared by the static plots (:mod:`.static`) and the live view (:mod:`.live`), so that a
picture made after a recording looks like the one that grew while recording.

Three rules drive the choices here:

* **Readable from the back of a classroom**: large fonts, thick lines.
* **Readable when printed in black and white**: every channel differs in line style (and,
  with few points, in marker shape), not only in colour — as long as a line has at most
  150 values; a dash pattern over more wiggles looks like a comb, so those lines are solid. The colours are the Okabe–Ito
  palette, which people with red–green colour blindness tell apart too.
* **German first**: ``Temperatur in °C``, ``Zeit in min``, decimal comma on the axes
  (``21,5``). English with ``CALLIOPE_LANG=en`` (see :func:`calliope_lib.messages.language`).

Nothing in this module imports matplotlib at import time.

>>> axis_label(["temperature"], {"temperature": "°C"}, lang="de")
'Temperatur in °C'
>>> time_unit(600.0)
(60.0, 'min')
>>> format_value(21.53, "°C", lang="de")
'21,53 °C'
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Mapping, Sequence

from calliope_lib.messages import language, register, t, with_decimal_mark
from calliope_lib.recording import units

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies; the order
# puts the darkest, most different colours first (they survive a weak projector best).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")
#: Line styles: the first four are the ones people can name ("durchgezogen", "gestrichelt"...).
LINE_STYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)),
                                (0, (1, 1)), (0, (8, 3)), (0, (3, 1, 3, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Up to this many values a channel is drawn with markers on each value.
FEW_POINTS = 60
#: Up to this many values a line keeps its dash pattern; beyond it the dashes would cut a
#: wiggly signal into a comb, so it is drawn solid (told apart by colour and legend).
DASHED_UP_TO = 150

#: Marks (``rec.mark("Hand drüber")``): a dark violet dash-dotted line with the text beside it,
#: unlike every channel's colour (the Okabe–Ito reddish purple is lighter) and readable in grey.
MARK_COLOUR = "#5E3C99"
MARK_LINE_STYLE = "-."
MARK_FONT_SIZE = 11

#: matplotlib settings used inside ``rc_context`` only: a kid's own plots stay untouched.
RC: dict[str, Any] = {
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "figure.titlesize": 16,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "lines.linewidth": 2.2,
    "lines.markersize": 6,
    "axes.grid": True,
    "grid.color": "#c8c8c8",
    "grid.linewidth": 0.8,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
}

register({
    "plot.time": {"de": "Zeit", "en": "Time"},
    "plot.value": {"de": "Wert", "en": "Value"},
    "plot.in": {"de": "{quantity} in {unit}", "en": "{quantity} in {unit}"},
    "plot.title_start": {
        "de": "Messung vom {date} um {time} Uhr",
        "en": "Recording of {date}, {time}",
    },
    # strftime patterns: 26.11.2026 in German, ISO 8601 (2026-11-26) in English
    "plot.date_format": {"de": "%d.%m.%Y", "en": "%Y-%m-%d"},
    "plot.no_data": {"de": "Noch keine Messwerte", "en": "No values yet"},
    "plot.gap": {"de": "Verbindung unterbrochen", "en": "Connection lost"},
    "live.elapsed": {"de": "Messung läuft: {time}", "en": "Recording: {time}"},
    "live.finished": {"de": "Messung beendet: {time}", "en": "Recording finished: {time}"},
    "live.paused": {
        "de": "Anzeige angehalten (Leertaste: weiter) – die Messung läuft weiter",
        "en": "Display paused (space: continue) – the recording goes on",
    },
    "live.no_window": {
        "de": "Live-Diagramm: kein Bildschirmfenster verfügbar, die Messung läuft ohne "
              "Diagramm. Danach zeigt rec.plot() oder 'calliope-mini plot' das Bild.",
        "en": "Live plot: no screen window available, recording without a plot. "
              "Afterwards rec.plot() or 'calliope-mini plot' draws the picture.",
    },
    "live.failed": {
        "de": "Das Live-Diagramm ist ausgefallen ({reason}); die Messung läuft weiter.",
        "en": "The live plot stopped working ({reason}); the recording goes on.",
    },
})


def line_style(index: int) -> dict[str, Any]:
    """Colour, line style and marker of the ``index``-th channel of a figure."""
    return {
        "color": COLOURS[index % len(COLOURS)],
        "linestyle": LINE_STYLES[index % len(LINE_STYLES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def format_value(value: float | None, unit: str = "", lang: str | None = None) -> str:
    """A latest value as a kid reads it: ``"21,5 °C"``, ``"–"`` when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == int(value) and abs(value) < 1e9:
        text = str(int(value))
    else:
        text = f"{value:.4g}" if abs(value) < 1e5 else f"{value:.6g}"
    text = with_decimal_mark(text, lang)
    return f"{text} {unit}" if unit else text


def time_unit(duration_s: float) -> tuple[float, str]:
    """``(seconds per unit, unit)`` for a time axis of ``duration_s`` seconds.

    Up to 3 minutes in seconds, up to 3 hours in minutes, beyond that in hours: the tick
    numbers then stay small and round.
    """
    if duration_s <= 180:
        return 1.0, "s"
    if duration_s <= 3 * 3600:
        return 60.0, "min"
    return 3600.0, "h"


def format_duration(seconds: float, lang: str | None = None) -> str:
    """``"12,3 s"``, ``"4:05 min"``, ``"1:02:03 h"`` for the live view's clock."""
    if seconds < 60:
        return with_decimal_mark(f"{seconds:.1f} s", lang)
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}:{whole % 60:02d} min"
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d} h"


def time_label(unit: str, lang: str | None = None) -> str:
    """``"Zeit in s"``."""
    return t("plot.in", lang, quantity=t("plot.time", lang), unit=unit)


def group_channels(names: Sequence[str], unit_of: Mapping[str, str]) -> list[list[str]]:
    """Channels that share one y axis: the same unit (``°C``, ``mg``).

    Channels without a unit (``light``, ``sound``, a kid's ``feuchte``) each get their own
    axis unless their readable names are equal: ``Helligkeit (0–255)`` and ``Lautstärke
    (0–255)`` are different quantities even if the numbers have the same range.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for name in names:
        unit = unit_of.get(name, "")
        key = ("unit", unit) if unit else ("label", units.label(name.rsplit(".", 1)[-1], "en"))
        groups.setdefault(key, []).append(name)
    return list(groups.values())


#: Width of every plot in inches (at 100 dpi: 750 pixels). JupyterLab on a 1024×600 laptop
#: with the file browser open has about 570 pixels for an output; a wider picture would be
#: shrunk until its 12-point tick labels were 7 pixels high.
WIDTH_IN = 7.5


def panel_height(rows: int) -> float:
    """Height in inches of a figure with ``rows`` stacked panels: three panels still fit a
    1024×600 screen's notebook area (about 440 pixels once shrunk to its width)."""
    return 3.0 if rows <= 1 else min(2.0 + 1.2 * rows, 9.0)


def is_component(name: str) -> bool:
    """Whether ``name`` is one axis of a vector (``acceleration_x``, ``kim.magnet_z``)."""
    base = name.rsplit(".", 1)[-1].lower()
    return len(base) > 2 and base[-2] == "_" and base[-1] in "xyz"


def separate_scales(groups: Sequence[Sequence[str]],
                    ranges: Mapping[str, tuple[float, float]]) -> list[list[str]]:
    """Split a group of vector components into one panel each when their values lie far
    apart: a Calliope mini lying flat measures x and y near 0 mg and z near -1000 mg; on one
    shared axis x and y would be two flat lines and all their wiggles invisible.

    ``ranges``: each channel's (lowest, highest) value. Components whose ranges overlap or
    lie close (a shaken board: all three swing over the same range) keep sharing an axis;
    channels that are not vector components (two boards' temperatures) always share one.

    >>> separate_scales([["acceleration_x", "acceleration_z"]],
    ...                 {"acceleration_x": (-40, 40), "acceleration_z": (-1040, -960)})
    [['acceleration_x'], ['acceleration_z']]
    >>> separate_scales([["acceleration_x", "acceleration_z"]],
    ...                 {"acceleration_x": (-900, 800), "acceleration_z": (-1500, 200)})
    [['acceleration_x', 'acceleration_z']]
    """
    out: list[list[str]] = []
    for group in groups:
        if len(group) > 1 and all(is_component(n) for n in group) and _far_apart(
                [ranges.get(n, (math.nan, math.nan)) for n in group]):
            out.extend([n] for n in group)
        else:
            out.append(list(group))
    return out


def _far_apart(ranges: Sequence[tuple[float, float]]) -> bool:
    """True when the ranges form separate clusters: a gap between them wider than twice the
    widest range (and wider than a tenth of the largest value, so noise around 0 is not
    torn apart)."""
    finite = sorted((lo, hi) for lo, hi in ranges if math.isfinite(lo) and math.isfinite(hi))
    if len(finite) < 2:
        return False
    widest = max(hi - lo for lo, hi in finite)
    largest = max(max(abs(lo), abs(hi)) for lo, hi in finite)
    allowed = max(2.0 * widest, 0.1 * largest)
    reach = finite[0][1]
    for lo, hi in finite[1:]:
        if lo - reach > allowed:
            return True
        reach = max(reach, hi)
    return False


def _common_words(labels: Sequence[str]) -> str:
    """The words all labels start with (``"Beschleunigung x"``, ``"... y"`` -> ``"Beschleunigung"``)."""
    split = [label.split() for label in labels]
    common: list[str] = []
    for words in zip(*split):
        if all(w == words[0] for w in words):
            common.append(words[0])
        else:
            break
    return " ".join(common)


def axis_label(names: Sequence[str], unit_of: Mapping[str, str], lang: str | None = None,
               short: bool = False, labels: Mapping[str, str] | None = None) -> str:
    """The y axis label of a group: ``"Temperatur in °C"``, ``"Beschleunigung in mg"``.

    ``short``: for one vector component in a panel of its own (``"x in mg"``): the long
    label would not fit a low panel, and the name stands beside the plot anyway.
    """
    # ``labels``: the recording's display names (rec.label), else the standard ones
    labels = [(labels or {}).get(n) or units.label(n, lang) for n in names]
    if short and len(names) == 1 and is_component(names[0]):
        component = names[0].rsplit("_", 1)[-1]
        unit = unit_of.get(names[0], "")
        return t("plot.in", lang, quantity=component, unit=unit) if unit else component
    if len(labels) == 1:
        quantity = labels[0]
    else:
        # Several boards' channels ("kim: Temperatur") or x/y/z: name what they share.
        bases = [label.split(": ", 1)[-1] for label in labels]
        quantity = bases[0] if len(set(bases)) == 1 else _common_words(bases)
        quantity = quantity or t("plot.value", lang)
    unit = unit_of.get(names[0], "")
    return t("plot.in", lang, quantity=quantity, unit=unit) if unit else quantity


def title_of(metadata: Mapping[str, Any], lang: str | None = None) -> str:
    """The recording's ``title``, else ``"Messung vom 26.11.2026 um 17:40 Uhr"``, else ``""``."""
    title = metadata.get("title")
    if title:
        return str(title)
    start = metadata.get("start")
    if not start:
        return ""
    try:
        when = datetime.fromisoformat(str(start))
    except ValueError:
        return ""
    date = when.strftime(t("plot.date_format", lang))
    return t("plot.title_start", lang, date=date, time=when.strftime("%H:%M"))


def tick_formatter(lang: str | None = None) -> Any:
    """A matplotlib tick formatter that writes ``2,5`` in German (``2.5`` in English)."""
    from matplotlib.ticker import ScalarFormatter

    # Chosen once, when the axes are made: a plot does not change language halfway.
    lang = lang or language()

    class DecimalCommaFormatter(ScalarFormatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return with_decimal_mark(super().__call__(x, pos), lang)

        def get_offset(self) -> str:
            return with_decimal_mark(super().get_offset(), lang)

    formatter = DecimalCommaFormatter(useOffset=False)
    formatter.set_powerlimits((-4, 6))
    return formatter


def prepare_pyplot() -> None:
    """Import pyplot and settle its backend *before* any ``rc_context``.

    Choosing the backend can change ``rcParams`` (Jupyter's inline backend turns on
    interactive mode); inside ``rc_context`` that change would be undone when the block
    ends, and later figures would no longer show by themselves in the notebook.
    """
    import matplotlib.pyplot as plt

    load_backend = getattr(plt, "_get_backend_mod", None)  # matplotlib >= 3.5
    if load_backend is not None:
        load_backend()
