"""A recording: the measured values of every channel, with times, units and what went wrong.

A :class:`Recording` is what ``board.record(...)`` returns and what ``cl.load(...)`` reads
back. It holds, per channel, the times (seconds since the start) and the values, the unit,
the gaps while the board was unplugged, and how many lines could not be read or were lost.

>>> rec = Recording()
>>> rec.add_row(0.0, ("temperature",), (21.5,))
>>> rec.add_row(0.5, ("temperature",), (21.7,))
>>> rec["temperature"].values
array([21.5, 21.7])
>>> rec.unit("temperature")
'°C'
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np

from calliope_lib.recording import units
from calliope_lib.errors import UnknownChannel
from calliope_lib.messages import register, t

if TYPE_CHECKING:  # only for type checkers: keep pandas/matplotlib out of import time
    import pandas
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Channel:
    """One channel of a recording: ``times`` (s since start) and ``values`` as numpy arrays.

    >>> ch = Channel("light", np.array([0.0, 1.0]), np.array([100.0, 120.0]), "")
    >>> ch.mean()
    110.0
    """

    name: str
    times: np.ndarray
    values: np.ndarray
    unit: str
    #: The display name the recording gave this channel (``rec.set_label``), else ``""``.
    display: str = ""

    def __len__(self) -> int:
        return len(self.values)

    @property
    def label(self) -> str:
        """Readable name, e.g. ``"Temperatur"`` (German) or ``"Temperature"``: the
        recording's own (:meth:`Recording.label`), else the standard one."""
        return self.display or units.label(self.name)

    def _finite(self) -> np.ndarray:
        values = self.values
        return values[np.isfinite(values)]

    def min(self) -> float:
        """Smallest value (NaN values ignored; NaN if there is none)."""
        v = self._finite()
        return float(v.min()) if len(v) else math.nan

    def max(self) -> float:
        """Largest value (NaN values ignored)."""
        v = self._finite()
        return float(v.max()) if len(v) else math.nan

    def mean(self) -> float:
        """Average value (NaN values ignored)."""
        v = self._finite()
        return float(v.mean()) if len(v) else math.nan

    def __repr__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"<Channel {self.name}: {len(self)} Werte{unit}>"


_SUMMARY_COLUMNS = ("channel", "count", "min", "max", "mean", "unit")
register({
    "summary.channel": {"de": "Kanal", "en": "Channel"},
    "summary.count": {"de": "Anzahl", "en": "Count"},
    "summary.min": {"de": "Minimum", "en": "Minimum"},
    "summary.max": {"de": "Maximum", "en": "Maximum"},
    "summary.mean": {"de": "Mittelwert", "en": "Mean"},
    "summary.unit": {"de": "Einheit", "en": "Unit"},
})


class Summary(dict):
    """Per channel ``{"count", "min", "max", "mean", "unit"}``; prints as a small table.

    The keys are the channels' names in code (``summary["temperature"]``); the printed table
    shows their readable names ("Temperatur", :attr:`labels`) and numbers with the decimal
    mark of the language, like the plots (``21,5``).
    """

    #: channel -> display name (filled by :meth:`Recording.summary`).
    labels: dict[str, str]

    def _rows(self) -> list[tuple[str, ...]]:
        from calliope_lib.messages import with_decimal_mark

        rows = [tuple(t(f"summary.{column}") for column in _SUMMARY_COLUMNS)]
        for name, s in self.items():
            label = getattr(self, "labels", {}).get(name) or units.label(name)
            rows.append((label, str(s["count"]),
                         *(with_decimal_mark(_fmt(s[k])) for k in ("min", "max", "mean")),
                         s["unit"]))
        return rows

    def __str__(self) -> str:
        rows = self._rows()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)

    def _repr_html_(self) -> str:
        import html

        rows = self._rows()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[1:]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _copy_slice(column: array, start: int, stop: int) -> np.ndarray:
    """A copy of ``column[start:stop]`` of an ``array('d')``.

    The columns are ``array('d')`` objects that grow in place. A numpy view of one
    (``np.frombuffer``) would block the next ``append`` ("cannot resize an array that is
    exporting buffers"), so the view lives only inside this function.
    """
    if stop <= start:
        return np.empty(0)
    view = np.frombuffer(column, dtype=np.float64, count=stop)
    try:
        return view[start:stop].copy()
    finally:
        del view


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.4g}" if abs(value) < 1e5 else f"{value:.6g}"


class Recording:
    """Measured values of several channels over time.

    Built while recording (``add_row``) or loaded from a CSV file (``cl.load``). Channels keep
    the order in which they first appeared. Times are seconds since the start of the
    recording: from the board's own clock when the board sent one (our firmware, the
    MakeCode datalogger), otherwise from the computer's clock when the line arrived.
    """

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self._times: dict[str, array] = {}
        self._values: dict[str, array] = {}
        self._units: dict[str, str] = {}
        self._labels: dict[str, str] = {}  # display names the recording gave (set_label)
        #: Free information: board, port, start (ISO 8601), firmware, title, calibrations...
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.metadata.setdefault("start", datetime.now(timezone.utc).astimezone().isoformat(
            timespec="seconds"))
        #: ``[(start_s, end_s), ...]``: times while the board was unplugged.
        self.gaps: list[tuple[float, float]] = []
        #: Lines that could not be read (garbage, broken lines).
        self.bad_lines = 0
        #: Data lines the board sent that never arrived (from firmware sequence numbers).
        self.lost_lines = 0
        #: Short notes for the user (e.g. why some converted values are missing).
        self.notes: list[str] = []
        #: The file written while recording (``save_to=``; a numbered name if the asked-for
        #: one existed), or None.
        self.saved_to: Path | None = None
        #: Why writing that file stopped (the operating system's words), or None.
        self.save_error: str | None = None
        #: Called with ``(time, names, values)`` for every new row (the CSV writer, a live plot).
        self.listeners: list[Callable[[float, Sequence[str], Sequence[float], float | None], None]] = []
        #: ``[(time_s, text), ...]`` sorted by time: what happened when ("Hand drüber"),
        #: set with :meth:`mark`; drawn in plots and saved in the CSV.
        self.marks: list[tuple[float, str]] = []
        #: Called with ``(time_s, text)`` for every new mark (the CSV writer).
        self.mark_listeners: list[Callable[[float, str], None]] = []

    # -- adding data ----------------------------------------------------------------------
    def add(self, channel: str, time: float, value: float) -> None:
        """Add one value of one channel at ``time`` (s since start)."""
        self.add_row(time, (channel,), (value,))

    def add_row(
        self,
        time: float,
        names: Sequence[str],
        values: Sequence[float],
        board_ms: float | None = None,
    ) -> None:
        """Add values that were measured together at ``time`` (seconds since start)."""
        times = self._times
        for name, value in zip(names, values):
            column = times.get(name)
            if column is None:
                self.add_channel(name)
                column = times[name]
            column.append(time)
            self._values[name].append(value)
        for listener in self.listeners:
            listener(time, names, values, board_ms)

    def add_channel(self, name: str, times: Sequence[float] = (), values: Sequence[float] = (),
                    unit: str | None = None, label: str | None = None) -> None:
        """Add (or replace) a whole channel at once, e.g. a converted sensor channel.

        With no ``times`` and ``values`` the channel exists but is empty (a column of a file
        that holds no value yet). ``unit=None`` keeps a unit already set with
        :meth:`use_units`, else takes the standard one (:func:`~calliope_lib.recording.units.unit_of`).
        ``label``: its display name (:meth:`set_label`); None keeps the one it has.

        >>> rec = Recording()
        >>> rec.add_channel("feuchte", [0.0, 1.0], [40.0, 42.5], unit="%")
        >>> rec.unit("feuchte"), rec.count("feuchte")
        ('%', 2)
        """
        times_arr = np.asarray(times, dtype=float)
        values_arr = np.asarray(values, dtype=float)
        if times_arr.shape != values_arr.shape:
            raise ValueError(f"{name}: {len(times_arr)} times but {len(values_arr)} values")
        self._times[name] = array("d", times_arr)
        self._values[name] = array("d", values_arr)
        if unit is not None:
            self._units[name] = unit
        else:
            self._units.setdefault(name, units.unit_of(name))
        if label is not None:
            self._labels[name] = " ".join(str(label).split())

    def use_units(self, mapping: dict[str, str]) -> None:
        """Units for channels, also for those that have no value yet (they keep it when their
        first value arrives). For a board that names its units, or a file's header.

        >>> rec = Recording()
        >>> rec.use_units({"feuchte": "%"})
        >>> rec.add("feuchte", 0.0, 41.0)
        >>> rec.unit("feuchte")
        '%'
        """
        self._units.update(mapping)

    def add_gap(self, start: float, end: float) -> None:
        """Note that no data could arrive between ``start`` and ``end`` (s since start)."""
        self.gaps.append((float(start), float(end)))

    def mark(self, text: str, time: float | None = None) -> float:
        """Note what happened at ``time`` (s since start), e.g. ``rec.mark("Hand drüber")``.

        Without ``time`` the mark goes at the latest value of the recording (while it
        records: now). Plots draw each mark as a vertical line with its text; ``rec.save``
        writes it into the CSV (a ``# mark:`` line) and ``cl.load`` reads it back.
        Returns the mark's time.

        >>> rec = Recording()
        >>> rec.add("light", 4.0, 120.0)
        >>> rec.mark("Hand drüber"), rec.mark("Licht an", time=1.5)
        (4.0, 1.5)
        >>> rec.marks
        [(1.5, 'Licht an'), (4.0, 'Hand drüber')]
        """
        if time is None:
            lasts = [column[-1] for column in self._times.values() if column]
            time = max(lasts) if lasts else 0.0
        when = float(time)
        if not math.isfinite(when):
            raise ValueError(f"mark {text!r}: time must be a number of seconds, not {time!r}")
        # One line of text: a line break would end the "# mark:" line of the file.
        words = " ".join(str(text).split())
        at = len(self.marks)
        while at and self.marks[at - 1][0] > when:  # marks stay sorted by time
            at -= 1
        self.marks.insert(at, (when, words))
        for listener in self.mark_listeners:
            listener(when, words)
        return when

    # -- reading --------------------------------------------------------------------------
    @property
    def channels(self) -> list[str]:
        """Names of the channels, in the order they first appeared."""
        return list(self._times)

    def __getitem__(self, name: str) -> Channel:
        if name not in self._times:
            raise UnknownChannel(name, self.channels)
        return Channel(
            name,
            np.array(self._times[name], dtype=float),
            np.array(self._values[name], dtype=float),
            self._units.get(name, ""),
            self._labels.get(name, ""),
        )

    def __contains__(self, name: object) -> bool:
        return name in self._times

    def __iter__(self) -> Iterator[Channel]:
        return (self[name] for name in self._times)

    def __len__(self) -> int:
        """Number of values over all channels."""
        return sum(len(v) for v in self._values.values())

    def count(self, name: str) -> int:
        """Number of values of one channel (cheap: no arrays are made)."""
        return len(self._values[name]) if name in self._values else 0

    def since(self, name: str, start: int, stop: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(times, values)`` of one channel from the ``start``-th value on (copies).

        For whoever follows a recording while it grows (a live plot): ask for what is new
        since the last look, without copying the whole channel each time.

        >>> rec = Recording()
        >>> for i in range(4):
        ...     rec.add("light", float(i), 10.0 * i)
        >>> rec.since("light", 2)
        (array([2., 3.]), array([20., 30.]))
        """
        if name not in self._times:
            raise UnknownChannel(name, self.channels)
        count = len(self._values[name])
        stop = count if stop is None else min(stop, count)
        return _copy_slice(self._times[name], start, stop), _copy_slice(self._values[name], start, stop)

    def last(self, name: str) -> float | None:
        """The latest value of a channel, or None."""
        values = self._values.get(name)
        return values[-1] if values else None

    def unit(self, name: str) -> str:
        """The unit of a channel (``"°C"``), ``""`` when it has none."""
        if name not in self._times:
            raise UnknownChannel(name, self.channels)
        return self._units.get(name, "")

    def set_unit(self, name: str, unit: str) -> None:
        """Give a channel a unit, e.g. ``rec.set_unit("feuchte", "%")``."""
        if name not in self._times:
            raise UnknownChannel(name, self.channels)
        self._units[name] = unit

    @property
    def units(self) -> dict[str, str]:
        """``{channel: unit}`` for all channels."""
        return {name: self._units.get(name, "") for name in self._times}

    # -- display names --------------------------------------------------------------------
    # A channel's id (``"lux"``) stays the same in code and files; its display name is what
    # people read in plots, summaries and the CSV header. The one place that says it:
    def label(self, name: str, lang: str | None = None) -> str:
        """The display name of a channel: the one this recording gave it
        (:meth:`set_label`), else a name given to its id for the whole program
        (:func:`~calliope_lib.recording.units.name_channels`, e.g. by the lessons), else the
        standard one in the reader's language (``lang``: ``"de"``/``"en"``).

        >>> rec = Recording()
        >>> rec.add("temperature", 0.0, 21.5)
        >>> rec.label("temperature", "de"), rec.label("temperature", "en")
        ('Temperatur', 'Temperature')
        >>> rec.set_label("temperature", "Im Kühlschrank")
        >>> rec.label("temperature")
        'Im Kühlschrank'
        """
        return self._labels.get(name) or units.label(name, lang)

    def set_label(self, name: str, label: str) -> None:
        """Give a channel its own display name: ``rec.set_label("t2", "Thermistor 2")``.

        Plots, ``rec.summary()`` and the CSV header show it; the channel keeps its name in
        code (``rec["t2"]``). The file keeps it, so ``cl.load`` gives it back. An empty
        ``label`` goes back to the standard name.
        """
        if name not in self._times:
            raise UnknownChannel(name, self.channels)
        self.use_labels({name: label})

    def use_labels(self, mapping: dict[str, str]) -> None:
        """Display names for channels, also for those that have no value yet (like
        :meth:`use_units`). One line each: line breaks become spaces."""
        for name, label in mapping.items():
            text = " ".join(str(label).split())
            if text:
                self._labels[name] = text
            else:
                self._labels.pop(name, None)

    @property
    def labels(self) -> dict[str, str]:
        """``{channel: display name}`` for all channels, in the reader's language."""
        return {name: self.label(name) for name in self._times}

    @property
    def duration(self) -> float:
        """Seconds from the first to the last value."""
        firsts = [t[0] for t in self._times.values() if t]
        lasts = [t[-1] for t in self._times.values() if t]
        return (max(lasts) - min(firsts)) if firsts else 0.0

    def summary(self) -> Summary:
        """Per channel: count, min, max, mean (and unit). Prints as a table."""
        result = Summary()
        result.labels = self.labels
        for ch in self:
            result[ch.name] = {"count": len(ch), "min": ch.min(), "max": ch.max(),
                               "mean": ch.mean(), "unit": ch.unit}
        return result

    def __repr__(self) -> str:
        from calliope_lib.messages import with_decimal_mark

        parts = ", ".join(f"{n} ({t('repr.values', count=self.count(n))})"
                          for n in self._times) or "-"
        return t("repr.recording", duration=with_decimal_mark(f"{self.duration:.1f}"),
                 channels=parts)

    # -- conversions, files and pictures --------------------------------------------------
    # Conveniences for a kid's notebook (``rec.plot()``). Data flows one way, from the
    # recording to files, sensors and pictures: those modules import this one, so these
    # methods import them only when called (lazily), never at import time.
    def convert(self, channel: str, sensor: Callable[[Any], Any], name: str | None = None,
                label: str | None = None) -> str:
        """Add a channel converted by a DIY ``sensor`` (see :mod:`calliope_lib.sensors`).

        The raw channel stays. Returns the new channel's name. ``label``: the display name
        people read in plots, summaries and the CSV header (:meth:`set_label`).

        >>> from calliope_lib.sensors import Thermistor           # doctest: +SKIP
        >>> rec.convert("p1", Thermistor(), name="temperatur_ntc", label="Thermistor")  # doctest: +SKIP
        """
        from calliope_lib.sensors import convert_channel

        new = convert_channel(self, channel, sensor, name)
        if label is not None:
            self.set_label(new, label)
        return new

    def save(self, path: str | Path, dialect: str = "default") -> Path:
        """Save as CSV (``dialect="excel-de"`` for German Excel: ``;`` and decimal comma).

        The file starts with a few ``#`` lines (format, board, start time, units) that
        :func:`calliope_lib.load` reads back; pandas skips them with ``comment="#"``.
        """
        from calliope_lib.recording.writing import save_recording  # writing imports this module

        return save_recording(self, path, dialect=dialect)

    def plot(self, channels: Sequence[str] | None = None, **kwargs: Any) -> "Figure":
        """Draw the recording (matplotlib); see :func:`calliope_lib.plotting.plot_recording`."""
        from calliope_lib.plotting import plot_recording

        return plot_recording(self, channels=channels, **kwargs)

    def save_plot(self, path: str | Path, **kwargs: Any) -> Path:
        """Save the plot as PNG, PDF or SVG (by the file's ending)."""
        from calliope_lib.plotting import save_plot

        return save_plot(self, path, **kwargs)

    def to_pandas(self, form: str = "long") -> "pandas.DataFrame":
        """A pandas DataFrame: ``form="long"`` (time, channel, value) or ``"wide"``."""
        from calliope_lib.recording.table import to_pandas

        return to_pandas(self, form=form)
