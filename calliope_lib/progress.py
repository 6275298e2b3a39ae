"""The progress bar of a recording: a bar in a notebook, a tqdm line in a terminal.

The bar shows how far the recording is (seconds, or rows when it counts samples) and the
latest values with their German names and units. In a **notebook** (JupyterLab, Notebook 7,
VS Code) it is an HTML bar that is replaced in place, the latest values on a line of their
own below it (so a recording of three channels never squeezes the bar)::

    Messung  [██████████░░░░░░░░░░░░░░]  6/15 s
    Beschleunigung x 12 mg · Beschleunigung y -3 mg · Beschleunigung z -1.002 mg

When the recording ends, the bar is replaced by **one plain line of text**, which is what
the saved notebook keeps::

    Messung beendet: 15/15 s, 300 Werte je Kanal. Zuletzt: Helligkeit 128, Lautstärke 40

Plain text because a notebook is reopened later (after a kernel restart, by the teacher who
collects it): a widget (tqdm's notebook bar) would then read "Error displaying widget: model
not found". The notebook bar needs no ipywidgets and no idle kernel: its updates are plain
display messages, which reach the browser while the kernel is busy recording.

In a **terminal** it is tqdm's text line::

    Messung:  40%|████      | 6/15 s, Helligkeit 128, Lautstärke 40

How often it is redrawn: about four times a second while a person watches (a notebook, a
terminal), one line every two seconds into a log file. The latest values are looked up only
when the bar is drawn, so a board sending hundreds of lines a second costs nothing extra.

tqdm and IPython are imported when the first bar is made, never by ``import calliope_lib``.
"""

from __future__ import annotations

import html
import sys
import time
from typing import TYPE_CHECKING, Any, Sequence

from calliope_lib import messages
from calliope_lib.recording import units

if TYPE_CHECKING:
    from calliope_lib.recording.recording import Recording

#: Seconds between two redraws while a person watches (terminal, notebook).
WATCHED_INTERVAL_S = 0.25
#: Seconds between two redraws into a log file: one line every few seconds, not hundreds.
UNWATCHED_INTERVAL_S = 2.0
#: How many channels the bar shows values of (more do not fit on a line).
SHOWN_CHANNELS = 4
NBSP = "\u00a0"
#: The bar's colour (the first colour of the plots).
BAR_COLOUR = "#0072B2"

messages.register({
    "progress.finished": {
        "de": "{what} beendet: {done}, {count} Werte je Kanal.",
        "en": "{what} finished: {done}, {count} values per channel.",
    },
    "progress.stopped": {
        "de": "{what} vorzeitig beendet: {done}, {count} Werte je Kanal.",
        "en": "{what} stopped early: {done}, {count} values per channel.",
    },
    "progress.latest": {"de": "Zuletzt: {values}", "en": "Latest: {values}"},
    "progress.rows": {"de": "{n} Zeilen", "en": "{n} rows"},
})


def watched() -> bool:
    """True when a person probably watches the output: a notebook or a terminal."""
    return "ipykernel" in sys.modules or sys.stdout.isatty()


def in_notebook() -> bool:
    """True inside a running Jupyter kernel (JupyterLab, Notebook 7, VS Code)."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class RecordingProgress:
    """A progress bar for one recording: by time (``seconds``) or by rows (``samples``).

    Call :meth:`update` for every row (cheap: the bar decides when to redraw) and
    :meth:`close` at the end. ``notebook``: draw the notebook bar (default: when running in
    a Jupyter kernel).

    >>> bar = RecordingProgress(seconds=10, samples=None, channels=["light"])  # doctest: +SKIP
    >>> bar.update(2.5, rec)                                                   # doctest: +SKIP
    >>> bar.close(rec, completed=True)                                         # doctest: +SKIP
    """

    def __init__(self, seconds: float | None, samples: int | None,
                 channels: Sequence[str] | None, *, notebook: bool | None = None) -> None:
        self.by_time = seconds is not None
        #: neither seconds nor samples (``until_interrupted=True``): no end to show
        self.open_ended = seconds is None and samples is None
        self._when = 0.0
        self.channels = list(channels) if channels else None
        self.total = seconds if seconds is not None else samples
        self.lang = messages.language()
        self._rec: Recording | None = None
        self._n = 0.0
        self.notebook = in_notebook() if notebook is None else notebook
        self.bar: Any = None
        self._view: NotebookBar | None = None
        if self.notebook:
            self._view = NotebookBar(self)
            self._view.draw()
            return
        self.bar = _bar_class()(
            total=self.total,
            desc=messages.t("progress.recording", self.lang),
            unit="s" if self.by_time else "",
            file=sys.stdout,
            leave=True,
            dynamic_ncols=True,
            bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s{postfix}" if self.by_time else None,
            mininterval=WATCHED_INTERVAL_S if watched() else UNWATCHED_INTERVAL_S,
            # miniters=0: redraw by time only (tqdm's default would also skip rows it guesses).
            miniters=0,
        )
        self.bar.latest = self.latest_values

    def update(self, when: float, rec: Recording) -> None:
        """The recording reached ``when`` seconds (its newest row was just added)."""
        self._rec = rec
        self._when = when
        self._advance(when if self.by_time else rec.count(rec.channels[0]) if rec.channels else 0)

    def close(self, rec: Recording, completed: bool = False) -> None:
        """Draw the final state and end the bar (``completed``: show the full time)."""
        self._rec = rec
        if self.by_time and self.total is not None:
            self._advance(self.total if completed else max(rec.duration, self._n))
        if self._view is not None:
            self._view.finish(self.final_line(completed))
            return
        self.bar.refresh()
        self.bar.close()

    @property
    def done(self) -> float:
        """How far the recording is: seconds (or rows)."""
        return self._n

    def _advance(self, target: float) -> None:
        if self.total is not None:
            target = min(target, self.total)
        if target > self._n:
            if self._view is not None:
                self._n = target
                self._view.draw_if_due()
            else:
                step = target - self._n
                # rows are counted in whole numbers ("25 Zeilen", not "25.0")
                self.bar.update(step if self.by_time else int(round(step)))
                self._n = target

    # -- texts ---------------------------------------------------------------------------------
    def amount(self) -> str:
        """``"6/15 s"`` (or ``"40/100 Zeilen"``; ``"12 s"`` with no end given)."""
        if self.open_ended:
            return f"{self._when:.0f} s"
        if self.by_time:
            total = f"/{self.total:.0f}" if self.total is not None else ""
            return f"{self._n:.0f}{total} s"
        total = f"/{self.total:.0f}" if self.total is not None else ""
        return messages.t("progress.rows", self.lang, n=f"{self._n:.0f}{total}")

    def latest_values(self) -> str:
        """``"Helligkeit 128, Temperatur 21,5 °C"``: the newest value of the first channels."""
        rec = self._rec
        if rec is None:
            return ""
        shown = (self.channels or rec.channels)[:SHOWN_CHANNELS]
        parts = []
        for name in shown:
            if name in rec:
                unit = rec.unit(name)
                value = _short(rec.last(name), self.lang)
                # a no-break space: a wrapped line never parts "25" from "mg"
                parts.append(f"{_name(name, self.lang)} {value}{NBSP + unit if unit else ''}")
        return ", ".join(parts)

    def final_line(self, completed: bool) -> str:
        """The one line the saved notebook keeps: what was recorded, and the last values."""
        rec = self._rec
        count = 0
        if rec is not None and rec.channels:
            names = [n for n in (self.channels or rec.channels) if n in rec]
            count = max((rec.count(n) for n in names), default=0)
        key = "progress.finished" if completed or not self.by_time else "progress.stopped"
        line = messages.t(key, self.lang, what=messages.t("progress.recording", self.lang),
                          done=self.amount(), count=count)
        latest = self.latest_values()
        if latest:
            line += " " + messages.t("progress.latest", self.lang, values=latest)
        return line


class NotebookBar:
    """The notebook's bar: one display output replaced in place, plain text at the end."""

    def __init__(self, progress: RecordingProgress) -> None:
        self.progress = progress
        self._handle: Any = None
        self._next = 0.0

    def draw_if_due(self) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + WATCHED_INTERVAL_S
            self.draw()

    def draw(self) -> None:
        self._show(_Running(self.progress))

    def finish(self, line: str) -> None:
        self._show(_PlainLine(line))

    def _show(self, what: object) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display(what, display_id=True)
        else:
            self._handle.update(what)


class _PlainLine:
    """Only ``text/plain``: what stays in the saved notebook."""

    def __init__(self, line: str) -> None:
        self.line = line

    def __repr__(self) -> str:
        return self.line


class _Running:
    """The running bar: HTML for the browser, a text line for anything else."""

    def __init__(self, progress: RecordingProgress) -> None:
        self.share = (progress.done / progress.total) if progress.total else 0.0
        self.share = min(max(self.share, 0.0), 1.0)
        self.has_end = progress.total is not None
        self.what = messages.t("progress.recording", progress.lang)
        self.amount = progress.amount()
        self.latest = progress.latest_values()

    def __repr__(self) -> str:
        latest = f" | {self.latest}" if self.latest else ""
        share = f"{self.share:4.0%} | " if self.has_end else ""
        return f"{self.what}: {share}{self.amount}{latest}"

    def _repr_html_(self) -> str:
        percent = f"{100 * self.share:.1f}"
        latest = (f'<div style="margin-top:2px;white-space:normal">{html.escape(self.latest)}'
                  "</div>" if self.latest else "")
        track = ('<div style="flex:1 1 auto;min-width:10em;height:0.9em;background:#e4e4e4;'
                 'border-radius:3px;overflow:hidden">'
                 f'<div style="width:{percent}%;height:100%;background:{BAR_COLOUR}"></div></div>'
                 if self.has_end else "")  # no end given: the time alone
        return (
            '<div class="calliope-progress" style="font-family:var(--jp-code-font-family,'
            'monospace);font-size:var(--jp-code-font-size,13px);line-height:1.4">'
            '<div style="display:flex;align-items:center;gap:0.6em;max-width:34em">'
            f"<span>{html.escape(self.what)}</span>{track}"
            f'<span style="white-space:nowrap">{html.escape(self.amount)}</span></div>'
            f"{latest}</div>"
        )


def _name(channel: str, lang: str) -> str:
    """``"Helligkeit"`` for ``light``: the readable name without its range."""
    return units.label(channel, lang).split(" (", 1)[0]


def _short(value: float | None, lang: str) -> str:
    return "-" if value is None else messages.with_decimal_mark(f"{value:.4g}", lang)


_BAR_CLASS: Any = None


def _bar_class() -> Any:
    """tqdm's terminal bar, asking for the values on draw.

    tqdm builds the text it draws from ``format_dict``; taking the postfix from there means
    the latest values are formatted once per redraw instead of once per row.
    """
    global _BAR_CLASS
    if _BAR_CLASS is None:
        from tqdm import tqdm

        class _Bar(tqdm):  # type: ignore[misc, valid-type]
            latest: Any = None

            @property
            def format_dict(self) -> dict[str, Any]:
                values = super().format_dict
                if self.latest is not None:
                    values["postfix"] = self.latest()
                return values

        _BAR_CLASS = _Bar
    return _BAR_CLASS
