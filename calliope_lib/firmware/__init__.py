"""The program that runs on the board, its protocol spec (``PROTOCOL.md``) and hex building."""

from .version import FIRMWARE_VERSION, PROTOCOL_VERSION

__all__ = ["FIRMWARE_VERSION", "PROTOCOL_VERSION"]
