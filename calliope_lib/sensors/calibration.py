"""Calibration: a straight line from raw readings to the real value, fitted from your own data.

Any sensor can be calibrated against a reference: measure a few times with your sensor and at
the same moment with something you trust (the board's own thermometer, a kitchen thermometer,
ice water = 0 °C, a lux meter app), and draw the best straight line through the pairs::

    value = slope · raw + offset

Two points give the line exactly (:meth:`Calibration.two_point`, e.g. dry soil and wet soil);
more points give the best-fit line (:meth:`Calibration.fit`, least squares) together with how
well it fits: ``r_squared`` (1.0 = all points on the line) and ``residuals`` (how far each point
is from the line).

A calibration can be stored with a recording (``rec.metadata["calibrations"]``) and loaded back,
so the numbers a kid worked out survive saving the notebook's CSV file::

    >>> cal = Calibration.two_point((310, 0.0), (780, 100.0), unit="%")
    >>> cal(545)
    50.0
    >>> Calibration.from_dict(cal.to_dict())(545)
    50.0
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from calliope_lib.messages import t
from calliope_lib.sensors.base import ADC_MAX, Converted, RawLike, Sensor, SensorParameterError, as_array, finite
from calliope_lib.sensors.base import give_back, rails


class Calibration(Sensor):
    """A straight line ``value = slope · raw + offset`` with a unit, callable like a sensor.

    Wiring: whatever your sensor needs; the calibration only turns its numbers into values.

    ``raw=True`` (the default) means the inputs are raw pin values 0..1023: then exactly 0 and
    1023 (loose wire, short circuit) give NaN, like every other sensor. Use ``raw=False`` to
    calibrate numbers that are not pin values, for example thermistor °C against a reference
    thermometer (there 0 is a real temperature).

    ``limits=(low, high)`` clamps the result (the moisture probe uses 0..100 %); how many values
    were clamped by the last call is in ``.clamped``.

    Example (a kid's own thermistor readings against the board's thermometer)::

        >>> cal = Calibration.fit([400, 500, 600], [10.2, 19.8, 30.1], unit="°C")
        >>> round(cal.slope, 4), round(cal.offset, 2), round(cal.r_squared, 4)
        (0.0995, -29.72, 0.9996)
        >>> round(cal(550), 1)
        25.0
    """

    quantity = "wert"

    def __init__(
        self,
        slope: float,
        offset: float,
        unit: str = "",
        *,
        raw: bool = True,
        limits: tuple[float, float] | None = None,
        r_squared: float | None = None,
        residuals: Sequence[float] | None = None,
        points: Sequence[tuple[float, float]] | None = None,
        name: str = "",
    ) -> None:
        self.slope = finite("slope", slope)
        if self.slope == 0:
            raise SensorParameterError("sensor.same_points", raw="slope = 0")
        self.offset = finite("offset", offset)
        self.unit = str(unit)  # type: ignore[misc]  # an instance attribute here, not a ClassVar
        self.raw = bool(raw)
        self.limits = None if limits is None else (
            finite("limits[0]", limits[0]), finite("limits[1]", limits[1]))
        self.r_squared = None if r_squared is None else float(r_squared)
        self.residuals = None if residuals is None else np.asarray(residuals, dtype=float)
        self.points = None if points is None else [(float(x), float(y)) for x, y in points]
        self.name = str(name)
        #: how many results the most recent call clamped to ``limits`` (low, high)
        self.clamped = 0
        self.clamped_low = 0
        self.clamped_high = 0
        self._seal()

    # --- making calibrations ------------------------------------------------------------------
    @classmethod
    def two_point(
        cls,
        first: tuple[float, float],
        second: tuple[float, float],
        unit: str = "",
        *,
        raw: bool = True,
        limits: tuple[float, float] | None = None,
        name: str = "",
    ) -> "Calibration":
        """The line through two (raw, value) points, e.g. ``(310, 0.0)`` dry and ``(780, 100.0)``
        wet. Raises :class:`SensorParameterError` if both raw readings are equal."""
        x1, y1 = finite("raw", first[0]), finite("value", first[1])
        x2, y2 = finite("raw", second[0]), finite("value", second[1])
        if x1 == x2:
            raise SensorParameterError("sensor.same_points", raw=x1)
        slope = (y2 - y1) / (x2 - x1)
        return cls(slope, y1 - slope * x1, unit, raw=raw, limits=limits, r_squared=1.0,
                   residuals=[0.0, 0.0], points=[(x1, y1), (x2, y2)], name=name)

    @classmethod
    def fit(
        cls,
        raw_values: Iterable[float],
        reference_values: Iterable[float],
        unit: str = "",
        *,
        raw: bool = True,
        limits: tuple[float, float] | None = None,
        name: str = "",
    ) -> "Calibration":
        """The best-fit line (least squares) through pairs of readings and reference values.

        Pairs where either number is NaN are left out (a loose wire during one reading should
        not spoil the calibration); with ``raw=True`` so are raw readings of 0 or 1023.
        ``residuals`` are ``reference − line(raw)`` for the pairs used, in the given order.
        """
        x = as_array(list(raw_values) if not isinstance(raw_values, np.ndarray) else raw_values)
        y = as_array(
            list(reference_values) if not isinstance(reference_values, np.ndarray)
            else reference_values
        )
        x, y = np.ravel(x), np.ravel(y)
        if x.size != y.size:
            raise SensorParameterError("sensor.fit_lengths", raw=x.size, ref=y.size)
        keep = np.isfinite(x) & np.isfinite(y)
        if raw:
            low, high = rails(x)
            keep &= ~(low | high)
        x, y = x[keep], y[keep]
        if np.unique(x).size < 2:
            raise SensorParameterError("sensor.fit_too_few", count=int(np.unique(x).size))
        x_mean, y_mean = x.mean(), y.mean()
        dx = x - x_mean
        slope = float(np.dot(dx, y - y_mean) / np.dot(dx, dx))
        offset = float(y_mean - slope * x_mean)
        residuals = y - (slope * x + offset)
        ss_tot = float(np.dot(y - y_mean, y - y_mean))
        ss_res = float(np.dot(residuals, residuals))
        # All reference values equal: R² is undefined (nothing to explain); say so with NaN.
        r_squared = 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")
        return cls(slope, offset, unit, raw=raw, limits=limits, r_squared=r_squared,
                   residuals=residuals, points=list(zip(x.tolist(), y.tolist())), name=name)

    # --- using it -----------------------------------------------------------------------------
    def convert(self, raw: RawLike) -> Converted:
        arr = as_array(raw)
        if self.raw:
            return super().convert(arr)
        return self._finish(self.slope * arr + self.offset, 0, 0)

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        return self.line(raw)

    def line(self, raw: np.ndarray) -> np.ndarray:
        """The straight line alone, ``slope · raw + offset``, on a float array: no rails, no
        clamping. For sensors built on a calibration (the moisture probe).

        >>> Calibration.two_point((300, 0.0), (700, 100.0)).line(np.array([500.0]))
        array([50.])
        """
        return self.slope * raw + self.offset

    def _clamp(self, values: np.ndarray) -> tuple[np.ndarray, int, int]:
        if self.limits is None:
            return values, 0, 0
        lo, hi = min(self.limits), max(self.limits)
        low = values < lo
        high = values > hi
        return np.clip(values, lo, hi), int(np.count_nonzero(low)), int(np.count_nonzero(high))

    def _finish(self, values: np.ndarray, at_zero: int, at_max: int) -> Converted:
        return self.clamp_to_limits(values, at_zero, at_max)

    def clamp_to_limits(self, values: np.ndarray, at_zero: int = 0, at_max: int = 0) -> Converted:
        """The last step of :meth:`convert`: clamp ``values`` to ``limits`` and count how many
        were below / above (``clamped_low``, ``clamped_high``, also kept on the calibration).
        ``at_zero``/``at_max``: raw readings at the rails, counted by the caller.

        >>> done = Calibration.two_point((300, 0.0), (700, 100.0), limits=(0, 100)).clamp_to_limits(
        ...     np.array([-5.0, 50.0, 120.0]))
        >>> done.values, done.clamped_low, done.clamped_high
        (array([  0.,  50., 100.]), 1, 1)
        """
        values, low, high = self._clamp(values)
        self.clamped_low, self.clamped_high = low, high
        self.clamped = low + high
        return Converted(values, at_zero, at_max, low, high)

    def to_raw(self, quantity: RawLike) -> Any:
        """The reading that gives ``quantity`` (the line solved for raw; clipped to 0..1023 when
        ``raw=True``)."""
        arr = as_array(quantity)
        values = (arr - self.offset) / self.slope
        if self.raw:
            values = np.clip(values, 0.0, float(ADC_MAX))
        return give_back(values, quantity)

    # --- storing ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data: store it in ``rec.metadata["calibrations"][name]``."""
        return {
            "type": "Calibration",
            "slope": self.slope,
            "offset": self.offset,
            "unit": self.unit,
            "raw": self.raw,
            "limits": None if self.limits is None else list(self.limits),
            "r_squared": (
                None if self.r_squared is None or not np.isfinite(self.r_squared)
                else self.r_squared
            ),
            "residuals": None if self.residuals is None else self.residuals.tolist(),
            "points": None if self.points is None else [list(p) for p in self.points],
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Calibration":
        """The calibration stored by :meth:`to_dict` (e.g. read back from a recording)."""
        limits = data.get("limits")
        return cls(
            data["slope"],
            data["offset"],
            data.get("unit", ""),
            raw=data.get("raw", True),
            limits=None if limits is None else (limits[0], limits[1]),
            r_squared=data.get("r_squared"),
            residuals=data.get("residuals"),
            points=data.get("points"),
            name=data.get("name", ""),
        )

    def __repr__(self) -> str:
        sign = "−" if self.offset < 0 else "+"
        text = f"Calibration: Wert = {self.slope:.4g} · Rohwert {sign} {abs(self.offset):.4g}"
        if self.unit:
            text += f" ({self.unit})"
        if self.r_squared is not None and np.isfinite(self.r_squared) and self.points and len(
            self.points
        ) > 2:
            text += f", R² = {self.r_squared:.4f}"
        if self.limits is not None:
            text += f", begrenzt auf {min(self.limits):g}..{max(self.limits):g}"
        return text

    def warn_if_clamped(self) -> str | None:
        """A sentence about values clamped by the last call, or ``None``."""
        if not self.clamped or self.limits is None:
            return None
        return t("sensor.clamped_warn", count=self.clamped, lo=f"{min(self.limits):g}",
                 hi=f"{max(self.limits):g}", unit=self.unit)
