"""Static plots of a recording: ``rec.plot()`` and ``rec.save_plot("messung.png")``.

One figure, sensible at a glance:

* channels with different units get separate axes, stacked, sharing the time axis;
  channels with the same unit (``acceleration_x/_y/_z`` in mg) share one axis and a legend,
  unless they lie far apart (x and y near 0 mg, z near -1000 mg: one panel each, so no
  wiggle disappears in a flat line);
* sized for a small laptop (7.5 inches wide: JupyterLab at 1024×600 shrinks it little);
* labels say quantity and unit: ``Temperatur in °C``, ``Zeit in s`` (``min``, ``h`` for
  long recordings);
* while the board was unplugged the line breaks (and a hatched band marks the gap);
* few values get a marker on each value, so a kid sees where the measurements are;
* the recording's marks (``rec.mark("Hand drüber")``) are vertical lines through every
  panel, their text written beside the line at the top; so are presses of button A
  (``button_a`` recorded with other channels: no curve of 0 and 1), see :mod:`.marks`;
* every panel shows at least a sensible span of its unit (2 °C, 50 lx...: :mod:`.span`),
  so noise is not blown up into jumps;
* colour *and* line style differ per channel, readable on a projector and in a black and
  white print.

>>> fig = rec.plot()                                  # doctest: +SKIP
>>> fig = rec.plot(channels=["temperature"])          # doctest: +SKIP
>>> fig, ax = plt.subplots()                          # doctest: +SKIP
>>> rec.plot(ax=ax)                                   # doctest: +SKIP
>>> rec.save_plot("messung.png")                      # doctest: +SKIP

(``ax=``: into your own axes; ``save_plot`` also writes ``.pdf`` and ``.svg``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from calliope_lib.errors import InvalidParameter
from calliope_lib.messages import language, t
from calliope_lib.plotting import span, style
from calliope_lib.plotting.decimate import break_at_gaps, minmax
from calliope_lib.plotting.marks import all_marks, draw_marks, is_button

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from calliope_lib.recording.recording import Recording

#: Above this many values per channel, draw the min–max decimated line (same picture,
#: small PDF files, fast drawing).
DECIMATE_ABOVE = 20_000
DECIMATE_BINS = 2_000


def _channel_names(rec: "Recording", channels: Sequence[str] | str | None) -> list[str]:
    if channels is None:
        return rec.channels
    names = [channels] if isinstance(channels, str) else list(channels)
    for name in names:
        rec.unit(name)  # raises UnknownChannel with a "did you mean" hint
    return names


def _figure_class() -> type:
    """A :class:`~matplotlib.figure.Figure` that Jupyter shows once, not twice.

    ``rec.plot()`` as the last line of a cell returns the figure, and Jupyter would show it
    twice: once as the cell's result and once because pyplot shows every new figure at the
    end of the cell. This figure shows itself once and then leaves pyplot's list of
    figures to show (``plt.close``); it can still be saved and shown again.
    """
    from matplotlib.figure import Figure

    class RecordingFigure(Figure):
        def _ipython_display_(self) -> None:
            if type(self.canvas).__module__.startswith("ipympl"):
                return  # an ipympl widget: ipympl shows it at the end of the cell
            import io

            import matplotlib.pyplot as plt
            from IPython.display import Image, display

            buffer = io.BytesIO()
            self.savefig(buffer, format="png", bbox_inches="tight")
            display(Image(data=buffer.getvalue(), format="png"))
            # Shown now: take it off pyplot's list, or the end of the cell shows it again.
            plt.close(self)

    return RecordingFigure


def _new_figure(rows: int, figsize: tuple[float, float] | None, pyplot: bool) -> "Figure":
    size = figsize or (style.WIDTH_IN, max(style.panel_height(rows), 4.0))
    if pyplot:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=size, layout="constrained", FigureClass=_figure_class())
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def _axes_for(ax: "Axes", count: int) -> list["Axes"]:
    """A kid's own axes plus twin axes on the right for further units."""
    axes = [ax]
    for k in range(1, count):
        twin = ax.twinx()
        twin.spines["right"].set_visible(True)
        if k > 1:  # a third unit: its own spine further right
            twin.spines["right"].set_position(("axes", 1.0 + 0.15 * (k - 1)))
        twin.grid(False)
        axes.append(twin)
    return axes


def plot_recording(
    rec: "Recording",
    channels: Sequence[str] | str | None = None,
    ax: "Axes | None" = None,
    *,
    title: str | None = None,
    time_unit: str | None = None,
    markers: bool | None = None,
    figsize: tuple[float, float] | None = None,
    lang: str | None = None,
    marks: bool = True,
    ylim: tuple[float, float] | None = None,
    _pyplot: bool = True,
) -> "Figure":
    """Draw ``rec`` and return the matplotlib figure.

    * ``channels``: which channels (default: all), e.g. ``["temperature", "light"]``.
    * ``ax``: draw into these axes (your own ``fig, ax = plt.subplots()``); a second unit
      gets a twin axis on the right.
    * ``title``: default is the recording's ``metadata["title"]``, else its start time;
      ``title=""`` for none.
    * ``time_unit``: ``"s"``, ``"min"`` or ``"h"``; default chosen from the duration.
    * ``markers``: a marker on each value; default: when a channel has at most 60 values.
    * ``lang``: ``"de"`` or ``"en"``; default from ``CALLIOPE_LANG`` / the locale.
    * ``marks``: draw the recording's marks (``rec.mark(...)``) and the presses of a button
      channel plotted with others (``button_a``); ``marks=False`` leaves them out (and
      draws a button as a curve).
    * ``ylim``: ``(low, high)`` of every value axis; default: fitted to the values, at least
      the unit's minimum span (:data:`calliope_lib.plotting.span.MIN_SPAN`).
    """
    import matplotlib

    lang = lang or language()
    names = _channel_names(rec, channels)
    # Button A among other channels: its presses are marks, not a panel of 0 and 1.
    buttons = [n for n in names if is_button(n)] if marks else []
    if buttons and len(buttons) < len(names):
        names = [n for n in names if n not in buttons]
    else:
        buttons = []
    unit_of = rec.units
    groups = style.group_channels(names, unit_of)
    if ax is None:
        groups = style.separate_scales(groups, _ranges(rec, names))
    groups = groups or [[]]
    duration = max((float(rec[n].times.max()) for n in names if rec.count(n)), default=0.0)
    if time_unit is None:
        scale, unit = style.time_unit(duration)
    else:
        scales = {"s": 1.0, "min": 60.0, "h": 3600.0}
        if time_unit not in scales:
            raise InvalidParameter(key="bad_value.title", name="time_unit",
                                   value=f"{time_unit!r} (s, min, h)")
        scale, unit = scales[time_unit], time_unit

    if ax is None and _pyplot:
        style.prepare_pyplot()
    with matplotlib.rc_context(style.RC):
        if ax is None:
            fig = _new_figure(len(groups), figsize, _pyplot)
            axes = list(np.atleast_1d(fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]))
            bottom = axes[-1]
        else:
            fig = ax.figure
            axes = _axes_for(ax, len(groups))
            bottom = ax
        index = 0
        for axis, group in zip(axes, groups):
            handles = []
            for position, name in enumerate(group):
                # Twin axes share one drawing area: there every line needs its own style.
                look = index if ax is not None else position
                handles.append(_draw_channel(axis, rec, name, index, look, scale, markers, lang))
                index += 1
            if ylim is not None:
                axis.set_ylim(*ylim)
            else:
                span.apply(axis, group, unit_of, (rec[n].values for n in group))
            for start, end in rec.gaps:
                axis.axvspan(start / scale, end / scale, facecolor="#eeeeee", edgecolor="#9a9a9a",
                             hatch="//", linewidth=0, zorder=0)
            # One vector component in a panel of its own: "x in mg" (a long label would not
            # fit a low panel), its full name in the legend beside it.
            alone = ax is None and len(groups) > 1 and len(group) == 1 and style.is_component(
                group[0])
            if group:
                label = style.axis_label(group, unit_of, lang, short=alone,
                                         labels={n: rec.label(n, lang) for n in group})
                # Three or more low panels: a long label at full size is taller than its
                # panel and runs into the next one ("Temperatur in °C" over "Helligkeit").
                small = len(groups) > 2 and len(label) > 10
                axis.set_ylabel(label, fontsize="small" if small else None)
            if ax is not None and len(groups) > 1:
                axis.legend(handles=handles, loc="best", framealpha=0.85)
            elif len(group) > 1 or alone:  # beside the axes: a legend must never hide values
                axis.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                            frameon=False, handlelength=3.0)
            axis.yaxis.set_major_formatter(style.tick_formatter(lang))
            axis.xaxis.set_major_formatter(style.tick_formatter(lang))
            if not any(rec.count(n) for n in group):
                axis.text(0.5, 0.5, t("plot.no_data", lang), transform=axis.transAxes,
                          ha="center", va="center", color="#777777")
        bottom.set_xlabel(style.time_label(unit, lang))
        if duration > 0:
            bottom.set_xlim(0.0, duration / scale)
        if marks:
            draw_marks(axes if ax is None else [ax], all_marks(rec, buttons, lang), scale)
        heading = style.title_of(rec.metadata, lang) if title is None else title
        if heading:
            # wrap=True: a long title (a reference file's description) breaks into lines
            # within the figure instead of widening the saved picture, which would shrink
            # the plot itself in a notebook.
            if ax is None:
                fig.suptitle(heading, wrap=True)
            else:
                ax.set_title(heading, wrap=True)
        if ax is None and len(axes) > 1:
            fig.align_ylabels(axes)
    return fig


def _ranges(rec: "Recording", names: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Each channel's central range (1st to 99th percentile: one spike does not count)."""
    ranges = {}
    for name in names:
        values = rec[name].values
        values = values[np.isfinite(values)]
        if len(values):
            low, high = np.percentile(values, [1, 99])
            ranges[name] = (float(low), float(high))
    return ranges


def _draw_channel(axis: "Axes", rec: "Recording", name: str, index: int, position: int,
                  scale: float, markers: bool | None, lang: str) -> Any:
    """One channel's line: colour by ``index`` in the figure, line style and marker by
    ``position`` on its axes (the first line of each axes is solid: a dashed noisy signal is
    hard to read, and channels on different axes are told apart by the axis label).

    A line of many values (more than :data:`style.DASHED_UP_TO`) is solid and a little
    thinner whatever its position: a dash pattern over hundreds of wiggles looks like a comb.
    """
    channel = rec[name]
    times, values = channel.times, channel.values
    if len(times) > DECIMATE_ABOVE:
        times, values = minmax(times, values, DECIMATE_BINS)
    times, values = break_at_gaps(times, values, rec.gaps)
    look = style.line_style(position)
    few = len(channel) <= style.FEW_POINTS if markers is None else markers
    dense = len(channel) > style.DASHED_UP_TO
    (line,) = axis.plot(times / scale, values, color=style.COLOURS[index % len(style.COLOURS)],
                        linestyle="-" if dense else look["linestyle"],
                        linewidth=1.6 if dense and position else None,
                        marker=look["marker"] if few else None,
                        markersize=7 if few else None, label=rec.label(name, lang))
    return line


def save_plot(rec: "Recording", path: str | Path, *, dpi: int = 150, **kwargs: Any) -> Path:
    """Save the plot of ``rec`` to ``path``: PNG, PDF or SVG by the file's ending.

    Takes the same options as :func:`plot_recording`. The figure is not kept open (no
    pyplot window, no memory left behind in a long notebook). Returns the path.

    >>> save_plot(rec, "messung.png")          # doctest: +SKIP
    PosixPath('messung.png')
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".png")
    own_axes = kwargs.get("ax") is not None
    fig = plot_recording(rec, _pyplot=False, **kwargs)
    if fig.canvas is None or type(fig.canvas).__name__ == "FigureCanvasBase":
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.savefig(path, dpi=dpi)
    if not own_axes:
        fig.clear()
    return path
