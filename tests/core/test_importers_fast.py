"""Large files of our own take pandas' C parser: the same recording as the careful reader."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import calliope_lib as cl
from calliope_lib.recording import reading
from calliope_lib.recording.importers import fast
from calliope_lib.recording.reading import parse_recording_text

pytest.importorskip("pandas")

HEAD = ("# calliope-lib recording\n# format: 1\n# board: simulated\n# unit temperature: °C\n"
        "zeit_s,temperature,light\n")


def body(rows: int) -> str:
    lines = []
    for i in range(rows):
        temp = "" if i % 7 == 3 else repr(20 + i / 3)  # empty cells: missing values
        lines.append(f"{i * 0.05:.3f},{temp},{100 + i % 151}\n")
        if i == rows // 2:
            lines.append(f"# gap: {i * 0.05:.3f} {i * 0.05 + 2:.3f}\n")
    return "".join(lines) + "# bad_lines: 3\n# lost_lines: 1\n# note: Kabel lose?\n"


def careful(text: str):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = parse_recording_text(text)
    return rec, [str(w.message) for w in caught]


def loaded(path, monkeypatch, expect_fast: bool):
    monkeypatch.setattr(reading, "FAST_BYTES", 100)
    monkeypatch.setattr(fast, "CHUNK_ROWS", 97)  # many chunks even in a small file
    monkeypatch.setattr(fast, "BLOCK", 1000)  # and many scan blocks
    calls = []
    real = fast.load_fast

    def spy(p):
        result = real(p)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(fast, "load_fast", spy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = cl.load(path)
    assert calls == [expect_fast]
    return rec, [str(w.message) for w in caught]


def same(a, b) -> None:
    assert a.channels == b.channels
    for name in a.channels:
        assert np.array_equal(a[name].times, b[name].times)
        assert np.array_equal(a[name].values, b[name].values)  # bit for bit
        assert a.unit(name) == b.unit(name)
    assert a.gaps == b.gaps and a.notes == b.notes and a.metadata == b.metadata
    assert (a.bad_lines, a.lost_lines) == (b.bad_lines, b.lost_lines)


@pytest.mark.parametrize("dialect", ["default", "excel-de"])
def test_fast_path_gives_what_the_careful_reader_gives(tmp_path, monkeypatch, dialect):
    text = HEAD + body(2000)
    if dialect == "excel-de":
        text = "\n".join(line if line.startswith("#") else line.replace(",", ";").replace(".", ",")
                         for line in text.split("\n"))
    path = tmp_path / "big.csv"
    path.write_text(text, encoding="utf-8")
    rec, problems = loaded(path, monkeypatch, expect_fast=True)
    reference, _ = careful(text)
    same(rec, reference)
    assert not problems and len(rec.gaps) == 1 and rec.count("light") == 2000


def test_fast_path_cut_last_line_is_reported_not_loaded(tmp_path, monkeypatch):
    text = HEAD + body(500).split("# bad_lines")[0] + "25.000,21.5,13"
    path = tmp_path / "cut.csv"
    path.write_text(text)
    rec, problems = loaded(path, monkeypatch, expect_fast=True)
    assert rec.count("light") == 500 and rec["light"].values[-1] != 13
    assert len(problems) == 1 and "Zeile 507" in problems[0]
    reference, reference_problems = careful(text)
    same(rec, reference)
    assert reference_problems == [p.replace(str(path), "<text>") for p in problems]


@pytest.mark.parametrize("damage", ["1.000,21", "1.000,abc,3", "1.000,1,2,3", ",1,2"])
def test_damaged_rows_go_the_careful_way(tmp_path, monkeypatch, damage):
    lines = (HEAD + body(300)).split("\n")
    lines[40] = damage
    text = "\n".join(lines)
    path = tmp_path / "damaged.csv"
    path.write_text(text)
    rec, problems = loaded(path, monkeypatch, expect_fast=False)
    assert len(problems) == 1 and "Zeile 41" in problems[0]
    same(rec, careful(text)[0])
