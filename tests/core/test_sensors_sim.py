"""The simulated board's DIY sensors: world -> raw -> quantised -> back to the world.

Property: quantise the simulated raw reading to 10 bits the way the simulator does (round,
clip to 0..1023); converting it back with the default sensor gives the simulated quantity within
the quantisation error, i.e. between what the sensor reads at raw - 0.5 and raw + 0.5.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calliope_lib.sensors import LightSensor, MoistureProbe, SolarCell, Thermistor
from calliope_lib.simulator.environment import DAY_S, Environment
from calliope_lib.simulator.pins import (
    DEFAULT_SENSORS,
    PIN_SENSORS,
    QUANTITIES,
    panel_power_mw,
    sensor_for,
)

NAMES = ["thermistor", "ldr", "moisture", "solar"]


def quantise(raw: float, noise: float = 0.0) -> float:
    """10-bit rounding as the simulator does it (simulator/board.py: round, then clip)."""
    return float(min(1023, max(0, round(raw + noise))))


def bounds(sensor, raw: float) -> tuple[float, float]:
    """The quantity range the sensor maps raw ± 0.5 to (the quantisation error)."""
    ends = [sensor(min(1022.999, max(0.0, raw + d))) for d in (-0.5, 0.5)]
    return min(ends), max(ends)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    seed=st.integers(0, 10_000),
    t=st.floats(0.0, 7 * DAY_S, allow_nan=False),
)
def test_quantised_readings_recover_the_simulated_quantity(name, seed, t):
    env = Environment(seed=seed)
    sensor = sensor_for(name)
    raw = PIN_SENSORS[name](env, t)
    truth = QUANTITIES[name](env, t)
    assert 0.0 <= raw <= 1023.0
    # unquantised: the sensor is the exact inverse of to_raw
    assert sensor(raw) == pytest.approx(truth, rel=1e-9, abs=1e-9)
    back = sensor(quantise(raw))
    assert not math.isnan(back), (name, raw)
    lo, hi = bounds(sensor, raw)
    tol = 1e-9 * max(1.0, abs(truth))
    assert lo - tol <= truth <= hi + tol
    assert lo - tol <= back <= hi + tol
    assert abs(back - truth) <= (hi - lo) + tol


@settings(max_examples=100, deadline=None)
@given(celsius=st.floats(-20.0, 80.0), r_series=st.sampled_from([4_700, 10_000, 22_000]),
       wiring=st.sampled_from(["to_ground", "to_supply"]))
def test_thermistor_round_trip_within_quantisation(celsius, r_series, wiring):
    ntc = Thermistor(r_series=r_series, wiring=wiring)
    raw = ntc.to_raw(celsius)
    assert ntc(raw) == pytest.approx(celsius, abs=1e-7)
    lo, hi = bounds(ntc, raw)
    assert lo - 1e-9 <= ntc(quantise(raw)) <= hi + 1e-9


@settings(max_examples=100, deadline=None)
@given(lux=st.floats(0.5, 20_000.0))
def test_ldr_round_trip_within_quantisation(lux):
    ldr = LightSensor()
    raw = ldr.to_raw(lux)
    assert ldr(raw) == pytest.approx(lux, rel=1e-9)
    lo, hi = bounds(ldr, raw)
    assert lo * (1 - 1e-9) <= ldr(quantise(raw)) <= hi * (1 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(percent=st.floats(0.0, 100.0), power=st.floats(0.0, 100.0))
def test_moisture_and_solar_round_trip(percent, power):
    probe, solar = MoistureProbe(), SolarCell()
    assert probe(probe.to_raw(percent)) == pytest.approx(percent, abs=1e-9)
    # moisture is linear: the quantisation error is half a step of 100/470 %
    assert abs(probe(quantise(probe.to_raw(percent))) - percent) <= 0.5 * 100 / 470 + 1e-9
    raw = solar.to_raw(power)
    assert solar(raw) == pytest.approx(power, abs=1e-9)
    lo, hi = bounds(solar, raw)
    assert lo - 1e-9 <= solar(quantise(raw)) <= hi + 1e-9


def test_noisy_readings_still_close():
    """With the simulator's noise (0.7 · triangular, at most about ±1.7 raw) a room
    temperature still comes back within 0.2 °C: the thermistor is about 0.1 °C per raw step."""
    env = Environment(seed=7)
    ntc = DEFAULT_SENSORS["thermistor"]
    rng = np.random.default_rng(7)
    for t in np.linspace(0, 3600, 50):
        raw = quantise(PIN_SENSORS["thermistor"](env, t), noise=rng.uniform(-1.7, 1.7))
        assert abs(ntc(raw) - env.room_temperature(t)) < 0.2


def test_world_shapes_look_real():
    env = Environment(seed=2, start_hour=0.0)
    solar_night = PIN_SENSORS["solar"](env, 2 * 3600.0)  # 2 o'clock at night
    solar_noon = PIN_SENSORS["solar"](env, 13 * 3600.0)
    assert solar_night == 0.0 and sensor_for("solar")(solar_night) == 0.0
    assert solar_noon > 100
    moisture = [sensor_for("moisture")(PIN_SENSORS["moisture"](env, d * DAY_S)) for d in (0, 2, 6)]
    assert moisture[0] > moisture[1] > moisture[2]  # the pot dries over days
    assert panel_power_mw(1000.0) == pytest.approx(40.0, abs=0.1)  # 2 V across 100 Ω
    assert panel_power_mw(0.0) == 0.0
    assert set(PIN_SENSORS) >= {"thermistor", "ldr", "moisture", "solar"}


def test_simulated_board_end_to_end():
    """Through the real simulated board (protocol, transport, Recording): a thermistor on P1
    reads the air temperature, which is the board's own die temperature minus its offset."""
    import calliope_lib as cl
    from calliope_lib.simulator.environment import DIE_OFFSET_C

    with cl.connect("sim://?seed=5&speed=60&p1=thermistor&p2=solar") as board:
        rec = board.record(["p1", "p2", "temperature"], seconds=6, every=0.5)
    rec.convert("p1", Thermistor(), name="ntc")
    rec.convert("p2", SolarCell())
    air_from_die = np.nanmean(rec["temperature"].values) - DIE_OFFSET_C
    ntc = rec["ntc"].values
    assert len(ntc) >= 10 and np.isfinite(ntc).all()
    assert abs(np.mean(ntc) - air_from_die) < 0.5
    assert rec.unit("p2_leistung") == "mW" and np.all(rec["p2_leistung"].values >= 0)
