"""Soil moisture with two nails: wet soil conducts, dry soil hardly does.

Two galvanised nails (or two stripped wires) stuck into the pot a finger apart form a resistor
whose value depends on how much water is between them -- and also on the soil, the salt in it,
the nails and their distance. So there is no formula from resistance to moisture: you
**calibrate** it. Read the pin once in dry soil and once in freshly watered soil; these two
readings become 0 % and 100 %, and everything in between is a straight line.

Values drier than your "dry" reading or wetter than your "wet" reading are clamped to 0 % and
100 %. The probe counts how often that happened (``probe.clamped``), and a recording converted
with it says so in its notes: many clamped values mean the calibration should be redone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calliope_lib.messages import t
from calliope_lib.sensors.base import Converted, RawLike, Sensor, SensorParameterError, finite, positive
from calliope_lib.sensors.calibration import Calibration
from calliope_lib.sensors.divider import VoltageDivider, check_wiring, wiring_text
from calliope_lib.sensors.parts import resistor


class MoistureProbe(Sensor):
    """A two-nail soil moisture probe: raw pin value -> moisture in % (0 = dry, 100 = wet).

    Wiring (parts: two nails about 5 cm long, a 10 kΩ resistor, 3 wires)::

        3,3 V ── Nagel 1  ~~ Erde ~~  Nagel 2 ──┬── P1
                                                │
                               10 kΩ (braun-schwarz-orange)
                                                │
                                               GND

    One nail to 3.3 V, the other nail and one leg of the resistor to the pin (P1), the other
    leg of the resistor to GND. Wetter soil -> smaller resistance between the nails -> bigger
    pin value. Nails in air (or a loose wire) give 0: NaN, not "0 % moisture".

    Tip: the current makes the nails rust. Measure every few minutes, not all the time, or
    power the nails from a pin that you switch on only for the reading.

    Example::

        >>> probe = MoistureProbe(dry=310, wet=780)   # your two calibration readings
        >>> probe(545), probe.unit
        (50.0, '%')
        >>> probe([200, 900]).tolist(), probe.clamped  # drier than dry, wetter than wet
        ([0.0, 100.0], 2)
    """

    unit = "%"
    quantity = "feuchte"

    def __init__(
        self,
        dry: float = 310,
        wet: float = 780,
        r_series: float = 10_000,
        wiring: str = "to_supply",
    ) -> None:
        self.dry = finite("dry", dry)
        self.wet = finite("wet", wet)
        if self.dry == self.wet:
            raise SensorParameterError("sensor.same_points", raw=self.dry)
        self.r_series = positive("r_series", r_series)
        self.wiring = check_wiring(wiring)
        self.calibration = Calibration.two_point(
            (self.dry, 0.0), (self.wet, 100.0), unit="%", limits=(0.0, 100.0)
        )
        #: how many results of the most recent call were clamped to 0 % or 100 %
        self.clamped = 0
        self.clamped_low = 0
        self.clamped_high = 0
        self._seal()

    # The probe is a two-point calibration (dry -> 0 %, wet -> 100 %) clamped to 0..100 %:
    # the two steps of Sensor.convert hand over to that calibration.
    def _convert(self, raw: np.ndarray) -> np.ndarray:
        return self.calibration.line(raw)

    def _finish(self, values: np.ndarray, at_zero: int, at_max: int) -> Converted:
        done = self.calibration.clamp_to_limits(values, at_zero, at_max)
        self.clamped_low, self.clamped_high = done.clamped_low, done.clamped_high
        self.clamped = done.clamped_low + done.clamped_high
        return done

    def to_raw(self, quantity: RawLike) -> Any:
        """The raw value (unquantised, 0..1023) at ``quantity`` % moisture (a straight line
        through the dry and wet readings, continued beyond them)."""
        return self.calibration.to_raw(quantity)

    def resistance(self, raw: RawLike) -> Any:
        """The resistance between the nails in Ω (for the curious: it is not linear in %)."""
        return VoltageDivider(self.r_series, self.wiring)(raw)

    @property
    def parts(self) -> list[str]:
        return [t("part.nails"), resistor(self.r_series), t("part.wires"), t("part.flower_pot")]

    def wiring_text(self, lang: str | None = None) -> str:
        """How to wire it, in one line (German by default)."""
        return wiring_text(t("wiring.nail_probe", lang), self.r_series, self.wiring, lang)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "MoistureProbe", "dry": self.dry, "wet": self.wet,
                "r_series": self.r_series, "wiring": self.wiring}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MoistureProbe":
        return cls(dry=data["dry"], wet=data["wet"], r_series=data.get("r_series", 10_000),
                   wiring=data.get("wiring", "to_supply"))
