"""An emulated board: QEMU runs the real MicroPython runtime with our firmware in it.

QEMU's ``microbit`` machine emulates the nRF51822 of the micro:bit V1 (the chip of the
Calliope mini 1.x/2.x). It boots the micro:bit MicroPython 1.1.1 hex that
``calliope-mini firmware build`` makes, byte for byte as it would be flashed, and its UART
becomes a TCP socket that :func:`calliope_lib.connect` opens like any serial port. Given a
hex built on the Calliope editor's (``firmware build --base``), it boots the **Calliope mini
1.x/2.x runtime** (module ``calliopemini``) instead; buttons and pins then sit on the
Calliope's GPIOs (:data:`CALLIOPE_BUTTON_GPIO`).

Needs ``qemu-system-arm`` (Debian/Ubuntu: ``sudo apt-get install qemu-system-arm``).

Example::

    >>> import calliope_lib as cl
    >>> from calliope_lib.workshop.firmware.emulator import emulated_board
    >>> with emulated_board() as emu:                      # doctest: +SKIP
    ...     board = cl.connect(emu.url)
    ...     emu.press("a")                                   # button A down
    ...     print(board.read("button_a"))
    ...     emu.release("a")
    ...     emu.set_pin(0, 1)                                # pin 0 high (digital)
    1.0

On the Calliope runtime the firmware offers 15 channels: reading pin 3 and touching pins
0 and 3 raise there, so ``d3``, ``touch_p0`` and ``touch_p3`` are left out (whether a real
Calliope mini behaves so is unverified).

What the emulator cannot do (QEMU 7.2, runtime 1.1.1, and the Calliope runtime alike): ``temperature()`` and ``radio.on()``
hang the guest for ever, so never ask an emulated board for ``temperature``;
``read_analog()`` is always 0, the accelerometer always reads (-736, -736, 736), the light
level 255. CPU-bound code runs at the speed of the host, not of a 16 MHz nRF51: timings
measured here are upper bounds for a real board.

The guest is held until the host connects (``-serial tcp:...,server=on,wait=on``), so the
``$HELLO`` line at boot is not lost. The very first byte on the UART is a NUL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

from calliope_lib.errors import CalliopeError
from calliope_lib.messages import register

QEMU = "qemu-system-arm"

#: micro:bit V1 GPIO numbers (nRF51 P0.x) of the buttons and of the big edge pins.
BUTTON_GPIO = {"a": 17, "b": 26}
PIN_GPIO = {0: 3, 1: 2, 2: 1}
#: The same on the Calliope mini 1.x/2.x runtime (found by driving each GPIO in QEMU and
#: reading button_a/b, d0..d2 through our firmware): button B and the pins sit elsewhere.
CALLIOPE_BUTTON_GPIO = {"a": 17, "b": 16}
CALLIOPE_PIN_GPIO = {0: 0, 1: 1, 2: 2}
#: QEMU's clock for the guest (``-icount``): guest time counted in executed instructions,
#: 8 ns each (``shift=3``), never ahead of the wall clock (``align=on``), sleeping in real
#: time while the guest waits (``sleep=on``). Why: by default the guest's 1 MHz timers run on
#: the host's wall clock, and a busy host that pauses QEMU for a few microseconds between
#: the runtime reading its timer and arming a compare 32 us ahead makes that compare lie in
#: the past; the 24-bit timer then fires only after it wraps, 2**24 us = **16.8 s** later.
#: ``display.read_light_level()`` waits for such a compare: streaming ``light`` at 10 ms on a
#: loaded 2-core machine showed one or two 16.8 s holes in every two-minute run (both
#: runtimes; never without ``light``). Counted in instructions, the few instructions between
#: reading and arming always take the same guest time: no hole in any run since (see
#: benchmarks/bench_emulated_link.py). ``shift=auto`` does not cure it (its clock warps);
#: ``icount=None`` gives QEMU's default. On a real board the same race needs an interrupt
#: longer than 32 us at that exact moment: rare, **unverified** on hardware.
DEFAULT_ICOUNT: str | None = "shift=3,align=on,sleep=on"
#: Universal Hex board IDs of the nRF51 part (the one QEMU's ``microbit`` machine runs).
NRF51_BOARD_IDS = (0x9900, 0x9901)

register({
    "emulator_missing.title": {
        "de": "QEMU fehlt: {qemu} wurde nicht gefunden",
        "en": "QEMU is missing: {qemu} was not found",
    },
    "emulator_missing.detail": {
        "de": "Das emulierte Board braucht QEMU. Installiere es mit "
              "'sudo apt-get install qemu-system-arm' (Debian/Ubuntu).",
        "en": "The emulated board needs QEMU. Install it with "
              "'sudo apt-get install qemu-system-arm' (Debian/Ubuntu).",
    },
    "emulator_failed.title": {
        "de": "Das emulierte Board ist nicht gestartet",
        "en": "The emulated board did not start",
    },
    "emulator_failed.detail": {
        "de": "QEMU meldet: {why}",
        "en": "QEMU says: {why}",
    },
})


class EmulatorMissing(CalliopeError, FileNotFoundError):
    """``qemu-system-arm`` is not installed."""

    reason = "emulator_missing"
    key = "emulator_missing"


class EmulatorFailed(CalliopeError, RuntimeError):
    """QEMU started but exited or did not get ready."""

    reason = "emulator_failed"
    key = "emulator_failed"


def qemu_path() -> str | None:
    """Where ``qemu-system-arm`` is, or None when it is not installed."""
    return shutil.which(QEMU)


_HEX_CACHE: dict[bool, Path] = {}
_HEX_LOCK = threading.Lock()


def firmware_hex(firmware: bool = True) -> Path:
    """A single-target micro:bit V1 hex for QEMU, built once per process.

    ``firmware=False`` gives the bare MicroPython runtime (an empty file system), as on a
    board fresh from the Python editor; the install tests put our program onto it.
    """
    with _HEX_LOCK:
        path = _HEX_CACHE.get(firmware)
        if path is not None and path.exists():
            return path
        folder = Path(tempfile.mkdtemp(prefix="calliope-emu-hex-"))
        if firmware:
            from calliope_lib.workshop.firmware.build import build_hex
            text = build_hex("microbit-v1")
        else:
            from micropython_microbit_fs import get_bundled_hex
            text = get_bundled_hex(1).content
        path = folder / ("firmware.hex" if firmware else "runtime.hex")
        path.write_text(text, encoding="ascii")
        _HEX_CACHE[firmware] = path
        return path


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: let the kernel kill QEMU when the Python process dies (even by SIGKILL)."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def nrf51_part(hex_path: str | os.PathLike[str], folder: Path) -> Path:
    """A single-target hex QEMU can load: the file itself, or the nRF51 part of a Universal Hex.

    QEMU 7.2 crashes on a Universal Hex, so the 0x9900 part (Calliope mini 1.x/2.x, micro:bit
    V1) is written as a plain Intel hex into ``folder``.
    """
    text = Path(hex_path).read_text(encoding="ascii", errors="replace")
    import universal_hex as uh

    if not uh.is_uhex(text):
        return Path(hex_path)
    for part in uh.separate_uhex(text):
        if part.board_id in NRF51_BOARD_IDS:
            out = folder / "nrf51-part.hex"
            out.write_text(part.hex, encoding="ascii")
            return out
    raise EmulatorFailed(why=f"{hex_path}: kein nRF51-Teil (0x9900) / no nRF51 part")


def runtime_of(hex_path: str | os.PathLike[str]) -> str:
    """``"calliope"`` for the Calliope mini 1.x/2.x runtime, else ``"microbit"``."""
    from calliope_lib.workshop.firmware.layout import is_calliope_runtime, load

    return "calliope" if is_calliope_runtime(load(Path(hex_path).read_text())) else "microbit"


class EmulatedBoard:
    """One running QEMU ``microbit`` machine. Make it with :func:`emulated_board`.

    ``url`` is the pyserial URL of its UART (``socket://127.0.0.1:PORT``); ``press``,
    ``release`` and ``set_pin`` drive its GPIO inputs through QEMU's qtest socket (on the
    GPIOs of the runtime's board: ``runtime`` is ``"microbit"`` or ``"calliope"``).
    """

    def __init__(self, hex_path: Path, qemu: str, start_timeout: float = 10.0,
                 icount: str | None = DEFAULT_ICOUNT) -> None:
        self.icount = icount
        self._dir = Path(tempfile.mkdtemp(prefix="calliope-emu-"))
        self.hex_path = nrf51_part(hex_path, self._dir)
        self.runtime = runtime_of(self.hex_path)
        calliope = self.runtime == "calliope"
        self.button_gpio = CALLIOPE_BUTTON_GPIO if calliope else BUTTON_GPIO
        self.pin_gpio = CALLIOPE_PIN_GPIO if calliope else PIN_GPIO
        self._qtest_path = self._dir / "qtest.sock"
        self._qtest: socket.socket | None = None
        self._qtest_buf = b""
        self._stderr: list[str] = []
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        for _attempt in range(5):  # another process may grab the free port first
            self.port = _free_port()
            if self._launch(qemu, start_timeout):
                return
        self.close()
        raise EmulatorFailed(why=" ".join(self._stderr)[-400:] or "?")

    @property
    def url(self) -> str:
        """The pyserial URL of the board's UART, for ``cl.connect(emu.url)``."""
        return f"socket://127.0.0.1:{self.port}"

    def _launch(self, qemu: str, start_timeout: float) -> bool:
        cmd = [
            qemu, "-M", "microbit", "-accel", "tcg",
            "-device", f"loader,file={self.hex_path}",
            "-display", "none", "-monitor", "none",
            "-serial", f"tcp:127.0.0.1:{self.port},server=on,wait=on",
            "-qtest", f"unix:{self._qtest_path},server=on,wait=off",
            "-qtest-log", "/dev/null",
        ]
        if self.icount:
            cmd += ["-icount", self.icount]
        self._stderr = []
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        ready = threading.Event()

        def drain(stream=self.process.stderr) -> None:
            # QEMU prints "QEMU waiting for connection on: ..." once it listens; keep reading
            # so that a chatty QEMU never blocks on a full pipe.
            try:
                for raw in iter(stream.readline, b""):
                    line = raw.decode(errors="replace").strip()
                    self._stderr.append(line)
                    if "waiting for connection" in line:
                        ready.set()
            except (ValueError, OSError):
                pass  # the pipe was closed by close() while we read: QEMU is gone
            ready.set()

        threading.Thread(target=drain, daemon=True, name="qemu-stderr").start()
        deadline = time.monotonic() + start_timeout
        while not ready.wait(0.05):
            if time.monotonic() > deadline:
                break
        if self.process.poll() is None and any("waiting for connection" in s for s in self._stderr):
            return True
        self._stop_process()
        if not any("in use" in s.lower() for s in self._stderr):
            raise EmulatorFailed(why=" ".join(self._stderr)[-400:] or "timeout")
        return False

    # --- GPIO through qtest -------------------------------------------------------------
    def _qtest_command(self, line: str) -> None:
        if self._qtest is None:
            deadline = time.monotonic() + 5.0
            while True:
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(str(self._qtest_path))
                    s.settimeout(5.0)
                    self._qtest = s
                    break
                except OSError:
                    s.close()
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        self._qtest.sendall(line.encode() + b"\n")
        while b"\n" not in self._qtest_buf:
            chunk = self._qtest.recv(256)
            if not chunk:
                raise EmulatorFailed(why="qtest socket closed")
            self._qtest_buf += chunk
        answer, _, self._qtest_buf = self._qtest_buf.partition(b"\n")
        if not answer.startswith(b"OK"):
            raise EmulatorFailed(why=f"qtest: {line!r} -> {answer!r}")

    def set_gpio(self, gpio: int, level: int) -> None:
        """Drive nRF51 GPIO ``gpio`` (0..31) to ``level`` (0 or 1) from outside."""
        self._qtest_command(f"set_irq_in /machine/nrf51 unnamed-gpio-in {int(gpio)} {int(bool(level))}")

    def press(self, button: str) -> None:
        """Hold button ``"a"`` or ``"b"`` down (the buttons are active low)."""
        self.set_gpio(self.button_gpio[button.lower()], 0)

    def release(self, button: str) -> None:
        """Let button ``"a"`` or ``"b"`` go."""
        self.set_gpio(self.button_gpio[button.lower()], 1)

    def set_pin(self, pin: int, level: int) -> None:
        """Set edge pin 0, 1 or 2 to digital ``level`` 0 or 1 (read it as ``d0``...)."""
        self.set_gpio(self.pin_gpio[int(pin)], level)

    # --- life cycle ---------------------------------------------------------------------
    def alive(self) -> bool:
        """Whether the QEMU process still runs."""
        return self.process is not None and self.process.poll() is None

    def _stop_process(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(3)
        if proc.stderr:
            proc.stderr.close()

    def close(self) -> None:
        """Stop QEMU and remove its temporary files (safe to call twice)."""
        if self._qtest is not None:
            with contextlib.suppress(OSError):
                self._qtest.close()
            self._qtest = None
        self._stop_process()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "EmulatedBoard":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def __repr__(self) -> str:
        state = "running" if self.alive() else "stopped"
        return f"<EmulatedBoard {self.url} {state}>"


@contextlib.contextmanager
def emulated_board(firmware: bool = True, hex_path: str | os.PathLike[str] | None = None,
                   qemu: str | None = None,
                   icount: str | None = DEFAULT_ICOUNT) -> Iterator[EmulatedBoard]:
    """Start an emulated board; stop it when the ``with`` block ends, even on errors.

    ``firmware=False`` boots the bare MicroPython runtime (for install tests);
    ``hex_path`` boots a hex of your own: single-target nRF51, or a Universal Hex (such as
    ``calliope-mini firmware build --base <editor hex>`` makes), whose nRF51 part is taken
    (QEMU 7.2 crashes on the whole file). With a hex built on the Calliope editor's hex the
    board runs the **Calliope mini 1.x/2.x runtime** (module ``calliopemini``).
    Raises :class:`EmulatorMissing` without QEMU.
    """
    exe = qemu or qemu_path()
    if not exe or not shutil.which(exe):
        raise EmulatorMissing(qemu=qemu or QEMU)
    path = Path(hex_path) if hex_path is not None else firmware_hex(firmware)
    emu = EmulatedBoard(path, exe, icount=icount)
    try:
        yield emu
    finally:
        emu.close()
