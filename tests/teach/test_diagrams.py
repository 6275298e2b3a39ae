"""Wiring pictures: every lesson sensor draws, in black on white, with the right pins, and the
wiring table agrees with the sensor classes that convert the readings."""

from __future__ import annotations

import importlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

schemdraw = importlib.import_module("schemdraw")

from calliope_lib import diagrams  # noqa: E402  (the old name keeps working)
from calliope_lib.teach import wiring  # noqa: E402
from calliope_lib.teach.diagrams import DIAGRAMS  # noqa: E402
from calliope_lib.teach.wiring import LESSON_DIAGRAMS, WIRING, resistor_bands  # noqa: E402

SENSOR_FUNCTIONS = {
    "thermistor": diagrams.thermistor_divider,
    "ldr": diagrams.ldr_divider,
    "moisture": diagrams.moisture_probe,
    "solar": diagrams.solar_cell,
    "accelerometer": diagrams.accelerometer,
    "builtin": diagrams.builtin_sensors,
}


def _labels(drawing) -> list[str]:
    """All texts drawn in a schemdraw drawing (pin names, part labels)."""
    drawing.draw(show=False)
    texts = []
    for element in drawing.elements:
        for segment in element.segments:
            if hasattr(segment, "text"):
                texts.append(str(segment.text))
    return texts


@pytest.mark.parametrize("name", sorted(SENSOR_FUNCTIONS))
def test_each_function_returns_a_drawing(name):
    drawing = SENSOR_FUNCTIONS[name]()
    assert isinstance(drawing, schemdraw.Drawing)
    assert DIAGRAMS[name] is SENSOR_FUNCTIONS[name] or name == "solar"


@pytest.mark.parametrize("name", ["thermistor", "ldr", "moisture", "solar"])
def test_wired_sensors_use_the_analog_pin_and_name_the_pads(name):
    texts = " ".join(_labels(SENSOR_FUNCTIONS[name]()))
    assert "P1" in texts
    assert "GND" in texts
    # P0 and P3 are digital only on Calliope mini 1.x/2.x: a DIY analog sensor must not use them
    assert "P0" not in texts and "P3" not in texts
    if name != "solar":  # the solar cell powers itself
        assert "3,3 V" in texts  # the supply pad as wiring.PAD_3V names it
    assert WIRING[name].pin == "P1"


def test_resistor_labels_carry_colour_bands():
    texts = " ".join(_labels(diagrams.thermistor_divider()))
    assert "braun-schwarz-orange" in texts
    assert "10 kΩ" in texts


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_svg_is_black_on_white(name):
    data = diagrams.svg(name)
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    colours = set()
    for element in root.iter():
        style = element.get("style", "")
        for key in ("stroke", "fill"):
            for part in style.split(";"):
                k, _, v = part.partition(":")
                if k.strip() == key:
                    colours.add(v.strip().lower())
            if element.get(key):
                colours.add(element.get(key).lower())
    colours.discard("none")
    colours = {c for c in colours if not c.startswith("url(")}
    assert colours <= {"#000000", "#ffffff", "black", "white"}, colours


def test_save_png_and_svg(tmp_path):
    from PIL import Image

    png = diagrams.save("moisture", tmp_path / "a" / "moisture.png", dpi=120)
    svg = diagrams.save("moisture", tmp_path / "moisture.svg")
    assert svg.read_bytes().lstrip().startswith(b"<?xml")
    image = Image.open(png).convert("RGB")
    assert image.width > 300 and image.height > 200
    # black lines on white: every pixel is grey (r = g = b), and there is real ink
    import numpy as np

    pixels = np.asarray(image).astype(int)
    assert (pixels.max(axis=2) - pixels.min(axis=2)).max() <= 2
    assert (pixels[:, :, 0] < 100).sum() > 1000


def test_show_gives_something_jupyter_displays():
    shown = diagrams.show("ldr")
    svg = shown._repr_svg_()
    assert "<svg" in (svg if isinstance(svg, str) else svg.decode())


def test_show_works_without_ipython():
    code = (
        "import sys; sys.modules['IPython'] = None\n"
        "from calliope_lib.teach.diagrams import show\n"
        "s = show('thermistor')\n"
        "assert '<svg' in s._repr_svg_()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_wiring_names_still_come_from_diagrams():
    """Lessons written before the split import the wiring data from ``diagrams``."""
    for name in ("WIRING", "Part", "Wiring", "LESSON_DIAGRAMS", "resistor_bands", "format_ohms"):
        assert getattr(diagrams, name) is getattr(wiring, name)


def test_import_does_not_load_schemdraw():
    code = (
        "import sys, calliope_lib.teach.diagrams, calliope_lib.teach.wiring\n"
        "assert 'schemdraw' not in sys.modules, 'schemdraw imported at import time'\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_lessons_map_to_diagrams():
    assert LESSON_DIAGRAMS == {1: "builtin", 2: "thermistor", 3: "ldr", 4: "moisture",
                               5: "accelerometer", 6: "solar"}
    assert isinstance(diagrams.drawing("2"), schemdraw.Drawing)
    with pytest.raises(ValueError, match="unknown diagram"):
        diagrams.drawing("toaster")


def test_wiring_agrees_with_the_sensor_classes():
    """The picture must show the circuit the conversion assumes."""
    sensors = importlib.import_module("calliope_lib.sensors")
    ntc = sensors.Thermistor().to_dict()
    assert ntc["r_series"] == WIRING["thermistor"].series_ohms
    assert ntc["wiring"] == WIRING["thermistor"].wiring
    assert ntc["beta"] == WIRING["thermistor"].extra["beta"]
    assert ntc["r_nominal"] == WIRING["thermistor"].extra["r25_ohms"]
    ldr = sensors.LightSensor().to_dict()
    assert (ldr["r_series"], ldr["wiring"]) == (WIRING["ldr"].series_ohms, WIRING["ldr"].wiring)
    soil = sensors.MoistureProbe().to_dict()
    assert (soil["r_series"], soil["wiring"]) == (WIRING["moisture"].series_ohms, WIRING["moisture"].wiring)
    solar = sensors.SolarCell().to_dict()
    assert solar["r_load"] == WIRING["solar"].extra["load_ohms"]


def test_divider_drawing_follows_the_wiring_table():
    """to_supply: the sensor label sits above P1 (between 3V and P1) in the LDR drawing."""
    drawing = diagrams.ldr_divider()
    drawing.draw(show=False)
    positions = {}
    for element in drawing.elements:
        for segment in element.segments:
            if hasattr(segment, "text") and hasattr(segment, "xy"):
                positions[str(segment.text)] = element.transform.transform(segment.xy)[1]
    ldr_y = next(y for label, y in positions.items() if "GL5528" in label)
    res_y = next(y for label, y in positions.items() if "braun-schwarz-orange" in label)
    assert ldr_y > res_y  # the LDR is the upper half of the divider


@pytest.mark.parametrize(
    "ohms, four, five",
    [
        (10_000, "braun schwarz orange gold", "braun schwarz schwarz rot braun"),
        (100, "braun schwarz braun gold", "braun schwarz schwarz schwarz braun"),
        (4_700, "gelb violett rot gold", "gelb violett schwarz braun braun"),
        (220, "rot rot braun gold", "rot rot schwarz schwarz braun"),
        (1_000_000, "braun schwarz grün gold", "braun schwarz schwarz gelb braun"),
        (4.7, "gelb violett gold gold", "gelb violett schwarz silber braun"),
    ],
)
def test_resistor_bands(ohms, four, five):
    assert " ".join(resistor_bands(ohms)) == four
    assert " ".join(resistor_bands(ohms, bands=5)) == five


def test_bands_agree_with_sensors_parts():
    parts = importlib.import_module("calliope_lib.sensors.parts")
    for base in (10, 12, 15, 18, 22, 27, 33, 39, 47, 56, 68, 82):
        for power in range(0, 5):
            ohms = base * 10**power
            assert "-".join(resistor_bands(ohms)[:3]) == parts.color_bands(ohms, lang="de")


def test_bad_band_requests():
    with pytest.raises(ValueError):
        resistor_bands(0)
    with pytest.raises(ValueError):
        resistor_bands(100, bands=6)
    with pytest.raises(ValueError):
        resistor_bands(100, tolerance=3)
    with pytest.raises(ValueError):  # below the smallest multiplier (silver, x0.01)
        resistor_bands(0.05)


@pytest.mark.parametrize(
    "ohms, bands, expected",
    [
        # 99.5 rounds up to 100: still two digits and a multiplier, never a fifth band
        (995, 4, "braun schwarz rot gold"),
        (9_995, 5, "braun schwarz schwarz rot braun"),
        (0.47, 4, "gelb violett silber gold"),
        (10_000, 4, "braun schwarz orange gold"),
    ],
)
def test_rounding_and_small_values(ohms, bands, expected):
    assert " ".join(resistor_bands(ohms, bands=bands)) == expected


def test_tolerance_and_english_come_from_the_one_colour_code():
    parts = importlib.import_module("calliope_lib.sensors.parts")
    assert resistor_bands(220, tolerance=10)[-1] == "silber"
    assert resistor_bands(220, bands=5, tolerance=2)[-1] == "rot"
    assert parts.resistor_bands(4_700, lang="en") == ["yellow", "violet", "red", "gold"]
    assert parts.color_bands(0.01) == "?"
