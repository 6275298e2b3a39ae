"""The voltage divider: how a resistance becomes a number on an analog pin.

Most DIY sensors are resistors that change with the world (warmth, light, wet soil). The pin
cannot measure a resistance, only a voltage. So the sensor goes in series with a fixed,
known resistor between 3.3 V and GND; the pin sits in the middle and sees a share of 3.3 V::

    to_ground (sensor on the GND side)      to_supply (sensor on the 3.3 V side)

        3.3 V ──┐                               3.3 V ──┐
               [R] fester Widerstand                   [S] Sensor
        Pin ────┤                               Pin ────┤
               [S] Sensor                              [R] fester Widerstand
          GND ──┘                                 GND ──┘

    raw/1023 = S / (R + S)                  raw/1023 = R / (R + S)
    S = R · raw / (1023 − raw)              S = R · (1023 − raw) / raw

The supply voltage cancels out: the pin's converter measures against the same 3.3 V that feeds
the divider ("ratiometric"), so a weak battery does not change the result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calliope_lib.messages import t
from calliope_lib.sensors.base import ADC_MAX, V_SUPPLY, RawLike, Sensor, SensorParameterError, as_array, clip_raw
from calliope_lib.sensors.base import give_back, positive
from calliope_lib.sensors.parts import ohms_text, resistor

WIRINGS = ("to_ground", "to_supply")


def check_wiring(wiring: str) -> str:
    if wiring not in WIRINGS:
        raise SensorParameterError("sensor.bad_wiring", value=wiring)
    return wiring


class VoltageDivider(Sensor):
    """Raw pin value -> pin voltage and the sensor's resistance in Ω.

    Wiring (``wiring="to_ground"``, the default): the fixed resistor ``r_series`` from 3.3 V to
    the pin, the sensor from the pin to GND. ``wiring="to_supply"``: the sensor from 3.3 V to the
    pin, the fixed resistor from the pin to GND.

    Calling the divider gives the sensor's resistance (unit ``"Ω"``); ``voltage(raw)`` gives the
    pin voltage in volts.

    >>> d = VoltageDivider(r_series=10_000)
    >>> round(d(512))          # the middle: sensor and fixed resistor are equal
    10020
    >>> round(d.voltage(512), 2)
    1.65
    """

    unit = "Ω"
    quantity = "widerstand"

    def __init__(
        self, r_series: float = 10_000, wiring: str = "to_ground", v_supply: float = V_SUPPLY
    ) -> None:
        self.r_series = positive("r_series", r_series)
        self.wiring = check_wiring(wiring)
        self.v_supply = positive("v_supply", v_supply)
        self._seal()

    # --- raw <-> voltage ------------------------------------------------------------------
    def voltage(self, raw: RawLike) -> Any:
        """Pin voltage in V (``raw / 1023 · 3.3``); no NaN here, a voltage is always defined."""
        arr = as_array(raw)
        return give_back(arr / ADC_MAX * self.v_supply, raw)

    def raw_from_voltage(self, volts: RawLike) -> Any:
        """The raw value for a pin voltage (unquantised, clipped to 0..1023)."""
        arr = as_array(volts)
        return give_back(clip_raw(arr / self.v_supply * ADC_MAX), volts)

    # --- raw <-> resistance ---------------------------------------------------------------
    def resistance(self, raw: RawLike) -> Any:
        """The sensor's resistance in Ω (NaN at 0 and 1023: open or short circuit)."""
        return self(raw)

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        return self.ohms_from_raw(raw)

    def ohms_from_raw(self, raw: np.ndarray) -> np.ndarray:
        """The divider formula alone: the sensor's resistance in Ω for a float array of raw
        values strictly between 0 and 1023 (no checks, no NaN for the rails).

        For sensors built on a divider (NTC, LDR), which have already set the rails aside;
        for a kid's own raw readings use :meth:`resistance`.

        >>> VoltageDivider(r_series=10_000).ohms_from_raw(np.array([341.0]))
        array([5000.])
        """
        # raw is already free of 0/1023 here (Sensor.convert replaced them), so no division by 0.
        if self.wiring == "to_ground":
            return self.r_series * raw / (ADC_MAX - raw)
        return self.r_series * (ADC_MAX - raw) / raw

    def raw_from_resistance(self, ohms: RawLike) -> Any:
        """The raw value a sensor of ``ohms`` gives (unquantised float, clipped to 0..1023)."""
        arr = as_array(ohms)
        return give_back(self._raw(arr), ohms)

    def _raw(self, ohms: np.ndarray) -> np.ndarray:
        # The arrays-only half of raw_from_resistance (public callers go through that one).
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.wiring == "to_ground":
                share = ohms / (self.r_series + ohms)
            else:
                share = self.r_series / (self.r_series + ohms)
        # An infinite resistance (open circuit) gives the rail; inf/inf is NaN, so fix it up.
        open_value = 1.0 if self.wiring == "to_ground" else 0.0
        share = np.where(np.isposinf(ohms), open_value, share)
        return clip_raw(share * ADC_MAX)

    def to_raw(self, quantity: RawLike) -> Any:
        return self.raw_from_resistance(quantity)

    @property
    def parts(self) -> list[str]:
        return [resistor(self.r_series)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "VoltageDivider",
            "r_series": self.r_series,
            "wiring": self.wiring,
            "v_supply": self.v_supply,
        }


def wiring_text(sensor_name: str, r_series: float, wiring: str, lang: str | None = None) -> str:
    """The three wires of a divider sensor in words, for docstrings and worksheets.

    ``wiring`` is ``"to_ground"`` (sensor between pin and GND) or ``"to_supply"`` (sensor
    between 3.3 V and pin).

    >>> wiring_text("LDR", 10_000, "to_ground", lang="en")
    '3.3 V -> resistor 10 kΩ -> pin (e.g. P1) -> LDR -> GND'
    """
    key = "wiring.to_ground" if wiring == "to_ground" else "wiring.to_supply"
    return t(key, lang, ohms=ohms_text(r_series, lang), sensor=sensor_name)


class DividerSensor(Sensor):
    """A sensor whose resistance is read through a voltage divider (``self.divider``).

    The thermistor and the light sensor are both "a resistor that changes, beside a fixed
    one": they keep a :class:`VoltageDivider` and show its fixed resistor and wiring as their
    own.
    """

    divider: VoltageDivider

    @property
    def r_series(self) -> float:
        """The fixed resistor of the divider, in Ω."""
        return self.divider.r_series

    @property
    def wiring(self) -> str:
        """``"to_ground"`` (the sensor between pin and GND) or ``"to_supply"``."""
        return self.divider.wiring
