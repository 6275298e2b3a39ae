"""One source for every wiring fact: the notebook text, the worksheet, the teachers' notes, the
picture, the sensor defaults and the simulated board all say what ``teach/wiring.py`` says.

Lesson 3 once contradicted itself: its text put the LDR where the thermistor was (at GND), the
teachers' notes said 3V → 10 kΩ → P1 → LDR → GND, while the picture, the worksheet and
``LightSensor()`` used 3,3 V → LDR → P1 → 10 kΩ → GND. A class wired per the notes read bright
light as dark. Each check below would have caught it.
"""

from __future__ import annotations

import re

import pytest

from calliope_lib.sensors import LightSensor, MoistureProbe, Thermistor
from calliope_lib.simulator.pins import DEFAULT_SENSORS
from calliope_lib.teach import materials
from calliope_lib.teach.wiring import PAD_3V, WIRING, chain, chain_text
from tests.teach.lesson_tools import LESSONS, notebook_path, read

DIVIDERS = [key for key, w in WIRING.items() if w.wiring in ("to_ground", "to_supply")]
SENSORS = {"thermistor": Thermistor, "ldr": LightSensor, "moisture": MoistureProbe}
#: a chain of parts in any text: "3,3 V (+) → ... → GND (−)" (also with the old "3V (+)")
_CHAIN = re.compile(r"(?:3,3 V|3V) \(\+\)(?: → [^→\n*]+?)+ → GND \(−\)")


def _lesson_name(key: str) -> str:
    number = WIRING[key].lesson
    return next(p.name for p in LESSONS.iterdir() if p.name.startswith(f"{number:02d}-"))


def _texts(key: str) -> dict[str, str]:
    name = _lesson_name(key)
    nb = read(notebook_path(LESSONS / name))
    return {
        "notebook": "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"),
        "LEHRKRAFT.md": (LESSONS / name / "LEHRKRAFT.md").read_text(encoding="utf-8"),
        "worksheet": (materials.worksheet_sources_dir() / f"{name}.md").read_text(
            encoding="utf-8"),
    }


@pytest.mark.parametrize("key", DIVIDERS)
def test_every_text_quotes_the_one_chain(key):
    expected = chain_text(key)
    for where, text in _texts(key).items():
        found = _CHAIN.findall(text)
        assert found, f"{key}: the {where} does not spell out the wiring ({expected})"
        assert set(found) == {expected}, f"{key}: the {where} says {found}, wiring.py {expected}"


@pytest.mark.parametrize("key", DIVIDERS)
def test_sensor_defaults_and_simulator_follow_the_wiring(key):
    w = WIRING[key]
    for sensor in (SENSORS[key](), DEFAULT_SENSORS[key]):  # a kid's default, the simulator's
        facts = sensor.to_dict()
        assert (facts["wiring"], facts["r_series"]) == (w.wiring, w.series_ohms), facts


@pytest.mark.parametrize("key", DIVIDERS)
def test_connections_follow_the_chain(key):
    """The numbered clip steps (notebook and worksheet table) walk the same chain."""
    parts = chain(key)
    steps = " | ".join(f"{a} -> {b}" for a, b in WIRING[key].connections)
    sensor_word = {"thermistor": "Thermistor", "ldr": "LDR", "moisture": "Nagel"}[key]
    first_after_supply = next(b for a, b in WIRING[key].connections if a == PAD_3V)
    if parts[1].startswith("10"):
        assert "Widerstand" in first_after_supply and sensor_word not in first_after_supply, steps
    else:
        assert sensor_word in first_after_supply, steps


def test_lesson3_light_makes_bigger_values():
    """The physics behind the fix: with the LDR at 3,3 V, brighter gives a bigger raw value,
    and the default LightSensor reads it back as brighter."""
    ldr = LightSensor()
    dark, bright = ldr.to_raw(5.0), ldr.to_raw(2000.0)
    assert bright > dark
    assert ldr(bright) > ldr(dark)
