"""Which USB devices and drives are Calliope minis (or micro:bits): board knowledge as data.

A Calliope mini shows up twice on a computer:

* as a **serial port** (``/dev/ttyACM0``, ``COM3``, ``/dev/cu.usbmodem1102``) through which the
  library talks to the program on the board, and
* as a **drive** labelled ``MINI`` (a micro:bit: ``MICROBIT``): copying a ``.hex`` file onto it
  flashes the board.

This module finds both and pairs them. What tells a board apart is kept in one table,
:data:`BOARD_TABLE`, built from ``shared/facts/calliope-hardware.md`` (USB VID:PID, product
string patterns, drive labels, DAPLink board IDs). Entries marked ``verified=False`` are
inference, not measured on a real board: they are defaults, and a leader with a board we have
not seen can add a row with :func:`add_board_pattern` or the environment variable
``CALLIOPE_USB_IDS`` (for example ``CALLIOPE_USB_IDS="1366:1051=calliope-mini-2"``).

Pairing a port with its drive: DAPLink boards use the same *unique ID* as USB serial number
and in ``DETAILS.TXT`` on the drive; J-Link boards print their S/N there. Where that is not
available (no DETAILS.TXT, Windows without a serial number) a single unpaired port and a single
unpaired drive are paired with each other.

Example::

    >>> from calliope_lib.board.discovery import find_boards
    >>> for b in find_boards():                     # doctest: +SKIP
    ...     print(b.port, b.label, b.drive)
    /dev/ttyACM0 Calliope mini 3 /media/anna/MINI

Each operating system's drive code lives in its own module (``drives_linux``,
``drives_macos``, ``drives_windows``) and is imported only on that system.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

__all__ = [
    "FoundBoard",
    "Drive",
    "BoardPattern",
    "BOARD_TABLE",
    "FLASH_DRIVE_LABELS",
    "OTHER_DRIVE_LABELS",
    "find_boards",
    "find_port_by_serial",
    "find_drives",
    "classify_port",
    "read_details",
    "parse_details",
    "board_id_of",
    "add_board_pattern",
    "pair",
]

# ---------------------------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------------------------

#: USB vendor IDs (as integers) that the table knows.
VID_ARM_DAPLINK = 0x0D28  # ARM / mbed DAPLink: Calliope 1.x and 3, every micro:bit
VID_SEGGER = 0x1366  # SEGGER J-Link: Calliope 2.x (and every other J-Link in the world)

#: Drive labels of a drive that takes a hex to flash the board.
FLASH_DRIVE_LABELS: dict[str, str] = {"MINI": "calliope", "MICROBIT": "microbit"}

#: Other drives a board can show; none of them takes our hex. Value: what the drive is.
OTHER_DRIVE_LABELS: dict[str, str] = {
    "FLASH": "calliope-2-demo",  # 2.x: a second drive with demo programs
    "MAINTENANCE": "daplink-maintenance",  # reset held while plugging in: interface update
    "RPI-RP2": "rp2040-bootloader",  # 2.1: the RP2040 interface chip's updater
}


@dataclass(frozen=True)
class BoardPattern:
    """One row of the board table: how to recognise a board kind from what USB reports.

    A port matches when ``vid``/``pid`` match, the ``product`` regular expression (if given)
    finds something in the USB product string or description, and the DAPLink board ID (if
    ``board_ids`` is given) is one of them. ``verified=False`` marks rows that are inference
    from public sources, not checked on a real board.
    """

    kind: str
    label: str
    vid: int
    pid: int | None  # None: any product ID of that vendor
    product: str | None = None  # regex, case-insensitive, searched in product/description
    board_ids: tuple[str, ...] = ()  # first 4 hex digits of the unique ID, upper case
    drive_label: str | None = None
    verified: bool = True
    note: str = ""

    def matches(self, vid: int | None, pid: int | None, text: str, board_id: str | None) -> bool:
        if vid != self.vid or (self.pid is not None and pid != self.pid):
            return False
        if self.product is not None and not re.search(self.product, text, re.IGNORECASE):
            return False
        if self.board_ids and (board_id or "").upper() not in self.board_ids:
            return False
        return True


#: The table, most specific rows first. The first matching row wins.
BOARD_TABLE: list[BoardPattern] = [
    # --- DAPLink (0D28:0204) with a telling product string (Linux and macOS report it) ----
    BoardPattern("calliope-mini-3", "Calliope mini 3", VID_ARM_DAPLINK, 0x0204,
                 product=r"calliope.*\bv ?3\b", drive_label="MINI",
                 note='product "Calliope mini V3 CMSIS-DAP"'),
    BoardPattern("calliope-mini-1", "Calliope mini 1.x", VID_ARM_DAPLINK, 0x0204,
                 product=r"calliope", drive_label="MINI",
                 note='product "Calliope mini CMSIS-DAP"'),
    BoardPattern("microbit", "micro:bit V1", VID_ARM_DAPLINK, 0x0204,
                 product=r"micro:?bit", board_ids=("9900", "9901"), drive_label="MICROBIT"),
    BoardPattern("microbit", "micro:bit V2", VID_ARM_DAPLINK, 0x0204,
                 product=r"micro:?bit", drive_label="MICROBIT",
                 note="board IDs 9903..9906"),
    # --- SEGGER J-Link OB: Calliope mini 2.x. 1366 is every J-Link, so these are guesses ---
    BoardPattern("calliope-mini-2", "Calliope mini 2.1/2.2", VID_SEGGER, 0x1025,
                 drive_label="MINI", verified=False,
                 note='DETAILS.TXT says "J-Link OB-CALLIOPE-MINI V2.1"; product string unverified'),
    BoardPattern("calliope-mini-2", "Calliope mini 2.0", VID_SEGGER, 0x1015,
                 drive_label="MINI", verified=False,
                 note="J-Link OB on a KL26Z; product string unverified"),
    # --- DAPLink without a telling product string (Windows; generic DAPLink builds) --------
    BoardPattern("unknown", "Calliope mini oder micro:bit", VID_ARM_DAPLINK, 0x0204,
                 note="kind decided by the drive label (MINI / MICROBIT) when the drive is found"),
]

#: DAPLink board IDs and what they say, *once we know the family* (Calliope or micro:bit).
#: Calliope 3 reporting 9906 is unverified on hardware; early Calliope DAPLink builds used 12A0.
CALLIOPE_BOARD_IDS: dict[str, tuple[str, str]] = {
    "12A0": ("calliope-mini-1", "Calliope mini 1.x"),
    "9900": ("calliope-mini-1", "Calliope mini 1.x"),
    "9901": ("calliope-mini-1", "Calliope mini 1.x"),
    "9903": ("calliope-mini-3", "Calliope mini 3"),
    "9904": ("calliope-mini-3", "Calliope mini 3"),
    "9905": ("calliope-mini-3", "Calliope mini 3"),
    "9906": ("calliope-mini-3", "Calliope mini 3"),
}
MICROBIT_BOARD_IDS: dict[str, str] = {
    "9900": "micro:bit V1", "9901": "micro:bit V1",
    "9903": "micro:bit V2", "9904": "micro:bit V2", "9905": "micro:bit V2", "9906": "micro:bit V2",
}

KIND_LABELS: dict[str, str] = {
    "calliope-mini-1": "Calliope mini 1.x",
    "calliope-mini-2": "Calliope mini 2.x",
    "calliope-mini-3": "Calliope mini 3",
    "microbit": "micro:bit",
    "unknown": "Calliope mini oder micro:bit",
}


def add_board_pattern(pattern: BoardPattern, first: bool = True) -> None:
    """Teach the table a board it does not know (or correct an unverified row).

    ``first=True`` puts the row in front, so it wins over the built-in rows::

        add_board_pattern(BoardPattern("calliope-mini-2", "Calliope mini 2.1",
                                       0x1366, 0x1051, verified=False))
    """
    if first:
        BOARD_TABLE.insert(0, pattern)
    else:
        BOARD_TABLE.append(pattern)


def _patterns_from_env() -> list[BoardPattern]:
    """Extra rows from ``CALLIOPE_USB_IDS="VID:PID=kind,VID:PID=kind"`` (hex IDs)."""
    rows = []
    for item in os.environ.get("CALLIOPE_USB_IDS", "").split(","):
        item = item.strip()
        m = re.fullmatch(r"([0-9a-fA-F]{4}):([0-9a-fA-F]{4}|\*)=([a-z0-9-]+)", item)
        if not m:
            continue
        kind = m.group(3)
        pid = None if m.group(2) == "*" else int(m.group(2), 16)
        rows.append(BoardPattern(kind, KIND_LABELS.get(kind, kind), int(m.group(1), 16), pid,
                                 verified=False, note="from CALLIOPE_USB_IDS"))
    return rows


# ---------------------------------------------------------------------------------------------
# What we hand out
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundBoard:
    """A board seen on USB: its serial port and (when found) its drive.

    ``kind`` is one of ``"calliope-mini-1"``, ``"calliope-mini-2"``, ``"calliope-mini-3"``,
    ``"microbit"``, ``"unknown"``; ``label`` is the same for people ("Calliope mini 3",
    "micro:bit V2"). ``port`` is ``None`` for a drive whose serial port was not found (a
    board without a serial driver on an old Windows, say): it can be flashed but not read.
    """

    port: str | None
    kind: str
    label: str
    serial_number: str | None
    vid: int | None
    pid: int | None
    product: str | None
    drive: str | None = None
    #: True when the row that recognised the board is inference, not checked on hardware
    unverified: bool = field(default=False, compare=False)

    @property
    def board_id(self) -> str | None:
        """DAPLink board ID: the first 4 hex digits of the unique ID (``"9904"``), or None."""
        return board_id_of(self.serial_number) if self.vid == VID_ARM_DAPLINK else None

    @property
    def is_calliope(self) -> bool:
        return self.kind.startswith("calliope-mini")


@dataclass(frozen=True)
class Drive:
    """A mounted board drive (``MINI``, ``MICROBIT``...), and what its DETAILS.TXT says."""

    path: str
    label: str
    details: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def unique_id(self) -> str | None:
        """The unique ID (DAPLink) or S/N (J-Link) from DETAILS.TXT."""
        for key in ("unique id", "s/n", "serial number", "serial", "usb serial"):
            if self.details.get(key):
                return self.details[key].split()[0]
        return None

    @property
    def board_id(self) -> str | None:
        uid = self.unique_id
        return board_id_of(uid) if uid and len(uid) >= 24 else None

    @property
    def takes_hex(self) -> bool:
        """Whether copying a hex onto this drive flashes a board."""
        return _base_label(self.label) in FLASH_DRIVE_LABELS

    @property
    def family(self) -> str | None:
        """``"calliope"`` for a MINI drive, ``"microbit"`` for MICROBIT, else None."""
        return FLASH_DRIVE_LABELS.get(_base_label(self.label))


def board_id_of(serial_number: str | None) -> str | None:
    """The DAPLink board ID in a unique ID / USB serial number: its first 4 hex digits."""
    if not serial_number or not re.match(r"[0-9A-Fa-f]{4}", serial_number):
        return None
    return serial_number[:4].upper()


def _base_label(label: str) -> str:
    """``MINI``, ``MINI1`` (Linux udisks, 2nd board), ``MINI 1`` (macOS) -> ``MINI``."""
    label = label.strip().upper()
    if label in FLASH_DRIVE_LABELS or label in OTHER_DRIVE_LABELS:
        return label
    return re.sub(r"[\s_]*\d+$", "", label)


def parse_details(text: str) -> dict[str, str]:
    """DETAILS.TXT as a dict with lower-case keys.

    DAPLink writes ``# DAPLink Firmware - see https://mbed.com/daplink`` then
    ``Unique ID: 9904...`` lines; J-Link OB writes a product line such as
    ``J-Link OB-CALLIOPE-MINI V2.1`` (kept under the key ``"product"``) and ``S/N: ...``.
    """
    result: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.strip().lower().startswith(("http", "https")):
            result.setdefault(key.strip().lower(), value.strip())
        elif "product" not in result:
            result["product"] = line
    return result


def read_details(drive_path: str | os.PathLike[str]) -> dict[str, str]:
    """Read and parse ``DETAILS.TXT`` on a drive; an empty dict when it is not there."""
    for name in ("DETAILS.TXT", "details.txt", "Details.txt"):
        path = Path(drive_path) / name
        try:
            return parse_details(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return {}


# ---------------------------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------------------------


def _port_text(port: Any) -> str:
    parts = [getattr(port, "product", None), getattr(port, "description", None),
             getattr(port, "manufacturer", None)]
    return " ".join(p for p in parts if p and p != "n/a")


def classify_port(port: Any, table: Sequence[BoardPattern] | None = None) -> BoardPattern | None:
    """The table row matching a ``list_ports``-like object, or None if it is not a board."""
    vid, pid = getattr(port, "vid", None), getattr(port, "pid", None)
    if vid is None:
        return None
    text = _port_text(port)
    bid = board_id_of(getattr(port, "serial_number", None)) if vid == VID_ARM_DAPLINK else None
    rows = list(_patterns_from_env()) + list(BOARD_TABLE if table is None else table)
    for row in rows:
        if row.matches(vid, pid, text, bid):
            return row
    return None


def _refine(kind: str, label: str, drive: Drive | None, board_id: str | None) -> tuple[str, str]:
    """Use the drive label and the board ID to sharpen a guess from the port alone."""
    family = drive.family if drive else None
    if kind == "unknown" and family == "calliope":
        kind, label = CALLIOPE_BOARD_IDS.get(board_id or "", ("unknown", "Calliope mini"))
        if kind == "unknown":
            # a MINI drive without a known board ID: a Calliope, version unknown
            label = "Calliope mini"
    elif kind == "unknown" and family == "microbit":
        kind, label = "microbit", MICROBIT_BOARD_IDS.get(board_id or "", "micro:bit")
    elif kind == "microbit" and board_id in MICROBIT_BOARD_IDS:
        label = MICROBIT_BOARD_IDS[board_id]
    if kind == "calliope-mini-2" and drive is not None:
        product = drive.details.get("product", "")
        m = re.search(r"V(2\.\d)", product, re.IGNORECASE)
        if m:
            label = f"Calliope mini {m.group(1)}"
    return kind, label


def _list_ports() -> list[Any]:
    from serial.tools import list_ports

    return list(list_ports.comports())


# ---------------------------------------------------------------------------------------------
# Drives
# ---------------------------------------------------------------------------------------------


def find_drives(labels: Iterable[str] | None = None, with_details: bool = True) -> list[Drive]:
    """Mounted drives labelled ``MINI`` / ``MICROBIT`` (or ``labels``) on this computer.

    Uses the mount table on Linux, ``/Volumes`` on macOS and the Win32 volume labels on
    Windows. Each drive's ``DETAILS.TXT`` is read when ``with_details`` is true.
    """
    wanted = {l.upper() for l in (labels or FLASH_DRIVE_LABELS)}
    if sys.platform.startswith("linux"):
        from calliope_lib.board import drives_linux as backend
    elif sys.platform == "darwin":
        from calliope_lib.board import drives_macos as backend
    elif sys.platform.startswith("win"):
        from calliope_lib.board import drives_windows as backend
    else:  # BSDs and friends: no drive discovery, --drive PATH still works
        return []
    drives = []
    for path, label in backend.mounted_volumes():
        if _base_label(label) in wanted or label.upper() in wanted:
            details = read_details(path) if with_details else {}
            drives.append(Drive(path=path, label=label, details=details))
    return drives


def drive_from_path(path: str | os.PathLike[str]) -> Drive:
    """A :class:`Drive` for a path the user named (``--drive /media/anna/MINI``)."""
    p = Path(path)
    return Drive(path=str(p), label=p.name or str(p), details=read_details(p))


# ---------------------------------------------------------------------------------------------
# Pairing and the public functions
# ---------------------------------------------------------------------------------------------


def _norm_serial(value: str | None) -> str:
    return (value or "").strip().lower().lstrip("0")


def _same_board(serial_number: str | None, drive: Drive) -> bool:
    """Whether a USB serial number and a drive's DETAILS.TXT name the same board."""
    a, b = _norm_serial(serial_number), _norm_serial(drive.unique_id)
    if not a or not b:
        return False
    # DAPLink: identical. J-Link: USB says "000771234567", DETAILS.TXT "771234567".
    return a == b or (min(len(a), len(b)) >= 6 and (a.endswith(b) or b.endswith(a)))


def pair(boards: list[FoundBoard], drives: list[Drive]) -> list[FoundBoard]:
    """Attach each drive to the board whose serial number it names.

    Left-over drives become boards without a port. When exactly one board and one drive are
    left unpaired (no DETAILS.TXT, no serial number), they are paired with each other.
    """
    result: list[FoundBoard] = []
    free = [d for d in drives if d.takes_hex]
    unpaired: list[int] = []
    for b in boards:
        match = next((d for d in free if _same_board(b.serial_number, d)), None)
        if match is not None:
            free.remove(match)
            kind, label = _refine(b.kind, b.label, match, b.board_id or match.board_id)
            result.append(replace(b, drive=match.path, kind=kind, label=label))
        else:
            unpaired.append(len(result))
            result.append(b)
    if len(unpaired) == 1 and len(free) == 1 and not free[0].unique_id:
        i, d = unpaired[0], free.pop()
        b = result[i]
        kind, label = _refine(b.kind, b.label, d, b.board_id)
        result[i] = replace(b, drive=d.path, kind=kind, label=label)
    for d in free:
        kind, label = _refine("unknown", KIND_LABELS["unknown"], d, d.board_id)
        result.append(FoundBoard(port=None, kind=kind, label=label, serial_number=d.unique_id,
                                 vid=None, pid=None, product=d.details.get("product"),
                                 drive=d.path))
    return result


def _natural_key(board: FoundBoard) -> tuple[Any, ...]:
    """Sort ports first, then ttyACM2 before ttyACM10, COM3 before COM12."""
    name = board.port or board.drive or ""
    parts = re.split(r"(\d+)", name)
    return (board.port is None, [int(p) if p.isdigit() else p for p in parts])


def find_boards(ports: Iterable[Any] | None = None,
                drives: Iterable[Drive] | None = None) -> list[FoundBoard]:
    """Every Calliope mini / micro:bit plugged in, boards with a serial port first.

    ``ports``: ``list_ports``-like objects (attributes ``device``, ``vid``, ``pid``,
    ``serial_number``, ``product``, ``description``); default: ``serial.tools.list_ports``.
    ``drives``: :class:`Drive` objects; default: the drives mounted on this computer.
    Tests pass captured listings for both.
    """
    port_list = _list_ports() if ports is None else list(ports)
    drive_list = find_drives() if drives is None else list(drives)
    boards = []
    for p in port_list:
        row = classify_port(p)
        if row is None:
            continue
        serial = getattr(p, "serial_number", None)
        kind, label = row.kind, row.label
        bid = board_id_of(serial) if row.vid == VID_ARM_DAPLINK else None
        kind, label = _refine(kind, label, None, bid)
        product = getattr(p, "product", None)
        boards.append(FoundBoard(port=p.device, kind=kind, label=label, serial_number=serial,
                                 vid=p.vid, pid=p.pid, product=product,
                                 unverified=not row.verified))
    return sorted(pair(boards, drive_list), key=_natural_key)


def find_port_by_serial(serial_number: str, ports: Iterable[Any] | None = None) -> str | None:
    """The port of the board with this USB serial number (a replugged board may get a new one).

    >>> find_port_by_serial("9904360258994e45003a1005000000470000000097969901")  # doctest: +SKIP
    '/dev/ttyACM1'
    """
    want = _norm_serial(serial_number)
    if not want:
        return None
    for p in _list_ports() if ports is None else ports:
        if _norm_serial(getattr(p, "serial_number", None)) == want:
            return p.device
    return None
