"""Marks with words: ``rec.mark("Hand drüber")`` in the recording, the CSV, ``cl.load`` and
the plots; ``lesson.act`` setting one as each action starts on the simulated board."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.plotting import plot_recording, save_plot
from calliope_lib.plotting import style
from calliope_lib.recording import Recording, reading
from calliope_lib.recording.importers import fast
from calliope_lib.recording.writing import RecordingWriter


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def light_recording(seconds: float = 30.0, every: float = 0.5) -> Recording:
    rec = Recording(metadata={"title": "Marken"})
    for i in range(int(seconds / every) + 1):
        t = i * every
        rec.add_row(t, ["light", "temperature"], [100.0 + 50 * (10 <= t < 15), 21.5 + t / 100])
    return rec


def load_quietly(path) -> Recording:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a mark line read as a bad data line would warn
        return cl.load(path)


def test_mark_defaults_to_the_latest_time_and_keeps_marks_sorted():
    rec = light_recording(seconds=5)
    assert rec.mark("zuletzt") == 5.0
    rec.mark("früh", time=1.25)
    rec.mark("zwei\nZeilen", time=3)
    assert rec.marks == [(1.25, "früh"), (3.0, "zwei Zeilen"), (5.0, "zuletzt")]
    with pytest.raises(ValueError):
        rec.mark("nie", time=float("nan"))


@pytest.mark.parametrize("dialect", ["default", "excel-de"])
def test_marks_survive_save_and_load(tmp_path, dialect):
    rec = light_recording()
    rec.mark("Hand drüber", time=10)
    rec.mark("Licht an; hell, sehr", time=20.5)
    path = rec.save(tmp_path / "m.csv", dialect=dialect)
    text = path.read_text(encoding="utf-8-sig")
    assert "# mark: 10.000 Hand drüber\n" in text
    back = load_quietly(path)
    assert back.marks == rec.marks
    assert "mark" not in back.metadata
    # The marks are no data: every value comes back, and pandas reads the same table.
    for name in rec.channels:
        assert np.array_equal(back[name].values, rec[name].values)
        assert np.allclose(back[name].times, rec[name].times)
    import pandas as pd

    sep, decimal = (";", ",") if dialect == "excel-de" else (",", ".")
    table = pd.read_csv(path, comment="#", sep=sep, decimal=decimal, encoding="utf-8-sig")
    assert len(table) == rec.count("light")
    assert list(table.columns) == ["Zeit (s)", "Helligkeit (0–255)", "Temperatur (°C)"]


def test_old_files_without_marks_still_load(tmp_path):
    path = tmp_path / "alt.csv"
    path.write_text("# calliope-lib recording\n# format: 1\n# unit temperature: °C\n"
                    "zeit_s,temperature\n0.000,21.5\n0.500,21.6\n", encoding="utf-8")
    rec = load_quietly(path)
    assert rec.marks == [] and rec.count("temperature") == 2


def test_a_mark_line_with_a_broken_time_is_skipped_not_data(tmp_path):
    path = tmp_path / "hand.csv"
    path.write_text("zeit_s,light\n0,10\n# mark: bald Hand drüber\n1,11\n# mark: 1,5 Eis\n",
                    encoding="utf-8")
    rec = load_quietly(path)
    assert rec.marks == [(1.5, "Eis")]
    assert rec["light"].values.tolist() == [10.0, 11.0]


def test_writer_puts_each_mark_in_the_file_when_it_is_set(tmp_path):
    rec = Recording()
    writer = RecordingWriter(rec, tmp_path / "live.csv")
    try:
        for i in range(10):
            rec.add_row(float(i), ["light"], [float(i)])
            if i == 4:
                rec.mark("Eiswasser")
                writer.flush()
                # In the file at once, between the rows it came between (crash-safe).
                lines = (tmp_path / "live.csv").read_text(encoding="utf-8").splitlines()
                assert lines[-2:] == ["4.000,4", "# mark: 4.000 Eiswasser"]
    finally:
        writer.close()
    back = load_quietly(tmp_path / "live.csv")
    assert back.marks == [(4.0, "Eiswasser")]
    assert back["light"].values.tolist() == [float(i) for i in range(10)]


def test_writer_keeps_marks_when_it_rewrites_the_file_for_a_new_column(tmp_path):
    rec = Recording()
    writer = RecordingWriter(rec, tmp_path / "neu.csv")
    rec.add_row(0.0, ["light"], [1.0])
    rec.mark("vorher")
    rec.add_row(1.0, ["light", "temperature"], [2.0, 20.0])
    writer.tick()
    rec.mark("nachher")
    writer.close()
    back = load_quietly(tmp_path / "neu.csv")
    assert back.marks == [(0.0, "vorher"), (1.0, "nachher")]
    assert back.channels == ["light", "temperature"]


def test_large_files_read_by_pandas_keep_their_marks(tmp_path, monkeypatch):
    rec = Recording()
    writer = RecordingWriter(rec, tmp_path / "gross.csv")
    for i in range(3000):
        rec.add_row(i * 0.01, ["light"], [float(i % 256)])
        if i in (500, 2500):
            rec.mark(f"Marke {i}")
    writer.close()
    monkeypatch.setattr(reading, "FAST_BYTES", 100)
    used = []
    real = fast.load_fast

    def spy(path):
        result = real(path)
        used.append(result is not None)  # True: pandas read it, not the careful reader
        return result

    monkeypatch.setattr(fast, "load_fast", spy)
    back = load_quietly(tmp_path / "gross.csv")
    assert used == [True] and back.marks == [(5.0, "Marke 500"), (25.0, "Marke 2500")]
    assert back.count("light") == 3000
    # rec.save puts them on top, among the metadata: read there too.
    back.save(tmp_path / "oben.csv")
    again = load_quietly(tmp_path / "oben.csv")
    assert used == [True, True] and again.marks == back.marks and again.count("light") == 3000


def test_plot_draws_a_line_and_the_text_of_each_mark(tmp_path):
    rec = light_recording()
    rec.mark("Hand drüber", time=10)
    fig = plot_recording(rec, _pyplot=False)
    assert len(fig.axes) == 2
    for ax in fig.axes:  # a line through every panel
        xs = [line.get_xdata()[0] for line in ax.get_lines()
              if line.get_color() == style.MARK_COLOUR]
        assert xs == [10.0]
    assert [t.get_text().strip() for t in fig.axes[0].texts] == ["Hand drüber"]
    assert len(plot_recording(rec, marks=False, _pyplot=False).axes[0].texts) == 0
    # In the picture: the mark's violet in the column of 10 s and nowhere else.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)
    violet = np.array([int(style.MARK_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    is_violet = np.abs(pixels - violet).sum(axis=2) < 40
    columns = np.flatnonzero(is_violet.sum(axis=0) > 20)
    assert len(columns) > 0
    box = fig.axes[0].get_position()
    at_10 = (box.x0 + box.width * 10 / 30) * pixels.shape[1]
    assert all(abs(c - at_10) < 30 for c in columns), (columns, at_10)
    assert save_plot(rec, tmp_path / "m.png").stat().st_size > 10_000


def test_a_mark_after_the_last_value_widens_the_time_axis():
    rec = light_recording(seconds=10)
    rec.mark("danach", time=14)
    fig = plot_recording(rec, _pyplot=False)
    assert fig.axes[0].get_xlim()[1] >= 14


def test_lesson_act_marks_each_action_with_its_word(tmp_path, monkeypatch):
    from calliope_lib.teach import lesson

    monkeypatch.chdir(tmp_path)
    with cl.connect("sim://?speed=50&seed=3") as board:
        lesson.act(board, ("hand", 10, 5), ("lampe", 20, 4))
        rec = board.record(["light", "button_a"], seconds=30, every=0.25, progress=False,
                           save_to="messung.csv")
        again = board.record(["light"], seconds=2, every=0.25, progress=False)
    assert rec.marks == [(10.0, "Hand drüber"), (20.0, "Taschenlampe")]
    assert again.marks == []  # the scenes and their marks belong to one measurement
    light = rec["light"]
    before = light.values[(light.times > 5) & (light.times < 9.5)].mean()
    during = light.values[(light.times > 11) & (light.times < 14.5)].mean()
    assert during < before - 30  # the mark sits where the kid's data shows the hand
    assert load_quietly("messung.csv").marks == rec.marks
    # The simulated board pressed button A at each start too: drawn once, with the word.
    assert lesson.marks(rec) == pytest.approx([10.0, 20.0], abs=0.3)
    fig = lesson.plot(rec)
    assert [t.get_text().strip() for t in fig.axes[0].texts] == ["Hand drüber", "Taschenlampe"]
    assert not [line for line in fig.axes[0].get_lines() if line.get_color() == "tab:purple"]


def test_summary_shows_german_names_and_decimal_commas():
    rec = light_recording(seconds=2)
    rec.add_row(0.0, ["acceleration_x"], [12.5])
    summary = rec.summary()
    assert summary["temperature"]["count"] == 5  # the keys stay the channels' names
    text = str(summary)
    assert "Temperatur" in text and "Beschleunigung x" in text and "Helligkeit" in text
    assert "temperature" not in text and "acceleration_x" not in text
    assert "21,5" in text and "12,5" in text and "21.5" not in text
    html = summary._repr_html_()
    assert "<td>Temperatur</td>" in html and "<td>21,5</td>" in html


def test_act_marks_belong_to_the_next_measurement_only():
    from calliope_lib.teach import lesson

    with cl.connect("sim://?speed=50&seed=4") as board:
        lesson.act(board, "finger", at=1, seconds=2)
        for sample in board.stream(["light"], every=0.5):  # the "Live zuschauen" loop
            if sample.time >= 2:
                break
        plain = board.record(["light"], seconds=3, every=0.5, progress=False)
        lesson.act(board, "hand", at=1, seconds=1)
        lesson.act(board, "lampe", at=2, seconds=1)  # the cell run again, changed
        rec = board.record(["light"], seconds=3, every=0.5, progress=False)
    assert plain.marks == []
    assert rec.marks == [(2.0, "Taschenlampe")]
