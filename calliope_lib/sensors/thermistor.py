"""NTC thermistor: a resistor that gets smaller when it gets warmer.

Two ways to turn its resistance into a temperature:

* the **Beta equation** (one material constant ``B`` from the datasheet, e.g. 3950 K)::

      1/T = 1/T0 + ln(R/R0) / B          (T in kelvin, R0 at T0 = 25 °C)

* the **Steinhart–Hart equation** (three constants fitted to three measured points)::

      1/T = A + B·ln(R) + C·ln(R)³

The Beta equation is exact at 25 °C and at the second temperature the B value was measured at
(for a "B25/50" part: 50 °C), and drifts a little away from them. For the common 10 kΩ B3950
part (``tests/data/ntc_10k_b3950.csv``, Adafruit's published table) it stays within 0.5 °C from
11 °C to 50 °C but reads about 1.1 °C too warm at 0 °C (ice water!); Steinhart–Hart fitted at
0, 25 and 50 °C stays within 0.03 °C over the whole 0–50 °C range. For a room thermometer the
Beta equation is fine; for ice-water experiments fit Steinhart–Hart.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from calliope_lib.messages import t
from calliope_lib.sensors.base import RawLike, SensorParameterError, as_array, finite, give_back, positive
from calliope_lib.sensors.divider import DividerSensor, VoltageDivider, wiring_text
from calliope_lib.sensors.parts import ohms_text, resistor

#: 0 °C in kelvin.
KELVIN = 273.15


class Thermistor(DividerSensor):
    """An NTC thermistor in a voltage divider: raw pin value -> temperature in °C.

    Wiring (default ``wiring="to_ground"``, parts: NTC 10 kΩ B3950 and a 10 kΩ resistor)::

        3,3 V ── 10 kΩ (braun-schwarz-orange) ──┬── P1
                                                │
                                             NTC 10 kΩ
                                                │
                                               GND

    One leg of the resistor to 3.3 V, its other leg and one leg of the NTC to the pin (P1),
    the other leg of the NTC to GND. Warmer -> smaller NTC resistance -> smaller pin value.
    With this wiring ``ntc(700)`` is about 8.6 °C (Beta equation): 700/1023 of 3.3 V means the
    NTC has 21.7 kΩ, more than its 10 kΩ at 25 °C, so it is cold. (With the NTC on the 3.3 V
    side, ``wiring="to_supply"``, the same 700 would mean 4.6 kΩ, about 43 °C.)

    Example::

        >>> ntc = Thermistor(beta=3950, r_nominal=10_000, r_series=10_000)
        >>> round(ntc(700), 1), ntc.unit
        (8.6, '°C')
        >>> round(ntc.to_raw(25.0), 1)    # at 25 °C both resistors are equal: half of 1023
        511.5

    More accurate with three points from the datasheet (or your own measurements)::

        >>> precise = Thermistor.fit_steinhart_hart([(31_770, 0), (10_000, 25), (3_592, 50)])
        >>> round(precise(700), 1)
        7.9
    """

    unit = "°C"
    quantity = "temperatur"

    def __init__(
        self,
        beta: float = 3950,
        r_nominal: float = 10_000,
        r_series: float = 10_000,
        wiring: str = "to_ground",
        t_nominal: float = 25.0,
        *,
        coefficients: Sequence[float] | None = None,
    ) -> None:
        self.beta = positive("beta", beta)
        self.r_nominal = positive("r_nominal", r_nominal)
        self.t_nominal = finite("t_nominal", t_nominal)
        if self.t_nominal <= -KELVIN:
            raise SensorParameterError("sensor.too_cold", name="t_nominal", value=t_nominal)
        self.divider = VoltageDivider(r_series=r_series, wiring=wiring)
        if coefficients is None:
            self.model = "beta"
            # The Beta equation is Steinhart–Hart with C = 0: one formula for both.
            b = 1.0 / self.beta
            a = 1.0 / (self.t_nominal + KELVIN) - b * np.log(self.r_nominal)
            self.coefficients = (float(a), float(b), 0.0)
        else:
            a, b, c = (finite(name, v) for name, v in zip("ABC", coefficients))
            if b <= 0:
                raise SensorParameterError("sensor.sh_bad_fit")
            self.model = "steinhart-hart"
            self.coefficients = (a, b, c)
        self._seal()

    # --- construction from points -------------------------------------------------------------
    @classmethod
    def steinhart_hart(
        cls, a: float, b: float, c: float, r_series: float = 10_000, wiring: str = "to_ground"
    ) -> "Thermistor":
        """A thermistor described by Steinhart–Hart coefficients A, B, C (R in Ω, T in K)."""
        return cls(r_series=r_series, wiring=wiring, coefficients=(a, b, c))

    @classmethod
    def fit_steinhart_hart(
        cls,
        points: Iterable[tuple[float, float]],
        r_series: float = 10_000,
        wiring: str = "to_ground",
    ) -> "Thermistor":
        """Steinhart–Hart coefficients from (resistance in Ω, temperature in °C) pairs.

        Three pairs give the exact solution; more pairs a least-squares fit. Good points lie
        apart, e.g. ice water (0 °C), room (about 20 °C) and a warm hand or warm water (about
        35-50 °C), each resistance measured with a multimeter.

        >>> ntc = Thermistor.fit_steinhart_hart([(31_770, 0), (10_000, 25), (3_592, 50)])
        >>> round(ntc.temperature(10_000), 3)
        25.0
        """
        pairs = [(positive("R", r), finite("T", temp)) for r, temp in points]
        temps = {temp for _, temp in pairs}
        if len(pairs) < 3 or len(temps) < 3:
            raise SensorParameterError("sensor.sh_points", count=len(temps))
        for _, temp in pairs:
            if temp <= -KELVIN:
                raise SensorParameterError("sensor.too_cold", name="T", value=temp)
        log_r = np.log([r for r, _ in pairs])
        inv_t = 1.0 / (np.array([temp for _, temp in pairs]) + KELVIN)
        matrix = np.column_stack([np.ones_like(log_r), log_r, log_r**3])
        coeffs, *_ = np.linalg.lstsq(matrix, inv_t, rcond=None)
        a, b, c = (float(x) for x in coeffs)
        # An NTC's 1/T must rise with ln R over the fitted range, else the points are not an NTC
        # (swapped columns, kΩ mixed with Ω, a PTC...).
        span = np.linspace(log_r.min(), log_r.max(), 50)
        if b <= 0 or np.any(b + 3 * c * span**2 <= 0):
            raise SensorParameterError("sensor.sh_bad_fit")
        return cls(r_series=r_series, wiring=wiring, coefficients=(a, b, c))

    # --- the physics --------------------------------------------------------------------------
    def temperature(self, ohms: RawLike) -> Any:
        """Temperature in °C of the NTC at resistance ``ohms`` (NaN for R <= 0)."""
        arr = as_array(ohms)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = self._temperature(arr)
        return give_back(values, ohms)

    def _temperature(self, ohms: np.ndarray) -> np.ndarray:
        a, b, c = self.coefficients
        log_r = np.log(ohms)
        inv_t = a + b * log_r
        if c:
            inv_t = inv_t + c * log_r**3
        return 1.0 / inv_t - KELVIN

    def resistance(self, celsius: RawLike) -> Any:
        """The NTC's resistance in Ω at ``celsius`` (the inverse of :meth:`temperature`)."""
        arr = as_array(celsius)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            values = self._resistance(arr)
        return give_back(values, celsius)

    def _resistance(self, celsius: np.ndarray) -> np.ndarray:
        a, b, c = self.coefficients
        target = 1.0 / (celsius + KELVIN)
        log_r = (target - a) / b  # exact for the Beta equation (C = 0)
        if c:
            # Newton's method from the Beta-like guess; C is tiny, so a few steps reach
            # machine precision.
            for _ in range(8):
                f = a + b * log_r + c * log_r**3 - target
                log_r = log_r - f / (b + 3 * c * log_r**2)
        return np.where(celsius > -KELVIN, np.exp(log_r), np.nan)

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        return self._temperature(self.divider.ohms_from_raw(raw))

    def to_raw(self, quantity: RawLike) -> Any:
        """The raw value (unquantised, 0..1023) this thermistor gives at ``quantity`` °C."""
        arr = as_array(quantity)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            raw = self.divider.raw_from_resistance(self._resistance(arr))
        return give_back(raw, quantity)

    # --- description ----------------------------------------------------------------------------
    @property
    def parts(self) -> list[str]:
        if self.model == "beta":
            ntc = t("part.ntc_beta", ohms=ohms_text(self.r_nominal), beta=f"{self.beta:g}")
        else:
            ntc = t("part.ntc_steinhart_hart")
        return [ntc, resistor(self.r_series), t("part.wires")]

    def wiring_text(self, lang: str | None = None) -> str:
        """How to wire it, in one line (German by default)."""
        return wiring_text("NTC", self.r_series, self.wiring, lang)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "Thermistor", "model": self.model}
        if self.model == "beta":
            data.update(beta=self.beta, r_nominal=self.r_nominal, t_nominal=self.t_nominal)
        else:
            data["coefficients"] = list(self.coefficients)
        data.update(r_series=self.r_series, wiring=self.wiring)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Thermistor":
        if data.get("model") == "steinhart-hart":
            return cls(r_series=data["r_series"], wiring=data["wiring"],
                       coefficients=data["coefficients"])
        return cls(beta=data["beta"], r_nominal=data["r_nominal"], r_series=data["r_series"],
                   wiring=data["wiring"], t_nominal=data.get("t_nominal", 25.0))

