"""The drive side of flashing: copy the hex onto the board's drive and wait for it to return.

How a board is flashed (DAPLink drag-and-drop, also J-Link OB on the Calliope 2.x): a ``.hex``
file is copied onto the board's drive (``MINI``, ``MICROBIT``); the interface chip programs
the main chip while the bytes arrive, then the drive disconnects and comes back. A
``FAIL.TXT`` on the returned drive holds the error text if programming failed.

Every step has a deadline (:class:`~calliope_lib.workshop.flashing.results.Timeouts`), never
an endless loop, and a failure raises
:class:`~calliope_lib.workshop.flashing.results.FlashFailed` with a reason word.
"""

from __future__ import annotations

import errno
import os
import re
import time
from pathlib import Path
from typing import Callable

from calliope_lib.errors import os_reason
from calliope_lib.workshop.flashing.results import FlashFailed, Timeouts

#: Bytes per write call: small enough for a smooth progress bar, big enough to be fast.
CHUNK = 32 * 1024
#: How often the drive is looked at while waiting for it to vanish and return (seconds).
POLL_S = 0.05


def classify_os_error(exc: OSError, drive: str) -> FlashFailed:
    """Name what an OS error while copying means for the board: read-only, full, gone, other."""
    error = os_reason(exc)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return FlashFailed("read_only", "flash.read_only", drive=drive, error=error)
    if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        return FlashFailed("drive_full", "flash.drive_full", drive=drive, error=error)
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO, errno.ESTALE, errno.EPIPE,
                     errno.ENOTDIR, getattr(errno, "ENOMEDIUM", -1)):
        return FlashFailed("vanished", "flash.vanished", error=error)
    return FlashFailed("copy_error", "flash.copy_error", error=error)


def copy_hex(data: bytes, drive: str, name: str,
             progress: Callable[[int, int], None] | None = None) -> None:
    """Write ``data`` as ``drive/name`` in chunks; flush and fsync so it reaches the board.

    ``progress(written, total)`` is called after every chunk. Raises
    :class:`~calliope_lib.workshop.flashing.results.FlashFailed` with the reason
    (``read_only``, ``drive_full``, ``vanished``, ``copy_error``).
    """
    target = os.path.join(drive, name)
    total = len(data)
    written = 0
    try:
        with open(target, "wb", buffering=0) as fh:
            while written < total:
                n = fh.write(data[written:written + CHUNK])
                written += n or 0
                if progress:
                    progress(written, total)
            try:
                os.fsync(fh.fileno())
            except OSError as exc:
                # A board that already took every byte may drop off the bus before fsync
                # returns; DAPLink then has the whole file. Only an unfinished write counts.
                # EINVAL: the file cannot be synced at all (some FUSE mounts, a pipe).
                if exc.errno not in (errno.EIO, errno.ENODEV, errno.ENXIO, errno.EINVAL):
                    raise
    except OSError as exc:
        if written >= total and exc.errno in (errno.EIO, errno.ENODEV, errno.ENXIO, errno.ENOENT):
            return  # the close after the last byte met a drive already remounting
        raise classify_os_error(exc, drive) from exc


def _drive_present(drive: str) -> bool:
    try:
        return os.path.isdir(drive) and bool(os.listdir(drive))
    except OSError:
        return False


def wait_for_remount(drive: str, name: str, timeouts: Timeouts,
                     had_details: bool) -> tuple[bool, float]:
    """Wait until the drive disconnects and comes back. Returns (came back, seconds waited).

    A remount too quick to see (between two polls) still shows: the copied file is gone from
    the drive, because DAPLink never keeps it. ``had_details``: the drive showed
    ``DETAILS.TXT`` before, so it only counts as back once that file is there again (an
    empty, half-mounted folder is not the board yet).
    """
    start = time.monotonic()
    deadline = start + timeouts.vanish
    copied = os.path.join(drive, name)
    gone = False
    while time.monotonic() < deadline:
        if not _drive_present(drive):
            gone = True
            break
        if not os.path.exists(copied):
            return True, time.monotonic() - start  # already back
        time.sleep(POLL_S)
    if not gone:
        return False, time.monotonic() - start
    deadline = time.monotonic() + timeouts.come_back
    while time.monotonic() < deadline:
        if _drive_present(drive) and (
                not had_details or os.path.exists(os.path.join(drive, "DETAILS.TXT"))):
            return True, time.monotonic() - start
        time.sleep(POLL_S)
    return False, time.monotonic() - start


def read_fail_txt(drive: str) -> str | None:
    """The text of FAIL.TXT on the drive (one line, at most 200 characters), or None."""
    for fname in ("FAIL.TXT", "fail.txt"):
        try:
            text = Path(drive, fname).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        return " ".join(text.split())[:200]
    return None


def drive_file_name(name: str) -> str:
    """A name the FAT drive takes: plain ASCII, ends in .hex (DAPLink looks at the extension).

    >>> drive_file_name("Messgerät für Klasse 5b.hex")
    'Messger_t_f_r_Klasse_5b.hex'
    """
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(name).stem)[:40] or "programm"
    return f"{stem}.hex"
