"""What the board code may expect of a transport: the contract every way of reaching a board keeps.

A transport is anything shaped like a pyserial port (:class:`Transport`): a real USB port,
any pyserial URL (``socket://``, ``loop://``), the simulated board (``sim://``), a replayed
recording (``replay://``). The board code reads and writes bytes through it and never asks
which one it is.

Some transports can tell more than bytes. They declare it by inheriting
:class:`PortFeatures`, whose defaults are exactly what a real port means:

=================  ==============================  ==========================================
feature            a real port                     who says otherwise
=================  ==============================  ==========================================
``board_kind``     ``None`` (discovery or the      ``sim://``: ``"simulated"``
                   board's hello tells)
``serial_number``  ``None`` (discovery tells)      ``sim://``: the simulated board's number
``clock``          ``None``: real time             ``sim://``, ``replay://``: a faster clock
``listen_only``    ``False``: ask for firmware     ``replay://``: a file cannot run firmware
``units``          ``{}``                          ``replay://``: the file's units
``finished``       ``False``: more may come        ``replay://``: True after the last row
=================  ==============================  ==========================================

:func:`features_of` gives any transport's features, so the board code never probes with
``getattr``::

    >>> from calliope_lib.transports import open_transport
    >>> port = open_transport("sim://")
    >>> features_of(port).board_kind
    'simulated'
    >>> port.close()

A new kind of transport (Bluetooth, WebUSB...) implements :class:`Transport`, inherits
:class:`PortFeatures` if it knows more, and the contract tests
(``tests/contract/``) run against it like against every other one.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, Protocol

import serial

from calliope_lib.errors import CalliopeError

if TYPE_CHECKING:
    from calliope_lib.clock import Clock


class Transport(Protocol):
    """The part of a pyserial port the board code uses.

    * ``read(size)`` returns up to ``size`` bytes, waiting at most the port's read timeout;
      ``b""`` means nothing arrived. It raises :class:`serial.SerialException` or
      :class:`OSError` when the port vanished (cable pulled): see :func:`is_disconnect`.
    * ``in_waiting``: bytes that can be read at once without waiting.
    * ``port`` may be changed while closed, then ``open()`` opens the new path (a board that
      came back under another name after unplugging).

    Not ``runtime_checkable`` on purpose: such an ``isinstance`` would read ``in_waiting``,
    which raises on a closed port. Type checkers check it; the contract tests check ports.
    """

    port: str | None
    is_open: bool

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def open(self) -> None: ...

    def close(self) -> None: ...


class PortFeatures:
    """What a transport can tell beyond bytes; the defaults describe a real serial port.

    Subclasses override the class attributes (or make them properties). Read them through
    :func:`features_of`, which also works for a plain pyserial port.
    """

    #: The kind of board at the other end when the transport knows it (``"simulated"``).
    board_kind: str | None = None
    #: The board's serial number when the transport knows it (finds the board again).
    serial_number: str | None = None
    #: A clock running faster than real time (a simulated board), or None for real time.
    clock: Clock | None = None
    #: True where no firmware can answer (a replayed file): do not wait for its hello.
    listen_only: bool = False
    #: Units of the channels when the transport knows them (``{"temperature": "°C"}``).
    units: Mapping[str, str] = MappingProxyType({})
    #: True once no more bytes will ever come (the end of a replayed file).
    finished: bool = False


#: The features of a port that tells nothing beyond bytes (a real USB port, ``socket://``).
PLAIN_PORT = PortFeatures()


def features_of(transport: Transport) -> PortFeatures:
    """The features a transport declares, or those of a plain serial port."""
    return transport if isinstance(transport, PortFeatures) else PLAIN_PORT


def is_disconnect(exc: BaseException) -> bool:
    """True when ``exc`` from reading means the port vanished (a pulled cable), not a bug."""
    return isinstance(exc, (serial.SerialException, OSError)) and not isinstance(exc, CalliopeError)


__all__ = ["PLAIN_PORT", "PortFeatures", "Transport", "features_of", "is_disconnect"]
