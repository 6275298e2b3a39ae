"""A kid without a board runs each lesson's student version top to bottom.

The student version is made from the source notebook by nbgrader's own preprocessors
(``ClearSolutions`` with the German stubs, ``ClearHiddenTests``), then run in a real kernel in
a copy of the lesson folder with the simulated board (``CALLIOPE_LESSON_BOARD=sim``). The kid
fills in nothing, and does one typical thing wrong on top (a decimal comma). Checked:

* the hands-on steps show in the kid's **own** saved file: the hand's shadow (lessons 1 and 3),
  the torch (3), warm fingers and ice water (2), water poured into dry soil (4), walking (5,
  measured "offline" through the data logger file and ``cl.load``), a cloud and a hand on the
  solar cell (6); button A marks
  where each action starts, and the plots of the kid's data are drawn;
* the errors the kid meets carry German hints: the untouched stubs say "Hier fehlt noch dein
  Code", a name from a skipped cell says "Führe zuerst die Zellen oben aus", a decimal comma
  says to write 3.3;
* no visible check says "Richtig" for an answer left empty.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from calliope_lib import lesson
from calliope_lib.recording.files import load_recording
from calliope_lib.sensors import LightSensor, SolarCell, Thermistor
from tests.teach.lesson_tools import (
    CODE_STUB,
    LESSON_ENV,
    TEXT_STUB,
    copy_lesson,
    execute,
    notebook_path,
    read,
)


def _student_version(nb: Any) -> Any:
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    resources: dict[str, Any] = {}
    clear = ClearSolutions(code_stub={"python": CODE_STUB}, text_stub=TEXT_STUB)
    nb, resources = clear.preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    return nb


def _between(rec: Any, channel: str, start: float, end: float,
             convert: Callable[[float], float] = float) -> list[float]:
    ch = rec[channel]
    return [convert(v) for t, v in zip(ch.times.tolist(), ch.values.tolist())
            if start <= t <= end and not math.isnan(v)]


def _outside(rec: Any, channel: str, windows: list[tuple[float, float]],
             convert: Callable[[float], float] = float) -> list[float]:
    ch = rec[channel]
    return [convert(v) for t, v in zip(ch.times.tolist(), ch.values.tolist())
            if not math.isnan(v) and not any(a - 1 <= t <= b + 3 for a, b in windows)]


def _marks_near(rec: Any, expected: list[float]) -> None:
    """Button A was pressed at each start, and the kid's file (read back with cl.load) has
    the worded mark ``lesson.act`` set there."""
    got = lesson.marks(rec)
    assert len(got) == len(expected), got
    for g, e in zip(got, expected):
        assert abs(g - e) <= 0.6, (got, expected)
    assert [when for when, _ in rec.marks] == expected, rec.marks
    assert all(text and text[0].isupper() for _, text in rec.marks), rec.marks


def _lesson1(folder: Path) -> None:
    rec = load_recording(folder / "meine_messung.csv")
    assert rec.marks == [(10.0, "Hand drüber")]
    shadow = statistics.median(_between(rec, "light", 11, 14))
    normal = statistics.median(_outside(rec, "light", [(10, 15)]))
    assert shadow < 0.8 * normal, (shadow, normal)  # light level 0..255 is logarithmic
    _marks_near(rec, [10])


def _lesson2(folder: Path) -> None:
    rec = load_recording(folder / "meine_thermistor.csv")
    ntc = Thermistor()
    room = statistics.median(_between(rec, "p1", 0, 9, ntc))
    warm = max(_between(rec, "p1", 10, 25, ntc))
    cold = min(_between(rec, "p1", 35, 55, ntc))
    assert warm > room + 5, (room, warm)
    assert cold < 5, cold
    # The built-in sensor sits in the board: it feels neither fingers nor ice.
    die = _between(rec, "temperature", 0, 60)
    assert max(die) - min(die) < 3
    _marks_near(rec, [10, 35])


def _lesson3(folder: Path) -> None:
    rec = load_recording(folder / "meine_licht.csv")
    ldr = LightSensor()
    normal = statistics.median(_outside(rec, "p1", [(10, 15), (30, 35)], ldr))
    assert statistics.median(_between(rec, "p1", 11, 14, ldr)) < 0.3 * normal
    assert statistics.median(_between(rec, "p1", 31, 34, ldr)) > 3 * normal
    _marks_near(rec, [10, 30])


def _lesson4(folder: Path) -> None:
    from calliope_lib.sensors import MoistureProbe

    rec = load_recording(folder / "meine_feuchte.csv")
    probe = MoistureProbe(dry=310, wet=780)
    dry = statistics.median(_between(rec, "p1", 0, 19, probe))
    wet = statistics.median(_between(rec, "p1", 35, 60, probe))
    assert wet > dry + 20, (dry, wet)
    _marks_near(rec, [20])


def _lesson5(folder: Path) -> None:
    path = folder / "meine_bewegung.csv"
    assert path.read_text(encoding="utf-8").startswith(lesson.LOGGER_TIME), "a logger file"
    rec = load_recording(path)  # as cl.load reads it
    x, y, z = (rec[c].values.tolist() for c in ("x", "y", "z"))
    strength = [math.sqrt(a * a + b * b + c * c) for a, b, c in zip(x, y, z)]
    steps = sum(1 for i in range(1, len(strength))
                if strength[i] > 1300 >= strength[i - 1])
    assert 20 <= steps <= 50, steps  # walking, about 1.8 steps a second for 20 s
    assert rec["z"].times[-1] >= 19.9


def _lesson6(folder: Path) -> None:
    rec = load_recording(folder / "meine_solar.csv")
    solar = SolarCell(r_load=100)
    normal = statistics.median(_outside(rec, "p1", [(15, 25), (40, 45)], solar))
    assert statistics.median(_between(rec, "p1", 17, 24, solar)) < 0.6 * normal
    assert max(_between(rec, "p1", 41, 44, solar)) < 0.3 * normal
    _marks_near(rec, [15, 40])


def _lesson7(folder: Path) -> None:
    from calliope_lib.sensors import MoistureProbe

    # The kid's pot (simulated: just watered) is wetter than the garden's beds, and the
    # garden export beside it was read with all four devices.
    rec = load_recording(folder / "meine_topf.csv")
    pot = _between(rec, "p1", 0, 60, MoistureProbe(dry=310, wet=780))
    assert len(pot) >= 55 and statistics.median(pot) > 60, pot
    garden = load_recording(folder / "beispiel_sensorgarten_export.json")
    assert garden.metadata["devices"] == ["boden-1", "boden-2", "boden-3", "bank-1"]


SCENES: dict[str, Callable[[Path], None]] = {
    "01-hallo-calliope": _lesson1,
    "02-thermistor": _lesson2,
    "03-licht": _lesson3,
    "04-bodenfeuchte": _lesson4,
    "05-bewegung": _lesson5,
    "06-solarbank": _lesson6,
    "07-sensorgarten": _lesson7,
}
#: A cell a sloppy kid adds: a decimal comma makes a tuple, the next line fails.
DECIMAL_COMMA = "volt = 512 / 1023 * 3,3\nvolt + 1"


def _error_texts(nb: Any) -> list[tuple[str, str]]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                out.append((o.ename, "\n".join(o.traceback)))
    return out


@pytest.mark.parametrize("name", sorted(SCENES))
def test_kid_without_board_sees_the_hands_on_steps(name, tmp_path):
    import nbformat

    folder = copy_lesson(name, tmp_path / name)
    nb = _student_version(read(notebook_path(folder)))
    nb.cells.append(nbformat.v4.new_code_cell(DECIMAL_COMMA))
    execute(nb, folder, LESSON_ENV)

    # The measuring cells ran, and their plots were drawn.
    for cell in nb.cells:
        if cell.cell_type == "code" and ("board.record(" in cell.source
                                         or "lesson.logged(" in cell.source):
            kinds = [o.output_type for o in cell.outputs]
            assert "error" not in kinds, (cell.source, cell.outputs)
            if "lesson.plot(" in cell.source:
                assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source
            text = "".join(o.get("text", "") for o in cell.outputs)
            if "lesson.act(" in cell.source:
                assert "Das simulierte Board macht es dir" in text
            if "live=True" in cell.source:
                # The live view's last frame stays in the saved notebook: a picture, no
                # widget that a reopened notebook could not show.
                assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source
                assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                               for o in cell.outputs), cell.source

    SCENES[name](folder)

    errors = _error_texts(nb)
    by_kind: dict[str, list[str]] = {}
    for ename, tb in errors:
        by_kind.setdefault(ename, []).append(tb)
    assert all("Hier fehlt noch dein Code" in tb for tb in by_kind["NotImplementedError"])
    assert all("Führe zuerst die Zellen oben aus" in tb for tb in by_kind.get("NameError", []))
    assert "3.3, nicht 3,3" in errors[-1][1], errors[-1]
    # An empty answer is never "Richtig".
    for cell in nb.cells:
        if "lesson.check(" in cell.source:
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert "Richtig" not in text, (cell.source, text)
