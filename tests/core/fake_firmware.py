"""A scriptable board that speaks our firmware's protocol on a real pseudo-terminal.

The simulated board (``sim://``) is well-behaved by design. Real boards are not: they are
reset in the middle of a line, swapped for a classmate's board on the same USB port, stall
for seconds, fall behind the asked-for rate and have clocks that step. :class:`FakeFirmware`
does each of these on command, on a real pty that pyserial opens as it opens
``/dev/ttyACM0`` (reached through a symbolic link that vanishes on :meth:`unplug`, like the
device node of a pulled cable).

    fake = FakeFirmware(tmp_path / "ttyACM0")
    board = cl.connect(fake.device)
    ... fake.reset_mid_line() ... fake.replug(board_id="other") ... fake.stall(2.0) ...
    fake.close()

The board's clock (``board_ms``) is real time since its last (re)start plus :attr:`clock_offset_ms`,
which :meth:`step_clock` moves. Every line it sends ends in ``\\r\\n`` as MicroPython's do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import threading
import time
import tty
from pathlib import Path

from calliope_lib.protocol import firmware as fw
from calliope_lib.protocol.hello import format_hello

CHANNELS = ("temperature", "light", "sound", "button_a")


class FakeFirmware:
    """Our firmware's protocol on a pty, with commands to misbehave (see the module doc)."""

    def __init__(self, link: str | Path, *, board: str = "calliope-mini-3",
                 board_id: str | None = "c0ffee01") -> None:
        self.link = str(link)
        self.board = board
        self.board_id = board_id
        self.period_ms = 100
        self.cols: tuple[str, ...] = ()
        self.running = False
        self.seq = 0
        #: added to the board clock (ms): :meth:`step_clock` moves it
        self.clock_offset_ms = 0.0
        #: 1.0: keeps the period; 2.0: sends a data line only every second period
        self.slowness = 1.0
        #: data lines the board measures but never sends (lost lines), next ones first
        self.drop_next = 0
        self._stall_until = 0.0
        self._boot = time.monotonic()
        self._next_due = 0.0
        self._inbox = b""
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._plugged = threading.Event()
        self.commands: list[str] = []
        #: data lines sent since the fake was made
        self.sent = 0
        self._open()
        self._thread = threading.Thread(target=self._run, name="fake-firmware", daemon=True)
        self._thread.start()

    # -- the cable ----------------------------------------------------------------------
    @property
    def device(self) -> str:
        """The path a host opens (the link; it vanishes while unplugged)."""
        return self.link

    def _open(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self.master, self.slave = master, slave
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.link)
        os.symlink(os.ttyname(slave), self.link)
        self._plugged.set()

    def _close(self) -> None:
        self._plugged.clear()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.link)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def unplug(self) -> None:
        """Pull the cable: the pty and its link disappear."""
        with self._lock:
            self._close()

    def plug(self, *, board: str | None = None, board_id: str | None = "same") -> None:
        """Plug a board in (this one, or another kind/id): it boots and says hello."""
        with self._lock:
            if board is not None:
                self.board = board
            if board_id != "same":
                self.board_id = board_id
            self._restart_state()
            self._open()
            self._send_line(self._hello())

    def replug(self, *, pause: float = 0.5, board: str | None = None,
               board_id: str | None = "same") -> None:
        """Unplug, wait ``pause`` s, plug in (another board if ``board``/``board_id`` say so)."""
        self.unplug()
        time.sleep(pause)
        self.plug(board=board, board_id=board_id)

    # -- misbehaving --------------------------------------------------------------------
    def reset_mid_line(self) -> None:
        """The reset button, pressed while a data line was half sent: ``$D 4 812 2`` + hello."""
        with self._lock:
            self._write(f"$D {self.seq} {int(self._board_ms())} 2".encode())
            self._restart_state()
            self._send_line(self._hello())

    def reset(self) -> None:
        """A clean reset: the board restarts and says hello on a line of its own."""
        with self._lock:
            self._restart_state()
            self._send_line(self._hello())

    def stall(self, seconds: float) -> None:
        """Send no data line for ``seconds`` (the board is busy; nothing is measured)."""
        with self._lock:
            self._stall_until = time.monotonic() + seconds

    def step_clock(self, ms: float) -> None:
        """Move the board's clock by ``ms`` (negative: back), as a clock correction does."""
        with self._lock:
            self.clock_offset_ms += ms

    def send_raw(self, data: bytes) -> None:
        with self._lock:
            self._write(data)

    # -- the firmware -------------------------------------------------------------------
    def _restart_state(self) -> None:
        self.running = False
        self.cols = ()
        self.seq = 0
        self.period_ms = 100
        self.clock_offset_ms = 0.0
        self._boot = time.monotonic()
        self._inbox = b""

    def _board_ms(self) -> float:
        return (time.monotonic() - self._boot) * 1000.0 + self.clock_offset_ms

    def _hello(self) -> str:
        extra = {"id": self.board_id} if self.board_id else {}
        return format_hello(self.board, **extra)

    def _write(self, data: bytes) -> None:
        if not self._plugged.is_set():
            return
        try:
            os.write(self.master, data)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EIO):
                raise

    def _send_line(self, line: str) -> None:
        self._write(line.encode() + b"\r\n")

    def _answer(self, line: str) -> None:
        self.commands.append(line)
        name, _, arg = line.partition(" ")
        if name == "hello":
            self._send_line(self._hello())
        elif name == "stop":
            self.running = False
            self._send_line(fw.format_ok("stop"))
        elif name == "channels":
            self._send_line(fw.format_ok("channels", ",".join(CHANNELS)))
        elif name == "cols":
            names = tuple(n for n in arg.split(",") if n)
            unknown = [n for n in names if n not in CHANNELS]
            if unknown:
                self._send_line(fw.format_err("cols", f"unknown channel: {unknown[0]}"))
            else:
                self.cols = names
                self._send_line(fw.format_ok("cols", ",".join(names)))
        elif name == "cols?":
            self._send_line("$COLS " + ",".join(self.cols))
        elif name == "every":
            self.period_ms = int(arg)
            self._send_line(fw.format_ok("every", arg))
        elif name == "start":
            if not self.cols:
                self._send_line(fw.format_err("start", "no channels: send cols first"))
                return
            self.running = True
            self.seq = 0
            self._next_due = time.monotonic()
            self._send_line(fw.format_ok("start"))
            self._send_line("$COLS " + ",".join(self.cols))
        elif name == "read":
            values = ",".join(fw.format_value(self._value(n)) for n in arg.split(","))
            self._send_line(fw.format_ok("read", f"{int(self._board_ms())} {values}"))
        else:
            self._send_line(fw.format_err(name or "?", "unknown command"))

    def _value(self, name: str) -> float:
        return float(len(name) + self.seq % 7)

    def _data(self) -> None:
        now = time.monotonic()
        if not self.running or now < self._next_due:
            return
        # A real board measures on a timer: its clock says when the measurement was due,
        # even if this thread (on a busy test machine) sends the line a little later.
        due = self._next_due
        self._next_due = max(due + self.period_ms / 1000.0 * self.slowness, now - 1.0)
        if now < self._stall_until:
            return
        seq = self.seq
        self.seq += 1
        if self.drop_next:
            self.drop_next -= 1
            return
        values = [self._value(n) for n in self.cols]
        board_ms = (due - self._boot) * 1000.0 + self.clock_offset_ms
        self._send_line(fw.format_data_line(seq, int(board_ms), values))
        self.sent += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._plugged.wait(0.05):
                continue
            with self._lock:
                if not self._plugged.is_set():
                    continue
                try:
                    ready, _, _ = select.select([self.master], [], [], 0)
                    if ready:
                        self._inbox += os.read(self.master, 4096)
                except OSError as exc:
                    if exc.errno not in (errno.EIO, errno.EAGAIN):
                        raise
                while b"\n" in self._inbox:
                    raw, _, self._inbox = self._inbox.partition(b"\n")
                    self._answer(raw.decode("ascii", "replace").strip())
                self._data()
            self._stop.wait(0.003)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._close()
