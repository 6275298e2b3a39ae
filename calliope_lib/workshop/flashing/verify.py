"""The serial side: ask a board what it runs, and check after flashing that it runs the new file.

:func:`probe` listens on a port and says hello: our firmware answers with its ``$HELLO``
line (read by :func:`calliope_lib.protocol.hello.find_hello`, the same grammar the stream
parser and the installer use), a MicroPython prompt answers with ``>>>``, a kid's program
just goes on printing. Ports are opened the one way the whole library opens them,
:func:`calliope_lib.transports.open_transport`, so a port that cannot be opened gives the
same explanation here as in a kid's notebook.

:func:`verify` runs after the copy: it finds the board's port again (the name may change
when the board re-enumerates) and probes it until our firmware answers or time is up.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable

from calliope_lib import messages
from calliope_lib.errors import CalliopeError
from calliope_lib.protocol.hello import find_hello
from calliope_lib.transports import login_name, open_transport, translate_open_error
from calliope_lib.workshop.firmware.hexfile import HexInfo
from calliope_lib.workshop.flashing.results import FlashFailed, FlashTarget, Timeouts

#: Read timeout while probing: short, so the loop checks its deadline often.
PROBE_READ_S = 0.05


@dataclass
class Probe:
    """What a board's serial port shows. ``what``: firmware / micropython / output / silent / error.

    ``firmware`` and ``board`` come from our firmware's hello; ``sample`` is the last thing
    another program printed; for ``error``, ``reason`` is the word of the
    :class:`~calliope_lib.errors.CalliopeError` that opening (or reading) raised
    (``permission``, ``port_busy``, ``port_missing`` ...) and ``error`` its title.
    """

    what: str
    firmware: str | None = None
    board: str | None = None
    sample: str = ""
    error: str | None = None
    reason: str | None = None

    def describe(self) -> str:
        """One short phrase for tables and doctor lines, in the current language."""
        if self.what == "firmware":
            return messages.t("probe.firmware", fw=self.firmware)
        if self.what == "error":
            return messages.t("probe.error", error=self.error)
        return messages.t(f"probe.{self.what}", sample=self.sample[:40])


def _error_probe(port: str, exc: BaseException) -> Probe:
    """A port that failed to open or to read, named by the same CalliopeError a kid would see."""
    err = exc if isinstance(exc, CalliopeError) else translate_open_error(port, exc)
    if isinstance(err, CalliopeError):
        return Probe("error", error=err.title, reason=err.reason)
    return Probe("error", error=str(err), reason="error")  # not expected: translate names all


def probe(port: str, seconds: float = 2.0, ask: bool = True) -> Probe:
    """Find out what a board runs: our firmware (and version), a MicroPython prompt, a program
    that prints, or silence.

    Opening the port does not reset a DAPLink board, and what it printed before is lost, so we
    listen, then send ``hello`` (our firmware answers ``$HELLO``; a MicroPython prompt answers
    with an error and ``>>>``; a kid's program ignores it). Nothing is interrupted. Never
    raises for a port's trouble: that is a :class:`Probe` with ``what == "error"``.

    >>> probe("sim://").describe()          # doctest: +SKIP
    'Messgeräte-Firmware 0.1.0'
    """
    try:
        ser = open_transport(port, timeout=PROBE_READ_S)
    except Exception as exc:  # CalliopeError from open_transport; anything else the OS says
        return _error_probe(port, exc)
    buf = b""
    try:
        deadline = time.monotonic() + seconds
        next_ask = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            if ask and time.monotonic() >= next_ask:
                ser.write(b"hello\r\n")
                next_ask = time.monotonic() + 0.7
            buf += ser.read(4096)
            hello = find_hello(buf)
            if hello is not None:
                return Probe("firmware", firmware=hello.firmware, board=hello.board)
            text = buf.decode("utf-8", "replace")
            if ">>>" in text or "MicroPython" in text:
                return Probe("micropython", sample=text.strip()[-60:])
    except Exception as exc:  # the board went away while we listened
        return _error_probe(port, exc)
    finally:
        try:
            ser.close()
        except Exception:
            pass  # closing a port that vanished may fail; we are done with it anyway
    text = buf.decode("utf-8", "replace").replace("\r", "")
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if lines:
        return Probe("output", sample=lines[-1])
    return Probe("silent")


def _find_port_again(target: FlashTarget, timeouts: Timeouts,
                     find_port: Callable[[str], str | None]) -> str:
    """The board's port after the remount; raises FlashFailed ``no_port`` or ``port_gone``."""
    # A board named only by its drive (--drive without --port) may have no port we can find
    # (no serial driver, a J-Link S/N that list_ports reports differently): look briefly.
    deadline = time.monotonic() + (timeouts.port if target.port else min(timeouts.port, 3.0))
    while time.monotonic() < deadline:
        # The port can get a new name when the board re-enumerates: look it up by serial.
        port = (find_port(target.serial_number) if target.serial_number else None) or target.port
        if port and (not port.startswith("/") or os.path.exists(port)):
            return port
        time.sleep(0.1)
    if not target.port:
        raise FlashFailed("no_port", "flash.ok.no_port")
    raise FlashFailed("port_gone", "flash.port_gone", seconds=timeouts.port)


def verify(target: FlashTarget, info: HexInfo, timeouts: Timeouts,
           find_port: Callable[[str], str | None]) -> tuple[str, str | None, str]:
    """Check on the serial port that the board runs what was flashed.

    For our firmware (``info.ours``) the board must answer hello with the file's version;
    for any other program it is enough that the port is back and opens. Returns (message,
    firmware version seen, port). Raises
    :class:`~calliope_lib.workshop.flashing.results.FlashFailed`.
    """
    port = _find_port_again(target, timeouts, find_port)
    # A board that has just restarted may hold the port closed for a moment: retry opening.
    last: Probe
    hello_deadline = time.monotonic() + (timeouts.hello if info.ours else 2.0)
    while True:
        remaining = hello_deadline - time.monotonic()
        last = probe(port, seconds=max(0.5, min(remaining, 3.0)), ask=info.ours)
        if last.what == "firmware" or time.monotonic() >= hello_deadline:
            break
        if last.what != "error" and not info.ours:
            break
        if last.what == "error" and last.reason in ("permission", "port_busy"):
            break  # waiting does not help: a person has to act
        time.sleep(0.2)
    if last.what == "error":
        if last.reason == "permission":
            raise FlashFailed("permission", "flash.permission", port=port, user=login_name())
        if last.reason == "port_busy":
            raise FlashFailed("port_busy", "flash.port_busy", port=port)
        raise FlashFailed("port_gone", "flash.port_gone", seconds=timeouts.port)
    if info.ours:
        if last.what != "firmware":
            raise FlashFailed("not_answering", "flash.not_answering", seconds=timeouts.hello)
        if info.firmware and last.firmware != info.firmware:
            raise FlashFailed("wrong_firmware", "flash.wrong_firmware", board=last.firmware,
                              expected=info.firmware)
        return messages.t("flash.ok.verified", fw=last.firmware), last.firmware, port
    return messages.t("flash.ok.back", what=last.describe()), last.firmware, port

