"""Fixtures for tests that run the real firmware in QEMU (the emulated board).

Import them into a test module with ``from tests.workshop.emulator_fixtures import emu, bare_emu``.

Without ``qemu-system-arm`` these tests are **skipped with a visible reason** on a developer
machine, and **fail** when the environment variable ``CI`` is ``"true"``: CI installs QEMU,
so a missing QEMU there is a broken pipeline, never a silent pass.
"""

from __future__ import annotations

import os
import time
from typing import Iterator

import pytest
import serial

from calliope_lib.workshop.firmware.emulator import EmulatedBoard, emulated_board, qemu_path


def require_qemu() -> None:
    """Skip (developer machine) or fail (CI=true) when QEMU is missing."""
    if qemu_path():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true, aber qemu-system-arm fehlt: .ci/run muss es installieren "
                    "(apt-get install -y qemu-system-arm)")
    pytest.skip("qemu-system-arm fehlt: emulierte Board-Tests übersprungen "
                "(installieren: sudo apt-get install qemu-system-arm)")


@pytest.fixture
def emu() -> Iterator[EmulatedBoard]:
    """A fresh emulated board running our firmware (micro:bit V1 runtime 1.1.1)."""
    require_qemu()
    with emulated_board() as board:
        yield board


@pytest.fixture
def bare_emu() -> Iterator[EmulatedBoard]:
    """A fresh emulated board running only the MicroPython runtime (empty file system)."""
    require_qemu()
    with emulated_board(firmware=False) as board:
        yield board


class RawLink:
    """Talk PROTOCOL.md lines directly over the emulated UART (pyserial ``socket://``)."""

    def __init__(self, url: str) -> None:
        self.port = serial.serial_for_url(url, timeout=3)

    def line(self, timeout: float = 3.0) -> str:
        """The next line the board sends (NUL bytes dropped, line end stripped)."""
        deadline = time.monotonic() + timeout
        buf = b""
        while time.monotonic() < deadline:
            buf += self.port.read_until(b"\n")
            if buf.endswith(b"\n"):
                return buf.replace(b"\x00", b"").decode("ascii", "replace").rstrip("\r\n")
        raise TimeoutError(f"no line from the emulated board; got {buf!r}")

    def send(self, text: str | bytes) -> None:
        """Write in 32-byte pieces 10 ms apart: the board's receive buffer holds only 64
        bytes, and QEMU (unlike a 115200-baud cable) delivers a long write at once."""
        data = text.encode() if isinstance(text, str) else text
        for i in range(0, len(data), 32):
            if i:
                time.sleep(0.01)
            self.port.write(data[i:i + 32])

    def ask(self, command: str, prefix: str = "$OK", timeout: float = 3.0) -> str:
        """Send ``command`` and return the first answer line starting with ``prefix``
        or ``$ERR`` (data lines in between are skipped)."""
        self.send(command + "\n")
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        # Bounded: while the board streams, data lines keep coming, so waiting "until the
        # answer" must still end at the deadline (and say what came instead).
        while time.monotonic() < deadline:
            line = self.line(max(0.1, deadline - time.monotonic()))
            if line.startswith(prefix) or line.startswith("$ERR"):
                return line
            seen = (seen + [line])[-3:]
        raise TimeoutError(f"no {prefix} answer to {command!r} within {timeout} s; last lines: {seen}")

    def close(self) -> None:
        self.port.close()
