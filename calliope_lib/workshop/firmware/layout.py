"""Where things may sit in the flash of each board: the file-system layout of every hex part.

A MicroPython hex holds the runtime, then the file system (our three ``.py`` files), and on
the nRF51 a page for the compass calibration. The **Calliope mini 1.x/2.x** differs from the
micro:bit V1 although both have an nRF51822: its Bluetooth (DFU) bootloader lives at
0x3C000-0x3FBFF and its settings page at 0x3FC00 (``calliope-edu/v1-bootloader-src``). The
Calliope Python editor therefore ends the file system at **0x3C000** instead of 0x40000: its
last ("persistent") page marker sits at 0x3B800. A hex writing anything at or above 0x3C000
would overwrite the bootloader that the Calliope app uses to flash over Bluetooth.

=============================  ==========================  =============================
part                           file system ends at         nothing may be written in
=============================  ==========================  =============================
Calliope mini 1.x/2.x (nRF51)  0x3C000 (marker 0x3B800)    0x3C000 - 0x3FFFF
micro:bit V1 (nRF51)           0x40000 (marker 0x3F800)    -
nRF52 (Calliope 3, micro:bit)  as the runtime's table says -
=============================  ==========================  =============================

A Calliope runtime is told from a micro:bit one by its module table: the Calliope runtime
has a module named ``calliopemini`` (its version string says "micro:bit v1.1.1" like the
micro:bit's). :func:`part_layout` decides, :func:`check_part` lists what breaks the rules::

    >>> LAYOUTS["calliope-nrf51"].forbidden
    ((245760, 262144),)
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import Any

#: The Calliope 1.x/2.x Bluetooth bootloader and its settings page: never written by a hex.
CALLIOPE_BOOTLOADER = (0x3C000, 0x40000)
#: Addresses from here on are UICR/FICR registers, not program flash.
UICR_START = 0x10000000
#: The bytes that only a Calliope runtime holds (its module name, in the qstr table).
CALLIOPE_MARK = b"calliopemini"
#: The nRF51 flash page size.
PAGE = 0x400
#: The first byte of the file system's last ("persistent") page.
PERSISTENT_MARK = 0xFD


@dataclass(frozen=True)
class Layout:
    """The rules for one kind of hex part."""

    name: str
    #: Where the file system ends (exclusive), as the editor's file-system library counts
    #: it (``fsEnd``: on the nRF51 one page below it is the compass calibration page);
    #: None: as the runtime's own table says.
    fs_end: int | None
    #: Address ranges (start, end exclusive) a hex for this part must leave empty.
    forbidden: tuple[tuple[int, int], ...] = ()
    #: Where the persistent-page marker must sit (None: not checked).
    marker: int | None = None


LAYOUTS: dict[str, Layout] = {
    "calliope-nrf51": Layout("Calliope mini 1.x/2.x", 0x3C000, (CALLIOPE_BOOTLOADER,), 0x3B800),
    "microbit-nrf51": Layout("micro:bit V1", 0x40000, (), 0x3F800),
    "nrf52": Layout("Calliope mini 3 / micro:bit V2", None),
}


def load(hex_text: str) -> Any:
    """An ``IntelHex`` of a single-target hex text."""
    from intelhex import IntelHex

    ih = IntelHex()
    ih.loadhex(StringIO(hex_text))
    return ih


def flash_addresses(ih: Any) -> list[int]:
    """The program-flash addresses a hex writes (UICR/FICR left out), sorted."""
    return [a for a in ih.addresses() if a < UICR_START]


def is_calliope_runtime(ih: Any) -> bool:
    """Whether the runtime in this part is the Calliope's (it has a ``calliopemini`` module)."""
    addresses = flash_addresses(ih)
    if not addresses:
        return False
    try:  # the runtime only: the file system may hold a program that imports calliopemini
        end = _fs_start(ih)
    except Exception:  # no MicroPython table: no Calliope runtime either
        return False
    data = ih.tobinstr(start=0, end=min(max(addresses), end - 1))
    return CALLIOPE_MARK in data


def part_layout(ih: Any) -> Layout:
    """The layout rules that fit the runtime in this single-target part."""
    addresses = flash_addresses(ih)
    if addresses and max(addresses) >= 0x40000:
        return LAYOUTS["nrf52"]
    return LAYOUTS["calliope-nrf51" if is_calliope_runtime(ih) else "microbit-nrf51"]


def check_part(ih: Any, layout: Layout | None = None) -> list[str]:
    """What in this part breaks its layout rules (empty list: all fine).

    Checked: no byte in a forbidden range (the Calliope bootloader), and the file system's
    persistent-page marker (0xFD) where the editor puts it, when the part has files.
    """
    layout = layout or part_layout(ih)
    problems = []
    addresses = flash_addresses(ih)
    for start, end in layout.forbidden:
        inside = [a for a in addresses if start <= a < end]
        if inside:
            problems.append(f"{layout.name}: {len(inside)} bytes in 0x{start:05X}-0x{end - 1:05X} "
                            f"(first at 0x{inside[0]:05X})")
    if layout.marker is not None and layout.fs_end is not None:
        fs_start = _fs_start(ih)
        files = [a for a in addresses if fs_start <= a < layout.marker]
        if files and ih[layout.marker] != PERSISTENT_MARK:
            problems.append(f"{layout.name}: no file-system marker at 0x{layout.marker:05X}")
        stray = [a for a in addresses if layout.marker + PAGE <= a < layout.fs_end]
        if stray:
            problems.append(f"{layout.name}: data in the calibration page at 0x{stray[0]:05X}")
    return problems


def _fs_start(ih: Any) -> int:
    """Where the runtime's file system starts (the runtime's own table says)."""
    from micropython_microbit_fs.device_info import get_device_info_ih

    return get_device_info_ih(ih).fs_start_address
