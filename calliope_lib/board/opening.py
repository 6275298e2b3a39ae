"""Opening a board: the first one found, a port, a URL, or a board that discovery found.

>>> board = cl.connect()                    # doctest: +SKIP  (the first board found)
>>> board = cl.connect("sim")               # doctest: +SKIP  (the simulated board)
>>> board = cl.connect("/dev/ttyACM0")      # doctest: +SKIP  ("COM3" on Windows)

The port is opened by :func:`calliope_lib.transports.open_transport` (the one place that
opens ports and explains their errors). What the transport itself knows about the board
(a simulated board's kind and serial number) comes through the transport contract
(:class:`~calliope_lib.transports.contract.PortFeatures`); no URL is looked at here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from calliope_lib import messages
from calliope_lib.board.board import Board
from calliope_lib.errors import NoBoardFound
from calliope_lib.transports import features_of, normalise_url, open_transport
from calliope_lib.transports import protocol_replay

if TYPE_CHECKING:
    from calliope_lib.board.discovery import FoundBoard
    from calliope_lib.lorawan.source import LoraSource


def connect(port: "str | FoundBoard | None" = None, *, name: str = "",
            key: str | None = None) -> "Board | LoraSource":
    """Connect to a board and return a :class:`~calliope_lib.board.Board`.

    >>> board = cl.connect()                    # doctest: +SKIP  (the first board found)
    >>> board = cl.connect("sim")               # doctest: +SKIP  (the simulated board)
    >>> board = cl.connect("/dev/ttyACM0")      # doctest: +SKIP  ("COM3" on Windows)
    >>> board = cl.connect("replay://messung.csv")  # doctest: +SKIP
    >>> board = cl.connect(discovery.find_boards()[1])  # doctest: +SKIP  (a board found)
    >>> garten = cl.connect("ttn://lorapark-garten@eu1.cloud.thethings.network")  # doctest: +SKIP

    ``ttn://`` and ``chirpstack://`` addresses connect to a LoRaWAN application instead of a
    board (:mod:`calliope_lib.lorawan`); ``key`` is its API key (else ``CALLIOPE_LORA_KEY``
    or a prompt).

    Raises :class:`~calliope_lib.errors.NoBoardFound` when nothing is plugged in (with a hint
    about charge-only cables), :class:`~calliope_lib.errors.PortPermissionError` when Linux
    does not allow the port (with the command that fixes it), and
    :class:`~calliope_lib.errors.PortBusyError` when another program holds it.
    """
    if port is None:
        found = boards_with_port()
        if not found:
            raise NoBoardFound()
        if len(found) > 1:
            messages.warn("several_boards.detail", count=len(found),
                          ports=", ".join(str(b.port) for b in found), first=found[0].port)
        return open_found(found[0], name)
    if not isinstance(port, str):  # a FoundBoard from discovery.find_boards()
        return open_found(port, name)
    from calliope_lib.lorawan.address import is_lora_url

    if is_lora_url(port):  # the sensor garden: LoRaWAN over MQTT, recorded like a board
        from calliope_lib.lorawan.source import open_source

        return open_source(port, key=key, name=name)
    return open_port(port, name=name)


def open_found(found: "FoundBoard", name: str = "") -> Board:
    """Open a board that discovery found (keeps its serial number, kind and product)."""
    return open_port(found.port, serial_number=found.serial_number, kind=found.kind,
                     product=found.product, name=name)


def open_port(port: str, *, serial_number: str | None = None, kind: str = "unknown",
              product: str | None = None, name: str = "") -> Board:
    """Open a port path or URL and make a :class:`Board` of it (closes the port on failure).

    ``serial_number`` and ``kind`` are what discovery knew; a transport that knows better
    (the simulated board) has the last word.
    """
    url = normalise_url(port)
    transport = open_transport(url)
    features = features_of(transport)
    try:
        return Board(transport, url, serial_number=features.serial_number or serial_number,
                     kind=features.board_kind or kind, product=product, name=name)
    except BaseException:
        transport.close()
        raise


def boards_with_port() -> list[Any]:
    """Boards discovery finds that have a serial port (a drive alone cannot be recorded from)."""
    from calliope_lib.board.discovery import find_boards

    return [b for b in find_boards() if b.port]


def read_for_replay(path: str) -> protocol_replay.ReplayData:
    """A recording file as ``replay://`` plays it: one row per moment, empty cells left out."""
    from calliope_lib.recording.files import load_recording, rows

    rec = load_recording(path)
    times, matrix = rows(rec)
    names = rec.channels
    return protocol_replay.ReplayData(
        units=rec.units,
        rows=[(float(when), {n: float(v) for n, v in zip(names, values) if not math.isnan(v)})
              for when, values in zip(times, matrix)])


# ``cl.connect("replay://messung.csv")``: the transport plays the file; reading it is the
# recording package's job, which transports may not import. Hand the reader in.
protocol_replay.use_reader(read_for_replay)
