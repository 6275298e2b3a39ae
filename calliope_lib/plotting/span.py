"""The smallest value range a plot shows for a unit, so noise is not blown up into jumps.

matplotlib fits the y axis to the data: a room at 22,6–23,3 °C fills the whole panel, and a
kid reads ±0,3 °C of noise as sudden changes. Every plot of a recording therefore shows at
least :data:`MIN_SPAN` of its unit — ``rec.plot()``, the lessons' plots and the live view
alike. Data that already span more keep matplotlib's limits; channels without a known unit
(a kid's own ``feuchte`` before ``rec.set_unit``) too.

The unit comes from the recording (``rec.units``), not from an axis label. Channels without
a physical unit are raw numbers of a known range: ``light`` and ``sound`` 0–255, the pins
``p0``…``p3`` 0–1023 (see :func:`scale_of`).

Where a quantity cannot go below 0 (or above 100 %, 255, 1023), the widened range is moved
to stay inside those bounds, so a dark room's light level is not drawn with a negative half.

>>> widen(22.6, 23.3, "°C")
(21.95, 23.95)
>>> widen(2.0, 5.0, "0–255")
(0.0, 20.0)
>>> widen(10.0, 90.0, "0–255")
(10.0, 90.0)
>>> widen(1.0, 2.0, "furlong")
(1.0, 2.0)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np

from calliope_lib.recording import units

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: The smallest span shown per unit. About ten times a sensor's usual noise: the noise
#: stays a thin wiggle, a real change (a hand over the sensor, warm fingers) still fills a
#: good part of the panel.
MIN_SPAN: dict[str, float] = {
    "°C": 2.0,         # the board's thermometer steps 1 °C; a thermistor wiggles ~0,1 °C
    "K": 2.0,
    "lx": 50.0,        # a photoresistor in a classroom: a few lux of flicker
    "mg": 300.0,       # a board lying still: ±20 mg; tilting it: ±1000 mg
    "g": 0.3,
    "%": 10.0,         # soil moisture, a battery, a share
    "mW": 5.0,         # a small solar cell
    "W": 0.005,
    "V": 0.5,
    "mV": 500.0,
    "Ω": 1000.0,
    "kΩ": 1.0,
    "°": 20.0,         # compass heading
    "hPa": 5.0,
    "0–255": 20.0,     # light and sound level of the board
    "0–1023": 50.0,    # a pin's raw reading
}

#: Values a quantity cannot leave: the widened range is moved inside them (when the data
#: lie inside them too). ``None``: no bound on that side.
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "K": (0.0, None),
    "lx": (0.0, None),
    "%": (0.0, 100.0),
    "mW": (0.0, None),
    "W": (0.0, None),
    "Ω": (0.0, None),
    "kΩ": (0.0, None),
    "°": (0.0, 360.0),
    "0–255": (0.0, 255.0),
    "0–1023": (0.0, 1023.0),
}

#: Channels whose values are raw numbers 0–255 (no physical unit).
RAW_255 = ("light", "sound")


def scale_of(name: str, unit: str) -> str:
    """What a channel's numbers are measured in, as a key of :data:`MIN_SPAN`: its unit, or
    for raw channels without one their range (``"0–255"``, ``"0–1023"``), else ``""``.

    >>> scale_of("temperature", "°C"), scale_of("kim.light", ""), scale_of("p1", "")
    ('°C', '0–255', '0–1023')
    >>> scale_of("feuchte", "")
    ''
    """
    if unit:
        return unit
    base = name.rsplit(".", 1)[-1]
    if base in RAW_255:
        return "0–255"
    if units.is_pin(base):
        return "0–1023"
    return ""


def widen(low: float, high: float, scale: str) -> tuple[float, float]:
    """``(low, high)`` widened around its middle to at least :data:`MIN_SPAN` of ``scale``,
    moved inside the quantity's :data:`BOUNDS`; unchanged when it spans enough already or
    the scale is unknown."""
    span = MIN_SPAN.get(scale)
    if span is None or not (math.isfinite(low) and math.isfinite(high)) or high - low >= span:
        return low, high
    middle = (low + high) / 2
    new_low, new_high = middle - span / 2, middle + span / 2
    floor, ceiling = BOUNDS.get(scale, (None, None))
    if floor is not None and low >= floor and new_low < floor:
        new_low, new_high = floor, floor + span
    if ceiling is not None and high <= ceiling and new_high > ceiling:
        new_low, new_high = ceiling - span, ceiling
    return round(new_low, 12), round(new_high, 12)


def data_range(arrays: Iterable[np.ndarray]) -> tuple[float, float]:
    """The lowest and highest finite value of all ``arrays`` (``(nan, nan)`` if none)."""
    low, high = math.inf, -math.inf
    for values in arrays:
        finite = np.asarray(values, dtype=float)
        finite = finite[np.isfinite(finite)]
        if len(finite):
            low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    return (low, high) if low <= high else (math.nan, math.nan)


def group_scale(names: Sequence[str], unit_of: Mapping[str, str]) -> str:
    """The scale of a panel's channels: theirs when they all share one, else ``""``."""
    scales = {scale_of(n, unit_of.get(n, "")) for n in names}
    return scales.pop() if len(scales) == 1 else ""


def apply(axis: "Axes", names: Sequence[str], unit_of: Mapping[str, str],
          arrays: Iterable[np.ndarray]) -> None:
    """Give ``axis`` (showing ``names`` with the values ``arrays``) its minimum span.

    The widened range is added to the axes' data limits, not set as fixed limits: matplotlib
    still adds its margins, and whatever a kid draws into the axes afterwards (a line of
    their own, a threshold) still widens the axis. Axes whose y limits were set by hand
    (``ax.set_ylim``: autoscaling is off) are left alone — a kid's own limits win.
    """
    if not axis.get_autoscaley_on():
        return
    scale = group_scale(names, unit_of)
    low, high = data_range(arrays)
    new_low, new_high = widen(low, high, scale)
    if (new_low, new_high) == (low, high):
        return
    x = axis.dataLim.x0 if np.isfinite(axis.dataLim.x0) else 0.0
    axis.update_datalim([(x, new_low), (x, new_high)], updatex=False)
    axis.autoscale_view(scalex=False)
