"""The live view: the whole recording so far, growing while the board records.

``board.record(["light", "sound"], seconds=60, live=True)`` creates a :class:`LivePlot` and
calls :meth:`LivePlot.update` after every row it receives. The view

* shows **the whole recording so far** (not the last few hundred values, as serial plotters
  do): each channel is reduced to the minimum and maximum per pixel column
  (:mod:`.decimate`), so a 10-minute recording at 100 values per second draws as fast as a
  short one and no peak disappears;
* shows the **latest value of each channel as a large number** beside its axes;
* **never slows the recording down**: :meth:`~LivePlot.update` returns at once (a clock
  comparison) unless it is time for a frame, and frames come at most as often as drawing
  can keep up (drawing uses at most about half of the time). Between frames only the lines
  and numbers are redrawn onto a saved background ("blitting"); axes, ticks and labels are
  drawn again only when the time axis or the value range has to grow;
* draws the recording's **marks** as they are set (``rec.mark("Hand drüber")``, the words
  ``lesson.act`` sets as each hands-on step starts) and each **press of button A** when
  ``button_a`` is recorded with other channels: a vertical line with its text, exactly as
  ``rec.plot()`` draws them afterwards (:mod:`.marks`);
* shows at least a sensible span of each unit (2 °C, 50 lx...: :mod:`.span`), so the
  first values' noise is not blown up into jumps while the axis settles;
* takes an optional **fixed y range** (``ylim=(0, 255)``) and can be **paused** (space bar
  or ``p`` in a window, :meth:`~LivePlot.pause` in code): the picture stands still while
  the recording goes on.

Where it draws (``mode``):

``"inline"``
    Jupyter (JupyterLab, Notebook 7, VS Code), whatever the matplotlib backend: a PNG image
    that is replaced in place (an IPython display handle). It reaches the browser while the
    kernel is busy recording, and the last picture stays in the saved notebook.
``"ipympl"``
    Jupyter with ``%matplotlib widget``: drawn exactly like ``"inline"``. An ipympl widget
    cannot show a live view: it starts drawing only after the kernel has answered the
    browser's first message, which a kernel busy recording never does (the kid would see an
    empty "Figure" until the end). ``rec.plot()`` afterwards still gives the zoomable widget.
``"window"``
    a terminal with a desktop (``calliope-mini record --live``): a matplotlib window.
``"agg"``
    off-screen only (tests and benchmarks); :attr:`LivePlot.figure` holds the picture.
``"none"``
    nothing to draw on (a terminal without a desktop, nbgrader grading): says so once and
    does nothing else.

The mode is chosen automatically; ``CALLIOPE_LIVE_PLOT=agg`` (or any mode name) overrides
the choice. When the recording ends, the last frame shows all values and says "Messung
beendet" instead of "Messung läuft".

The picture is sized for a small laptop (1024×600 with JupyterLab's file browser open):
7.5 inches at 100 dpi, so a notebook shrinks it little and the fonts stay readable.

>>> live = LivePlot(rec, ["temperature"], mode="agg")      # doctest: +SKIP
>>> rec.add_row(0.5, ["temperature"], [21.5]); live.update(force=True)   # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
import time
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from calliope_lib.messages import grading, language, note, t, warn
from calliope_lib.plotting import span, style
from calliope_lib.plotting.decimate import band_path
from calliope_lib.plotting.marks import combine, draw_marks, is_button, presses
from calliope_lib.plotting.screens import MODES, detect_mode, show_until_closed
from calliope_lib.plotting.trace import Trace

__all__ = ["MODES", "LivePlot", "detect_mode", "nice_ceiling", "show_until_closed"]

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from calliope_lib.recording.recording import Recording

#: Shortest time between two frames per mode (seconds): a screen refreshes ~60 times a
#: second, an inline image travels through the notebook server, so fewer frames there.
MIN_INTERVAL = {"ipympl": 1 / 12, "inline": 1 / 12, "window": 1 / 30, "agg": 0.0, "none": 0.0}
#: Drawing may take at most this share of the time; the rest belongs to the recording.
MAX_SHARE = 0.5
#: ... except for short bursts of up to this many seconds of drawing (a slow first frame).
BURST = 0.5
#: The numbers beside the axes change at most this often (seconds).
TEXT_INTERVAL = 0.25
#: Modes that send PNG pictures to a notebook.
NOTEBOOK_MODES = ("inline", "ipympl")
#: A channel group is split into panels only after each channel has this many values (the
#: first few values say nothing about a channel's range).
SPLIT_AFTER = 20
#: The time axis grows in these steps (times a power of ten): few full redraws.
NICE_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest "round" number (1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten) >= ``value``.

    >>> nice_ceiling(7.3), nice_ceiling(12), nice_ceiling(2.7)
    (8.0, 15.0, 3.0)
    """
    if not value > 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in NICE_STEPS:
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power


class LivePlot:
    """A plot that grows while recording; see the module text for what it shows.

    ``channels``: names to show (``None``: every channel as it appears). ``ylim``: a fixed
    ``(low, high)`` for every value axis (default: grows with the values). ``seconds``: the
    planned length, so the time axis is right from the start. ``mode``: where to draw
    (default: :func:`detect_mode`).
    """

    def __init__(self, rec: "Recording", channels: Sequence[str] | None = None,
                 ylim: tuple[float, float] | None = None, *, seconds: float | None = None,
                 mode: str | None = None, width: float = 7.5, dpi: float = 100.0) -> None:
        self.rec = rec
        self.channels = list(channels) if channels else None
        self.ylim = (float(ylim[0]), float(ylim[1])) if ylim is not None else None
        self.seconds = float(seconds) if seconds else None
        self.mode = mode or detect_mode()
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.lang = language()
        self.width_in = width
        self.dpi = dpi
        self.frames = 0          #: frames drawn so far
        self.full_redraws = 0    #: of those, frames that drew axes and ticks anew
        self.draw_seconds = 0.0  #: total time spent drawing
        self.min_interval = MIN_INTERVAL[self.mode]
        self.figure: "Figure | None" = None
        self._paused = False
        self._closed = False
        self._finished = False  # the recording has ended: the status says so
        self._split: set[tuple[str, ...]] = set()  # channel groups drawn one panel each
        self._next = 0.0
        self._traces: dict[str, Trace] = {}
        self._layout: list[list[str]] = []
        self._axes: list[Any] = []
        self._xmax = 0.0
        self._scale = (1.0, "s")
        self._ylims: list[tuple[float, float]] = []
        self._buttons: list[str] = []  # button channels shown as marks, not as panels
        self._presses: dict[str, tuple[int, float, list[float]]] = {}  # values read, last, times
        self._marks_key: Any = None  # the marks (and time unit) drawn now
        self._mark_artists: list[Any] = []
        self._mark_regions: list[Any] = []  # the marks' words as drawn (pixels), see _render
        self._background: Any = None
        self._axes_backgrounds: list[Any] = []
        self._next_text = 0.0
        self._need_full = True
        self._handle: Any = None
        self._status: Any = None
        self._in_draw = False
        self._credit = BURST
        self._last_start = time.perf_counter()
        if self.mode == "none":
            if not grading():
                note("live.no_window")
            self._closed = True

    # -- control ------------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        """True while the picture stands still (the recording goes on)."""
        return self._paused

    def pause(self) -> None:
        """Freeze the picture (the recording goes on)."""
        self._paused = True
        self._draw_status_now()

    def resume(self) -> None:
        """Let the picture follow the recording again."""
        self._paused = False
        self._next = 0.0

    def toggle_pause(self) -> None:
        (self.resume if self._paused else self.pause)()

    def update(self, force: bool = False) -> bool:
        """Draw a frame if it is time for one; returns whether it drew.

        Cheap when it is not time (one clock reading), so the recording loop may call it
        after every row. ``force=True`` draws now (the recording's last frame).
        """
        if self._closed:
            return False
        now = time.perf_counter()
        if not force and now < self._next:
            return False
        if self._paused and not force:
            if self.mode == "window" and self.figure is not None:
                # Still listen to the window (the key that resumes, the close button).
                self.figure.canvas.flush_events()
            self._next = now + 0.1
            return False
        if force:
            self._next_text = 0.0  # the last frame shows the last values
        try:
            drawn = self._frame()
        except Exception as exc:  # a picture must never end a recording
            self._fail(exc)
            return False
        spent = time.perf_counter() - now
        if drawn:
            self.frames += 1
            self.draw_seconds += spent
        # A budget of drawing time: it refills at MAX_SHARE seconds per second, holds at most
        # BURST seconds, and each frame spends what it took. So drawing gets at most about
        # MAX_SHARE of the time in the long run, while a rare slow frame (the first one,
        # new axes ranges) does not freeze the picture: the operating system buffers the
        # board's lines meanwhile and the loop catches up.
        self._credit = min(BURST, self._credit + (now - self._last_start) * MAX_SHARE) - spent
        self._last_start = now
        self._next = now + max(self.min_interval, max(0.0, -self._credit) / MAX_SHARE)
        return drawn

    def close(self) -> None:
        """Stop following the recording. The last picture stays (window, notebook).

        Its status line changes from "Messung läuft" to "Messung beendet", so a saved
        notebook never shows a recording as running that has long ended.
        """
        if self._closed:
            return
        self._finished = True
        self._paused = False
        self._draw_status_now(quiet=True)  # a window closed by the user cannot draw: fine
        self._closed = True
        if self.mode == "window" and self.figure is not None:
            try:
                self.figure.canvas.flush_events()
            except Exception:
                pass

    def _fail(self, exc: BaseException) -> None:
        self._closed = True
        warn("live.failed", reason=f"{type(exc).__name__}: {exc}")

    # -- one frame ------------------------------------------------------------------------
    def _names(self) -> list[str]:
        """The channels drawn as curves; button channels among others are marks instead
        (kept in ``self._buttons``)."""
        rec = self.rec
        if self.channels is None:
            names = [n for n in rec.channels if rec.count(n)]
        else:
            names = [n for n in self.channels if n in rec and rec.count(n)]
        buttons = [n for n in names if is_button(n)]
        if buttons and len(buttons) < len(names):
            self._buttons = buttons
            return [n for n in names if n not in buttons]
        return names

    def _frame(self) -> bool:
        rec = self.rec
        names = self._names()
        if not names:
            return False
        if self.figure is None or self._wanted_layout(names) != self._layout:
            self._build(names)
        latest = 0.0
        for name in names:
            trace = self._traces[name]
            stop = rec.count(name)
            start = trace.bins.total
            if stop > start:
                trace.take(*rec.since(name, start, stop))
            latest = max(latest, trace.latest_t)
        if self._wanted_layout(names) != self._layout:
            self._build(names)  # channels far apart in value: one panel each from now on
            for name in names:
                latest = max(latest, self._traces[name].latest_t)
        self._fit_time_axis(latest)
        self._fit_value_axes()
        self._draw_marks()
        scale = self._scale[0]
        for trace in self._traces.values():
            if trace.dense:
                self._set_band(trace, scale)
            else:
                x, y = trace.points(rec.gaps)
                trace.line.set_data(x / scale, y)
            trace.value_text.set_text(style.format_value(trace.latest, rec.unit(trace.name),
                                                         self.lang))
        self._status.set_text(self._status_text(latest))
        self._render()
        return True

    def _set_band(self, trace: Trace, scale: float) -> None:
        """Many values: fill the band between each pixel column's min and max.

        The band is padded by half the line width, so a smooth signal looks like the thick
        line it was while there were few values; a noisy one like the dense zig-zag a full
        redraw would give, at a fraction of the drawing time.
        """
        from matplotlib.path import Path

        axis = trace.line.axes
        low, high = axis.get_ylim()
        height_px = max(axis.bbox.height, 1.0)
        pad = 0.5 * trace.line.get_linewidth() * self.dpi / 72.0 * (high - low) / height_px
        x, lo, hi = trace.bins.envelope()
        trace.spread = float(np.mean(hi - lo)) if len(x) else 0.0
        verts, codes = band_path(x, lo, hi, pad, trace.bins.width / 2, self.rec.gaps)
        verts[:, 0] /= scale
        trace.band.set_path(Path(verts, codes) if len(verts) else Path(np.zeros((1, 2))))
        trace.line.set_data([], [])

    def _draw_marks(self) -> None:
        """Draw the marks anew when one was added (or the time axis changed its unit).

        Marks change rarely: they belong to the background (axes, ticks), which is drawn
        again once, not to the lines redrawn in every frame.
        """
        for name in self._buttons:
            self._read_presses(name)
        pressed = {name: seen[2] for name, seen in self._presses.items()}
        marks = combine(self.rec.marks, pressed, self.lang)
        key = (tuple(marks), self._scale[0])
        if key == self._marks_key:
            return
        for artist in self._mark_artists:
            artist.remove()
        self._mark_artists = draw_marks(self._axes, marks, self._scale[0], widen=False)
        self._marks_key = key
        self._need_full = True

    def _read_presses(self, name: str) -> None:
        """The new presses of a button channel (only its new values are read)."""
        done, last, times = self._presses.get(name, (0, 0.0, []))
        stop = self.rec.count(name)
        if stop <= done:
            return
        new_t, new_v = self.rec.since(name, done, stop)
        found = presses(new_t, new_v, before=last)  # carried on from the last value read
        finite = new_v[np.isfinite(new_v)]
        self._presses[name] = (stop, float(finite[-1]) if len(finite) else last, times + found)

    def _status_text(self, latest: float) -> str:
        if self._finished:
            return t("live.finished", self.lang, time=style.format_duration(latest, self.lang))
        if self._paused:
            return t("live.paused", self.lang)
        return t("live.elapsed", self.lang, time=style.format_duration(latest, self.lang))

    def _fit_time_axis(self, latest: float) -> None:
        if latest <= self._xmax and self._xmax > 0:
            return
        if self.seconds and latest <= self.seconds:
            xmax = self.seconds
        else:
            target = max(latest * 1.1, 1.0)
            scale = style.time_unit(target)[0]
            xmax = nice_ceiling(target / scale) * scale  # round in minutes when in minutes
        self._xmax = xmax
        self._scale = style.time_unit(xmax)
        scale, unit = self._scale
        for axis in self._axes:
            axis.set_xlim(0.0, xmax / scale)
        self._axes[-1].set_xlabel(style.time_label(unit, self.lang))
        self._need_full = True

    def _fit_value_axes(self) -> None:
        for i, (axis, group) in enumerate(zip(self._axes, self._layout)):
            if self.ylim is not None:
                wanted = self.ylim
            else:
                lo = min(self._traces[n].lo for n in group)
                hi = max(self._traces[n].hi for n in group)
                if not (math.isfinite(lo) and math.isfinite(hi)):
                    continue
                current = self._ylims[i]
                if current[0] <= lo and hi <= current[1]:
                    continue  # still fits: no need to redraw the axes
                # At least the unit's minimum span: a few noisy first values must not fill
                # the panel (and the axis then jump with every new value).
                wide = span.widen(lo, hi, span.group_scale(group, self.rec.units))
                # Room to grow: 15 % of the values' range on each side; a widened range
                # has that room already and gets matplotlib's usual 5 %.
                share = 0.15 if wide == (lo, hi) else 0.05
                lo, hi = wide
                width = hi - lo
                pad = share * width if width > 0 else max(1.0, 0.05 * abs(hi))
                wanted = (lo - pad, hi + pad)
            if self._ylims[i] != wanted:
                self._ylims[i] = wanted
                axis.set_ylim(*wanted)
                self._need_full = True

    # -- building the figure ----------------------------------------------------------------
    def _wanted_layout(self, names: list[str]) -> list[list[str]]:
        """The panels: one per unit, and one per channel for a group whose channels lie far
        apart (``acceleration_z`` near -1000 mg, x and y near 0). A group once split stays
        split for the rest of the recording (no picture jumping back and forth)."""
        layout: list[list[str]] = []
        for group in style.group_channels(names, self.rec.units):
            key = tuple(group)
            if key not in self._split and len(group) > 1:
                traces = [self._traces.get(n) for n in group]
                if all(tr is not None and tr.bins.total >= SPLIT_AFTER for tr in traces):
                    ranges = {tr.name: (tr.lo, tr.hi) for tr in traces if tr is not None}
                    if len(style.separate_scales([group], ranges)) > 1:
                        self._split.add(key)
            layout.extend([n] for n in group) if key in self._split else layout.append(group)
        return layout

    def _new_figure(self, height: float) -> "Figure":
        size = (self.width_in, height)
        if self.mode == "window":
            import matplotlib.pyplot as plt

            with plt.ioff():  # we show it ourselves, at once (not at the end of the cell)
                fig = plt.figure(figsize=size, dpi=self.dpi)
            return fig
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=size, dpi=self.dpi)
        FigureCanvasAgg(fig)
        return fig

    def _build(self, names: list[str]) -> None:
        import matplotlib
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path as MplPath

        rec = self.rec
        self._layout = self._wanted_layout(names)
        rows = len(self._layout)
        height = style.panel_height(rows)
        first = self.figure is None
        if first and self.mode == "window":
            style.prepare_pyplot()
        with matplotlib.rc_context(style.RC):
            if first:
                self.figure = self._new_figure(height)
            else:
                self.figure.clear()
                self.figure.set_size_inches(self.width_in, height)
            fig = self.figure
            axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
            fig.subplots_adjust(left=1.0 / self.width_in, right=0.74, top=1 - 0.5 / height,
                                bottom=0.62 / height, hspace=0.14)
            self._axes = list(axes)
            # One bin per pixel column of the axes: finer would not show, coarser would.
            pixels = int(axes[0].get_window_extent().width) or 600
            span = self.seconds or 10.0
            old = self._traces
            self._traces = {}
            index = 0
            for axis, group in zip(self._axes, self._layout):
                # 12 points: a label must not reach into the panel above it
                axis.set_ylabel(style.axis_label(
                    group, rec.units, self.lang, short=len(self._layout) > 1,
                    labels={n: rec.label(n, self.lang) for n in group}), fontsize=12)
                axis.yaxis.set_major_formatter(style.tick_formatter(self.lang))
                axis.xaxis.set_major_formatter(style.tick_formatter(self.lang))
                # The latest values beside the axes, one label + big number per channel.
                step = min(0.42, 1.0 / len(group))
                big = 20 if len(group) < 3 else 15
                slot = 0
                for position, name in enumerate(group):
                    trace = old.get(name) or Trace(name, pixels, span * 1.05)
                    colour = style.COLOURS[index % len(style.COLOURS)]
                    # Solid: a growing line soon has hundreds of values, which a dash
                    # pattern would cut into a comb; the colours and the names beside the
                    # axes tell the channels apart on a screen.
                    (trace.line,) = axis.plot([], [], color=colour, linestyle="-",
                                              animated=True)
                    trace.band = PathPatch(MplPath(np.zeros((1, 2))), facecolor=colour,
                                           edgecolor="none", linewidth=0, animated=True)
                    axis.add_patch(trace.band)
                    axis.text(1.03, 1.0 - slot * step, rec.label(name, self.lang),
                              transform=axis.transAxes, ha="left", va="top", color=colour,
                              fontsize=12, clip_on=False)
                    trace.value_text = axis.text(
                        1.03, 1.0 - slot * step - 0.14 * step / 0.42, "–",
                        transform=axis.transAxes, ha="left", va="top", color=colour,
                        fontsize=big, fontweight="bold", clip_on=False,
                        animated=True)
                    slot += 1
                    index += 1
                    self._traces[name] = trace
            self._status = fig.text(1.0 / self.width_in, 1 - 0.1 / height, "", ha="left",
                                    va="top", fontsize=13, color="#333333", animated=True)
            title = style.title_of(rec.metadata, self.lang) if rec.metadata.get("title") else ""
            if title:
                fig.text(0.74, 1 - 0.1 / height, title, ha="right", va="top", fontsize=14)
        self._ylims = [(math.inf, -math.inf)] * rows
        self._xmax = 0.0
        self._marks_key, self._mark_artists = None, []  # gone with the cleared figure
        self._need_full = True
        if first:
            self._show()

    def _show(self) -> None:
        fig = self.figure
        if self.mode == "window":
            import matplotlib.pyplot as plt

            fig.canvas.mpl_connect("key_press_event", self._on_key)
            fig.canvas.mpl_connect("close_event", lambda _event: self.close())
            fig.canvas.mpl_connect("draw_event", self._on_draw)
            fig.canvas.manager.show()
            plt.pause(0.001)  # let the window appear before the first frame

    def _on_key(self, event: Any) -> None:
        if event.key in (" ", "p"):
            self.toggle_pause()

    def _on_draw(self, _event: Any) -> None:
        # The window system redrew the figure (resized, uncovered): our saved background is
        # stale; take a fresh one with the next frame.
        if not self._in_draw:
            self._need_full = True

    # -- drawing --------------------------------------------------------------------------
    def _lines(self) -> list[Any]:
        # Wide bands first: a narrow band drawn later stays visible on top of a wide one.
        traces = sorted(self._traces.values(), key=lambda tr: -tr.spread)
        return [a for tr in traces for a in (tr.band, tr.line)]

    def _texts(self) -> list[Any]:
        return [tr.value_text for tr in self._traces.values()] + [self._status]

    def _render(self) -> None:
        """Draw one frame by blitting: restore a saved background, draw only what moves.

        Lines are redrawn every frame; the numbers beside the axes only a few times per
        second (nobody reads faster, and text is slow to draw). Between those, only the axes'
        rectangles are restored, so the numbers drawn last time stay on the picture.
        """
        fig = self.figure
        canvas = fig.canvas
        now = time.perf_counter()
        self._in_draw = True
        try:
            full = self._need_full or self._background is None
            texts = full or now >= self._next_text
            if full:
                # Axes, ticks, labels: everything but the animated lines and numbers.
                canvas.draw()
                self._background = canvas.copy_from_bbox(fig.bbox)
                self._axes_backgrounds = [canvas.copy_from_bbox(ax.bbox) for ax in self._axes]
                self._mark_regions = self._copy_mark_texts()
                self._need_full = False
                self.full_redraws += 1
            elif texts:
                canvas.restore_region(self._background)
            else:
                for region in self._axes_backgrounds:
                    canvas.restore_region(region)
            for line in self._lines():
                line.axes.draw_artist(line)
            for region in self._mark_regions:  # a mark's words stay readable over curves
                canvas.restore_region(region)
            if texts:
                for text in self._texts():
                    text.axes.draw_artist(text) if text.axes else fig.draw_artist(text)
                self._next_text = now + TEXT_INTERVAL
            self._present()
        finally:
            self._in_draw = False

    def _copy_mark_texts(self) -> list[Any]:
        """The pixels of each mark's words, as the full redraw drew them.

        The lines are drawn over the background in every frame; copying these few small
        pictures back on top afterwards keeps the words readable where a curve passes, at
        the cost of a memory copy (drawing rotated text anew each frame would take
        milliseconds per mark).
        """
        from matplotlib.text import Text
        from matplotlib.transforms import Bbox

        canvas = self.figure.canvas
        renderer = canvas.get_renderer()
        regions = []
        for artist in self._mark_artists:
            if not isinstance(artist, Text) or not artist.get_text():
                continue
            patch = artist.get_bbox_patch()
            extent = (patch.get_window_extent(renderer) if patch is not None
                      else artist.get_window_extent(renderer))
            inside = Bbox.intersection(extent, artist.axes.bbox)
            if inside is not None and inside.width > 0 and inside.height > 0:
                regions.append(canvas.copy_from_bbox(inside))
        return regions

    def _present(self) -> None:
        """Hand the finished frame to the screen / notebook."""
        canvas = self.figure.canvas
        if self.mode == "window":
            canvas.blit(self.figure.bbox)
            canvas.flush_events()  # lets the window repaint and see key presses
        elif self.mode in NOTEBOOK_MODES:
            self._show_inline(self.png())

    def png(self) -> bytes:
        """The current picture as PNG bytes (fast compression: it is sent, not stored)."""
        from PIL import Image

        canvas = self.figure.canvas
        width, height = canvas.get_width_height(physical=True)
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA",
                                 0, 1).convert("RGB")
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=1)
        return out.getvalue()

    def _show_inline(self, png: bytes) -> None:
        from IPython.display import Image, display

        picture = Image(data=png, format="png")
        if self._handle is None:
            self._handle = display(picture, display_id=True)
        else:
            self._handle.update(picture)

    def _draw_status_now(self, quiet: bool = False) -> None:
        """Redraw at once with the status line as it is now (paused, finished)."""
        if self.figure is not None and self._status is not None and not self._closed:
            try:
                self._next_text = 0.0
                self._status.set_text(self._status_text(0.0 if not self._traces else max(
                    tr.latest_t for tr in self._traces.values())))
                self._render()
            except Exception as exc:
                if not quiet:
                    self._fail(exc)
