"""One channel in the live view: min–max bins of the whole channel, its line, its numbers.

While a channel has fewer values than the axes have pixel columns, every value is kept and
drawn; beyond that only the minimum and maximum per pixel column (:class:`.MinMaxBins`).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from calliope_lib.plotting.decimate import MinMaxBins, break_at_gaps


class Trace:
    """One channel in the live view: its bins, its line and its latest-value texts."""

    def __init__(self, name: str, nbins: int, span: float) -> None:
        self.name = name
        self.bins = MinMaxBins(nbins, span)
        self.raw_t: list[np.ndarray] = []  # all values while they are fewer than the bins
        self.raw_v: list[np.ndarray] = []
        self.raw_n = 0
        self.lo = math.inf  # value range seen (finite values only)
        self.hi = -math.inf
        self.latest: float | None = None
        self.latest_t = 0.0
        self.line: Any = None
        self.band: Any = None
        self.spread = 0.0  # mean height of the min–max band (draw order)
        self.value_text: Any = None
        self.axis_index = 0

    def take(self, times: np.ndarray, values: np.ndarray) -> None:
        """New values of the channel (in time order), as the recording got them."""
        if len(times) == 0:
            return
        self.bins.add(times, values)
        if self.raw_n <= self.bins.nbins:
            self.raw_t.append(times)
            self.raw_v.append(values)
            self.raw_n += len(times)
        finite = values[np.isfinite(values)]
        if len(finite):
            self.lo = min(self.lo, float(finite.min()))
            self.hi = max(self.hi, float(finite.max()))
        self.latest = float(values[-1])
        self.latest_t = float(times[-1])

    @property
    def dense(self) -> bool:
        """More values than pixel columns: drawn as a min–max band instead of a line."""
        return self.raw_n > self.bins.nbins

    def points(self, gaps: Sequence[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
        """What to draw: every value while there are few, else the min–max bins."""
        if self.raw_n <= self.bins.nbins:
            if len(self.raw_t) > 1:  # keep one array each, not a growing list of pieces
                self.raw_t = [np.concatenate(self.raw_t)]
                self.raw_v = [np.concatenate(self.raw_v)]
            x = self.raw_t[0] if self.raw_t else np.empty(0)
            y = self.raw_v[0] if self.raw_v else np.empty(0)
        else:
            self.raw_t, self.raw_v = [], []
            x, y = self.bins.points()
        return break_at_gaps(x, y, gaps)
