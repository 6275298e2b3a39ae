"""Min–max decimation: a million values drawn as a few thousand without losing a peak.

A screen shows at most one column of pixels per horizontal position. For each column the
line drawn through *all* values covers exactly the range from the smallest to the largest
value that falls into that column. Drawing just those two values per column gives the same
picture as drawing everything, in a fraction of the time: a short spike stays visible, as
it would not with "every 100th value".

:class:`MinMaxBins` does this *incrementally* for a recording that grows: each new value
lands in its time bin (a pixel column or half of one); when the recording outgrows the bins,
neighbouring bins merge pairwise (bin width doubles), which needs only the bins, never the
old values. Every frame therefore costs time proportional to the values that are new since
the last frame plus the number of bins, however long the recording already is.

Pure numpy, no matplotlib:

>>> import numpy as np
>>> bins = MinMaxBins(nbins=4, span=4.0)
>>> bins.add(np.array([0.1, 0.5, 1.2, 3.9]), np.array([1.0, 5.0, 2.0, 3.0]))
>>> x, y = bins.points()
>>> x.tolist(), y.tolist()
([0.5, 0.5, 1.5, 1.5, 3.5, 3.5], [1.0, 5.0, 2.0, 2.0, 3.0, 3.0])
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


class MinMaxBins:
    """Minimum and maximum (and the first and last value) per time bin, for a growing series.

    ``nbins`` bins of equal width cover ``[0, span)`` seconds at first; values beyond that
    make the bins merge pairwise until they fit. Times before 0 count into the first bin.
    """

    def __init__(self, nbins: int, span: float) -> None:
        if nbins < 2:
            raise ValueError("nbins must be >= 2")
        self.nbins = nbins + (nbins % 2)  # even, so that bins merge in pairs
        self.width = max(float(span), 1e-9) / self.nbins
        self.lo = np.full(self.nbins, np.nan)
        self.hi = np.full(self.nbins, np.nan)
        self.first = np.full(self.nbins, np.nan)
        self.last = np.full(self.nbins, np.nan)
        self.count = np.zeros(self.nbins, dtype=np.int64)
        #: how many values went in so far
        self.total = 0

    @property
    def span(self) -> float:
        """Seconds the bins cover now (``nbins * width``)."""
        return self.nbins * self.width

    def _merge(self) -> None:
        """Halve the resolution: bins 2k and 2k+1 become bin k, the upper half empties."""
        half = self.nbins // 2
        c0, c1 = self.count[0::2], self.count[1::2]
        with np.errstate(invalid="ignore"):
            lo = np.fmin(self.lo[0::2], self.lo[1::2])
            hi = np.fmax(self.hi[0::2], self.hi[1::2])
        first = np.where(c0 > 0, self.first[0::2], self.first[1::2])
        last = np.where(c1 > 0, self.last[1::2], self.last[0::2])
        for array, merged, empty in ((self.lo, lo, np.nan), (self.hi, hi, np.nan),
                                     (self.first, first, np.nan), (self.last, last, np.nan)):
            array[:half] = merged
            array[half:] = empty
        count = c0 + c1
        self.count[:half] = count
        self.count[half:] = 0
        self.width *= 2.0

    def add(self, times: np.ndarray, values: np.ndarray) -> None:
        """Put new values (in time order, as a recording delivers them) into their bins."""
        n = len(times)
        if n == 0:
            return
        times = np.asarray(times, dtype=float)
        values = np.asarray(values, dtype=float)
        latest = float(np.nanmax(times))
        while latest >= self.span:
            self._merge()
        idx = (times / self.width).astype(np.int64)
        np.clip(idx, 0, self.nbins - 1, out=idx)
        # Runs of equal bins (one run per bin when times increase): reduce each run at once.
        change = np.flatnonzero(idx[1:] != idx[:-1]) + 1
        starts = np.concatenate(([0], change))
        ends = np.concatenate((change, [n])) - 1
        bins = idx[starts]
        with np.errstate(invalid="ignore"):
            run_lo = np.fmin.reduceat(values, starts)
            run_hi = np.fmax.reduceat(values, starts)
            # ufunc.at copes with a bin appearing in two runs (times not in order).
            np.fmin.at(self.lo, bins, run_lo)
            np.fmax.at(self.hi, bins, run_hi)
        empty = self.count[bins] == 0
        self.first[bins[empty]] = values[starts[empty]]
        self.last[bins] = values[ends]
        np.add.at(self.count, bins, ends - starts + 1)
        self.total += n

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` to draw: two points per non-empty bin, at the bin's centre.

        The two points are the bin's minimum and maximum in the order the signal went
        (rising: min then max), so the connecting lines between bins follow the signal.
        """
        nz = np.flatnonzero(self.count)
        centres = (nz + 0.5) * self.width
        lo, hi = self.lo[nz], self.hi[nz]
        rising = self.last[nz] >= self.first[nz]
        y = np.empty(2 * len(nz))
        y[0::2] = np.where(rising, lo, hi)
        y[1::2] = np.where(rising, hi, lo)
        return np.repeat(centres, 2), y


    def envelope(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(centres, lo, hi)`` of the bins that hold finite values, for drawing a band."""
        keep = np.flatnonzero((self.count > 0) & np.isfinite(self.lo) & np.isfinite(self.hi))
        return (keep + 0.5) * self.width, self.lo[keep], self.hi[keep]


def band_path(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, pad: float, half_width: float,
              gaps: Sequence[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and codes of a filled band from ``lo - pad`` to ``hi + pad``, broken at gaps.

    Filling this band looks like drawing the min–max line with a pen ``2 * pad`` thick, but
    a filled shape is several times faster to draw than a thick zig-zag line through a
    thousand columns. Returns ``(vertices, codes)`` for :class:`matplotlib.path.Path`
    (codes: 1 = move to, 2 = line to, 79 = close).
    """
    if len(x) == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.uint8)
    cuts = [0]
    if gaps:
        middles = np.sort(np.array([(a + b) / 2 for a, b in gaps], dtype=float))
        cuts += [int(i) for i in np.searchsorted(x, middles) if 0 < i < len(x)]
    cuts.append(len(x))
    verts, codes = [], []
    for start, stop in zip(cuts[:-1], cuts[1:]):
        if stop <= start:
            continue
        xs = x[start:stop].copy()
        xs[0] -= half_width  # a lone bin still gets its width
        xs[-1] += half_width
        top = np.column_stack((xs, hi[start:stop] + pad))
        bottom = np.column_stack((xs[::-1], lo[start:stop][::-1] - pad))
        ring = np.concatenate((top, bottom, top[:1]))
        ring_codes = np.full(len(ring), 2, dtype=np.uint8)
        ring_codes[0] = 1
        ring_codes[-1] = 79
        verts.append(ring)
        codes.append(ring_codes)
    if not verts:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.uint8)
    return np.concatenate(verts), np.concatenate(codes)


def break_at_gaps(x: np.ndarray, y: np.ndarray, gaps: Sequence[tuple[float, float]],
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Insert a NaN point in each gap, so the line breaks there.

    matplotlib does not draw a line through NaN: an unplugged cable shows as a break, not as
    a straight line pretending there were values.

    >>> x, y = break_at_gaps(np.array([0., 1., 5., 6.]), np.array([1., 2., 3., 4.]), [(1.5, 4.5)])
    >>> x.tolist()
    [0.0, 1.0, 3.0, 5.0, 6.0]
    """
    if not gaps or len(x) == 0:
        return x, y
    # The middle of each gap: decimated points sit at bin centres, which may lie a little
    # inside the gap, but never in its middle unless the gap is narrower than a pixel.
    middles = np.array(sorted((start + end) / 2 for start, end in gaps), dtype=float)
    # Only gaps that lie between values matter (a gap at the very end breaks nothing).
    middles = middles[(middles > x[0]) & (middles < x[-1])] if len(x) > 1 else middles[:0]
    if len(middles) == 0:
        return x, y
    where = np.searchsorted(x, middles, side="right")
    return np.insert(x, where, middles), np.insert(y, where, np.nan)


def minmax(times: np.ndarray, values: np.ndarray, nbins: int) -> tuple[np.ndarray, np.ndarray]:
    """Decimate a whole series at once to about ``2 * nbins`` points (for static plots)."""
    if len(times) <= 2 * nbins:
        return np.asarray(times, dtype=float), np.asarray(values, dtype=float)
    t0 = float(np.nanmin(times))
    span = float(np.nanmax(times)) - t0
    bins = MinMaxBins(nbins, span * (1 + 1e-9) + 1e-12)
    bins.add(np.asarray(times, dtype=float) - t0, values)
    x, y = bins.points()
    return x + t0, y
