"""How bytes arrive: real serial ports, any pyserial URL, the simulated board, a replayed file.

Everything is a pyserial ``Serial``-like object. Our own schemes are registered as pyserial
URL handlers (``sim://``, ``replay://``), so a simulated board goes through exactly the code
a real port does::

    >>> port = open_transport("sim://?seed=3&speed=60")   # doctest: +SKIP
    >>> port = open_transport("/dev/ttyACM0")             # doctest: +SKIP

Opening errors become the library's own exceptions with German/English explanations
(permission, busy, missing).
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

_PACKAGE = __name__
if _PACKAGE not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append(_PACKAGE)


def normalise_url(url: str) -> str:
    """``"sim"`` -> ``"sim://"``; ``"sim:?seed=1"`` -> ``"sim://?seed=1"``; others unchanged."""
    if url in ("sim", "simulated", "simulator"):
        return "sim://"
    if url.startswith("sim:") and not url.startswith("sim://"):
        return "sim://" + url[4:]
    return url


def open_transport(url: str, timeout: float = READ_TIMEOUT_S) -> Any:
    """Open a port path or URL and return the open pyserial object."""
    url = normalise_url(url)
    try:
        if "://" in url:
            return serial.serial_for_url(url, baudrate=BAUDRATE, timeout=timeout,
                                         write_timeout=2.0)
        return serial.Serial(url, baudrate=BAUDRATE, timeout=timeout, write_timeout=2.0,
                             exclusive=True if os.name == "posix" else None)
    except serial.SerialException as exc:
        raise translate_open_error(url, exc) from exc
    except ValueError as exc:
        raise BadAddressError(url=url, reason=str(exc)) from exc


def translate_open_error(port: str, exc: BaseException) -> Exception:
    """Turn pyserial's open error into the matching CalliopeError."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    lower = text.lower()
    if code in (errno.EACCES, errno.EPERM) or "permission denied" in lower or "access is denied" in lower:
        return PortPermissionError(port=port, user=login_name())
    if code == errno.EBUSY or "busy" in lower or "exclusively lock" in lower:
        return PortBusyError(port=port)
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or "no such file" in lower or \
            "cannot find" in lower or "filenotfound" in lower:
        return PortNotFoundError(port=port, reason=text)
    return PortNotFoundError(port=port, reason=text)


def login_name() -> str:
    """The user's login name, for commands in messages (``sudo usermod -aG dialout kim``)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name (containers): the placeholder is still a valid hint
        return "$USER"
