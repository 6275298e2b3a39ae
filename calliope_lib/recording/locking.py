"""Opening a file to record into: never over an existing file by accident, never two writers.

* :func:`open_new` creates the file only if it does not exist yet (``O_EXCL``: decided by the
  operating system in one step, so two programs starting at the same moment cannot both
  get it). If the name is taken it takes the next free numbered name: ``messung.csv`` →
  ``messung_2.csv`` → ``messung_3.csv``.
* :func:`open_replacing` is the consent to replace (``overwrite=True``): it locks the file
  *before* emptying it, so a recording still writing there keeps its file.
* :func:`lock` holds an exclusive lock for as long as the file is open: a second program that
  wants to replace it gets :class:`~calliope_lib.errors.FileInUseError`. POSIX uses
  ``fcntl.flock``, Windows ``msvcrt.locking``; each is imported only on its platform.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> fd1, p1 = open_new(os.path.join(folder, "m.csv"))
>>> fd2, p2 = open_new(os.path.join(folder, "m.csv"))
>>> p2.name
'm_2.csv'
>>> os.close(fd1); os.close(fd2)
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from calliope_lib.errors import FileInUseError, write_error

#: How many numbered names to try before giving up (``messung_2`` … ``messung_999``).
MAX_NUMBER = 999


def numbered(path: Path, number: int) -> Path:
    """``messung.csv`` with a number: ``messung_2.csv``."""
    return path.with_name(f"{path.stem}_{number}{path.suffix}")


def open_new(path: str | Path) -> tuple[int, Path]:
    """Create ``path`` or the next free numbered name; return the locked descriptor and name.

    Raises :class:`~calliope_lib.errors.FileWriteError` naming the file and the cause when it
    cannot be created (no such folder, no permission...).
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise write_error(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    if mode is not None and not stat.S_ISREG(mode):
        # A device or pipe (/dev/null, a FIFO): nothing to replace, write into it.
        try:
            return os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0)), path
        except OSError as exc:
            raise write_error(path, exc) from exc
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for number in range(1, MAX_NUMBER + 1):
        target = path if number == 1 else numbered(path, number)
        try:
            fd = os.open(target, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise write_error(target, exc) from exc
        lock(fd, target)
        return fd, target
    raise write_error(path, FileExistsError(17, "all numbered names are taken"))


def open_replacing(path: str | Path) -> tuple[int, Path]:
    """Open ``path`` to replace it (with consent): lock first, then empty it."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise write_error(path, exc) from exc
    lock(fd, path)  # closes fd and raises FileInUseError when another writer holds it
    try:
        os.ftruncate(fd, 0)
    except OSError as exc:
        os.close(fd)
        raise write_error(path, exc) from exc
    return fd, path


def lock(fd: int, path: Path) -> None:
    """Lock the open file exclusively (without waiting); FileInUseError if another holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # byte 0: enough to exclude a second writer
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError) as exc:
        os.close(fd)
        raise FileInUseError(path=str(path)) from exc
    except OSError:
        # A file system without locks (some network shares): write unlocked rather than not.
        pass
