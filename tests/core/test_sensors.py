"""DIY sensor physics: divider, thermistor (against a published table), LDR, moisture, solar.

The numbers in these tests are worked out by hand from the formulas in the module docstrings,
or come from the published NTC table in tests/data, never from the code under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from calliope_lib.errors import CalliopeError, InvalidParameter
from calliope_lib.sensors import (
    LDR,
    LightSensor,
    MoistureProbe,
    SensorParameterError,
    SolarCell,
    Thermistor,
    VoltageDivider,
    color_bands,
    energy_mwh,
    ohms_text,
    resistor,
)

TABLE = Path(__file__).parent / "data" / "ntc_10k_b3950.csv"


def load_table() -> tuple[np.ndarray, np.ndarray]:
    """(temperature °C, resistance Ω) rows of the published 10 kΩ B3950 table."""
    rows = [
        line.strip().split(",")
        for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and not line.startswith("temperature")
    ]
    temps = np.array([float(t) for t, _ in rows])
    ohms = np.array([float(r) * 1000.0 for _, r in rows])
    return temps, ohms


# --- voltage divider --------------------------------------------------------------------------
def test_divider_both_wirings_by_hand():
    low = VoltageDivider(r_series=10_000, wiring="to_ground")
    high = VoltageDivider(r_series=10_000, wiring="to_supply")
    # raw 341 = one third of 1023: sensor on the GND side has half of R, on the supply side 2 R
    assert low(341) == pytest.approx(10_000 * 341 / 682)
    assert low(341) == pytest.approx(5_000)
    assert high(341) == pytest.approx(20_000)
    assert low.voltage(1023) == pytest.approx(3.3)
    assert low.voltage(0) == 0.0


def test_divider_round_trip_and_open_circuit():
    d = VoltageDivider(4_700, "to_supply")
    ohms = np.array([10.0, 470.0, 4_700.0, 47_000.0, 1e6])
    assert d(d.to_raw(ohms)) == pytest.approx(ohms, rel=1e-9)
    assert d.to_raw(math.inf) == 0.0  # sensor open on the supply side: pin pulled to GND
    assert VoltageDivider(wiring="to_ground").to_raw(math.inf) == 1023.0


@pytest.mark.parametrize("raw", [0, 1023, -5, 2000, float("nan")])
def test_rail_values_give_nan_never_raise(raw):
    for sensor in (VoltageDivider(), Thermistor(), LightSensor(), MoistureProbe()):
        assert math.isnan(sensor(raw)), (sensor, raw)


def test_arrays_and_lists_keep_shape_and_mark_rails():
    ntc = Thermistor()
    raw = np.array([[0, 700], [511.5, 1023]])
    out = ntc(raw)
    assert out.shape == (2, 2)
    assert np.isnan(out[0, 0]) and np.isnan(out[1, 1])
    assert out[1, 0] == pytest.approx(25.0)
    assert isinstance(ntc(700), float)  # a kid sees 8.55..., not np.float64(8.55...)
    listed = ntc([700, 0, "kaputt", None])
    assert listed[0] == pytest.approx(ntc(700)) and np.isnan(listed[1:]).all()
    report = ntc.convert([0, 1023, 1023, 500])
    assert (report.at_zero, report.at_max, report.unplugged) == (1, 2, 3)


# --- thermistor -------------------------------------------------------------------------------
def test_thermistor_700_is_about_8_6_with_ntc_to_ground():
    ntc = Thermistor(beta=3950, r_nominal=10_000, r_series=10_000, wiring="to_ground")
    # by hand: R = 10k·700/323 = 21.67 kΩ; 1/T = 1/298.15 + ln(2.167)/3950 -> 281.70 K
    assert ntc(700) == pytest.approx(8.554, abs=0.005)
    assert ntc.unit == "°C"
    # the other wiring reads the same number as a warm 43.5 °C (NTC = 4.61 kΩ)
    assert Thermistor(wiring="to_supply")(700) == pytest.approx(43.48, abs=0.01)


def test_thermistor_warmer_means_smaller_raw_to_ground():
    ntc = Thermistor()
    temps = np.linspace(-10, 60, 15)
    raws = ntc.to_raw(temps)
    assert np.all(np.diff(raws) < 0)
    assert ntc.to_raw(25.0) == pytest.approx(511.5)


def test_beta_equation_against_published_table():
    temps, ohms = load_table()
    ntc = Thermistor()
    mid = (temps >= 11) & (temps <= 50)
    assert np.max(np.abs(ntc.temperature(ohms[mid]) - temps[mid])) < 0.5
    # Honest about its limit: near 0 °C the Beta equation reads about 1.1 °C too warm.
    assert ntc.temperature(31_770) == pytest.approx(1.07, abs=0.05)


def test_steinhart_hart_fit_matches_table_within_half_a_degree_0_to_50():
    temps, ohms = load_table()
    pick = {t: r for t, r in zip(temps, ohms)}
    ntc = Thermistor.fit_steinhart_hart([(pick[0], 0.0), (pick[25], 25.0), (pick[50], 50.0)])
    assert ntc.model == "steinhart-hart"
    span = (temps >= 0) & (temps <= 50)
    error = np.abs(ntc.temperature(ohms[span]) - temps[span])
    assert error.max() < 0.5
    assert error.max() < 0.05  # in fact much better
    # the three fitted points are reproduced exactly
    assert ntc.temperature([pick[0], pick[25], pick[50]]) == pytest.approx([0, 25, 50], abs=1e-9)


def test_steinhart_hart_least_squares_from_many_points_and_inverse():
    temps, ohms = load_table()
    span = (temps >= -10) & (temps <= 60)
    ntc = Thermistor.fit_steinhart_hart(zip(ohms[span], temps[span]))
    assert np.max(np.abs(ntc.temperature(ohms[span]) - temps[span])) < 0.15
    celsius = np.array([-5.0, 0.0, 12.3, 37.0, 55.5])
    assert ntc.temperature(ntc.resistance(celsius)) == pytest.approx(celsius, abs=1e-9)
    assert ntc(ntc.to_raw(celsius)) == pytest.approx(celsius, abs=1e-6)


def test_steinhart_hart_known_coefficients():
    # Coefficients computed by hand from the Beta equation: A = 1/T0 - ln(R0)/B, B' = 1/B, C=0
    a = 1 / 298.15 - math.log(10_000) / 3950
    sh = Thermistor.steinhart_hart(a, 1 / 3950, 0.0)
    assert sh(700) == pytest.approx(Thermistor()(700), abs=1e-9)


def test_steinhart_hart_rejects_bad_points():
    with pytest.raises(SensorParameterError):
        Thermistor.fit_steinhart_hart([(10_000, 25), (5_000, 40)])  # only two
    with pytest.raises(SensorParameterError):
        Thermistor.fit_steinhart_hart([(10_000, 25), (10_000, 25), (9_000, 25)])  # one temp
    with pytest.raises(SensorParameterError):  # resistance rising with temperature: not NTC
        Thermistor.fit_steinhart_hart([(3_592, 0), (10_000, 25), (31_770, 50)])


# --- LDR --------------------------------------------------------------------------------------
def test_ldr_power_law_by_hand():
    ldr = LightSensor(r10=15_000, gamma=0.7, r_series=10_000, wiring="to_supply")
    assert LDR is LightSensor
    assert ldr.unit == "lx"
    # at 10 lx the LDR has R10 = 15 kΩ: raw = 1023 · 10k / 25k = 409.2
    assert ldr.to_raw(10.0) == pytest.approx(409.2)
    assert ldr(409.2) == pytest.approx(10.0)
    # 100 lx: R = 15k · 10^-0.7 = 2993 Ω
    assert ldr.resistance(100.0) == pytest.approx(15_000 * 10**-0.7)
    assert ldr(ldr.to_raw(100.0)) == pytest.approx(100.0)
    assert ldr.to_raw(0.0) == 0.0  # total darkness: the LDR is open, the pin at GND
    # brighter -> bigger raw
    assert np.all(np.diff(ldr.to_raw(np.array([1, 10, 100, 1000, 10_000]))) > 0)


def test_ldr_from_one_reading():
    true = LightSensor(r10=12_000, gamma=0.7)
    raw = true.to_raw(300.0)
    fitted = LightSensor.from_reading(raw, 300.0, gamma=0.7)
    assert fitted.r10 == pytest.approx(12_000)
    assert fitted(true.to_raw(50.0)) == pytest.approx(50.0)


# --- moisture ---------------------------------------------------------------------------------
def test_moisture_two_point_clamps_and_counts():
    probe = MoistureProbe(dry=310, wet=780)
    assert probe(545) == 50.0
    assert probe(310) == 0.0 and probe(780) == 100.0
    out = probe(np.array([100, 310, 545, 780, 1000, 0]))
    assert out[:5].tolist() == [0.0, 0.0, 50.0, 100.0, 100.0]
    assert np.isnan(out[5])  # nails in the air / loose wire, not "0 % moisture"
    assert probe.clamped == 2 and probe.clamped_low == 1 and probe.clamped_high == 1
    report = probe.convert([200, 900, 900, 0])
    assert (report.clamped_low, report.clamped_high, report.at_zero) == (1, 2, 1)
    probe(545)
    assert probe.clamped == 0  # counts belong to the latest call
    assert probe.to_raw(50.0) == pytest.approx(545.0)


def test_moisture_reversed_wiring_still_works():
    # probe on the GND side: wetter means *smaller* raw; the calibration handles the sign
    probe = MoistureProbe(dry=800, wet=300, wiring="to_ground")
    assert probe(550) == pytest.approx(50.0)
    assert probe(900) == 0.0 and probe.clamped == 1


# --- solar ------------------------------------------------------------------------------------
def test_solar_power_by_hand():
    solar = SolarCell(r_load=100)
    # raw 620 -> 620/1023·3.3 = 2.0 V -> 2² / 100 Ω = 40 mW, 20 mA
    assert solar(620) == pytest.approx(40.0, abs=0.05)
    assert solar.current(620) == pytest.approx(20.0, abs=0.02)
    assert solar.unit == "mW"
    assert solar(0) == 0.0  # darkness is a measurement
    assert math.isnan(solar(1023))  # over range: unknown voltage
    assert solar(solar.to_raw(12.5)) == pytest.approx(12.5)


def test_solar_divider_scales_voltage():
    solar = SolarCell(r_load=100, divider=(10_000, 10_000))
    # pin 1.65 V (raw 511.5) = panel 3.3 V -> 3.3²/100 = 108.9 mW
    assert solar.voltage(511.5) == pytest.approx(3.3)
    assert solar(511.5) == pytest.approx(108.9)
    assert solar.max_voltage == pytest.approx(6.6)
    with pytest.raises(SensorParameterError):
        SolarCell(r_load=100, divider=(100, 100))  # loads the panel as much as the load


def test_energy_trapezoidal_and_gaps():
    times = np.array([0.0, 600.0, 1200.0, 1800.0, 2400.0, 3000.0, 3600.0])
    power = np.full(7, 60.0)
    assert energy_mwh(times, power) == pytest.approx(60.0)  # 60 mW for 1 h
    ramp = np.array([0.0, 3600.0]), np.array([0.0, 100.0])
    assert energy_mwh(ramp) == pytest.approx(50.0)  # triangle: half of 100 mW·h
    # a gap from 1000 s to 1300 s removes the two 600 s intervals that touch it
    assert energy_mwh(times, power, gaps=[(1000.0, 1300.0)]) == pytest.approx(40.0)
    with_nan = power.copy()
    with_nan[3] = np.nan
    assert energy_mwh(times, with_nan) == pytest.approx(40.0)
    assert energy_mwh(times, power / 1000.0, unit="W") == pytest.approx(60.0)
    assert energy_mwh([0.0], [5.0]) == 0.0


def test_energy_refuses_raw_units():
    class Raw:  # any object with times/values/unit, like a Recording's Channel
        times = np.array([0.0, 1.0])
        values = np.array([500.0, 500.0])
        unit = ""

    with pytest.raises(SensorParameterError) as info:
        energy_mwh(Raw())
    assert "SolarCell" in info.value.text("en")


# --- bad parameters ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: Thermistor(r_series=-10_000),
        lambda: Thermistor(beta=0),
        lambda: Thermistor(r_nominal=float("nan")),
        lambda: Thermistor(wiring="upside_down"),
        lambda: VoltageDivider(r_series="zehn"),
        lambda: LightSensor(gamma=-0.7),
        lambda: MoistureProbe(dry=500, wet=500),
        lambda: SolarCell(r_load=0),
    ],
)
def test_bad_parameters_raise_project_value_errors(make):
    with pytest.raises(SensorParameterError) as info:
        make()
    err = info.value
    assert isinstance(err, InvalidParameter) and isinstance(err, CalliopeError)
    assert isinstance(err, ValueError)
    german, english = err.text("de"), err.text("en")
    assert german and english and german != english


def test_typo_in_setting_is_refused():
    ntc = Thermistor()
    with pytest.raises(AttributeError, match="beat"):
        ntc.beat = 3980  # type: ignore[attr-defined]
    ntc.beta = 3980  # real settings can still be changed
    assert ntc.beta == 3980


# --- descriptions for worksheets --------------------------------------------------------------
def test_parts_and_colour_codes(monkeypatch):
    monkeypatch.setenv("CALLIOPE_LANG", "de")
    assert color_bands(10_000) == "braun-schwarz-orange"
    assert color_bands(100) == "braun-schwarz-braun"
    assert color_bands(4_700) == "gelb-violett-rot"
    assert color_bands(220) == "rot-rot-braun"
    assert ohms_text(4_700) == "4,7 kΩ"
    assert ohms_text(100, lang="en") == "100 Ω"
    assert resistor(10_000, lang="en") == "Resistor 10 kΩ (brown-black-orange)"
    assert "NTC-Thermistor 10 kΩ, B = 3950 K" in Thermistor().parts
    assert any("GL5528" in p for p in LightSensor().parts)
    assert any("100 Ω" in p for p in SolarCell().parts)
    assert Thermistor().wiring_text() == "3,3 V -> Widerstand 10 kΩ -> Pin (z. B. P1) -> NTC -> GND"


def test_every_sensor_documents_wiring_and_example():
    for cls in (Thermistor, LightSensor, MoistureProbe, SolarCell, VoltageDivider):
        doc = cls.__doc__ or ""
        assert "GND" in doc and ">>>" in doc, cls


def test_docstring_examples_run(monkeypatch):
    """The examples in the docstrings are what kids and worksheet authors copy: they must work."""
    import doctest
    import importlib

    monkeypatch.setenv("CALLIOPE_LANG", "de")
    names = ["base", "parts", "divider", "thermistor", "ldr", "calibration", "moisture",
             "solar", "convert"]
    modules = [importlib.import_module(f"calliope_lib.sensors.{n}") for n in names]
    modules += [importlib.import_module("calliope_lib.sensors"),
                importlib.import_module("calliope_lib.simulator.pins")]
    for module in modules:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__
