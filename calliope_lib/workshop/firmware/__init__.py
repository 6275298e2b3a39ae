"""Our measuring firmware: the files that run on the board, hex building, installing over
serial, hex file inspection and the emulated board (QEMU).

The protocol both ends speak is specified in ``calliope_lib/protocol/PROTOCOL.md``; its
version numbers live in :mod:`calliope_lib.protocol.version`.
"""

from calliope_lib.protocol.version import FIRMWARE_VERSION, PROTOCOL_VERSION

__all__ = ["FIRMWARE_VERSION", "PROTOCOL_VERSION"]
