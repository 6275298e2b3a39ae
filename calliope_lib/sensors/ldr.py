"""Light-dependent resistor (LDR, Fotowiderstand): the brighter, the smaller its resistance.

An LDR follows a power law over several decades of light::

    R = R10 · (E / 10 lx)^(−γ)      so      E = 10 lx · (R10 / R)^(1/γ)

``R10`` is the resistance at 10 lux, ``γ`` (gamma) the slope in a log-log plot. For the common
GL5528 the datasheet gives R10 = 10..20 kΩ and γ ≈ 0.7; the defaults below (15 kΩ, 0.7) sit in
the middle, so the lux values are **approximate** -- good for "brighter/darker" and for
comparing, a factor of about 1.5 off for absolute lux. Calibrate against a lux meter (or a phone
app) with :meth:`LightSensor.from_reading` for better numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calliope_lib.messages import t
from calliope_lib.sensors.base import RawLike, as_array, give_back, positive
from calliope_lib.sensors.divider import DividerSensor, VoltageDivider, wiring_text
from calliope_lib.sensors.parts import ohms_text, resistor

#: Reference illuminance of ``r10`` in lux.
E_REF = 10.0


class LightSensor(DividerSensor):
    """A light-dependent resistor (e.g. GL5528) in a divider: raw pin value -> lux (approx.).

    Wiring (default ``wiring="to_supply"``, parts: LDR GL5528 and a 10 kΩ resistor)::

        3,3 V ── LDR (GL5528) ──┬── P1
                                │
                   10 kΩ (braun-schwarz-orange)
                                │
                               GND

    One leg of the LDR to 3.3 V, its other leg and one leg of the resistor to the pin (P1), the
    other leg of the resistor to GND. An LDR has no plus or minus: either way round works.
    Brighter -> smaller LDR resistance -> bigger pin value, which is what kids expect.

    Example::

        >>> ldr = LightSensor()            # GL5528: R10 = 15 kΩ, gamma = 0.7 (approximate)
        >>> round(ldr(900)), ldr.unit      # a lit classroom
        (306, 'lx')
        >>> round(ldr.to_raw(10))          # at 10 lx the LDR has 15 kΩ
        409
    """

    unit = "lx"
    quantity = "licht"

    def __init__(
        self,
        r10: float = 15_000,
        gamma: float = 0.7,
        r_series: float = 10_000,
        wiring: str = "to_supply",
    ) -> None:
        self.r10 = positive("r10", r10)
        self.gamma = positive("gamma", gamma)
        self.divider = VoltageDivider(r_series=r_series, wiring=wiring)
        self._seal()

    @classmethod
    def from_reading(
        cls,
        raw: float,
        lux: float,
        gamma: float = 0.7,
        r_series: float = 10_000,
        wiring: str = "to_supply",
    ) -> "LightSensor":
        """An LDR calibrated at one known brightness (``lux`` from a lux meter at ``raw``)."""
        divider = VoltageDivider(r_series=r_series, wiring=wiring)
        ohms = divider(raw)
        lux = positive("lux", lux)
        gamma = positive("gamma", gamma)
        # R10 = R · (E / 10 lx)^γ  (the power law solved for R10)
        r10 = positive("R", ohms) * (lux / E_REF) ** gamma
        return cls(r10=r10, gamma=gamma, r_series=r_series, wiring=wiring)

    def lux(self, ohms: RawLike) -> Any:
        """Illuminance in lux at LDR resistance ``ohms``."""
        arr = as_array(ohms)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return give_back(self._lux(arr), ohms)

    def _lux(self, ohms: np.ndarray) -> np.ndarray:
        return E_REF * (self.r10 / ohms) ** (1.0 / self.gamma)

    def resistance(self, lux: RawLike) -> Any:
        """The LDR's resistance in Ω at ``lux`` (infinite in total darkness)."""
        arr = as_array(lux)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return give_back(self._resistance(arr), lux)

    def _resistance(self, lux: np.ndarray) -> np.ndarray:
        return self.r10 * (lux / E_REF) ** (-self.gamma)

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        return self._lux(self.divider.ohms_from_raw(raw))

    def to_raw(self, quantity: RawLike) -> Any:
        """The raw value (unquantised, 0..1023) at ``quantity`` lux."""
        arr = as_array(quantity)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ohms = np.where(arr > 0, self._resistance(np.where(arr > 0, arr, 1.0)), np.inf)
            raw = self.divider.raw_from_resistance(np.where(np.isnan(arr), np.nan, ohms))
        return give_back(raw, quantity)

    @property
    def parts(self) -> list[str]:
        return [t("part.ldr", ohms=ohms_text(self.r10)), resistor(self.r_series), t("part.wires")]

    def wiring_text(self, lang: str | None = None) -> str:
        """How to wire it, in one line (German by default)."""
        return wiring_text("LDR", self.r_series, self.wiring, lang)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "LightSensor", "r10": self.r10, "gamma": self.gamma,
                "r_series": self.r_series, "wiring": self.wiring}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LightSensor":
        return cls(r10=data["r10"], gamma=data["gamma"], r_series=data["r_series"],
                   wiring=data["wiring"])


#: Short name used on worksheets: an LDR *is* a light sensor.
LDR = LightSensor
