"""What the parser promises, seen by a kid's notebook: a board on a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import threading
import time
import tty
import warnings

import calliope_lib as cl


class PtyBoard:
    """A pseudo-terminal whose far end plays a board: ``answer`` gets each line the host
    sends and returns the bytes to print; ``talk`` prints by itself after a pause."""

    def __init__(self, answer=None, talk: bytes = b"", pause: float = 1.5) -> None:
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.name = os.ttyname(slave)
        self._slave = slave
        self.answer = answer
        self.talk = talk
        self.pause = pause
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        start = time.monotonic()
        said = False
        pending = b""
        os.set_blocking(self.master, False)
        while not self.stop:
            try:
                pending += os.read(self.master, 1024)
            except (BlockingIOError, OSError):
                time.sleep(0.01)
            while b"\n" in pending and self.answer is not None:
                line, _, pending = pending.partition(b"\n")
                os.write(self.master, self.answer(line.strip()))
            if not said and time.monotonic() - start > self.pause:
                said = True
                for piece in self.talk.splitlines(keepends=True):
                    os.write(self.master, piece)
                    time.sleep(0.02)

    def close(self) -> None:
        self.stop = True
        os.close(self.master)
        os.close(self._slave)


def test_number_with_unit_reaches_the_recording_with_its_unit():
    board = PtyBoard(talk="".join(f"temp: {20 + i / 10} °C\r\n" for i in range(30)).encode())
    try:
        with cl.connect(board.name) as calliope:
            rec = calliope.record(seconds=3, progress=False)
    finally:
        board.close()
    assert rec.count("temp") == 30 and rec.unit("temp") == "°C"
    assert rec["temp"].values[:3].tolist() == [20.0, 20.1, 20.2]


def test_a_board_at_the_micropython_prompt_shows_the_kid_no_error():
    """Our hello probe, typed into a REPL: the echo and a NameError come back."""

    def repl(line: bytes) -> bytes:
        return (line + b"\r\nTraceback (most recent call last):\r\n"
                b'  File "<stdin>", line 1, in <module>\r\n'
                b"NameError: name '" + line + b"' isn't defined\r\n>>> ")

    board = PtyBoard(answer=repl, talk=b"a:1\r\n" * 5, pause=2.0)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with cl.connect(board.name) as calliope:
                rec = calliope.record(seconds=3, progress=False)
    finally:
        board.close()
    shown = [str(w.message) for w in caught]
    assert not any("NameError" in text for text in shown), shown
    assert rec.count("a") == 5 and rec.bad_lines == 0
