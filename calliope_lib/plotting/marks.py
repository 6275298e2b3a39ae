"""Marks in plots: what happened when ("Hand drüber"), drawn the same way everywhere.

Two kinds of marks reach a plot:

* the recording's worded marks, ``rec.mark("Hand drüber")`` (``rec.marks``); ``lesson.act``
  sets one with the action's word as each hands-on step starts;
* presses of a button recorded as a channel (``button_a``): a kid on a real board presses A
  when the hand goes over the sensor. A press is drawn as a mark named after the button
  ("Knopf A") — unless a worded mark lies within :data:`PRESS_NEAR_MARK_S` of it, which
  already names that moment (the simulated board presses A when ``lesson.act``'s step
  starts, at the time of its worded mark).

:func:`draw_marks` is the one drawing function: ``rec.plot()``, the lessons' plots and the
live view all call it — a vertical line through every panel, the text written upwards beside
it at the top.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from calliope_lib.plotting import style
from calliope_lib.recording import units

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from calliope_lib.recording.recording import Recording

#: Channels that are buttons: their presses are marks, not a curve of 0 and 1.
BUTTONS = ("button_a", "button_b")
#: A press this close (s) to a worded mark belongs to it (drawn once, with the word).
PRESS_NEAR_MARK_S = 1.5


def is_button(name: str) -> bool:
    """Whether ``name`` is a button channel (``button_a``, ``kim.button_a``)."""
    return name.rsplit(".", 1)[-1] in BUTTONS


def presses(times: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray,
            before: float = 0.0) -> list[float]:
    """The times a button went down: each rise from below 0.5 to 0.5 or more.

    ``before``: the button's value before the first one (a live view reading on where it
    stopped). Missing values (NaN) do not end a press.

    >>> presses([0, 1, 1.5, 2, 3], [0, 1, 1, 0, 1])
    [1.0, 3.0]
    >>> presses([4, 5], [1, 0], before=1.0)
    []
    """
    out = []
    for when, value in zip(np.asarray(times, dtype=float).tolist(),
                           np.asarray(values, dtype=float).tolist()):
        if value >= 0.5 > before:
            out.append(float(when))
        before = before if math.isnan(value) else value
    return out


def all_marks(rec: "Recording", buttons: Sequence[str] = (),
              lang: str | None = None) -> list[tuple[float, str]]:
    """The recording's worded marks and the presses of the ``buttons`` channels that no
    worded mark names, as ``[(time_s, text), ...]`` in time order."""
    pressed = {}
    for name in buttons:
        if name in rec and rec.count(name):
            channel = rec[name]
            pressed[name] = presses(channel.times, channel.values)
    return combine(rec.marks, pressed, lang)


def combine(worded: Sequence[tuple[float, str]], pressed: Mapping[str, Sequence[float]],
            lang: str | None = None) -> list[tuple[float, str]]:
    """Worded marks plus the presses ``{button channel: [times]}`` that none of them names
    (a press within :data:`PRESS_NEAR_MARK_S` of a worded mark), in time order.

    >>> combine([(10.0, "Hand drüber")], {"button_a": [10.2, 31.0]}, lang="de")
    [(10.0, 'Hand drüber'), (31.0, 'Knopf A')]
    """
    found = list(worded)
    for name, times in pressed.items():
        text = units.label(name, lang)
        found.extend((when, text) for when in times
                     if not any(abs(when - w) <= PRESS_NEAR_MARK_S for w, _ in worded))
    return sorted(found, key=lambda mark: mark[0])


def draw_marks(axes: Sequence["Axes"], marks: Sequence[tuple[float, str]],
               scale: float = 1.0, *, widen: bool = True) -> list[Any]:
    """Each mark ``(time_s, text)`` as a vertical line through every axes, its text written
    upwards beside the line at the top of the first axes (so it never covers a legend beside
    the plot). ``scale``: seconds per unit of the time axis (60 for minutes).

    ``widen``: marks after the end of the time axis widen it, so none is lost (the live view,
    whose time axis already reaches ahead, says False). Returns the lines and texts drawn,
    so a live view can take them away again.
    """
    from matplotlib.transforms import blended_transform_factory

    drawn: list[Any] = []
    if not axes or not marks:
        return drawn
    if widen:
        low, high = axes[0].get_xlim()
        last = max(when for when, _ in marks) / scale
        if last > high:
            for axis in axes:
                axis.set_xlim(low, last + 0.02 * (last - low))
    for axis in axes:
        for when, _text in marks:
            drawn.append(axis.axvline(when / scale, color=style.MARK_COLOUR,
                                      linestyle=style.MARK_LINE_STYLE, linewidth=1.4,
                                      zorder=1.5))
    top = axes[0]
    where = blended_transform_factory(top.transData, top.transAxes)
    for when, text in marks:
        if text:
            drawn.append(top.text(
                when / scale, 0.97, f" {text}", transform=where, rotation=90, ha="right",
                va="top", color=style.MARK_COLOUR, fontsize=style.MARK_FONT_SIZE,
                clip_on=True, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.5}))
    return drawn
