"""How bytes arrive: real serial ports, any pyserial URL, the simulated board, a replayed file.

Everything is a pyserial ``Serial``-like object (the contract:
:mod:`calliope_lib.transports.contract`). Our own schemes are registered as pyserial URL
handlers (``sim://``, ``replay://``), so a simulated board goes through exactly the code a
real port does::

    >>> port = open_transport("sim://?seed=3&speed=60")   # doctest: +SKIP
    >>> port = open_transport("/dev/ttyACM0")             # doctest: +SKIP

Opening errors become the library's own exceptions with German/English explanations
(permission, busy, missing): :mod:`calliope_lib.transports.serial_port`.

* :mod:`~calliope_lib.transports.contract`: what a transport promises, and what it may tell
* :mod:`~calliope_lib.transports.serial_port`: opening a port or URL, explaining failures
* :mod:`~calliope_lib.transports.virtual`: the base of ports whose other end is Python code
* ``protocol_sim`` / ``protocol_replay``: the ``sim://`` and ``replay://`` URL handlers
  (pyserial finds them by these module names)
* :mod:`~calliope_lib.transports.pty`: the simulated board on a pseudo-terminal
"""

from __future__ import annotations

import serial

from calliope_lib.transports.contract import PortFeatures, Transport, features_of, is_disconnect
from calliope_lib.transports.serial_port import (
    BAUDRATE,
    READ_TIMEOUT_S,
    login_name,
    normalise_url,
    open_transport,
    translate_open_error,
)

# pyserial looks for ``<package>.protocol_<scheme>`` in these packages: ``sim://`` is then
# ``calliope_lib.transports.protocol_sim``.
_PACKAGE = __name__
if _PACKAGE not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append(_PACKAGE)

__all__ = [
    "BAUDRATE",
    "PortFeatures",
    "READ_TIMEOUT_S",
    "Transport",
    "features_of",
    "is_disconnect",
    "login_name",
    "normalise_url",
    "open_transport",
    "translate_open_error",
]
