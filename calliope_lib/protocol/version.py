"""The firmware version: one constant shared by the host library and the on-board program.

The hex builder writes :data:`FIRMWARE_VERSION` into the program it puts on the board, and the
host compares the version in the board's ``$HELLO`` line with it (and warns when they differ).
"""

#: Version of the on-board program; bump it whenever ``main.py`` changes behaviour.
FIRMWARE_VERSION = "0.1.0"

#: Version of the line protocol in ``PROTOCOL.md``; bump it on incompatible changes.
PROTOCOL_VERSION = 1
