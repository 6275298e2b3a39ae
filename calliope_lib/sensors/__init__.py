"""DIY sensors: turn raw pin numbers (0..1023) into degrees, lux, percent and milliwatts.

Every sensor is a callable ``raw -> value`` with a ``unit``, works on single numbers and on
whole numpy arrays, and knows the way back (``to_raw``) for the simulated board::

    >>> from calliope_lib.sensors import Thermistor, Calibration
    >>> ntc = Thermistor(beta=3950, r_nominal=10_000, r_series=10_000, wiring="to_ground")
    >>> round(ntc(700), 1), ntc.unit
    (8.6, '°C')
    >>> cal = Calibration.two_point((310, 0.0), (780, 100.0), unit="%")
    >>> cal(545)
    50.0

With a recording: ``rec.convert("p1", ntc, name="temperatur_ntc")`` adds a channel in °C and
keeps the raw one.

=====================  ============================================  =======
sensor                 parts (defaults)                              unit
=====================  ============================================  =======
:class:`Thermistor`    NTC 10 kΩ B3950 + 10 kΩ to 3.3 V              °C
:class:`LightSensor`   LDR GL5528 (to 3.3 V) + 10 kΩ to GND          lx
:class:`MoistureProbe` two nails (to 3.3 V) + 10 kΩ to GND           %
:class:`SolarCell`     mini panel 2 V / 100 mA + 100 Ω load          mW
:class:`Calibration`   your own reference readings                   any
:class:`VoltageDivider` any resistive sensor + known resistor        Ω
=====================  ============================================  =======
"""

from __future__ import annotations

from calliope_lib.sensors.base import ADC_MAX, V_SUPPLY, Converted, Sensor, SensorParameterError
from calliope_lib.sensors.calibration import Calibration
from calliope_lib.sensors.convert import (
    convert_channel,
    load_calibration,
    save_calibration,
    sensor_from_dict,
)
from calliope_lib.sensors.divider import VoltageDivider
from calliope_lib.sensors.ldr import LDR, LightSensor
from calliope_lib.sensors.moisture import MoistureProbe
from calliope_lib.sensors.parts import band_digits, color_bands, ohms_text, resistor, resistor_bands
from calliope_lib.sensors.solar import SolarCell, energy_mwh
from calliope_lib.sensors.thermistor import Thermistor

__all__ = [
    "ADC_MAX",
    "Calibration",
    "Converted",
    "LDR",
    "LightSensor",
    "MoistureProbe",
    "Sensor",
    "SensorParameterError",
    "SolarCell",
    "Thermistor",
    "V_SUPPLY",
    "VoltageDivider",
    "band_digits",
    "color_bands",
    "convert_channel",
    "energy_mwh",
    "load_calibration",
    "ohms_text",
    "resistor",
    "resistor_bands",
    "save_calibration",
    "sensor_from_dict",
]
