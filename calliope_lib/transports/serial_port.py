"""Opening a serial port or URL: the one place that does it, and that explains its errors.

Everything that talks to a board opens it here: a recording (``cl.connect``), flashing
(verifying the new firmware), installing files on the board. Opening errors become the
library's own exceptions, each saying in German or English what happened and what to do:

* no permission (Linux: not in the ``dialout`` group) -> :class:`~calliope_lib.errors.PortPermissionError`
  with the exact command that fixes it;
* held by another program (Mu, MakeCode, a second notebook) -> :class:`~calliope_lib.errors.PortBusyError`;
* no such port (unplugged, a typo) -> :class:`~calliope_lib.errors.PortNotFoundError`;
* a URL pyserial does not understand -> :class:`~calliope_lib.errors.BadAddressError`.
"""

from __future__ import annotations

import errno
import getpass
import os
from typing import Any

import serial

from calliope_lib.errors import BadAddressError, PortBusyError, PortNotFoundError, PortPermissionError

#: The Calliope mini's USB serial speed (DAPLink default, MakeCode, MicroPython).
BAUDRATE = 115200
#: Read timeout: the longest a read waits for a chunk to fill. Chunked reads at this pace
#: keep the host's CPU use low (one wake-up per 50 ms instead of one per line).
READ_TIMEOUT_S = 0.05
#: How long a write may block (a board that stopped reading) before it fails.
WRITE_TIMEOUT_S = 2.0

#: Words that mean the simulated board (``cl.connect("sim")``).
_SIM_WORDS = ("sim", "simulated", "simulator")


def normalise_url(url: str) -> str:
    """``"sim"`` -> ``"sim://"``; ``"sim:?seed=1"`` -> ``"sim://?seed=1"``; others unchanged."""
    if url in _SIM_WORDS:
        return "sim://"
    if url.startswith("sim:") and not url.startswith("sim://"):
        return "sim://" + url[4:]
    return url


def open_transport(url: str, timeout: float = READ_TIMEOUT_S) -> Any:
    """Open a port path or URL and return the open pyserial object.

    ``timeout`` is the read timeout in seconds. A path (``/dev/ttyACM0``, ``COM3``) is opened
    exclusively on Linux and macOS, so a second program gets a clear "busy" error instead of
    half the lines each.
    """
    url = normalise_url(url)
    try:
        if "://" in url:
            return serial.serial_for_url(url, baudrate=BAUDRATE, timeout=timeout,
                                         write_timeout=WRITE_TIMEOUT_S)
        return serial.Serial(url, baudrate=BAUDRATE, timeout=timeout, write_timeout=WRITE_TIMEOUT_S,
                             exclusive=True if os.name == "posix" else None)
    except serial.SerialException as exc:
        raise translate_open_error(url, exc) from exc
    except ValueError as exc:
        raise BadAddressError(url=url, reason=str(exc)) from exc


def translate_open_error(port: str, exc: BaseException) -> Exception:
    """Turn pyserial's open error into the matching CalliopeError.

    pyserial reports the same problem differently on each system (an errno on Linux, a text
    on Windows), so both are looked at.
    """
    code = getattr(exc, "errno", None)  # SerialException has it only when the OS gave one
    text = str(exc)
    lower = text.lower()
    if code in (errno.EACCES, errno.EPERM) or "permission denied" in lower or "access is denied" in lower:
        return PortPermissionError(port=port, user=login_name())
    if code == errno.EBUSY or "busy" in lower or "exclusively lock" in lower:
        return PortBusyError(port=port)
    return PortNotFoundError(port=port, reason=text)


def login_name() -> str:
    """The user's login name, for commands in messages (``sudo usermod -aG dialout kim``)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name (containers): the placeholder is still a valid hint
        return "$USER"
