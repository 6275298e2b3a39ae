"""The simulated board plays what the lesson tells the kid to do (``simulator/scenes.py``),
and ``lesson.act`` / ``lesson.marks`` / ``lesson.plot`` put it on screen.

The board is the real simulator behind a real ``sim://`` connection (``cl.connect``), recorded
through the normal recording loop; nothing is faked.
"""

from __future__ import annotations

import statistics

import pytest

import calliope_lib as cl
from calliope_lib import lesson
from calliope_lib.simulator import scenes
from calliope_lib.simulator.board import SimClock, SimulatedBoard


def _record(url: str, plan: tuple, channels: list[str], seconds: float, every: float):
    with cl.connect(url) as board:
        printed = lesson.act(board, *plan)
        rec = board.record(channels, seconds=seconds, every=every, progress=False)
        again = board.record(channels, seconds=seconds, every=every, progress=False)
    return printed, rec, again


def _median(rec, channel: str, start: float, end: float) -> float:
    ch = rec[channel]
    return statistics.median(v for t, v in zip(ch.times.tolist(), ch.values.tolist())
                             if start <= t <= end)


def test_hand_shadow_plays_once_at_the_announced_time(capsys):
    plan, rec, again = _record("sim://?seed=4&speed=400&p1=ldr", ("hand", 10, 5),
                               ["light", "p1", "button_a"], 30, 0.5)
    out = capsys.readouterr().out
    assert "Nach 10 s: Halte die Hand über den Sensor (5 s lang)" in out
    assert "simulierte Board macht es dir" in out
    assert plan == [("hand", 10.0, 5.0)]
    assert _median(rec, "p1", 11, 14) < 0.8 * _median(rec, "p1", 0, 9)
    assert _median(rec, "light", 11, 14) < _median(rec, "light", 16, 30) - 30
    assert lesson.marks(rec) == [10.0]
    # The next measurement (no new act) shows the plain world again.
    assert lesson.marks(again) == []
    assert _median(again, "p1", 11, 14) > 0.95 * _median(again, "p1", 0, 9)


def test_pendulum_walk_and_tilt_move_all_three_axes():
    _plan, rec, _again = _record(
        "sim://?seed=5&speed=400", (("kippen", 0, 4), ("pendel", 5, 5), ("gehen", 11, 5)),
        ["acceleration_x", "acceleration_y", "acceleration_z"], 16, 0.05)
    for axis in "xyz":
        ch = rec[f"acceleration_{axis}"]
        tilt = [v for t, v in zip(ch.times.tolist(), ch.values.tolist()) if 0.5 <= t <= 3.5]
        assert max(tilt) - min(tilt) > 300, axis  # tilting shares gravity between the axes
    x = rec["acceleration_x"]
    swing = [v for t, v in zip(x.times.tolist(), x.values.tolist()) if 5 <= t < 10]
    assert max(swing) > 250 and min(swing) < -250  # the pendulum swings along x
    z = rec["acceleration_z"]
    walk = [v for t, v in zip(z.times.tolist(), z.values.tolist()) if 11 <= t < 16]
    assert min(walk) < -1400  # the bump of every step


def test_ice_water_and_fingers_reach_the_thermistor_only():
    from calliope_lib.sensors import Thermistor

    _plan, rec, _again = _record("sim://?seed=6&speed=400&p1=thermistor",
                                 (("finger", 5, 15), ("eiswasser", 25, 20)),
                                 ["temperature", "p1"], 45, 0.5)
    ntc = Thermistor()
    temps = [(t, ntc(v)) for t, v in zip(rec["p1"].times.tolist(), rec["p1"].values.tolist())]
    room = statistics.median(v for t, v in temps if t < 5)
    assert max(v for t, v in temps if 5 <= t < 20) > room + 6
    assert min(v for t, v in temps if 25 <= t < 45) < 3
    die = rec["temperature"].values
    assert float(die.max() - die.min()) < 3


def test_a_board_on_a_serial_port_is_treated_as_real(capsys):
    """Over a real serial port (a pseudo-terminal, as /dev/ttyACM0) the host cannot see a
    simulator: the kid is told to act, and the board is not played to."""
    from calliope_lib.transports.pty import serve_pty

    with serve_pty("sim://?seed=7&speed=200&p1=ldr") as served:
        with cl.connect(served.device) as board:
            lesson.act(board, "hand", at=1, seconds=1)
            rec = board.record(["p1", "button_a"], seconds=3, every=0.5, progress=False)
    out = capsys.readouterr().out
    assert "echter Calliope mini" in out and "simulierte Board macht" not in out
    assert lesson.marks(rec) == []  # nobody pressed A, and nothing was played


def test_scene_command_on_the_wire():
    sim = SimulatedBoard(clock=SimClock(speed=1000))
    sim.poll()
    sim.receive(b"scene hand:10:5,lampe:30:5\n")
    assert sim.poll().decode().strip() == "$OK scene hand:10:5,lampe:30:5"
    sim.receive(b"scene sturm:1:2\n")
    assert "unknown scene" in sim.poll().decode()


@pytest.mark.parametrize("text", ["hand:-1:5", "hand:1:0", "hand:eins:2", "regen:1:1"])
def test_bad_scenes_are_refused(text):
    with pytest.raises(ValueError):
        scenes.parse(text)


def test_marks_drawn_in_the_plot():
    rec = cl.Recording()
    for i in range(40):
        t = i * 0.5
        rec.add("light", t, 100.0)
        rec.add("button_a", t, 1.0 if t in (5.0, 5.5, 12.0) else 0.0)
    fig = lesson.plot(rec)
    ax = fig.axes[0]
    assert len(fig.axes) == 1  # button A is no curve of its own
    verticals = [line.get_xdata()[0] for line in ax.get_lines()
                 if line.get_linestyle() == "-." and len(set(line.get_xdata())) == 1]
    assert verticals == [5.0, 12.0]
    # written beside each line, as rec.plot() writes a worded mark (plotting/marks.py)
    assert [t.get_text().strip() for t in ax.texts] == ["Knopf A", "Knopf A"]


def test_kids_read_german_names_in_legends_and_summaries():
    """The channels keep their names in code and CSV (``lux``, ``temperature``); what a kid
    reads in a lesson's legend, axis and summary is German."""
    from calliope_lib.sensors import LightSensor

    rec = cl.Recording()
    for i in range(30):
        rec.add("temperature", i * 1.0, 22.0 + 0.01 * i)
        rec.add("p1", i * 1.0, 600.0 + i)
    rec.convert("p1", LightSensor(), name="lux")
    assert "lux" in rec.channels  # the stable name in code
    fig = lesson.plot(rec, ["temperature", "lux"])
    texts = [t.get_text() for ax in fig.axes if ax.get_legend()
             for t in ax.get_legend().get_texts()]
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert "Fotowiderstand in lx" in labels and not any(l.startswith("lux") for l in labels)
    assert "lux" not in texts
    assert any(ax.get_xlabel() == "Zeit in s" for ax in fig.axes)  # seconds, as the tasks
    # 22.0 .. 22.3 °C is noise: the axis shows at least 2 °C, not a zoom into the noise
    low, high = next(ax for ax in fig.axes if "°C" in ax.get_ylabel()).get_ylim()
    assert high - low >= 2.0
    table = repr(lesson.summary(rec))
    assert "| Temperatur |" in table and "| Fotowiderstand |" in table
    assert "temperature" not in table and "22,29 °C" in table  # decimal comma, unit
