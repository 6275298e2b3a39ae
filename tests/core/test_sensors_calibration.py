"""Calibration (two-point and least squares) and sensors on real Recordings, saved to real CSV files."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.recording import Recording
from calliope_lib.sensors import (
    Calibration,
    MoistureProbe,
    SensorParameterError,
    SolarCell,
    Thermistor,
    convert_channel,
    energy_mwh,
    load_calibration,
    save_calibration,
    sensor_from_dict,
)


# --- calibration ------------------------------------------------------------------------------
def test_two_point_example_from_the_issue():
    cal = Calibration.two_point((310, 0.0), (780, 100.0), unit="%")
    assert cal(545) == 50.0
    assert cal.unit == "%"
    assert cal.slope == pytest.approx(100 / 470)
    assert cal.offset == pytest.approx(-310 * 100 / 470)
    assert cal.r_squared == 1.0 and cal.residuals.tolist() == [0.0, 0.0]
    assert cal.to_raw(50.0) == pytest.approx(545.0)
    assert math.isnan(cal(0)) and math.isnan(cal(1023))


def test_two_point_equal_readings_refused_in_both_languages():
    with pytest.raises(SensorParameterError) as info:
        Calibration.two_point((400, 0.0), (400, 100.0))
    assert "400" in info.value.text("de") and "400" in info.value.text("en")
    assert isinstance(info.value, ValueError)


def test_least_squares_by_hand():
    raw = [100.0, 200.0, 300.0, 400.0]
    ref = [1.0, 3.0, 2.0, 4.0]
    fit = Calibration.fit(raw, ref, unit="°C")
    # by hand: x̄ = 250, ȳ = 2.5; Σdx·dy = 225 - 25 - 25 + 225 = 400; Σdx² = 50000
    dx = np.array(raw) - 250.0
    dy = np.array(ref) - 2.5
    slope = float(np.sum(dx * dy) / np.sum(dx * dx))  # = 0.008
    assert slope == pytest.approx(0.008)
    assert fit.slope == pytest.approx(0.008)
    assert fit.offset == pytest.approx(0.5)
    expected_residuals = np.array(ref) - (0.008 * np.array(raw) + 0.5)  # -0.3, 0.9, -0.9, 0.3
    assert fit.residuals == pytest.approx(expected_residuals)
    # R² = 1 - SS_res/SS_tot = 1 - 1.8/5
    assert fit.r_squared == pytest.approx(1 - 1.8 / 5.0)


def test_fit_recovers_a_known_line_and_skips_loose_wire_readings():
    rng = np.random.default_rng(4)
    raw = np.linspace(200, 800, 40)
    ref = 0.1 * raw - 30 + rng.normal(0, 0.05, raw.size)
    raw_with_faults = np.concatenate([raw, [0.0, 1023.0, np.nan]])
    ref_with_faults = np.concatenate([ref, [5.0, 5.0, 5.0]])
    fit = Calibration.fit(raw_with_faults, ref_with_faults, unit="°C")
    assert len(fit.residuals) == 40
    assert fit.slope == pytest.approx(0.1, rel=0.01)
    assert fit.offset == pytest.approx(-30, abs=0.5)
    assert fit.r_squared > 0.999


def test_fit_of_temperatures_not_raw_values():
    # A kid's thermistor °C against the board's thermometer: 0 °C is a real value here.
    ntc_c = [0.0, 10.0, 20.0, 30.0]
    ref_c = [0.5, 10.3, 20.1, 29.9]
    fit = Calibration.fit(ntc_c, ref_c, unit="°C", raw=False)
    assert not math.isnan(fit(0.0))
    assert fit(0.0) == pytest.approx(fit.offset)
    limited = Calibration.two_point((0.0, 0.0), (10.0, 100.0), unit="%", raw=False,
                                    limits=(0, 100))
    assert limited([-5.0, 5.0, 20.0, 30.0]).tolist() == [0.0, 50.0, 100.0, 100.0]
    assert (limited.clamped, limited.clamped_low, limited.clamped_high) == (3, 1, 2)


def test_fit_refuses_too_little_or_mismatched_data():
    with pytest.raises(SensorParameterError):
        Calibration.fit([500, 500, 500], [1, 2, 3])
    with pytest.raises(SensorParameterError):
        Calibration.fit([1, 2, 3], [1, 2])


def test_calibration_dict_is_json_and_round_trips():
    fit = Calibration.fit([100, 300, 500, 700], [2.0, 6.1, 9.9, 14.0], unit="°C", name="ntc_cal")
    text = json.dumps(fit.to_dict())
    back = Calibration.from_dict(json.loads(text))
    for raw in (100, 333, 900):
        assert back(raw) == pytest.approx(fit(raw))
    assert back.r_squared == pytest.approx(fit.r_squared)
    assert back.residuals == pytest.approx(fit.residuals)
    assert back.unit == "°C" and back.name == "ntc_cal"
    assert "R²" in repr(fit)


def test_every_sensor_round_trips_through_dict():
    sensors = [
        Thermistor(beta=3977, r_series=4_700, wiring="to_supply"),
        Thermistor.fit_steinhart_hart([(31_770, 0), (10_000, 25), (3_592, 50)]),
        MoistureProbe(dry=280, wet=760),
        SolarCell(r_load=47, divider=(10_000, 4_700)),
        Calibration.two_point((0.5, 0.0), (2.5, 50.0), unit="%", raw=False),
    ]
    raw = np.array([1.0, 150.0, 430.0, 700.0, 1000.0])
    for sensor in sensors:
        again = sensor_from_dict(json.loads(json.dumps(sensor.to_dict())))
        assert type(again) is type(sensor)
        np.testing.assert_allclose(again(raw), sensor(raw), rtol=1e-12, equal_nan=True)


# --- recordings -------------------------------------------------------------------------------
def ntc_recording() -> Recording:
    rec = Recording()
    raws = [700, 690, 0, 680, 1023, 670, 660]
    for i, raw in enumerate(raws):
        rec.add_row(float(i), ("p1", "temperature"), (float(raw), 22.0))
    return rec


def test_convert_keeps_raw_channel_and_notes_unplugged_once(capsys, monkeypatch):
    monkeypatch.setenv("CALLIOPE_LANG", "de")
    rec = ntc_recording()
    ntc = Thermistor()
    name = rec.convert("p1", ntc, name="temperatur_ntc")
    assert name == "temperatur_ntc"
    assert rec.channels == ["p1", "temperature", "temperatur_ntc"]
    assert rec.unit("temperatur_ntc") == "°C"
    assert rec["p1"].values.tolist() == [700, 690, 0, 680, 1023, 670, 660]  # untouched
    converted = rec["temperatur_ntc"]
    assert converted.times.tolist() == rec["p1"].times.tolist()
    assert np.isnan(converted.values[[2, 4]]).all()
    assert converted.values[0] == pytest.approx(ntc(700))
    assert len(rec.notes) == 1
    assert "2 von 7" in rec.notes[0] and "Kabel" in rec.notes[0]
    assert "Kabel" in capsys.readouterr().out
    # Running the notebook cell again replaces the channel and does not repeat the note.
    rec.convert("p1", ntc, name="temperatur_ntc")
    assert rec.channels.count("temperatur_ntc") == 1
    assert len(rec.notes) == 1
    assert rec.metadata["conversions"]["temperatur_ntc"]["sensor"]["type"] == "Thermistor"


def test_convert_note_in_english(monkeypatch):
    monkeypatch.setenv("CALLIOPE_LANG", "en")
    rec = ntc_recording()
    convert_channel(rec, "p1", Thermistor())
    assert rec.channels[-1] == "p1_temperatur"
    assert "2 of 7" in rec.notes[0] and "loose" in rec.notes[0]


def test_convert_clean_channel_adds_no_note():
    rec = Recording()
    for i, raw in enumerate([500, 510, 520]):
        rec.add("p2", float(i), raw)
    rec.convert("p2", Thermistor())
    assert rec.notes == []


def test_moisture_clamping_is_visible_in_notes(monkeypatch):
    monkeypatch.setenv("CALLIOPE_LANG", "de")
    rec = Recording()
    for i, raw in enumerate([250, 310, 545, 780, 820, 830]):
        rec.add("p1", float(i), raw)
    probe = MoistureProbe(dry=310, wet=780)
    rec.convert("p1", probe)
    assert rec["p1_feuchte"].values.tolist() == [0.0, 0.0, 50.0, 100.0, 100.0, 100.0]
    assert rec.unit("p1_feuchte") == "%"
    assert probe.clamped == 3
    assert len(rec.notes) == 1
    assert "1 Werte" in rec.notes[0] and "2 Werte" in rec.notes[0] and "100 %" in rec.notes[0]


def test_solar_energy_from_a_converted_channel_with_a_gap():
    rec = Recording()
    solar = SolarCell()
    raw_40mw = solar.to_raw(40.0)
    for second in range(0, 3601, 60):
        if 1200 < second < 1500:
            continue  # cable out
        rec.add("p1", float(second), raw_40mw)
    rec.add_gap(1200.0, 1500.0)
    rec.convert("p1", solar)
    channel = rec["p1_leistung"]
    assert rec.unit("p1_leistung") == "mW"
    # 40 mW for one hour minus the 1200..1500 s interval that spans the gap (the samples at
    # 1200 s and 1500 s themselves were measured, the ones in between not)
    expected = 40.0 * (3600 - 300) / 3600
    assert energy_mwh(channel, gaps=rec.gaps) == pytest.approx(expected)
    assert energy_mwh(channel) == pytest.approx(40.0)  # without gaps: bridged
    assert energy_mwh(rec, "p1_leistung") == pytest.approx(expected)  # the recording's gaps


def test_calibration_survives_save_and_load(tmp_path):
    rec = Recording()
    for i, raw in enumerate([300, 545, 790]):
        rec.add("p1", float(i), raw)
    cal = Calibration.two_point((310, 0.0), (780, 100.0), unit="%", limits=(0, 100))
    save_calibration(rec, "feuchte", cal)
    path = rec.save(tmp_path / "messung.csv")
    again = cl.load(path)
    loaded = load_calibration(again, "feuchte")
    assert loaded(545) == 50.0
    assert loaded.limits == (0.0, 100.0)
    assert loaded(np.array([300.0, 790.0])).tolist() == [0.0, 100.0]
    with pytest.raises(SensorParameterError):
        load_calibration(again, "licht")


def test_plain_function_works_as_sensor():
    rec = Recording()
    rec.add("p1", 0.0, 1023.0)
    name = convert_channel(rec, "p1", lambda raw: raw / 1023 * 3.3, name="spannung")
    assert rec["spannung"].values.tolist() == [pytest.approx(3.3)]
    with pytest.raises(SensorParameterError):
        convert_channel(rec, "p1", 42)
    assert name == "spannung"
