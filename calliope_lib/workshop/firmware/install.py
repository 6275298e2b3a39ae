"""Install the firmware over USB serial onto a board that already runs MicroPython.

No drive, no hex: the files go through MicroPython's *raw REPL*, the same way Mu, Thonny
and microfs copy files. Steps for each board:

1. interrupt whatever runs (``Ctrl-B``, then three times ``Return Ctrl-C Ctrl-C``: our own
   firmware stops on two Ctrl-C at the start of a line, a kid's program on one),
2. enter the raw REPL (``Ctrl-A``, wait for ``raw REPL; CTRL-B to exit``),
3. write each file of :data:`~calliope_lib.workshop.firmware.build.BOARD_FILES` in small pieces
   (``main.py`` last, so a cut cable never leaves a new main.py with old helpers),
4. check each file on the board (size and byte sum), soft-reset (``Ctrl-D``), and
5. wait for the ``$HELLO`` line and compare its ``fw=`` with this library's version.

The board's receive buffer is only 64 bytes, so everything is sent in pieces of at most
8 bytes about 10 ms apart. Bytes can still get lost (an emulated board, a busy board):
every piece of a file carries its number, length and byte sum, and the board writes it only
when all three match and answers how many pieces it holds (else the piece is sent again,
after ``Ctrl-A`` has reset the raw REPL's input when the command got stuck); a piece that
arrives twice is written once. Each whole file is checked at the
end and written again when its size or sum differs.

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

PIECE = 8           # bytes per write: the board's receive buffer holds 64, and the
PAUSE_S = 0.01      # emulated board lost bytes at 32 and 16 B / 10 ms (checked and resent anyway)
DATA_PER_COMMAND = 64  # file bytes per w(...) command: short commands, fewer losses
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
    "install.lost": {
        "de": "Beim Senden von {file} gingen immer wieder Zeichen verloren ({tries} Versuche).",
        "en": "Characters kept getting lost while sending {file} ({tries} tries).",
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
    resent: int = 0                  # commands sent again because bytes got lost


class RawRepl:
    """A MicroPython raw REPL over an open pyserial port."""

    def __init__(self, port: Any, timeout: float = 5.0) -> None:
        self.port = port
        self.timeout = timeout
        #: Commands sent again because bytes got lost on the way (verify and resend).
        self.resent = 0

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
                # Two Ctrl-C at a line start stop our firmware at once (one Ctrl-C followed
                # by other bytes is garbage to it); one stops a kid's program.
                self.port.write(b"\r\x03\x03")
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

    def reset_input(self) -> None:
        """Throw away a half-received command: Ctrl-A restarts the raw REPL's input."""
        for attempt in range(3):  # the Ctrl-A itself may get lost
            self.port.write(b"\x03\x01")
            try:
                self.read_until(b"raw REPL; CTRL-B to exit\r\n>", timeout=2.0)
                break
            except TimeoutError:
                if attempt == 2:
                    raise
        time.sleep(0.05)
        self.port.reset_input_buffer()

    def run(self, code: str, timeout: float | None = None) -> tuple[bytes, bytes]:
        """Execute ``code``; return (output, error text). TimeoutError when it got stuck."""
        self.write(code.encode("ascii") + b"\x04")
        self.read_until(b"OK", timeout)
        out = self.read_until(b"\x04", timeout)[:-1]
        err = self.read_until(b"\x04", timeout)[:-1]
        self.read_until(b">", timeout)
        return out, err

    def run_checked(self, code: str, tries: int = 4) -> tuple[bytes, bytes]:
        """:meth:`run`, again after a reset of the input when the command got stuck."""
        for attempt in range(tries):
            try:
                return self.run(code, timeout=2.0 if attempt < tries - 1 else None)
            except TimeoutError:
                if attempt == tries - 1:
                    raise
                self.resent += 1
                self.reset_input()
        raise TimeoutError(b"")


#: Defined on the board before a file is written, one short command each (a short command
#: gets through a lossy line sooner): ``w(i, d, n, s)`` writes piece ``i`` only when it is
#: the next one and its length ``n`` and byte sum ``s`` arrived unchanged, and prints how
#: many pieces the file holds now (the host expects ``i + 1``: a piece sent twice is written
#: once, a piece whose number got garbled is sent again); ``v(name)`` prints the size and
#: byte sum of a file as it is stored.
HELPERS = (
    "import os",
    "def w(i,d,n,s):\n"
    " global c\n"
    " if i==c and len(d)==n and sum(d)==s:f.write(d);c+=1\n"
    " print(c)",
    "def v(m):\n"
    " t=0\n"
    " g=open(m,'rb')\n"
    " while 1:\n"
    "  b=g.read(64)\n"
    "  if not b:break\n"
    "  t+=sum(b)\n"
    " g.close()\n"
    " print(os.size(m),t)",
)
#: How often one piece, or one whole file, is sent again before giving up.
PIECE_TRIES = 10
FILE_TRIES = 3


def _put(repl: RawRepl, name: str, data: bytes, port: str) -> None:
    """Write one file, piece by piece, each checked on arrival; check the whole file after.

    When a piece will not arrive, or the file on the board differs, the whole file is
    written again with freshly defined helpers (a lost byte may have spoilt one of them).
    """
    size: str = "?"
    last_error: str | None = None
    for file_try in range(FILE_TRIES):
        if file_try:
            repl.resent += 1
        try:
            for code in HELPERS:
                _run_until_clean(repl, code, name, port)
            # The name is printed back: a lost byte in it would write another file.
            _run_until_clean(repl, f"m={name!r}\nf=open(m,'wb')\nc=0\nprint(m)", name, port,
                             expect=name.encode())
            for index, start in enumerate(range(0, len(data), DATA_PER_COMMAND)):
                _send_piece(repl, name, index, data[start:start + DATA_PER_COMMAND], port)
        except InstallFailed as exc:
            last_error = exc.fields.get("why")
            continue
        out, err = repl.run_checked(f"f.close()\nv({name!r})")
        size, _, total = out.decode(errors="replace").strip().partition(" ")
        if not err and size == str(len(data)) and total == str(sum(data)):
            return
        last_error = t("install.board_error", file=name, text=_text(err)) if err else None
    if last_error:
        raise InstallFailed(port=port, why=last_error)
    raise InstallFailed(port=port, why=t("install.size", file=name, got=size, want=len(data)))


def _run_until_clean(repl: RawRepl, code: str, name: str, port: str,
                     expect: bytes | None = None) -> None:
    """Run ``code`` until it runs without an error (a lost byte gives a SyntaxError) and,
    with ``expect``, prints exactly that."""
    err = b""
    for attempt in range(PIECE_TRIES):
        if attempt:
            repl.resent += 1
        out, err = repl.run_checked(code)
        if not err and (expect is None or out.strip() == expect):
            return
    raise InstallFailed(port=port, why=t("install.board_error", file=name, text=_text(err)))


def _send_piece(repl: RawRepl, name: str, index: int, piece: bytes, port: str) -> None:
    """One ``w(...)`` call, repeated until the board holds ``index + 1`` pieces."""
    code = f"w({index},{piece!r},{len(piece)},{sum(piece)})"
    for attempt in range(PIECE_TRIES):
        if attempt:
            repl.resent += 1
        try:
            out, err = repl.run(code, timeout=2.0)
        except TimeoutError:
            repl.reset_input()  # the end of the command got lost: start its line afresh
            continue
        if out.strip() == str(index + 1).encode() and not err:
            return
        # Fewer pieces: bytes lost inside the data or the number; an error: bytes lost in
        # the code. Either way: again.
    raise InstallFailed(port=port, why=t("install.lost", file=name, tries=PIECE_TRIES))


def _text(err: bytes) -> str:
    return err.decode(errors="replace").strip()[-200:]


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
    repl: RawRepl | None = None
    try:
        repl = RawRepl(port, timeout=timeout)
        repl.enter()
        for name in order:
            data = sources[name].encode("ascii")
            _put(repl, name, data, url)
            done += len(data)
            if progress:
                progress(url, done / total)
        # Soft reset: leave the raw REPL, Ctrl-D at the normal prompt restarts and runs main.py
        # (again when the restart does not come: one of the two bytes may have got lost).
        for attempt in range(3):
            port.write(b"\x02")
            time.sleep(0.1)
            port.reset_input_buffer()
            port.write(b"\r\x04")
            try:
                hello = _wait_for_hello(repl, url, timeout if attempt == 2 else timeout / 3)
                break
            except InstallFailed:
                if attempt == 2:
                    raise
                repl.resent += 1
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
        result.resent = repl.resent if repl is not None else 0
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
