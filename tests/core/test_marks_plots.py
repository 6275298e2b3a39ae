"""Marks everywhere a recording is drawn: the live view (marks set while it records, presses
of button A), ``rec.plot()`` of button presses, and several boards' combined recording
(kept in its CSV, read back by ``cl.load``, drawn by its plot)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.plotting import plot_recording, style
from calliope_lib.plotting.live import LivePlot
from calliope_lib.plotting.marks import combine, presses
from calliope_lib.recording import Recording


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def mark_lines(ax) -> list[float]:
    """The x positions of the mark lines in ``ax`` (vertical, in the marks' colour)."""
    return [float(line.get_xdata()[0]) for line in ax.get_lines()
            if line.get_color() == style.MARK_COLOUR and len(set(line.get_xdata())) == 1]


def mark_texts(ax) -> list[str]:
    return [t.get_text().strip() for t in ax.texts if t.get_color() == style.MARK_COLOUR]


def violet_columns(png: bytes) -> np.ndarray:
    """Pixel columns of a PNG that hold a tall run of the marks' violet."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        pixels = np.asarray(img.convert("RGB")).astype(int)
    violet = np.array([int(style.MARK_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    is_violet = np.abs(pixels - violet).sum(axis=2) < 40
    return np.flatnonzero(is_violet.sum(axis=0) > 20)


# -- the rules ------------------------------------------------------------------------------
def test_presses_carry_on_where_the_last_look_stopped():
    assert presses([0, 1, 2, 3], [0, 1, 1, 0]) == [1.0]
    assert presses([4, 5, 6], [1, 0, 1], before=1.0) == [6.0]  # 4 s: still held from before
    assert presses([0, 1, 2, 3], [0, 1, float("nan"), 1]) == [1.0]  # a lost value is no press


def test_a_press_near_a_worded_mark_is_drawn_once():
    marks = combine([(10.0, "Hand drüber")], {"button_a": [10.3, 25.0], "kim.button_b": [3.0]},
                    lang="de")
    assert marks == [(3.0, "kim: Knopf B"), (10.0, "Hand drüber"), (25.0, "Knopf A")]


# -- rec.plot() -----------------------------------------------------------------------------
def test_rec_plot_draws_button_presses_as_marks_not_a_curve():
    rec = Recording()
    for i in range(40):
        t = i * 0.5
        rec.add_row(t, ["light", "button_a"], [100.0, 1.0 if t in (5.0, 5.5, 12.0) else 0.0])
    rec.mark("Hand drüber", time=12.0)
    fig = plot_recording(rec, _pyplot=False)
    assert [ax.get_ylabel() for ax in fig.axes] == ["Helligkeit (0–255)"]  # no 0/1 panel
    assert mark_lines(fig.axes[0]) == [5.0, 12.0]
    assert mark_texts(fig.axes[0]) == ["Knopf A", "Hand drüber"]
    # marks=False: no marks, and the button is a curve again; alone it is always one
    plain = plot_recording(rec, marks=False, _pyplot=False)
    assert len(plain.axes) == 2 and not mark_lines(plain.axes[0])
    alone = plot_recording(rec, ["button_a"], _pyplot=False)
    assert [ax.get_ylabel() for ax in alone.axes] == ["Knopf A"]


# -- the live view ------------------------------------------------------------------------
def test_live_view_draws_marks_as_they_are_set(tmp_path):
    rec = Recording()
    live = LivePlot(rec, ["temperature", "light", "button_a"], seconds=40, mode="agg")
    for i in range(100):
        t = i * 0.2
        rec.add_row(t, ["temperature", "light", "button_a"],
                    [21.0, 100.0 - 60 * (10 <= t < 15), 1.0 if 17.0 <= t < 17.5 else 0.0])
        if t == 10.0:
            rec.mark("Hand drüber")  # set while it records, at the time reached
        if i in (40, 60, 99):
            live.update(force=True)
            if i == 40:
                assert all(mark_lines(ax) == [] for ax in live._axes)  # 8 s: nothing yet
    axes = live._axes
    assert [ax.get_ylabel() for ax in axes] == ["Temperatur in °C", "Helligkeit (0–255)"]
    for ax in axes:  # a line through every panel, at the mark and at the press of A
        assert mark_lines(ax) == [10.0, 17.0]
    assert mark_texts(axes[0]) == ["Hand drüber", "Knopf A"]
    # In the picture itself: violet only at 10 s and 17 s of the 0–40 s axis.
    png = live.png()
    (tmp_path / "live_marken.png").write_bytes(png)
    columns = violet_columns(png)
    box = axes[0].get_position()
    width = live.figure.get_size_inches()[0] * live.dpi
    expected = [(box.x0 + box.width * when / 40) * width for when in (10, 17)]
    assert len(columns) > 0
    assert all(min(abs(c - e) for e in expected) < 12 for c in columns), (columns, expected)
    assert all(any(abs(c - e) < 12 for c in columns) for e in expected)
    # A second mark later, and the time axis turning to minutes: drawn where they belong.
    for i in range(100, 1200):
        rec.add_row(i * 0.2, ["temperature", "light", "button_a"], [21.0, 100.0, 0.0])
        if i == 500:
            rec.mark("Licht an")
    live.update(force=True)
    assert live._axes[-1].get_xlabel() == "Zeit in min"
    assert mark_lines(live._axes[0]) == pytest.approx([10 / 60, 17 / 60, 100 / 60])
    assert mark_texts(live._axes[0]) == ["Hand drüber", "Knopf A", "Licht an"]


def test_live_view_with_lesson_act_on_the_simulated_board(monkeypatch, tmp_path):
    """lesson.act sets the worded marks at the announced times while the board records; the
    simulated board presses A at the same moments: each drawn once, with its word."""
    from calliope_lib.plotting import live as live_module
    from calliope_lib.teach import lesson

    made = []
    original = live_module.LivePlot.__init__

    def keep(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    frames_with_marks = []
    original_draw = live_module.LivePlot._draw_marks

    def watch(self):
        original_draw(self)
        frames_with_marks.append(len(self.rec.marks))

    monkeypatch.setattr(live_module.LivePlot, "__init__", keep)
    monkeypatch.setattr(live_module.LivePlot, "_draw_marks", watch)
    monkeypatch.setenv("CALLIOPE_LIVE_PLOT", "agg")
    with cl.connect("sim://?speed=20&seed=3") as board:
        lesson.act(board, ("hand", 4, 3), ("lampe", 9, 2))
        rec = board.record(["light", "button_a"], seconds=12, every=0.1, live=True,
                           progress=False)
    live = made[0]
    assert rec.marks == [(4.0, "Hand drüber"), (9.0, "Taschenlampe")]
    assert [ax.get_ylabel() for ax in live._axes] == ["Helligkeit (0–255)"]
    assert mark_lines(live._axes[0]) == [4.0, 9.0]
    assert mark_texts(live._axes[0]) == ["Hand drüber", "Taschenlampe"]
    # drawn while recording: frames showed one mark before the second was set
    assert 1 in frames_with_marks and frames_with_marks.index(1) < frames_with_marks.index(2)
    (tmp_path / "live_lesson.png").write_bytes(live.png())


# -- several boards -----------------------------------------------------------------------
def test_several_boards_keep_their_marks_in_the_recording_the_csv_and_the_plot(tmp_path):
    with cl.connect_all(["sim://?speed=20&seed=1", "sim://?speed=20&seed=2"],
                        names=["kim", "ali"]) as boards:
        kim, ali = boards
        shared = [(1.0, "Eiswasser")]

        def marks_for(extra):
            def prepare(rec):
                for when, text in shared + extra:
                    rec.mark(text, time=when)
            return prepare

        kim.before_next_recording(marks_for([(2.5, "Hand drüber")]))
        ali.before_next_recording(marks_for([(0.5, "Finger drauf")]))
        rec = boards.record(["temperature", "light"], seconds=3, every=0.25,
                            save_to=tmp_path / "beide.csv")
    assert rec.marks == [(0.5, "ali: Finger drauf"), (1.0, "Eiswasser"),
                         (2.5, "kim: Hand drüber")]
    rec.mark("nachher", time=2.0)  # one of the combined recording's own, in time order
    assert [text for _, text in rec.marks] == ["ali: Finger drauf", "Eiswasser", "nachher",
                                               "kim: Hand drüber"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = cl.load(rec.saved_to)
    assert first.marks == rec.marks[:2] + rec.marks[3:]  # saved when the boards finished
    rec.save(tmp_path / "wieder.csv")
    back = cl.load(tmp_path / "wieder.csv")
    assert back.marks == rec.marks
    assert back.channels == ["kim.temperature", "kim.light", "ali.temperature", "ali.light"]
    fig = plot_recording(back, _pyplot=False)
    for ax in fig.axes:
        assert mark_lines(ax) == [0.5, 1.0, 2.0, 2.5]
    assert mark_texts(fig.axes[0]) == ["ali: Finger drauf", "Eiswasser", "nachher",
                                       "kim: Hand drüber"]


def test_live_view_keeps_a_marks_words_readable_where_a_curve_passes():
    """The curves are drawn anew in every frame; a mark's words must stay on top of them."""
    import io

    from PIL import Image

    rec = Recording()
    live = LivePlot(rec, ["temperature"], seconds=20, mode="agg")
    for i in range(200):
        t = i * 0.1
        rec.add_row(t, ["temperature"], [20.0 + 5.0 * ((i // 3) % 2)])  # a dense zig-zag
    rec.mark("Eiswasser", time=10.0)
    live.update(force=True)
    for i in range(200, 205):  # an ordinary frame after the full redraw
        rec.add_row(i * 0.1, ["temperature"], [20.0])
    live.update(force=True)
    text = next(a for a in live._mark_artists if hasattr(a, "get_text"))
    box = text.get_bbox_patch().get_window_extent()
    with Image.open(io.BytesIO(live.png())) as img:
        pixels = np.asarray(img.convert("RGB")).astype(int)
    height = pixels.shape[0]
    inner = pixels[int(height - box.y1) + 2:int(height - box.y0) - 2,
                   int(box.x0) + 2:int(box.x1) - 2]
    blue = np.array([int(style.COLOURS[0][i:i + 2], 16) for i in (1, 3, 5)])
    assert inner.size and (np.abs(inner - blue).sum(axis=2) < 60).sum() == 0
    # ... while the curve itself is in the picture beside the words
    assert (np.abs(pixels - blue).sum(axis=2) < 60).sum() > 500
