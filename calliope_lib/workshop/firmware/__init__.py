"""Our measuring firmware: the files that run on the board, hex building, installing over
serial, hex file inspection and the emulated board (QEMU).

=================  ==============================================================
``on_board/``      the MicroPython program itself (main.py, lab_channels.py, lab_loop.py);
                   runs on the board, never imported on the host
``build``          a flashable ``.hex``: MicroPython runtime + those files
``install``        the same files over USB serial onto a board that runs MicroPython
``hexfile``        what a ``.hex`` holds, checked before flashing
``emulator``       the emulated board (QEMU) for tests and demos
=================  ==============================================================

The protocol both ends speak is specified in ``calliope_lib/protocol/PROTOCOL.md``; its
version numbers live in :mod:`calliope_lib.protocol.version`.
"""

from calliope_lib.protocol.version import FIRMWARE_VERSION, PROTOCOL_VERSION

__all__ = ["FIRMWARE_VERSION", "PROTOCOL_VERSION"]
