"""Static plots: labels, units per axis, gaps, markers, decimation, files on disk.

Every picture is really rendered (Agg) and saved; checks read the figure objects and the
saved image's pixels, not the calls that made them.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from calliope_lib.errors import InvalidParameter, UnknownChannel
from calliope_lib.plotting import plot_recording, save_plot
from calliope_lib.plotting.decimate import MinMaxBins, band_path, break_at_gaps, minmax
from calliope_lib.plotting.style import axis_label, format_value, time_unit
from calliope_lib.recording import Recording


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def make_recording(seconds: float = 60.0, every: float = 0.5, gap: tuple | None = None,
                   names=("temperature", "light", "sound"), title: str | None = None) -> Recording:
    meta = {"start": "2026-11-26T17:40:00+01:00", "board": "simulated"}
    if title:
        meta["title"] = title
    rec = Recording(metadata=meta)
    rng = np.random.default_rng(3)
    for i in range(int(seconds / every) + 1):
        t = i * every
        if gap and gap[0] < t < gap[1]:
            continue
        values = {"temperature": 21 + math.sin(t / 40), "light": 120 + 50 * math.sin(t / 9),
                  "sound": 40 + 20 * rng.random(), "acceleration_x": 100 * rng.standard_normal(),
                  "acceleration_y": 50 * rng.standard_normal(), "feuchte": 300 + t}
        rec.add_row(t, names, tuple(values[n] for n in names))
    if gap:
        rec.add_gap(*gap)
    return rec


def image_stats(path) -> tuple[tuple[int, int], float]:
    with Image.open(path) as img:
        grey = np.asarray(img.convert("L"), dtype=float)
        return img.size, float(grey.std())


def test_each_unit_gets_its_own_axis_with_german_labels(tmp_path):
    rec = make_recording()
    fig = plot_recording(rec)
    axes = [ax for ax in fig.axes if ax.get_ylabel()]
    assert [ax.get_ylabel() for ax in axes] == ["Temperatur in °C", "Helligkeit (0–255)",
                                                "Lautstärke (0–255)"]
    assert axes[-1].get_xlabel() == "Zeit in s"
    assert fig.get_suptitle() == "Messung vom 26.11.2026 um 17:40 Uhr"
    # shared time axis: zooming one zooms all
    assert axes[0].get_shared_x_axes().joined(axes[0], axes[2])
    path = save_plot(rec, tmp_path / "messung.png")
    size, spread = image_stats(path)
    assert size[0] >= 1100 and size[1] >= 800  # 7.5 x 5.6 inches at 150 dpi
    assert spread > 20  # not an empty white picture


def test_a_long_title_wraps_instead_of_widening_the_picture(tmp_path):
    """A reference file's long description as title made the notebook's picture twice as
    wide (Jupyter's inline backend saves with bbox_inches="tight", which takes the title in),
    so the notebook showed the plot itself at half size."""
    rec = make_recording(names=("temperature",))

    def notebook_width(name: str) -> int:  # as IPython's inline backend renders a figure
        path = tmp_path / name
        plot_recording(rec).savefig(path, format="png", bbox_inches="tight")
        return Image.open(path).size[0]

    short = notebook_width("kurz.png")
    rec.metadata["title"] = ("Lektion 4: Nagel-Feuchtesensor an P1 in einem Beet eines Park-"
                             "Sensorgartens, eine Woche alle 30 Minuten, gegossen am Anfang "
                             "(SIMULIERT)")
    assert notebook_width("lang.png") <= short * 1.05
    assert plot_recording(rec).get_suptitle().startswith("Lektion 4")


def test_english_labels_by_language(monkeypatch):
    monkeypatch.setenv("CALLIOPE_LANG", "en")
    fig = plot_recording(make_recording(names=("temperature",)))
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Temperature in °C"
    assert ax.get_xlabel() == "Time in s"
    assert fig.get_suptitle().startswith("Recording of 2026-11-26")


def test_same_unit_shares_an_axis_with_different_line_styles():
    rec = make_recording(names=("acceleration_x", "acceleration_y", "temperature"))
    fig = plot_recording(rec)
    acc = next(ax for ax in fig.axes if "mg" in ax.get_ylabel())
    assert acc.get_ylabel() == "Beschleunigung in mg"
    lines = acc.get_lines()
    assert len(lines) == 2
    # black-and-white print: style differs, not only the colour
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[0].get_color() != lines[1].get_color()
    legend = acc.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Beschleunigung x", "Beschleunigung y"]


def test_long_recordings_switch_to_minutes_and_hours():
    assert time_unit(120) == (1.0, "s")
    assert time_unit(1800) == (60.0, "min")
    assert time_unit(5 * 3600) == (3600.0, "h")
    rec = make_recording(seconds=1200, every=5, names=("temperature",))
    ax = plot_recording(rec).axes[0]
    assert ax.get_xlabel() == "Zeit in min"
    assert ax.get_xlim()[1] == pytest.approx(20.0)
    assert ax.get_lines()[0].get_xdata().max() == pytest.approx(20.0)
    rec = make_recording(seconds=6 * 3600, every=60, names=("temperature",))
    assert plot_recording(rec).axes[0].get_xlabel() == "Zeit in h"
    assert plot_recording(rec, time_unit="s").axes[0].get_xlabel() == "Zeit in s"
    with pytest.raises(InvalidParameter):
        plot_recording(rec, time_unit="tage")


def test_gap_is_a_break_not_a_straight_line(tmp_path):
    rec = make_recording(seconds=60, every=0.5, gap=(20.0, 35.0), names=("temperature",))
    ax = plot_recording(rec).axes[0]
    line = ax.get_lines()[0]
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    nan = np.flatnonzero(np.isnan(y))
    assert len(nan) == 1
    assert x[nan[0] - 1] <= 20.0 and x[nan[0] + 1] >= 35.0
    # and the gap is marked (a hatched band)
    assert any(p.get_hatch() == "//" for p in ax.patches)
    save_plot(rec, tmp_path / "gap.png")


def test_few_points_get_markers_many_do_not():
    few = plot_recording(make_recording(seconds=10, every=0.5, names=("temperature",)))
    assert few.axes[0].get_lines()[0].get_marker() not in (None, "None", "")
    many = plot_recording(make_recording(seconds=300, every=0.5, names=("temperature",)))
    assert many.axes[0].get_lines()[0].get_marker() in (None, "None", "")


def test_title_channels_and_unknown_channel():
    rec = make_recording(title="Licht im Klassenzimmer")
    fig = plot_recording(rec, channels=["light"])
    assert fig.get_suptitle() == "Licht im Klassenzimmer"
    assert len([ax for ax in fig.axes if ax.get_ylabel()]) == 1
    assert plot_recording(rec, channels="light", title="").get_suptitle() == ""
    with pytest.raises(UnknownChannel) as info:
        plot_recording(rec, channels=["lihgt"])
    assert "light" in str(info.value)


def test_into_a_kids_own_axes_with_a_twin_for_a_second_unit(tmp_path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    rec = make_recording(names=("temperature", "light"))
    returned = plot_recording(rec, ax=ax)
    assert returned is fig
    assert ax.get_ylabel() == "Temperatur in °C"
    twins = [other for other in fig.axes if other is not ax]
    assert len(twins) == 1 and twins[0].get_ylabel() == "Helligkeit (0–255)"
    # one drawing area: the two lines must differ in style too
    assert ax.get_lines()[0].get_linestyle() != twins[0].get_lines()[0].get_linestyle()
    fig.savefig(tmp_path / "own.png")


def test_decimal_comma_on_german_axes(tmp_path):
    rec = make_recording(names=("temperature",))
    fig = plot_recording(rec)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in label for label in labels), labels
    assert not any("." in label for label in labels)
    assert format_value(21.53, "°C", lang="de") == "21,53 °C"
    assert format_value(21.53, "°C", lang="en") == "21.53 °C"


def test_pdf_svg_and_default_suffix(tmp_path):
    rec = make_recording(names=("temperature", "light"))
    pdf = rec.save_plot(tmp_path / "m.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    svg = rec.save_plot(tmp_path / "m.svg")
    assert "Temperatur in °C" in svg.read_text(encoding="utf-8") or svg.stat().st_size > 10_000
    png = rec.save_plot(tmp_path / "ohne_endung")
    assert png.suffix == ".png" and png.exists()


def test_huge_recording_is_decimated_but_keeps_its_spike(tmp_path):
    rec = Recording()
    t = np.arange(200_000) * 0.01
    values = np.sin(t)
    values[123_457] = 50.0  # one short spike: must stay visible
    rec.add_channel("light", t, values, "")
    ax = plot_recording(rec).axes[0]
    y = np.asarray(ax.get_lines()[0].get_ydata())
    assert len(y) <= 4_100
    assert np.nanmax(y) == 50.0 and np.nanmin(y) == pytest.approx(-1.0, abs=1e-3)
    pdf = save_plot(rec, tmp_path / "gross.pdf")
    assert pdf.stat().st_size < 400_000  # a million-point PDF would be megabytes


def test_empty_recording_still_draws(tmp_path):
    rec = Recording()
    rec.add_channel("temperature")
    fig = plot_recording(rec)
    assert any(t.get_text() == "Noch keine Messwerte" for t in fig.axes[0].texts)
    save_plot(rec, tmp_path / "leer.png")


def test_axis_label_for_boards_with_prefix():
    units = {"kim.temperature": "°C", "ben.temperature": "°C"}
    assert axis_label(["kim.temperature", "ben.temperature"], units, lang="de") == "Temperatur in °C"
    # A channel nobody named keeps its id. (Not "feuchte": importing the lessons names that
    # one "Bodenfeuchte" for the whole process, so the result would depend on test order.)
    assert axis_label(["mein_sensor"], {"mein_sensor": "%"}, lang="de") == "mein_sensor in %"


def test_importing_plotting_does_not_import_matplotlib():
    code = ("import sys, calliope_lib, calliope_lib.plotting; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- decimation --------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=400),
       st.integers(2, 40), st.floats(0.01, 5.0))
def test_minmax_bins_equal_brute_force(values, nbins, step):
    times = np.arange(len(values)) * step
    values = np.array(values)
    bins = MinMaxBins(nbins, span=1.0)
    # in chunks, as a live recording delivers them
    for chunk in np.array_split(np.arange(len(values)), 3):
        bins.add(times[chunk], values[chunk])
    assert bins.total == len(values)
    assert bins.span > times[-1]
    idx = np.minimum((times / bins.width).astype(int), bins.nbins - 1)
    for b in np.unique(idx):
        sel = values[idx == b]
        assert bins.lo[b] == sel.min() and bins.hi[b] == sel.max()
        assert bins.first[b] == sel[0] and bins.last[b] == sel[-1]
    x, y = bins.points()
    assert y.min() == values.min() and y.max() == values.max()
    assert np.all(np.diff(x) >= 0)


def test_minmax_follows_the_signal_direction():
    bins = MinMaxBins(2, span=2.0)
    bins.add(np.array([0.1, 0.2, 1.1, 1.2]), np.array([1.0, 9.0, 9.0, 1.0]))
    assert bins.points()[1].tolist() == [1.0, 9.0, 9.0, 1.0]  # up in bin 0, down in bin 1


def test_break_at_gaps_and_band_path():
    x, y = break_at_gaps(np.array([0.0, 1.0, 9.0]), np.array([1.0, 2.0, 3.0]), [(2.0, 8.0)])
    assert np.isnan(y[2]) and x[2] == 5.0
    verts, codes = band_path(np.array([0.5, 1.5, 8.5]), np.array([0.0, 1.0, 2.0]),
                             np.array([1.0, 2.0, 3.0]), 0.1, 0.5, [(2.0, 8.0)])
    assert list(codes).count(1) == 2  # two separate shapes: broken at the gap
    assert verts[:, 1].max() == pytest.approx(3.1) and verts[:, 1].min() == pytest.approx(-0.1)
    t, v = minmax(np.arange(10.0), np.arange(10.0), 100)
    assert len(t) == 10  # few values: unchanged


def test_jupyter_shows_each_plot_exactly_once():
    """``rec.plot()``, ``rec.plot();`` and ``fig = rec.plot()``: one picture each, in a real kernel."""
    import os

    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    km, kc = start_new_kernel(kernel_name="python3", env=env)

    def pictures(code: str) -> int:
        kc.execute(code)
        started, count = False, 0
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            kind = msg["msg_type"]
            if kind == "status":
                state = msg["content"]["execution_state"]
                if state == "busy":
                    started = True
                elif started:
                    return count
            elif kind in ("display_data", "execute_result"):
                count += "image/png" in msg["content"]["data"]
            elif kind == "error":
                raise AssertionError(msg["content"]["evalue"])

    try:
        setup = ("from calliope_lib.recording import Recording\nrec = Recording()\n"
                 "for i in range(10): rec.add_row(i, ['temperature'], [20 + i])\n")
        assert pictures(setup + "fig = rec.plot()") == 1
        assert pictures("rec.plot();") == 1
        assert pictures("rec.plot()") == 1
        assert pictures("fig = rec.plot()") == 1
        assert pictures("fig") == 1
        assert pictures("rec.save_plot('/dev/null.png') if False else None") == 0
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_vector_components_far_apart_get_one_panel_each(tmp_path):
    """A board lying still: x and y near 0 mg, z near -1000 mg. One shared axis would show
    two flat lines and a far one; each gets its own panel, all drawn solid."""
    rng = np.random.default_rng(3)
    t = np.arange(400) * 0.05
    rec = Recording()
    for name, level in (("acceleration_x", 0.0), ("acceleration_y", 0.0),
                        ("acceleration_z", -1000.0)):
        rec.add_channel(name, t, level + rng.normal(0, 15, len(t)), "mg")
    fig = plot_recording(rec, _pyplot=False)
    axes = [ax for ax in fig.axes if ax.get_ylabel()]
    assert [ax.get_ylabel() for ax in axes] == ["x in mg", "y in mg", "z in mg"]
    assert [ax.get_legend().get_texts()[0].get_text() for ax in axes] == [
        "Beschleunigung x", "Beschleunigung y", "Beschleunigung z"]
    assert all(line.get_linestyle() == "-" for ax in axes for line in ax.get_lines())
    low, high = axes[2].get_ylim()
    # z's panel is its own: about the minimum span of 300 mg around -1000 mg (its ±50 mg of
    # noise a visible wiggle, not a flat line on a 1000 mg axis, nor blown up into jumps)
    assert 300 <= high - low < 400 and low < -1050 and high > -950
    save_plot(rec, tmp_path / "drei.png")
    # shaken: all three swing over the same range, one axis and one legend
    shaken = Recording()
    for k, name in enumerate(("acceleration_x", "acceleration_y", "acceleration_z")):
        shaken.add_channel(name, t, 900 * np.sin(t * 4 + k) - 300 * k, "mg")
    fig = plot_recording(shaken, _pyplot=False)
    assert [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()] == ["Beschleunigung in mg"]


def test_many_values_on_a_shared_axis_are_solid_lines_not_combs():
    """400 wiggling values with a dash-dot pattern look like a comb: solid beyond 150."""
    rec = make_recording(seconds=200, every=0.5, names=("acceleration_x", "acceleration_y"))
    assert rec.count("acceleration_y") > 150
    fig = plot_recording(rec, _pyplot=False)
    lines = fig.axes[0].get_lines()
    assert [line.get_linestyle() for line in lines] == ["-", "-"]
    assert lines[0].get_color() != lines[1].get_color()
    few = make_recording(seconds=60, every=0.5, names=("acceleration_x", "acceleration_y"))
    lines = plot_recording(few, _pyplot=False).axes[0].get_lines()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()  # few values: dashes stay
