"""Shared fixtures: real pseudo-terminals, real sockets, the simulated board.

Nothing here mocks pyserial: every fixture gives a real file descriptor or socket that
pyserial opens exactly as it opens a board's /dev/ttyACM0.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import tty
from pathlib import Path
from typing import Iterator

import pytest

# German is what kids read; tests pin it so message checks do not depend on the machine.
os.environ.setdefault("CALLIOPE_LANG", "de")
os.environ.setdefault("MPLBACKEND", "Agg")


class PtyPeer:
    """The board's end of a real pseudo-terminal: write bytes as a board would send them."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.master, view)
            view = view[written:]

    def read_available(self, timeout: float = 0.5) -> bytes:
        import select

        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if ready:
                out += os.read(self.master, 4096)
            elif out:
                break
        return out

    def close(self) -> None:
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def pty_peer() -> Iterator[PtyPeer]:
    peer = PtyPeer()
    yield peer
    peer.close()


class LineServer:
    """A TCP server that sends given bytes to whoever connects (a board behind socket://)."""

    def __init__(self, port: int = 0) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.url = f"socket://127.0.0.1:{self.port}"
        self.conn: socket.socket | None = None
        self._accepted = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            self.conn, _ = self.sock.accept()
            self._accepted.set()
        except OSError:
            pass

    def wait_client(self, timeout: float = 5) -> socket.socket:
        assert self._accepted.wait(timeout), "nobody connected"
        assert self.conn is not None
        return self.conn

    def send(self, data: bytes) -> None:
        self.wait_client().sendall(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.sock.close()


@pytest.fixture
def line_server() -> Iterator[LineServer]:
    server = LineServer()
    yield server
    server.close()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path
