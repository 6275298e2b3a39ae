"""Read an Intel hex file far enough to know whether it is sound and which boards it suits.

A ``.hex`` for a Calliope mini or micro:bit is one of

* a **single-target** hex: one program for one chip. An nRF51 program (Calliope mini 1.x/2.x,
  micro:bit V1) lives below 0x40000 (256 KB flash); a program with data above 0x40000 can only
  be for an nRF52 (Calliope mini 3, micro:bit V2, 512 KB flash). A single-target file that
  stays below 0x40000 counts as nRF51: it is refused for a Calliope mini 3 before copying.
* a **Universal Hex**: several programs in one file, each section opened by a record of type
  0x0A that names the DAPLink board ID it is for (0x9900/0x9901: nRF51, 0x9903..0x9906: nRF52).
  DAPLink picks its own section. The Calliope Python editor and MakeCode save such files.

:func:`inspect_hex` checks every line (colon, hex digits, length, checksum, known record type,
an end record) and says which chips the file is for, and whether it holds our measuring
firmware (and its version)::

    >>> info = inspect_hex("messgeraet.hex")          # doctest: +SKIP
    >>> info.targets, info.universal, info.firmware
    (frozenset({'nrf51', 'nrf52'}), True, '0.1.0')
    >>> info.suits("calliope-mini-1")                  # doctest: +SKIP
    True

Pure Python, no third-party package: it has to check a MakeCode download too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from calliope_lib import messages
from calliope_lib.errors import CalliopeError

messages.register({
    "hexfile.title": {
        "de": "{path} ist keine brauchbare .hex-Datei",
        "en": "{path} is not a usable .hex file",
    },
    "hexfile.detail": {
        "de": ("{reason}. Lade die Datei noch einmal herunter (MakeCode: 'Herunterladen'; "
               "Python-Editor: 'Speichern') und versuche es erneut."),
        "en": ("{reason}. Download the file again (MakeCode: 'Download'; Python editor: "
               "'Save') and try again."),
    },
    "hexfile.not_hex": {"de": "Zeile {line} beginnt nicht mit ':' - das ist keine Intel-Hex-Datei",
                        "en": "line {line} does not start with ':' - this is not an Intel hex file"},
    "hexfile.bad_digits": {"de": "Zeile {line} enthält Zeichen, die keine Hex-Ziffern sind",
                           "en": "line {line} holds characters that are not hex digits"},
    "hexfile.bad_length": {"de": "Zeile {line} hat die falsche Länge (abgeschnitten?)",
                           "en": "line {line} has the wrong length (cut off?)"},
    "hexfile.bad_checksum": {"de": "Die Prüfsumme in Zeile {line} stimmt nicht (Datei beschädigt)",
                             "en": "the checksum in line {line} is wrong (file damaged)"},
    "hexfile.bad_type": {"de": "Zeile {line} hat einen unbekannten Satztyp {type:#04x}",
                         "en": "line {line} has an unknown record type {type:#04x}"},
    "hexfile.no_end": {"de": "Das Ende-Zeichen der Datei fehlt (Download abgebrochen?)",
                       "en": "the end record is missing (download cut short?)"},
    "hexfile.empty": {"de": "Die Datei ist leer", "en": "the file is empty"},
    "hexfile.binary": {"de": "Die Datei enthält Binärdaten (vielleicht eine .uf2- oder .zip-Datei)",
                       "en": "the file holds binary data (a .uf2 or .zip file, maybe)"},
})


class HexFileError(CalliopeError, ValueError):
    """The file is not a sound Intel hex file (not hex at all, damaged, cut short)."""

    reason = "bad_hex"
    key = "hexfile"


#: Universal Hex section board IDs -> chip family.
UNIVERSAL_IDS: dict[int, str] = {
    0x9900: "nrf51", 0x9901: "nrf51",
    0x9903: "nrf52", 0x9904: "nrf52", 0x9905: "nrf52", 0x9906: "nrf52",
}
#: Chip family of each board kind (Calliope 2.x has an nRF51 too).
KIND_CHIPS: dict[str, str] = {
    "calliope-mini-1": "nrf51", "calliope-mini-2": "nrf51", "calliope-mini-3": "nrf52",
}
NRF51_FLASH_END = 0x40000
UICR_START = 0x10000000  # UICR/FICR: both chips have them; says nothing about which chip

#: Our firmware, found inside the hex: MicroPython keeps main.py as text in its file system.
_OURS = b"calliope-lab"
_FW = re.compile(rb'FW = "(\d+\.\d+\.\d+)"')


@dataclass(frozen=True)
class HexInfo:
    """What :func:`inspect_hex` learned about a file."""

    path: str
    size: int
    universal: bool
    section_ids: tuple[int, ...]
    #: chip families the file has a program for; empty when that cannot be known
    targets: frozenset[str]
    max_address: int
    #: version of our measuring firmware in the file, None when it is some other program
    firmware: str | None
    ours: bool

    def chips_text(self) -> str:
        names = {"nrf51": "Calliope mini 1.x/2.x, micro:bit V1", "nrf52": "Calliope mini 3, micro:bit V2"}
        return " + ".join(names[t] for t in sorted(self.targets)) or "?"

    def suits(self, kind: str, board_id: str | None = None) -> bool:
        """Whether the file can run on a board of this kind (True when it cannot be known)."""
        if not self.targets:
            return True
        chip = KIND_CHIPS.get(kind)
        if kind == "microbit" and board_id:
            chip = UNIVERSAL_IDS.get(int(board_id, 16)) if re.fullmatch(r"[0-9A-Fa-f]{4}", board_id) else None
        return chip is None or chip in self.targets


def _fail(path: str, key: str, **fields: object) -> HexFileError:
    error = HexFileError(path=path, reason=messages.t(key, **fields))
    # Machine-checkable: which check failed, and where (callers such as the hex builder
    # tell "cut off while copying" from "not a hex file at all" with these).
    error.problem = key.split(".", 1)[1]
    error.line = fields.get("line")
    return error


def inspect_hex(path: str | os.PathLike[str]) -> HexInfo:
    """Check an Intel hex file line by line and describe it; raise :class:`HexFileError`."""
    name = os.fspath(path)
    raw = Path(path).read_bytes()
    return inspect_hex_bytes(raw, name)


def inspect_hex_bytes(raw: bytes, name: str = "<hex>") -> HexInfo:
    """:func:`inspect_hex` for bytes already in memory."""
    if not raw.strip():
        raise _fail(name, "hexfile.empty")
    if b"\x00" in raw[:4096]:
        raise _fail(name, "hexfile.binary")
    upper = 0  # extended linear address (record 04) or segment base (record 02)
    section = None
    sections: dict[int, list[int]] = {}  # board ID -> [max address]
    plain_max = -1
    plain_high = False
    data = bytearray()
    ended = False
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if not line.startswith(b":"):
            raise _fail(name, "hexfile.not_hex", line=number)
        body = line[1:]
        try:
            rec = bytes.fromhex(body.decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            raise _fail(name, "hexfile.bad_digits", line=number) from None
        if len(rec) < 5 or len(rec) != rec[0] + 5:
            raise _fail(name, "hexfile.bad_length", line=number)
        if sum(rec) & 0xFF:
            raise _fail(name, "hexfile.bad_checksum", line=number)
        count, offset, rtype, payload = rec[0], (rec[1] << 8) | rec[2], rec[3], rec[4:-1]
        if rtype in (0x00, 0x0C, 0x0D):  # data, padded data, custom data (Universal Hex)
            address = upper + offset
            end = address + count - 1
            if address < UICR_START:
                if section is not None:
                    sections[section][0] = max(sections[section][0], end)
                else:
                    plain_max = max(plain_max, end)
                    plain_high = plain_high or end >= NRF51_FLASH_END
            data += payload
        elif rtype == 0x01:
            ended = True
        elif rtype == 0x02:
            upper = int.from_bytes(payload, "big") << 4
        elif rtype == 0x04:
            upper = int.from_bytes(payload, "big") << 16
        elif rtype == 0x0A:  # Universal Hex block start: board ID in the first 2 bytes
            section = int.from_bytes(payload[:2], "big")
            sections.setdefault(section, [-1])
        elif rtype == 0x0B:
            section = None
        elif rtype in (0x03, 0x05):
            pass  # start addresses
        else:
            raise _fail(name, "hexfile.bad_type", line=number, type=rtype)
    if not ended:
        raise _fail(name, "hexfile.no_end")
    if sections:
        targets = frozenset(UNIVERSAL_IDS[i] for i in sections if i in UNIVERSAL_IDS)
        max_address = max(v[0] for v in sections.values())
    else:
        # A single-target hex that stays below 256 KB is an nRF51 program: the nRF52
        # programs (MicroPython and MakeCode for the Calliope 3 / micro:bit V2) all reach
        # beyond 0x40000. A file with no program data at all says nothing.
        targets = (frozenset({"nrf52"}) if plain_high
                   else frozenset({"nrf51"}) if plain_max >= 0 else frozenset())
        max_address = plain_max
    fw, ours = _find_our_firmware(bytes(data))
    return HexInfo(path=name, size=len(raw), universal=bool(sections),
                   section_ids=tuple(sorted(sections)), targets=targets,
                   max_address=max_address, firmware=fw, ours=ours)


def _find_our_firmware(data: bytes) -> tuple[str | None, bool]:
    """Look for our main.py in the program data.

    MicroPython stores files in 128-byte chunks (1 byte header, 126 data, 1 byte link), so a
    text can be split across two chunks: search the raw bytes and a view with the chunk
    framing taken out.
    """
    views = [data, b"".join(data[i + 1:i + 127] for i in range(0, len(data), 128))]
    ours = any(_OURS in v for v in views)
    for v in views:
        m = _FW.search(v)
        if m and ours:
            return m.group(1).decode(), True
    return None, ours
