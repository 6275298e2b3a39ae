"""DIY sensors on the simulated board's pins: the simulated world, run backwards through physics.

``sim://?p1=thermistor`` wires a simulated NTC thermistor to P1. The simulator asks
``PIN_SENSORS["thermistor"](env, t)`` for the *unquantised* raw value at simulated time ``t``
and adds noise and the 10-bit rounding itself. The chain for the thermistor is::

    room temperature (°C) -> NTC resistance (Beta equation) -> divider -> pin voltage -> raw

using exactly the default sensor objects of :mod:`calliope_lib.sensors`, so converting the
recorded pin channel with the same default sensor gives the simulated quantity back (within the
quantisation and noise)::

    >>> from calliope_lib.simulator.environment import Environment
    >>> env = Environment(seed=1)
    >>> raw = PIN_SENSORS["thermistor"](env, 0.0)
    >>> abs(DEFAULT_SENSORS["thermistor"](raw) - env.room_temperature(0.0)) < 1e-9
    True

Names: ``thermistor`` (alias ``ntc``), ``ldr`` (alias ``light``), ``moisture`` (alias
``feuchte``), ``solar``. ``QUANTITIES[name](env, t)`` gives the true simulated quantity in the
sensor's unit (°C, lx, %, mW), which tests and teachers' answer keys compare against.
"""

from __future__ import annotations

import math
from typing import Callable

from calliope_lib.sensors import LightSensor, MoistureProbe, SolarCell, Thermistor
from calliope_lib.sensors.base import Sensor
from calliope_lib.simulator.environment import Environment

#: The parts on the simulated breadboard: the same defaults as on the worksheets.
DEFAULT_SENSORS: dict[str, Sensor] = {
    "thermistor": Thermistor(),       # NTC 10 kΩ B3950, 10 kΩ from 3.3 V to the pin
    "ldr": LightSensor(),             # GL5528 from 3.3 V to the pin, 10 kΩ to GND
    "moisture": MoistureProbe(),      # two nails, dry = 310, wet = 780, 10 kΩ to GND
    "solar": SolarCell(),             # 2 V / 100 mA mini panel across 100 Ω, no divider
}

#: Mini panel of the worksheets: short-circuit current at 1000 W/m² and open-circuit voltage.
PANEL_ISC_A = 0.100
PANEL_VOC_V = 2.0


def panel_voltage(irradiance: float, r_load: float = 100.0) -> float:
    """Voltage in V of the 2 V / 100 mA mini panel across ``r_load`` at ``irradiance`` W/m².

    An approximate panel model (good enough to look real, not a datasheet): the panel is a
    current source proportional to the light (100 mA at 1000 W/m²) whose voltage cannot exceed
    its open-circuit voltage, which falls slowly (logarithmically) in weak light. A smooth
    ``tanh`` joins the two regimes: ``U = Voc · tanh(Isc · R / Voc)``.
    """
    if irradiance <= 0.0:
        return 0.0
    isc = PANEL_ISC_A * irradiance / 1000.0
    voc = PANEL_VOC_V * max(0.05, 1.0 + 0.06 * math.log(irradiance / 1000.0))
    return voc * math.tanh(isc * r_load / voc)


def panel_power_mw(irradiance: float, r_load: float = 100.0) -> float:
    """Power in mW the mini panel delivers into ``r_load`` at ``irradiance`` W/m²."""
    volts = panel_voltage(irradiance, r_load)
    return volts * volts / r_load * 1000.0


def _thermistor(env: Environment, t: float) -> float:
    return DEFAULT_SENSORS["thermistor"].to_raw(env.room_temperature(t))


def _ldr(env: Environment, t: float) -> float:
    return DEFAULT_SENSORS["ldr"].to_raw(env.illuminance(t))


def _moisture(env: Environment, t: float) -> float:
    return DEFAULT_SENSORS["moisture"].to_raw(env.soil_moisture(t))


def _solar_power(env: Environment, t: float) -> float:
    solar = DEFAULT_SENSORS["solar"]
    return panel_power_mw(env.irradiance(t), solar.r_load)  # type: ignore[attr-defined]


def _solar(env: Environment, t: float) -> float:
    return DEFAULT_SENSORS["solar"].to_raw(_solar_power(env, t))


#: sensor name (as in ``sim://?p1=thermistor``) -> unquantised raw 0..1023 at time t
PIN_SENSORS: dict[str, Callable[[Environment, float], float]] = {
    "thermistor": _thermistor,
    "ntc": _thermistor,
    "ldr": _ldr,
    "light": _ldr,
    "moisture": _moisture,
    "feuchte": _moisture,
    "solar": _solar,
}

#: sensor name -> the true simulated quantity in the sensor's unit (°C, lx, %, mW)
QUANTITIES: dict[str, Callable[[Environment, float], float]] = {
    "thermistor": lambda env, t: env.room_temperature(t),
    "ntc": lambda env, t: env.room_temperature(t),
    "ldr": lambda env, t: env.illuminance(t),
    "light": lambda env, t: env.illuminance(t),
    # the probe reports 0..100 %; the soil itself never leaves that range in the simulation
    "moisture": lambda env, t: min(100.0, max(0.0, env.soil_moisture(t))),
    "feuchte": lambda env, t: min(100.0, max(0.0, env.soil_moisture(t))),
    "solar": _solar_power,
}


def sensor_for(name: str) -> Sensor:
    """The default sensor object behind a pin name: convert the recorded pin with it."""
    canonical = {"ntc": "thermistor", "light": "ldr", "feuchte": "moisture"}.get(name, name)
    return DEFAULT_SENSORS[canonical]
