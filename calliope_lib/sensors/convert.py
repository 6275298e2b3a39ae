"""Sensors meet recordings: convert a raw channel, keep calibrations with the data.

``rec.convert("p1", Thermistor())`` (the Recording's method) calls :func:`convert_channel`
here. The raw channel stays as it was; the new channel gets the sensor's unit; values that were
0 or 1023 (loose wire, short circuit) become NaN and the recording's ``notes`` say so once, in
words a kid understands. What sensor made the channel is stored in
``rec.metadata["conversions"]`` so a saved CSV file still tells how the numbers came about.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from calliope_lib.messages import t
from calliope_lib.sensors.base import Converted, Sensor, SensorParameterError, as_array
from calliope_lib.sensors.calibration import Calibration
from calliope_lib.sensors.ldr import LightSensor
from calliope_lib.sensors.moisture import MoistureProbe
from calliope_lib.sensors.solar import SolarCell
from calliope_lib.sensors.thermistor import Thermistor
from calliope_lib.sensors.divider import VoltageDivider

#: sensor classes by the ``type`` name in their ``to_dict()``
SENSOR_TYPES: dict[str, Any] = {
    "Thermistor": Thermistor,
    "LightSensor": LightSensor,
    "MoistureProbe": MoistureProbe,
    "SolarCell": SolarCell,
    "Calibration": Calibration,
    "VoltageDivider": VoltageDivider,
}


def sensor_from_dict(data: dict[str, Any]) -> Sensor:
    """Rebuild a sensor from its ``to_dict()`` data (e.g. from ``rec.metadata``)."""
    kind = data.get("type") if isinstance(data, dict) else None
    cls = SENSOR_TYPES.get(str(kind))
    if cls is None:
        raise SensorParameterError("sensor.unknown_type", value=kind,
                                   known=", ".join(SENSOR_TYPES))
    if cls is VoltageDivider:
        return VoltageDivider(data["r_series"], data["wiring"], data.get("v_supply", 3.3))
    return cls.from_dict(data)


def default_name(channel: str, sensor: Any) -> str:
    """``p1`` + Thermistor -> ``p1_temperatur``; a named calibration uses its name."""
    if isinstance(sensor, Calibration) and sensor.name:
        return sensor.name
    return f"{channel}_{getattr(sensor, 'quantity', 'wert')}"


def _run(sensor: Any, raw: np.ndarray) -> Converted:
    if isinstance(sensor, Sensor):
        return sensor.convert(raw)
    if callable(sensor):
        # Any function of raw values works too (lambda r: r / 1023 * 3.3); it only misses the
        # notes about loose wires, and its unit is unknown unless it has a .unit attribute.
        return Converted(np.asarray(as_array(sensor(raw)), dtype=float))
    raise SensorParameterError("sensor.not_a_sensor", value=sensor)


def convert_channel(rec: Any, channel: str, sensor: Callable[[Any], Any] | Sensor,
                    name: str | None = None) -> str:
    """Add ``sensor(rec[channel])`` to ``rec`` as a new channel and return its name.

    * the raw channel stays; the new one has the same times and the sensor's ``unit``;
    * a second call with the same name replaces the channel (re-running a notebook cell);
    * 0 / 1023 become NaN, and ``rec.notes`` gets one sentence about it (not one per value);
    * values clamped by a limited sensor (moisture 0..100 %) are counted in a note too.

    >>> from calliope_lib.recording import Recording
    >>> rec = Recording()
    >>> for i, raw in enumerate([700, 650, 600]):
    ...     rec.add("p1", float(i), raw)
    >>> convert_channel(rec, "p1", Thermistor())
    'p1_temperatur'
    >>> rec.unit("p1_temperatur"), rec.channels
    ('°C', ['p1', 'p1_temperatur'])
    """
    source = rec[channel]
    name = name or default_name(channel, sensor)
    result = _run(sensor, np.asarray(source.values, dtype=float))
    unit = str(getattr(sensor, "unit", "") or "")
    rec.add_channel(name, source.times, result.values, unit)

    notes = getattr(rec, "notes", None)
    if notes is None:
        notes = []
        setattr(rec, "notes", notes)
    total = len(source.values)
    new_notes = []
    if isinstance(sensor, SolarCell):
        if result.at_max:
            new_notes.append(t("sensor.note_overrange", channel=channel, name=name,
                               count=result.at_max, total=total,
                               volts=f"{sensor.max_voltage:.1f}"))
    elif result.unplugged:
        new_notes.append(t("sensor.note_unplugged", channel=channel, name=name,
                           count=result.unplugged, total=total))
    if result.clamped_low or result.clamped_high:
        limits = getattr(sensor, "calibration", sensor).limits or (0.0, 100.0)
        new_notes.append(t("sensor.note_clamped", channel=channel, name=name,
                           low=result.clamped_low, high=result.clamped_high,
                           lo=f"{min(limits):g}", hi=f"{max(limits):g}", unit=unit))
    # Re-running the same cell must not pile up the same sentence: drop older notes about
    # this very channel first, then add the current ones.
    prefix = f"{channel} -> {name}:"
    notes[:] = [n for n in notes if not n.startswith(prefix)] + new_notes
    for note in new_notes:
        print(note)

    metadata = getattr(rec, "metadata", None)
    if isinstance(metadata, dict) and isinstance(sensor, Sensor):
        metadata.setdefault("conversions", {})[name] = {"from": channel,
                                                        "sensor": sensor.to_dict()}
    return name


def save_calibration(rec: Any, name: str, calibration: Calibration) -> None:
    """Keep ``calibration`` with the recording under ``name`` (saved in the CSV header).

    >>> from calliope_lib.recording import Recording
    >>> rec = Recording()
    >>> save_calibration(rec, "feuchte", Calibration.two_point((310, 0), (780, 100), unit="%"))
    >>> load_calibration(rec, "feuchte")(545)
    50.0
    """
    rec.metadata.setdefault("calibrations", {})[name] = calibration.to_dict()


def load_calibration(rec: Any, name: str) -> Calibration:
    """The calibration stored with :func:`save_calibration` (also after ``cl.load(...)``)."""
    stored = rec.metadata.get("calibrations", {})
    if isinstance(stored, str):  # a file reader that kept the JSON text
        import json

        stored = json.loads(stored)
    if name not in stored:
        raise SensorParameterError("sensor.calibration_missing", name=name,
                                   known=", ".join(stored) or "-")
    return Calibration.from_dict(stored[name])
