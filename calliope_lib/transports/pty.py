"""The simulated board on a pseudo-terminal, so any serial program can talk to it.

>>> with serve_pty("sim://?seed=2") as sim:       # doctest: +SKIP
...     print(sim.path)                           # e.g. /dev/pts/5: open it in miniterm or Mu
...     board = cl.connect(sim.path)

POSIX only (Linux, macOS): Windows has no pseudo-terminals; there ``cl.connect("sim")``
gives the same board without a port.

``link="/tmp/calliope"`` also makes a symbolic link to the terminal; :meth:`PtyBoard.unplug`
and :meth:`PtyBoard.replug` remove and re-create it with a fresh terminal, the way a real
board's ``/dev/ttyACM0`` vanishes and comes back when the cable is pulled.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import threading
from typing import Any, Iterator

from calliope_lib.transports import normalise_url, open_transport


class PtyBoard:
    """A simulated board served on a pseudo-terminal by a background thread."""

    def __init__(self, url: str = "sim://", link: str | None = None) -> None:
        self.url = normalise_url(url)
        self.link = link
        self.port: Any = open_transport(self.url, timeout=0.01)
        self.simulator = self.port.simulator
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._open_pty()
        self._thread = threading.Thread(target=self._run, name="calliope-sim-pty", daemon=True)
        self._thread.start()

    def _open_pty(self) -> None:
        import tty

        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line-end translation: bytes as a USB CDC port gives them
        os.set_blocking(master, False)
        self.master, self.slave = master, slave
        self.path = os.ttyname(slave)
        if self.link:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.link)
            os.symlink(self.path, self.link)
        self._connected.set()

    def _close_pty(self) -> None:
        self._connected.clear()
        if self.link:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.link)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    @property
    def device(self) -> str:
        """The path to open: the link if there is one, else the terminal."""
        return self.link or self.path

    def unplug(self) -> None:
        """Pull the simulated cable: the terminal (and the link) disappear."""
        with self._lock:
            self._close_pty()

    def replug(self) -> None:
        """Plug it in again: a new terminal; the board restarts like a real one."""
        with self._lock:
            self.simulator._out.clear()
            self.simulator._boot()
            self._open_pty()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._connected.wait(0.05):
                continue
            with self._lock:
                if not self._connected.is_set():
                    continue
                master = self.master
                try:
                    ready, _, _ = select.select([master], [], [], 0.005)
                    if ready:
                        data = os.read(master, 4096)
                        if data:
                            self.port.write(data)
                except OSError as exc:
                    if exc.errno not in (errno.EIO, errno.EAGAIN):
                        raise
                out = self.port.read(65536)
                if out:
                    try:
                        os.write(master, out)
                    except OSError as exc:
                        # Nobody reads the terminal and its buffer is full: like a real board
                        # whose output nobody reads, the bytes are lost.
                        if exc.errno not in (errno.EAGAIN, errno.EIO):
                            raise
            self._stop.wait(0.002)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._close_pty()
        self.port.close()


@contextlib.contextmanager
def serve_pty(url: str = "sim://", link: str | None = None) -> Iterator[PtyBoard]:
    """Serve a simulated board on a pseudo-terminal for the duration of a ``with`` block."""
    board = PtyBoard(url, link)
    try:
        yield board
    finally:
        board.close()
