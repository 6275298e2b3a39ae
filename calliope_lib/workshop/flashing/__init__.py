"""Copy one hex file onto many boards at once, and check that each board runs it afterwards.

How a board is flashed (DAPLink drag-and-drop, also J-Link OB on the Calliope 2.x): a ``.hex``
file is copied onto the board's drive (``MINI``, ``MICROBIT``); the interface chip programs
the main chip while the bytes arrive, then the drive disconnects and comes back. A
``FAIL.TXT`` on the returned drive holds the error text if programming failed.

:func:`flash` does that for every board in parallel, one worker thread per drive:

1. check the file is a sound Intel hex that suits the board (:mod:`calliope_lib.workshop.firmware.hexfile`);
2. write it in chunks, then flush and ``fsync`` (so the bytes really reach the board before
   we wait for it);
3. wait for the drive to vanish and come back (deadlines, not endless loops);
4. read ``FAIL.TXT`` if there is one;
5. verify on the serial port: our firmware answers ``hello`` with ``$HELLO calliope-lab ...
   fw=<version>``; for any other program it is enough that the port is back and opens.

A failure on one board (drive vanished mid-copy, read-only or full drive, never came back,
wrong firmware) is reported for that board; the others carry on. Each result has a reason
word for programs and a sentence with what to do for people::

    >>> from calliope_lib.board.discovery import find_boards
    >>> from calliope_lib.workshop.flashing import flash, targets_from_boards
    >>> results = flash("messgeraet.hex", targets_from_boards(find_boards()))  # doctest: +SKIP
    >>> for r in results:                                                      # doctest: +SKIP
    ...     print(r.line())
    ✔ /dev/ttyACM0 (Calliope mini 3, /media/anna/MINI): geflasht und geprüft, Firmware 0.1.0

The rooms of this package, one idea each:

=============  ================================================================
``results``    targets, time limits, one result per board
``drive``      copying onto the drive and waiting for it to come back (steps 2-4)
``verify``     the serial side: :func:`probe` a port, :func:`verify` after flashing (step 5)
``run``        one board through all steps, and all boards in parallel
``retry``      remembering the last run for ``--retry``
``texts``      every sentence, German and English
=============  ================================================================
"""

from __future__ import annotations

from calliope_lib.workshop.flashing import texts  # noqa: F401  (registers the sentences first)
from calliope_lib.workshop.flashing.drive import (CHUNK, POLL_S, copy_hex, drive_file_name,
                                                  read_fail_txt, wait_for_remount)
from calliope_lib.workshop.flashing.results import (FlashFailed, FlashResult, FlashTarget,
                                                    Progress, Timeouts, targets_from_boards)
from calliope_lib.workshop.flashing.retry import (load_failed, save_results, select_failed,
                                                  state_file)
from calliope_lib.workshop.flashing.run import flash, flash_one
from calliope_lib.workshop.flashing.verify import Probe, probe, verify

__all__ = [
    "CHUNK",
    "POLL_S",
    "FlashFailed",
    "FlashResult",
    "FlashTarget",
    "Probe",
    "Progress",
    "Timeouts",
    "copy_hex",
    "drive_file_name",
    "flash",
    "flash_one",
    "load_failed",
    "probe",
    "read_fail_txt",
    "save_results",
    "select_failed",
    "state_file",
    "targets_from_boards",
    "verify",
    "wait_for_remount",
]
