"""One stream, one recording: where the reads cut a board's bytes never changes what a
session records.

The parser turns a chunk of same-shaped lines into one :class:`~calliope_lib.protocol.Rows`
block, and a single line into a :class:`~calliope_lib.protocol.Row`; how many lines share a
block depends on the read sizes. The properties in ``test_parser_properties.py`` prove the
blocks say what the lines say; here the whole way is taken: a scripted board on a real
pseudo-terminal sends the same bytes, the host's port reads them in pieces of 1 byte up to
4 KiB, a real session (``board.record``) records them, and the recordings must be equal —
times, values, gaps, lost and bad lines. In firmware mode the times come from the board's
clock, so they must be equal to the last bit; in listen mode (a kid's program) they come
from the computer's clock, so there the values and their order must be.
"""

from __future__ import annotations

import os
import threading
import time
import tty
from pathlib import Path
from typing import Any

import pytest

import calliope_lib as cl
from calliope_lib.protocol import Rows
from tests.core.fake_firmware import FakeFirmware

READ_SIZES = [1, 7, 64, 1000, 4096]


def firmware_stream() -> tuple[bytes, int]:
    """``$D`` lines as our firmware sends them, with what happens on a real cable: three
    lost lines, a clock that steps back, a silence, a damaged line, a "no reading" (nan).
    Board times stay within 0.9 s, so they never run ahead of the computer's clock (that
    would depend on when the bytes arrived). Returns the bytes and the count of good lines."""
    lines = []
    ms = 1000.0
    for seq in range(1500):
        if seq in (50, 51, 52):
            continue  # lost on the way
        ms += 0.2
        if seq == 100:
            ms -= 20  # the board's clock stepped back
        if seq == 700:
            ms += 510  # a silence (longer than 0.5 s)
        light = "nan" if seq % 37 == 0 else str(seq % 50)
        lines.append(f"$D {seq} {ms:.1f} 21.5,{light}")
    good = len(lines)
    lines.insert(1200, "$D 1203 12x 1,2")  # bytes lost inside a line: a bad line
    return "".join(line + "\r\n" for line in lines).encode(), good


class ScriptedFirmware(FakeFirmware):
    """Our firmware's protocol on a pty; after ``start`` it sends :attr:`script` (as fast
    as the pty takes it) instead of measuring. Like the real firmware it sends whole lines:
    an answer (``$COLS`` after ``cols?``) never lands inside a data line."""

    def __init__(self, link: Path, script: bytes) -> None:
        self.script = script
        self.script_sent = 0
        self._outbox = bytearray()
        super().__init__(link)

    def _write(self, data: bytes) -> None:
        self._outbox += data
        self._flush()

    def _flush(self) -> None:
        if not self._outbox or not self._plugged.is_set():
            return
        try:
            del self._outbox[:os.write(self.master, self._outbox[:4096])]
        except BlockingIOError:
            pass  # the pty is full: the host reads, the next round sends on

    def _data(self) -> None:
        if self.running and self.script_sent < len(self.script) and len(self._outbox) < 1024:
            end = self.script.rfind(b"\n", self.script_sent, self.script_sent + 1024) + 1
            end = end or len(self.script)
            self._outbox += self.script[self.script_sent:end]
            self.script_sent = end
        self._flush()


def read_in_pieces(board: Any, size: int) -> list[int]:
    """Make the host's real port read at most ``size`` bytes at a time; returns a list that
    counts the :class:`Rows` blocks the parser makes."""
    port = board.transport
    read = port.read
    port.read = lambda n=1: read(min(n, size))
    blocks = [0]
    parser = board._link.parser
    feed = parser.feed

    def counting_feed(data: bytes) -> list:
        events = feed(data)
        blocks[0] += sum(isinstance(e, Rows) for e in events)
        return events

    parser.feed = counting_feed
    return blocks


def summary(rec: cl.Recording, with_times: bool = True) -> dict:
    """Everything a recording holds, as comparable text (NaN equals NaN)."""
    out: dict = {"bad": rec.bad_lines, "lost": rec.lost_lines}
    for channel in rec:
        out[channel.name] = repr(list(channel.values))
        if with_times:
            out[channel.name + " times"] = repr(list(channel.times))
    if with_times:
        out["gaps"] = repr(rec.gaps)
    return out


def record_firmware(tmp_path: Path, size: int) -> tuple[dict, int]:
    stream, good = firmware_stream()
    fake = ScriptedFirmware(tmp_path / f"ttyACM{size}", stream)
    try:
        board = cl.connect(fake.device)
        try:
            blocks = read_in_pieces(board, size)
            rec = board.record(["temperature", "light"], every=0.05, samples=good,
                               progress=False)
        finally:
            board.close()
    finally:
        fake.close()
    assert rec.count("temperature") == good
    return summary(rec), blocks[0]


def test_firmware_stream_records_the_same_whatever_the_read_sizes(tmp_path):
    results = {size: record_firmware(tmp_path, size) for size in READ_SIZES}
    whole, blocks = results[4096]
    assert blocks > 0, "4 KiB reads must take the block path"
    assert results[1][1] == 0, "1-byte reads give single lines only"
    assert whole["lost"] == 3 and whole["bad"] == 1
    assert "nan" in whole["light"]
    assert whole["gaps"].count("(") == 1  # the silence
    for size, (result, _) in results.items():
        assert result == whole, size


def kid_program(path: Path) -> tuple[int, threading.Thread, threading.Event]:
    """A pty like a board running a kid's MakeCode program: ``writeNumbers`` rows, padded,
    with a greeting and a damaged row. It starts printing when told to."""
    master, slave = os.openpty()
    tty.setraw(slave)
    path.symlink_to(os.ttyname(slave))
    rows = [f"{i},{i % 9},{'21.5' if i % 4 else '-3'}".ljust(24) for i in range(400)]
    rows.insert(200, "4,5")  # a row that lost a cell: flagged, never a channel of its own
    stream = ("Hallo, Welt\r\n" + "".join(r + "\r\n" for r in rows)).encode()
    go = threading.Event()

    def run() -> None:
        go.wait(10)
        sent = 0
        while sent < len(stream):
            try:
                sent += os.write(master, stream[sent:sent + 512])
            except BlockingIOError:
                pass
            time.sleep(0.002)
        time.sleep(1)
        os.close(master)
        os.close(slave)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return 400, thread, go


@pytest.mark.parametrize("size", READ_SIZES)
def test_kid_program_rows_record_the_same_values_whatever_the_read_sizes(tmp_path, size):
    good, thread, go = kid_program(tmp_path / "ttyACM0")
    board = cl.connect(str(tmp_path / "ttyACM0"))
    try:
        assert board.info.mode == "listen"
        blocks = read_in_pieces(board, size)
        go.set()
        rec = board.record(samples=good, progress=False)
    finally:
        board.close()
        thread.join(5)
    assert rec.channels == ["wert1", "wert2", "wert3"]
    assert rec.bad_lines == 1
    assert [int(v) for v in rec["wert1"].values] == list(range(400))
    assert [float(v) for v in rec["wert3"].values] == [21.5 if i % 4 else -3.0
                                                       for i in range(400)]
    assert [float(v) for v in rec["wert2"].values] == [i % 9 for i in range(400)]
    times = list(rec["wert1"].times)
    assert times == sorted(times)
    if size == 4096:
        assert blocks[0] > 0
    if size == 1:
        assert blocks[0] == 0
