"""A TCP relay that loses bytes on the way to the board, as an overrun receive buffer does.

Sits between the host and an emulated board's UART socket: everything the board sends
passes unchanged; of what the host sends, every ``every``-th byte is dropped (counted over
the whole connection, so a test is repeatable). ``url`` is what the host opens.
"""

from __future__ import annotations

import socket
import threading


class LossyProxy:
    """Relay ``socket://127.0.0.1:<port>`` to ``target`` (host, port), dropping host bytes."""

    def __init__(self, target_url: str, every: int) -> None:
        host, _, port = target_url.removeprefix("socket://").rpartition(":")
        self.target = (host, int(port))
        self.every = every
        self.dropped = 0
        self._count = 0
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(4)
        self.url = f"socket://127.0.0.1:{self._server.getsockname()[1]}"
        self._board: socket.socket | None = None
        self._host: socket.socket | None = None
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                host, _ = self._server.accept()
            except OSError:
                return
            self._host = host
            if self._board is None:  # one connection to the board for the proxy's life
                self._board = socket.create_connection(self.target)
                threading.Thread(target=self._pump_up, daemon=True).start()
            threading.Thread(target=self._pump_down, args=(host,), daemon=True).start()

    def _pump_down(self, host: socket.socket) -> None:
        """Host -> board, losing every ``every``-th byte."""
        while True:
            try:
                data = host.recv(4096)
            except OSError:
                return
            if not data:
                return
            kept = bytearray()
            for byte in data:
                self._count += 1
                if self._count % self.every == 0:
                    self.dropped += 1
                else:
                    kept.append(byte)
            if kept and self._board is not None:
                self._board.sendall(bytes(kept))

    def _pump_up(self) -> None:
        """Board -> whichever host is connected now, unchanged."""
        assert self._board is not None
        while True:
            try:
                data = self._board.recv(4096)
            except OSError:
                return
            if not data:
                return
            try:
                if self._host is not None:
                    self._host.sendall(data)
            except OSError:
                pass  # the host closed its side; the board's bytes go nowhere, as on USB

    def close(self) -> None:
        """Close both sides (shutdown first: it wakes the threads blocked in recv)."""
        self._closed = True
        for s in (self._host, self._board, self._server):
            if s is None:
                continue
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
