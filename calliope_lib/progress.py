"""The progress bar of a recording: tqdm (a widget in notebooks, a text line in terminals).

The bar shows how far the recording is (seconds, or rows when it counts samples) and the
latest values with their units::

    Messung:  40%|████      | 4/10 s, temperature 23.5 °C, light 128

How often it is redrawn is tqdm's own business (``mininterval``): a person watching a
terminal or a notebook sees about five updates a second; a log file (output not watched)
gets one line every two seconds instead of hundreds. The latest values are looked up only
when tqdm actually draws, so a board sending hundreds of lines a second costs nothing extra.

tqdm is imported when the first bar is made, never by ``import calliope_lib``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Sequence

from calliope_lib import messages

if TYPE_CHECKING:
    from calliope_lib.recording.recording import Recording

#: Seconds between two redraws while a person watches (terminal, notebook).
WATCHED_INTERVAL_S = 0.2
#: Seconds between two redraws into a log file: one line every few seconds, not hundreds.
UNWATCHED_INTERVAL_S = 2.0
#: How many channels the bar shows values of (more do not fit on a line).
SHOWN_CHANNELS = 4


def watched() -> bool:
    """True when a person probably watches the output: a notebook or a terminal."""
    return "ipykernel" in sys.modules or sys.stdout.isatty()


class RecordingProgress:
    """A progress bar for one recording: by time (``seconds``) or by rows (``samples``).

    Call :meth:`update` for every row (cheap: tqdm decides when to redraw) and
    :meth:`close` at the end.

    >>> bar = RecordingProgress(seconds=10, samples=None, channels=["light"])  # doctest: +SKIP
    >>> bar.update(2.5, rec)                                                   # doctest: +SKIP
    >>> bar.close(rec, completed=True)                                         # doctest: +SKIP
    """

    def __init__(self, seconds: float | None, samples: int | None,
                 channels: Sequence[str] | None) -> None:
        self.by_time = seconds is not None
        self.channels = list(channels) if channels else None
        self._rec: Recording | None = None
        self._n = 0.0
        total = seconds if seconds is not None else samples
        self.bar = _bar_class()(
            total=total,
            desc=messages.t("progress.recording"),
            unit="s" if self.by_time else "",
            file=sys.stdout,
            leave=True,
            dynamic_ncols=True,
            bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s{postfix}" if self.by_time else None,
            mininterval=WATCHED_INTERVAL_S if watched() else UNWATCHED_INTERVAL_S,
            # miniters=0: redraw by time only (tqdm's default would also skip rows it guesses).
            miniters=0,
        )
        self.bar.latest = self._latest

    def update(self, when: float, rec: Recording) -> None:
        """The recording reached ``when`` seconds (its newest row was just added)."""
        self._rec = rec
        self._advance(when if self.by_time else rec.count(rec.channels[0]) if rec.channels else 0)

    def close(self, rec: Recording, completed: bool = False) -> None:
        """Draw the final state and end the bar (``completed``: show the full time)."""
        self._rec = rec
        if self.by_time and self.bar.total is not None:
            self._advance(self.bar.total if completed else max(rec.duration, self._n))
        self.bar.refresh()
        self.bar.close()

    def _advance(self, target: float) -> None:
        if self.bar.total is not None:
            target = min(target, self.bar.total)
        if target > self._n:
            self.bar.update(target - self._n)  # redraws when mininterval has passed
            self._n = target

    def _latest(self) -> str:
        """``"temperature 23.5 °C, light 128"``: the newest value of the first channels."""
        rec = self._rec
        if rec is None:
            return ""
        shown = (self.channels or rec.channels)[:SHOWN_CHANNELS]
        parts = []
        for name in shown:
            if name in rec:
                unit = rec.unit(name)
                parts.append(f"{name} {_short(rec.last(name))}{' ' + unit if unit else ''}")
        return ", ".join(parts)


def _short(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


_BAR_CLASS: Any = None


def _bar_class() -> Any:
    """tqdm's bar (the notebook widget or the terminal line), asking for the values on draw.

    tqdm builds the text it draws from ``format_dict``; taking the postfix from there means
    the latest values are formatted once per redraw instead of once per row.
    """
    global _BAR_CLASS
    if _BAR_CLASS is None:
        from tqdm.auto import tqdm

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
