"""Install the firmware over USB serial onto a board that already runs MicroPython.

No drive, no hex: the files go through MicroPython's *raw REPL*, the same way Mu, Thonny
and microfs copy files. Steps for each board:

1. interrupt whatever runs (``Ctrl-B``, then three times ``Return Ctrl-C``: our own firmware
   and a kid's program both stop on a Ctrl-C at the start of a line),
2. enter the raw REPL (``Ctrl-A``, wait for ``raw REPL; CTRL-B to exit``),
3. write each file of :data:`~calliope_lib.workshop.firmware.build.BOARD_FILES` in small pieces
   (``main.py`` last, so a cut cable never leaves a new main.py with old helpers),
4. check each file's size on the board, soft-reset (``Ctrl-D``), and
5. wait for the ``$HELLO`` line and compare its ``fw=`` with this library's version.

The board's receive buffer is only 64 bytes, so everything is sent in pieces of at most
32 bytes about 10 ms apart.

Example::

    >>> from calliope_lib.workshop.firmware.install import install
    >>> result = install("/dev/ttyACM0")        # doctest: +SKIP
    >>> result.ok, result.firmware               # doctest: +SKIP
    (True, '0.1.0')
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import serial

from calliope_lib.errors import CalliopeError
from calliope_lib.messages import register, t
from calliope_lib.protocol.events import Hello
from calliope_lib.protocol.hello import find_hello
from calliope_lib.protocol.version import FIRMWARE_VERSION
from calliope_lib.transports import open_transport
from calliope_lib.workshop.firmware.build import BOARD_FILES, board_sources

PIECE = 32          # bytes per write: the board's receive buffer holds 64
PAUSE_S = 0.01      # between pieces
DATA_PER_COMMAND = 96  # file bytes per f.write(...) command
READ_S = 0.2        # read timeout of the port: the REPL answers within this, byte by byte

register({
    "install_failed.title": {
        "de": "Installieren auf {port} hat nicht geklappt",
        "en": "Installing on {port} did not work",
    },
    "install_failed.detail": {
        "de": "{why} Läuft auf dem Board MicroPython (aus dem Calliope-Python-Editor)? "
              "Schließe Mu, Thonny und MakeCode-Tabs, steck das Board neu ein und versuche es "
              "noch einmal. Sonst: eine Hex-Datei bauen (calliope-mini firmware build) und "
              "auf das Laufwerk MINI kopieren.",
        "en": "{why} Does the board run MicroPython (from the Calliope Python editor)? Close "
              "Mu, Thonny and MakeCode tabs, plug the board in again and retry. Otherwise: "
              "build a hex (calliope-mini firmware build) and copy it onto the MINI drive.",
    },
    "install.no_repl": {
        "de": "Das Board hat keine MicroPython-Eingabe (raw REPL) geöffnet.",
        "en": "The board did not open MicroPython's raw REPL.",
    },
    "install.board_error": {
        "de": "Das Board meldet beim Schreiben von {file}: {text}",
        "en": "The board reports while writing {file}: {text}",
    },
    "install.size": {
        "de": "{file} ist auf dem Board {got} Bytes groß statt {want}.",
        "en": "{file} on the board has {got} bytes instead of {want}.",
    },
    "install.no_hello": {
        "de": "Nach dem Neustart kam keine $HELLO-Zeile.",
        "en": "No $HELLO line came after the restart.",
    },
    "install.version": {
        "de": "Das Board meldet Version {got} statt {want}.",
        "en": "The board reports version {got} instead of {want}.",
    },
})


class InstallFailed(CalliopeError, RuntimeError):
    """Installing over serial did not finish; ``why`` says at which step."""

    reason = "install_failed"
    key = "install_failed"


@dataclass
class InstallResult:
    """What happened on one board."""

    port: str
    ok: bool
    firmware: str | None = None      # version from the $HELLO line after the restart
    board: str | None = None         # board kind from the $HELLO line
    error: str | None = None         # the German/English text when ok is False
    seconds: float = 0.0


class RawRepl:
    """A MicroPython raw REPL over an open pyserial port."""

    def __init__(self, port: Any, timeout: float = 5.0) -> None:
        self.port = port
        self.timeout = timeout

    def write(self, data: bytes) -> None:
        for i in range(0, len(data), PIECE):
            if i:
                time.sleep(PAUSE_S)
            self.port.write(data[i:i + PIECE])

    def read_until(self, marker: bytes, timeout: float | None = None) -> bytes:
        """Read until ``marker`` arrives; raise TimeoutError with what came instead."""
        deadline = time.monotonic() + (timeout or self.timeout)
        buf = b""
        while not buf.endswith(marker):
            if time.monotonic() > deadline:
                raise TimeoutError(buf[-200:])
            chunk = self.port.read(1)
            buf += chunk
        return buf

    def enter(self) -> None:
        """Stop the running program and open the raw REPL (several tries)."""
        for _attempt in range(3):
            self.port.write(b"\x02")          # leave a raw REPL left open earlier
            time.sleep(0.05)
            for _ in range(3):
                self.port.write(b"\r\x03")    # Ctrl-C at a line start stops our firmware too
                time.sleep(0.05)
            time.sleep(0.2)
            self.port.reset_input_buffer()
            self.port.write(b"\r\x01")
            try:
                self.read_until(b"raw REPL; CTRL-B to exit\r\n>", timeout=2.0)
                return
            except TimeoutError:
                continue
        raise InstallFailed(port=self.port.port, why=t("install.no_repl"))

    def run(self, code: str) -> tuple[bytes, bytes]:
        """Execute ``code``; return (output, error text)."""
        self.write(code.encode("ascii") + b"\x04")
        self.read_until(b"OK")
        out = self.read_until(b"\x04")[:-1]
        err = self.read_until(b"\x04")[:-1]
        self.read_until(b">")
        return out, err


def _put(repl: RawRepl, name: str, data: bytes, port: str) -> None:
    out, err = repl.run(f"f=open({name!r},'wb')")
    for i in range(0, len(data), DATA_PER_COMMAND):
        if err:
            break
        out, err = repl.run(f"f.write({data[i:i + DATA_PER_COMMAND]!r})")
    if not err:
        out, err = repl.run("f.close()\nimport os\nprint(os.size(%r))" % name)
    if err:
        raise InstallFailed(port=port, why=t("install.board_error", file=name,
                                              text=err.decode(errors="replace").strip()[-200:]))
    size = int(out.strip() or -1)
    if size != len(data):
        raise InstallFailed(port=port, why=t("install.size", file=name, got=size, want=len(data)))


def _wait_for_hello(repl: RawRepl, port: str, timeout: float) -> Hello:
    """Read lines until our firmware's ``$HELLO`` (the restart prints a banner first)."""
    try:
        text = repl.read_until(b"\n", timeout=timeout)
        while (hello := find_hello(text)) is None:
            text += repl.read_until(b"\n", timeout=timeout)
    except TimeoutError:
        raise InstallFailed(port=port, why=t("install.no_hello")) from None
    return hello


def install(url: str, *, version: str = FIRMWARE_VERSION, timeout: float = 10.0,
            progress: Callable[[str, float], None] | None = None) -> InstallResult:
    """Install the firmware on the board at ``url`` (a port or pyserial URL); never raises
    for a board problem: the result says ``ok`` and, if not, ``error``.

    ``progress(port, fraction)`` is called as the files go out (0.0 ... 1.0). The port is
    opened the one way the library opens ports (:func:`calliope_lib.transports.open_transport`),
    so a port that cannot be opened is explained as in a notebook (permission, busy, missing).
    """
    start = time.monotonic()
    sources = board_sources(version)
    # main.py last: until it is written, the old program still finds its old helpers.
    order = [n for n in BOARD_FILES if n != "main.py"] + ["main.py"]
    total = sum(len(sources[n].encode()) for n in order)
    done = 0
    result = InstallResult(port=url, ok=False)
    try:
        port = open_transport(url, timeout=READ_S)
    except (CalliopeError, OSError) as exc:  # no permission, busy, missing: a kid's words
        why = exc.text() if isinstance(exc, CalliopeError) else str(exc)
        result.error = InstallFailed(port=url, why=why).text()
        return result
    try:
        repl = RawRepl(port, timeout=timeout)
        repl.enter()
        for name in order:
            data = sources[name].encode("ascii")
            _put(repl, name, data, url)
            done += len(data)
            if progress:
                progress(url, done / total)
        # Soft reset: leave the raw REPL, Ctrl-D at the normal prompt restarts and runs main.py.
        port.write(b"\x02")
        time.sleep(0.1)
        port.reset_input_buffer()
        port.write(b"\x04")
        hello = _wait_for_hello(repl, url, timeout)
        result.firmware, result.board = hello.firmware, hello.board
        if result.firmware != version:
            raise InstallFailed(port=url, why=t("install.version", got=result.firmware,
                                                want=version))
        result.ok = True
    except InstallFailed as exc:
        result.error = exc.text()
    except (TimeoutError, serial.SerialException, OSError) as exc:
        result.error = InstallFailed(port=url, why=repr(exc)[:200]).text()
    finally:
        port.close()
        result.seconds = time.monotonic() - start
    return result


def install_all(urls: Sequence[str], *, version: str = FIRMWARE_VERSION,
                progress: Callable[[str, float], None] | None = None) -> list[InstallResult]:
    """Install on every board in ``urls`` at the same time; one result per board, in order."""
    results: list[InstallResult | None] = [None] * len(urls)

    def work(i: int, url: str) -> None:
        results[i] = install(url, version=version, progress=progress)

    threads = [threading.Thread(target=work, args=(i, u), daemon=True) for i, u in enumerate(urls)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return [r for r in results if r is not None]
