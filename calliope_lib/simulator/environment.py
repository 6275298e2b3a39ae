"""The simulated world around a simulated board: air, light, soil, sun.

Every quantity is a smooth, deterministic function of the simulated time ``t`` (seconds since
the board started) plus seeded noise, so a recording of the simulated board looks like a
real one and repeats exactly for the same seed.

>>> env = Environment(seed=1)
>>> 15 < env.room_temperature(0.0) < 26
True

The sensors module reverses real sensor physics on these quantities to give the raw pin
values a DIY sensor would produce (``calliope_lib.simulator.pins``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

#: The Calliope's temperature sensor sits in the processor and reads warmer than the air.
DIE_OFFSET_C = 3.0

DAY_S = 24 * 3600.0


@dataclass
class Environment:
    """Slowly changing physical quantities, all deterministic for one ``seed``.

    ``start_hour`` is the simulated time of day at ``t = 0`` (the solar cell and the light
    follow the sun). Quantities:

    * ``room_temperature(t)`` in °C: around 21 °C, drifting by about ±1 °C over minutes.
    * ``illuminance(t)`` in lux: a lit classroom (~300 lx) with slow clouds, daylight outside.
    * ``soil_moisture(t)`` in % (volumetric-ish, 0 = dry, 100 = in water): a pot watered at
      ``t = 0`` that dries over days.
    * ``irradiance(t)`` in W/m²: sunshine on a solar cell, a clear day with clouds.
    """

    seed: int = 0
    start_hour: float = 10.0
    base_temperature: float = 21.0
    _phases: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        # Random phases make each seed's "weather" different but smooth.
        self._phases = [rng.uniform(0, 2 * math.pi) for _ in range(8)]
        self.base_temperature += rng.uniform(-2.0, 2.0)

    def _wiggle(self, t: float, period: float, index: int) -> float:
        return math.sin(2 * math.pi * t / period + self._phases[index])

    def hour_of_day(self, t: float) -> float:
        """Simulated clock time in hours (0..24) at ``t``."""
        return (self.start_hour + t / 3600.0) % 24.0

    def room_temperature(self, t: float) -> float:
        """Air temperature in °C."""
        return (
            self.base_temperature
            + 0.8 * self._wiggle(t, 900.0, 0)
            + 0.3 * self._wiggle(t, 173.0, 1)
        )

    def sun_elevation_factor(self, t: float) -> float:
        """0 at night, 1 at noon: a simple sine day from 6:00 to 20:00."""
        hour = self.hour_of_day(t)
        if hour < 6.0 or hour > 20.0:
            return 0.0
        return math.sin(math.pi * (hour - 6.0) / 14.0)

    def cloudiness(self, t: float) -> float:
        """0 (clear) .. 0.8 (thick clouds), changing over tens of minutes."""
        c = 0.5 + 0.5 * self._wiggle(t, 2400.0, 2) * self._wiggle(t, 1100.0, 3)
        return max(0.0, min(0.8, 0.8 * c))

    def irradiance(self, t: float) -> float:
        """Sunlight on a solar cell facing the sun, in W/m² (about 1000 at a clear noon)."""
        return 1000.0 * self.sun_elevation_factor(t) * (1.0 - self.cloudiness(t))

    def illuminance(self, t: float) -> float:
        """Light on the sensor in lux: classroom lamps plus daylight through the window."""
        lamps = 300.0
        daylight = 120.0 * self.irradiance(t) / 10.0  # ~12,000 lx near a sunny window
        return lamps * (1.0 + 0.05 * self._wiggle(t, 60.0, 4)) + 0.05 * daylight

    def soil_moisture(self, t: float) -> float:
        """Soil moisture in % after watering at ``t = 0``: dries by evaporation, faster by day."""
        days = t / DAY_S
        return 10.0 + 75.0 * math.exp(-days / 2.5) + 1.5 * self._wiggle(t, DAY_S, 5)

    def sound_level(self, t: float) -> float:
        """Classroom noise on the 0..255 scale of the board's microphone."""
        return 60.0 + 25.0 * max(0.0, self._wiggle(t, 37.0, 6)) + 10.0 * self._wiggle(t, 5.0, 7)
