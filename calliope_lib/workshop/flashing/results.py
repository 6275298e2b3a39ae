"""What the flasher works on and what it reports: targets, time limits, one result per board.

A :class:`FlashTarget` names one board (its drive for copying, its port or serial number for
checking afterwards); a :class:`FlashResult` says what happened to it, with a reason word
for programs and a sentence for people. :class:`FlashFailed` carries a board's trouble from
the step where it happened up to the result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from calliope_lib import messages
from calliope_lib.board.discovery import FoundBoard, drive_from_path, pair
from calliope_lib.workshop.flashing import texts  # noqa: F401  (registers the sentences)


@dataclass(frozen=True)
class Timeouts:
    """How long each step may take before the board counts as failed (seconds).

    A real DAPLink takes about 15-40 s to program a 1 MB hex; J-Link OB is unverified, so
    the limits are generous. Tests pass short ones.
    """

    #: after the last byte: until the drive disconnects (DAPLink programs while receiving)
    vanish: float = 60.0
    #: after it disconnected: until it is mounted again
    come_back: float = 30.0
    #: until the serial port is there again after the remount
    port: float = 15.0
    #: until our firmware answers hello
    hello: float = 8.0


@dataclass(frozen=True)
class FlashTarget:
    """One board to flash: its drive, and (for verification) its serial port or serial number.

    >>> FlashTarget(drive="/media/anna/MINI", port="/dev/ttyACM0").name
    '/dev/ttyACM0'
    """

    drive: str | None
    port: str | None = None
    serial_number: str | None = None
    kind: str = "unknown"
    label: str = "Calliope mini"
    board_id: str | None = None

    @property
    def name(self) -> str:
        """How the board is named in messages: its port, else its drive."""
        return self.port or self.drive or "?"

    @classmethod
    def from_board(cls, board: FoundBoard) -> "FlashTarget":
        """A target for a board that discovery found (port and drive paired by serial number)."""
        return cls(drive=board.drive, port=board.port, serial_number=board.serial_number,
                   kind=board.kind, label=board.label, board_id=board.board_id)

    @classmethod
    def from_drive(cls, path: str | os.PathLike[str], port: str | None = None) -> "FlashTarget":
        """A target for ``--drive PATH``: what the drive's label and DETAILS.TXT tell, + ``--port``."""
        drive = drive_from_path(path)
        found = pair([], [drive])  # a drive alone: kind from its label and board ID
        board = found[0] if found else None
        return cls(drive=drive.path, port=port, serial_number=drive.unique_id,
                   kind=board.kind if board else "unknown",
                   label=board.label if board else drive.label,
                   board_id=drive.board_id)


def targets_from_boards(boards: Iterable[FoundBoard]) -> list[FlashTarget]:
    """One target per found board, in the same order."""
    return [FlashTarget.from_board(b) for b in boards]


@dataclass
class FlashResult:
    """What happened to one board. ``ok``; ``reason`` a word; ``message`` the sentence."""

    target: FlashTarget
    ok: bool
    reason: str
    message: str
    firmware: str | None = None
    seconds: float = 0.0
    port: str | None = None  # the port the board was verified on (may differ after remount)

    def line(self) -> str:
        """One line for the final list: mark, board, what happened (and what to do)."""
        mark = "✔" if self.ok else "✘"
        where = ", ".join(x for x in (self.target.label, self.target.drive if self.target.port
                                      else None) if x)
        return f"{mark} {self.target.name} ({where}): {self.message}"

    def to_json(self) -> dict[str, Any]:
        """The result as plain data, for ``--json`` and the ``--retry`` memory."""
        return {"drive": self.target.drive, "port": self.target.port,
                "serial_number": self.target.serial_number, "kind": self.target.kind,
                "label": self.target.label, "ok": self.ok, "reason": self.reason,
                "message": self.message, "firmware": self.firmware,
                "seconds": round(self.seconds, 2)}


#: A progress callback: (target, phase, done, total). Phases: "copy", "wait", "verify", "done".
Progress = Callable[[FlashTarget, str, int, int], None]


class FlashFailed(Exception):
    """One board's trouble: ``reason`` (a word) and ``message`` (the sentence, from :mod:`texts`).

    Raised inside the steps and turned into a failed :class:`FlashResult`; it never leaves
    :func:`~calliope_lib.workshop.flashing.flash`, because one board's trouble must not stop
    the others.
    """

    def __init__(self, reason: str, key: str, **fields: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = messages.t(key, **fields)
