"""Solar cell: how much power does the sun give us, and how much energy over a day?

A small solar panel drives a current through a known load resistor. The pin measures the
voltage ``U`` across it, and from that::

    P = U² / R_load            (power in the resistor, shown in mW)
    E = ∫ P dt                 (energy, in mWh: summed with the trapezoidal rule)

A panel's open-circuit voltage can exceed the 3.3 V a pin can take. Then a voltage divider (two
resistors) brings it down: the pin sees ``U · r_bottom / (r_top + r_bottom)``.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from calliope_lib.messages import t
from calliope_lib.sensors.base import ADC_MAX, V_SUPPLY, RawLike, Sensor, SensorParameterError, as_array, clip_raw
from calliope_lib.sensors.base import give_back, positive
from calliope_lib.sensors.parts import ohms_text, resistor

_POWER_UNITS = {"mW": 1.0, "W": 1000.0, "µW": 1e-3, "uW": 1e-3}


class SolarCell(Sensor):
    """A small solar panel with a load resistor: raw pin value -> power in mW.

    Wiring without divider (panel up to 3.3 V, e.g. a 2 V / 100 mA mini panel; parts: the
    panel and a 100 Ω resistor)::

        Solarzelle + ──┬── P1
                       │
              100 Ω (braun-schwarz-braun)
                       │
        Solarzelle − ──┴── GND

    The resistor sits between the panel's two wires; panel + also goes to the pin, panel − to
    GND. Wiring with divider (``divider=(r_top, r_bottom)``, for panels above 3.3 V): panel + ->
    r_top -> pin -> r_bottom -> GND, and the load resistor still directly across the panel.

    In the dark the pin reads 0, and that is a real measurement (0 mW), not a loose wire.
    A reading of 1023 means the voltage is above what the pin can measure: NaN (use a divider).

    Example::

        >>> solar = SolarCell(r_load=100)
        >>> round(solar(620), 1), solar.unit     # 2.0 V across 100 Ω
        (40.0, 'mW')
        >>> round(solar.voltage(620), 2), round(solar.current(620), 1)   # V, mA
        (2.0, 20.0)
    """

    unit = "mW"
    quantity = "leistung"
    zero_is_valid = True

    def __init__(
        self,
        r_load: float = 100,
        divider: tuple[float, float] | None = None,
        v_supply: float = V_SUPPLY,
        panel: str = "2 V / 100 mA",
    ) -> None:
        self.r_load = positive("r_load", r_load)
        if divider is None:
            self.divider = None
        else:
            r_top = positive("r_top", divider[0], allow_zero=True)
            r_bottom = positive("r_bottom", divider[1])
            if r_top + r_bottom < 20 * self.r_load:
                raise SensorParameterError(
                    "sensor.divider_too_small", r_top=r_top, r_bottom=r_bottom,
                    r_load=self.r_load)
            self.divider = (r_top, r_bottom)
        self.v_supply = positive("v_supply", v_supply)
        self.panel = str(panel)
        self._seal()

    @property
    def factor(self) -> float:
        """Panel voltage per pin voltage (1 without divider)."""
        if self.divider is None:
            return 1.0
        r_top, r_bottom = self.divider
        return (r_top + r_bottom) / r_bottom

    @property
    def max_voltage(self) -> float:
        """The highest panel voltage this wiring can measure (in V)."""
        return self.v_supply * self.factor

    def voltage(self, raw: RawLike) -> Any:
        """The panel voltage in V (NaN at 1023: more than the pin can measure)."""
        arr = as_array(raw)
        values = self._voltage(arr)
        values = np.where((arr < 0) | (arr >= ADC_MAX) | np.isnan(arr), np.nan, values)
        return give_back(values, raw)

    def _voltage(self, raw: np.ndarray) -> np.ndarray:
        return raw / ADC_MAX * self.v_supply * self.factor

    def current(self, raw: RawLike) -> Any:
        """The current through the load resistor in mA."""
        volts = as_array(self.voltage(raw))
        return give_back(volts / self.r_load * 1000.0, raw)

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        volts = self._voltage(raw)
        return volts * volts / self.r_load * 1000.0

    def to_raw(self, quantity: RawLike) -> Any:
        """The raw value (unquantised, 0..1023) at a load power of ``quantity`` mW."""
        arr = as_array(quantity)
        with np.errstate(invalid="ignore"):
            volts = np.sqrt(np.clip(arr, 0.0, None) / 1000.0 * self.r_load)
        raw = clip_raw(volts / self.factor / self.v_supply * ADC_MAX)
        return give_back(np.where(np.isnan(arr), np.nan, raw), quantity)

    @property
    def parts(self) -> list[str]:
        items = [t("part.solar_panel", panel=self.panel),
                 t("part.solar_load", resistor=resistor(self.r_load))]
        if self.divider is not None:
            r_top, r_bottom = self.divider
            items.append(t("part.solar_divider", top=resistor(r_top), bottom=resistor(r_bottom)))
        items.append(t("part.wires"))
        return items

    def wiring_text(self, lang: str | None = None) -> str:
        """How to wire it, in one line (German by default)."""
        load = ohms_text(self.r_load, lang)
        if self.divider is None:
            return t("wiring.solar", lang, load=load)
        top, bottom = (ohms_text(r, lang) for r in self.divider)
        return t("wiring.solar_divider", lang, load=load, top=top, bottom=bottom)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "SolarCell", "r_load": self.r_load,
                "divider": None if self.divider is None else list(self.divider),
                "v_supply": self.v_supply, "panel": self.panel}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SolarCell":
        divider = data.get("divider")
        return cls(r_load=data["r_load"], divider=None if divider is None else tuple(divider),
                   v_supply=data.get("v_supply", V_SUPPLY), panel=data.get("panel", "2 V / 100 mA"))


def energy_mwh(
    channel_or_times_values: Any,
    values: Iterable[float] | None = None,
    *,
    gaps: Sequence[tuple[float, float]] | None = None,
    unit: str | None = None,
) -> float:
    """Energy in mWh from power readings over time (trapezoidal rule), skipping gaps.

    Pass a recording and a channel name (``energy_mwh(rec, "p1_leistung")``: the recording's
    gaps are respected automatically), a channel (``rec["p1_leistung"]``: times in s, values in
    mW; pass ``gaps=rec.gaps``), ``times, values`` (two sequences), or a ``(times, values)``
    pair. ``gaps`` are
    ``(start_s, end_s)`` intervals without data (``rec.gaps``: the board was unplugged); no
    energy is counted across them, nor next to NaN values -- guessing what happened while
    nobody measured would be made-up data.

    >>> energy_mwh([0, 1800, 3600], [40.0, 40.0, 40.0])   # 40 mW for one hour
    40.0
    >>> energy_mwh([0, 1800, 3600], [40.0, 40.0, 40.0], gaps=[(1900, 2000)])  # half lost
    20.0
    """
    data_unit: str | None = unit
    if isinstance(values, str) and hasattr(channel_or_times_values, "gaps"):
        rec = channel_or_times_values
        if gaps is None:
            gaps = rec.gaps
        channel_or_times_values, values = rec[values], None
    if values is not None:
        times = channel_or_times_values
    elif hasattr(channel_or_times_values, "times") and hasattr(channel_or_times_values, "values"):
        times = channel_or_times_values.times
        values = channel_or_times_values.values
        if data_unit is None:
            data_unit = getattr(channel_or_times_values, "unit", None)
        if gaps is None:
            gaps = getattr(channel_or_times_values, "gaps", None)
    elif isinstance(channel_or_times_values, (tuple, list)) and len(channel_or_times_values) == 2:
        times, values = channel_or_times_values
    else:
        raise SensorParameterError("sensor.energy_input")
    if data_unit is None:
        data_unit = "mW"
    if data_unit not in _POWER_UNITS:
        raise SensorParameterError("sensor.energy_unit", unit=data_unit)
    t = np.ravel(as_array(times))
    p = np.ravel(as_array(values)) * _POWER_UNITS[data_unit]
    if t.size != p.size:
        raise SensorParameterError("sensor.fit_lengths", raw=t.size, ref=p.size)
    if t.size < 2:
        return 0.0
    order = np.argsort(t, kind="stable")
    t, p = t[order], p[order]
    start, end = t[:-1], t[1:]
    usable = np.isfinite(p[:-1]) & np.isfinite(p[1:]) & np.isfinite(start) & np.isfinite(end)
    usable &= end > start
    for gap_start, gap_end in gaps or ():
        # An interval overlapping a gap had no measurements for part of it: leave it out.
        usable &= ~((start < gap_end) & (end > gap_start))
    with np.errstate(invalid="ignore"):
        pieces = 0.5 * (p[:-1] + p[1:]) * (end - start)
    return float(np.sum(pieces[usable]) / 3600.0)
