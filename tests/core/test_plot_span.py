"""The minimum span per unit: ``rec.plot()``, the lessons' plots and the live view never zoom
into noise (22,6–23,3 °C filling a panel), and never change a range that is wide already,
a unit they do not know, or limits a kid set."""

from __future__ import annotations

import math

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.plotting import plot_recording, save_plot, span
from calliope_lib.plotting.live import LivePlot
from calliope_lib.recording import Recording

ARTIFACTS = "test-artifacts"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def noisy(name: str, middle: float, wiggle: float, unit: str | None = None, n: int = 200,
          seed: int = 1) -> Recording:
    rng = np.random.default_rng(seed)
    rec = Recording()
    t = np.arange(n) * 0.05
    rec.add_channel(name, t, middle + rng.uniform(-wiggle, wiggle, n), unit)
    return rec


def ylim_of(fig, label_part: str = "") -> tuple[float, float]:
    axis = next(ax for ax in fig.axes if label_part in ax.get_ylabel())
    return axis.get_ylim()


# -- the rule itself ------------------------------------------------------------------------
@pytest.mark.parametrize("name, unit, scale", [
    ("temperature", "°C", "°C"), ("kim.light", "", "0–255"), ("sound", "", "0–255"),
    ("p1", "", "0–1023"), ("ali.p2", "", "0–1023"), ("acceleration_x", "mg", "mg"),
    ("lux", "lx", "lx"), ("feuchte", "%", "%"), ("leistung", "mW", "mW"), ("u", "V", "V"),
    ("r", "Ω", "Ω"), ("feuchte", "", ""), ("wert", "furlong", "furlong"),
])
def test_scale_of_each_kind_of_channel(name, unit, scale):
    assert span.scale_of(name, unit) == scale


def test_widen_keeps_wide_ranges_unknown_units_and_nan():
    assert span.widen(22.6, 23.3, "°C") == (21.95, 23.95)
    assert span.widen(15.0, 30.0, "°C") == (15.0, 30.0)  # spans more already: unchanged
    assert span.widen(1.0, 1.2, "") == (1.0, 1.2)
    assert span.widen(1.0, 1.2, "parsec") == (1.0, 1.2)
    low, high = span.widen(math.nan, math.nan, "°C")
    assert math.isnan(low) and math.isnan(high)
    assert span.widen(21.0, 21.0, "°C") == (20.0, 22.0)  # one value: around it


@pytest.mark.parametrize("scale, low, high, expected", [
    ("0–255", 1.0, 4.0, (0.0, 20.0)),         # a dark room: no negative light
    ("0–255", 250.0, 255.0, (235.0, 255.0)),  # a torch: not above 255
    ("%", 96.0, 99.0, (90.0, 100.0)),         # wet soil: not above 100 %
    ("%", 1.0, 3.0, (0.0, 10.0)),
    ("0–1023", 2.0, 10.0, (0.0, 50.0)),
    ("lx", 0.0, 5.0, (0.0, 50.0)),
    ("mg", -1010.0, -990.0, (-1150.0, -850.0)),  # no bound: around the middle
    ("%", -3.0, 2.0, (-5.5, 4.5)),            # data outside the bound: not moved
])
def test_widen_stays_inside_what_the_quantity_can_be(scale, low, high, expected):
    assert span.widen(low, high, scale) == pytest.approx(expected)


# -- rec.plot() ---------------------------------------------------------------------------
def test_rec_plot_does_not_zoom_into_noise(tmp_path):
    rec = noisy("temperature", 22.95, 0.35)
    fig = rec.plot()
    low, high = fig.axes[0].get_ylim()
    assert 2.0 <= high - low <= 2.3  # 2 °C and matplotlib's margins
    assert low < 22.6 and high > 23.3 and abs((low + high) / 2 - 22.95) < 0.1
    path = save_plot(rec, tmp_path / "rauschen.png")
    assert path.stat().st_size > 5_000


def test_every_panel_of_a_figure_gets_its_own_units_span():
    rec = Recording()
    rng = np.random.default_rng(2)
    t = np.arange(100) * 0.1
    rec.add_channel("temperature", t, 21.0 + rng.normal(0, 0.1, 100))
    rec.add_channel("light", t, 3.0 + rng.integers(0, 3, 100))       # dark room
    rec.add_channel("sound", t, 40.0 + 60 * (t > 5))                 # a clap: wide already
    rec.add_channel("p1", t, 600.0 + rng.integers(0, 4, 100))
    fig = plot_recording(rec, _pyplot=False)
    lims = {ax.get_ylabel(): ax.get_ylim() for ax in fig.axes}
    (lo, hi) = lims["Temperatur in °C"]
    assert hi - lo >= 2.0
    lo, hi = lims["Helligkeit (0–255)"]
    assert hi - lo >= 20.0 and -1.5 <= lo <= 0.0  # from 0 up, no half below 0 lux
    lo, hi = lims["Lautstärke (0–255)"]
    assert (lo, hi) == pytest.approx((37.0, 103.0))  # matplotlib's own 5 % margins
    lo, hi = lims["Pin P1 (0–1023)"]
    assert hi - lo >= 50.0


def test_a_unit_it_does_not_know_keeps_matplotlibs_limits():
    rec = noisy("wert", 40.0, 0.5)  # a kid's own channel, no unit
    rec.add_channel("distanz", rec["wert"].times, rec["wert"].values, "furlong")
    fig = plot_recording(rec, _pyplot=False)
    for ax in fig.axes:
        low, high = ax.get_ylim()
        assert high - low < 1.2  # the data's 1.0 and 5 % margins on each side


def test_several_channels_in_one_panel_share_the_span():
    rec = Recording()
    t = np.arange(50) * 0.2
    rec.add_channel("kim.temperature", t, 22.0 + 0.01 * np.arange(50))
    rec.add_channel("ali.temperature", t, 22.9 + 0.002 * np.arange(50))
    fig = plot_recording(rec, _pyplot=False)
    assert len(fig.axes) == 1
    low, high = fig.axes[0].get_ylim()
    assert 2.0 <= high - low <= 2.3
    assert low < 22.0 and high > 23.0  # both boards inside


def test_nan_and_empty_channels_draw_without_a_span(tmp_path):
    rec = Recording()
    rec.add_channel("temperature", [0.0, 1.0, 2.0], [math.nan, math.nan, math.nan])
    rec.add_channel("light")  # no values yet
    rec.add_channel("lux", [0.0, 1.0, 2.0, 3.0], [200.0, math.nan, 203.0, 201.0], "lx")
    fig = plot_recording(rec, _pyplot=False)
    lims = {ax.get_ylabel(): ax.get_ylim() for ax in fig.axes}
    low, high = next(lim for label, lim in lims.items() if label.endswith(" in lx"))
    assert high - low >= 50.0  # the NaN is skipped, the rest widened
    assert all(math.isfinite(v) for lim in lims.values() for v in lim)
    save_plot(rec, tmp_path / "leer.png")


def test_an_explicit_ylim_wins():
    rec = noisy("temperature", 22.95, 0.35)
    fig = plot_recording(rec, ylim=(22.5, 23.5), _pyplot=False)
    assert fig.axes[0].get_ylim() == (22.5, 23.5)
    # a kid's own axes with their own limits: left alone
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_ylim(22.8, 23.1)
    rec.plot(ax=ax)
    assert ax.get_ylim() == (22.8, 23.1)


def test_a_kids_own_line_after_the_plot_still_widens_the_axis():
    import matplotlib.pyplot as plt

    rec = noisy("temperature", 22.95, 0.35)
    _fig, ax = plt.subplots()
    rec.plot(ax=ax)
    assert ax.get_ylim()[1] - ax.get_ylim()[0] >= 2.0
    ax.plot([0, 10], [30.0, 30.0])  # e.g. a threshold of their own
    assert ax.get_ylim()[1] >= 30.0


def test_the_demo_plot_shows_the_room_as_calm(tmp_path):
    """The ``make demo`` recording: a simulated room, temperature, light and sound."""
    with cl.connect("sim://?speed=50&seed=1") as board:
        rec = board.record(["temperature", "light", "sound"], seconds=10, every=0.2,
                           progress=False)
    fig = plot_recording(rec, _pyplot=False)
    low, high = ylim_of(fig, "°C")
    values = rec["temperature"].values
    assert high - low >= max(2.0, np.ptp(values))
    assert low <= values.min() and values.max() <= high
    for label in ("Helligkeit", "Lautstärke"):
        low, high = ylim_of(fig, label)
        assert high - low >= 20.0


# -- the lessons' plots --------------------------------------------------------------------
def test_lesson_plot_uses_the_same_span_and_still_shows_its_threshold():
    from calliope_lib.teach import lesson

    rec = noisy("lux", 300.0, 4.0, "lx")
    fig = lesson.plot(rec, "lux")
    low, high = fig.axes[0].get_ylim()
    assert high - low >= 50.0
    # a threshold outside the widened range is still in the picture
    fig = lesson.plot(rec, "lux", level=400.0, level_label="Schwelle")
    assert fig.axes[0].get_ylim()[1] >= 400.0
    assert not hasattr(lesson, "MIN_SPAN") and not hasattr(lesson, "_min_span")


# -- the live view -------------------------------------------------------------------------
def test_live_view_starts_with_the_minimum_span_and_does_not_jump():
    rec = Recording()
    live = LivePlot(rec, ["temperature", "light"], mode="agg")
    rng = np.random.default_rng(5)
    seen = []
    for i in range(200):
        rec.add_row(i * 0.1, ["temperature", "light"],
                    [22.95 + rng.uniform(-0.35, 0.35), 120.0 + rng.integers(-2, 3)])
        if i % 10 == 0:
            live.update(force=True)
            seen.append(live._axes[0].get_ylim())
    live.update(force=True)
    low, high = live._axes[0].get_ylim()
    assert high - low >= 2.0
    # A jump is a change of the limits: with the span the noise fits from the first values.
    assert len(set(seen)) <= 2, seen
    low, high = live._axes[1].get_ylim()
    assert high - low >= 20.0


def test_live_view_keeps_wide_ranges_unknown_units_and_a_fixed_ylim():
    rec = Recording()
    plain = LivePlot(rec, ["wert"], mode="agg")
    fixed = LivePlot(rec, ["temperature"], ylim=(22.9, 23.0), mode="agg")
    for i in range(50):
        rec.add_row(i * 0.1, ["wert", "temperature"], [40.0 + 0.01 * (i % 3), 22.95])
    plain.update(force=True)
    fixed.update(force=True)
    low, high = plain._axes[0].get_ylim()
    assert high - low < 0.1  # no unit: the values' range with 15 % room
    assert fixed._axes[0].get_ylim() == (22.9, 23.0)
