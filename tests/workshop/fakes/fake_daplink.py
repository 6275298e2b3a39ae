"""A fake DAPLink board drive that behaves like the real one, for flashing tests and benchmarks.

What a real DAPLink drive does when a hex is copied onto it (see shared/facts/calliope-hardware.md):
it takes the bytes only as fast as it can program the chip (the copying program's ``write``
blocks), then the drive disconnects, the board restarts with the new program, and the drive
comes back, showing ``FAIL.TXT`` if the file was bad.

The fake:

* is a folder named like the drive (``MINI``, ``MINI1``...) with a ``DETAILS.TXT``;
* offers each expected file name as a **named pipe** (FIFO). A watcher thread reads it at a
  realistic rate, so the writer really blocks like on a USB drive (``os.fsync`` on a pipe is
  refused with EINVAL, which the flasher tolerates as it must for some real file systems);
* "remounts" by deleting the folder and re-creating it (atomically, via rename) after a gap;
* writes ``FAIL.TXT`` (DAPLink's wording, reconstructed) for a corrupt or unsuitable hex;
* can misbehave: ``mode="read_only"`` (refuses new files), ``"full"`` (writes hit ENOSPC via
  ``/dev/full``), ``"vanish"`` (the drive disappears mid-copy and stays away), ``"never_back"``
  (the drive leaves after the copy and never returns).

:class:`FakeBoard` pairs it with the lead's simulated board on a pseudo-terminal
(:func:`calliope_lib.transports.pty.serve_pty`): after a good flash of our firmware the board
answers ``$HELLO calliope-lab ...``; after another program it prints values (MakeCode style).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

from calliope_lib.workshop.firmware.hexfile import HexFileError, inspect_hex_bytes

#: Bytes of hex text per second a real drive takes. DAPLink on a micro:bit V1 needs ~25 s for
#: a 1.8 MB Universal Hex (~70 KB/s); we use 64 KB/s as "realistic" in the benchmark.
REALISTIC_RATE = 64 * 1024

# DAPLink's FAIL.TXT sentences (source/daplink/error.c), reconstructed from the public source.
FAIL_DECODE = "The hex file cannot be decoded. Checksum calculation failure occurred."
FAIL_TARGET = "The application file format is unknown and cannot be parsed and/or processed."

DETAILS = {
    "calliope-mini-1": ("# DAPLink Firmware - see https://mbed.com/daplink\n"
                        "Unique ID: {uid}\nHIC ID: 97969901\nDaplink Mode: Interface\n"
                        "Interface Version: 0250\nUSB Interfaces: MSD, CDC, HID\n"),
    "calliope-mini-3": ("# DAPLink Firmware - see https://daplink.io\n"
                        "Unique ID: {uid}\nHIC ID: 6e052820\nDaplink Mode: Interface\n"
                        "Interface Version: 0257\nUSB Interfaces: MSD, CDC, HID, WebUSB\n"),
}
BOARD_IDS = {"calliope-mini-1": "9900", "calliope-mini-3": "9906"}
CHIPS = {"calliope-mini-1": "nrf51", "calliope-mini-3": "nrf52"}


def _make_readonly(path: Path) -> None:
    """No new files in ``path``: ``chattr +i`` as root (chmod does not stop root), else chmod."""
    if os.geteuid() == 0 and shutil.which("chattr"):
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0:
            return
    path.chmod(0o555)


def _undo_readonly(path: Path) -> None:
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    with contextlib.suppress(OSError):
        path.chmod(0o755)


class FakeDaplink:
    """A DAPLink drive in a folder. Use as a context manager; ``.path`` is the drive."""

    def __init__(self, parent: str | os.PathLike[str], label: str = "MINI", *,
                 kind: str = "calliope-mini-1", uid: str | None = None,
                 names: Sequence[str] = ("messgeraet.hex",), rate: float = REALISTIC_RATE,
                 remount_gap: float = 0.4, mode: str = "ok",
                 on_flash: Callable[[bytes | None, "FakeDaplink"], None] | None = None,
                 on_vanish: Callable[["FakeDaplink"], None] | None = None) -> None:
        self.path = Path(parent) / label
        self.kind = kind
        self.uid = uid or (BOARD_IDS[kind] + os.urandom(22).hex())
        self.names = list(names)
        self.rate = rate
        self.remount_gap = remount_gap
        self.mode = mode
        self.on_flash = on_flash
        self.on_vanish = on_vanish
        self.flashed: list[bytes] = []  # every hex the "board" took
        self.failures: list[str] = []  # every FAIL.TXT written
        self.remounts = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the folder -----------------------------------------------------------------------
    def _build(self, fail: str | None = None) -> None:
        """Create the drive folder complete, then move it into place in one step."""
        tmp = self.path.with_name(self.path.name + ".mounting")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / "DETAILS.TXT").write_text(DETAILS[self.kind].format(uid=self.uid))
        (tmp / "MINI.HTM").write_text('<html><meta http-equiv="refresh" '
                                      'content="0; url=https://calliope.cc/"></html>')
        if fail:
            (tmp / "FAIL.TXT").write_text(fail + "\r\n")
        for name in self.names:
            if self.mode == "full":
                os.symlink("/dev/full", tmp / name)
            elif self.mode != "read_only":
                os.mkfifo(tmp / name)
        os.rename(tmp, self.path)
        if self.mode == "read_only":
            _make_readonly(self.path)

    def _remove(self) -> None:
        if self.path.exists():
            _undo_readonly(self.path)
            shutil.rmtree(self.path, ignore_errors=True)
        if self.on_vanish:
            self.on_vanish(self)

    def __enter__(self) -> "FakeDaplink":
        self._build()
        self._thread = threading.Thread(target=self._run, name=f"fake-{self.path.name}",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        if self.path.exists():
            _undo_readonly(self.path)
            shutil.rmtree(self.path, ignore_errors=True)

    # -- the watcher ----------------------------------------------------------------------
    def _open_pipes(self) -> dict[int, str]:
        fds = {}
        if self.mode in ("read_only", "full"):
            return fds
        for name in self.names:
            with contextlib.suppress(OSError):
                fds[os.open(self.path / name, os.O_RDONLY | os.O_NONBLOCK)] = name
        return fds

    def _run(self) -> None:
        while not self._stop.is_set():
            fds = self._open_pipes()
            if not fds:
                self._stop.wait(0.05)
                continue
            try:
                got = self._take_one(fds)
            finally:
                for fd in fds:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            if got is None:
                continue
            self._after_transfer(got)

    def _take_one(self, fds: dict[int, str]) -> bytes | None:
        """Read one hex from whichever pipe a writer opens, at ``self.rate`` bytes/s."""
        buf = bytearray()
        active: int | None = None
        start = 0.0
        while not self._stop.is_set():
            ready, _, _ = select.select(list(fds) if active is None else [active], [], [], 0.05)
            if not ready:
                continue
            fd = ready[0]
            if active is None:
                start = time.monotonic()
            # Take only what the chip could have programmed by now: the writer blocks meanwhile.
            allowed = int((time.monotonic() - start) * self.rate) - len(buf) + 4096
            if allowed <= 0:
                time.sleep(min(0.05, -allowed / self.rate + 0.001))
                continue
            try:
                chunk = os.read(fd, min(allowed, 65536))
            except BlockingIOError:
                continue
            if not chunk:
                if active is None:
                    time.sleep(0.02)  # no writer yet: a FIFO without writer reads as EOF
                    continue
                return bytes(buf)  # the writer closed the file: transfer complete
            active = fd
            buf += chunk
            if self.mode == "vanish" and len(buf) > 20000:
                self._remove()  # cable pulled: the writer's next write breaks (EPIPE)
                self._stop.set()
                return None
        return None

    def _after_transfer(self, data: bytes) -> None:
        fail = None
        try:
            info = inspect_hex_bytes(data)
            if info.targets and CHIPS[self.kind] not in info.targets:
                fail = FAIL_TARGET
        except HexFileError:
            fail = FAIL_DECODE
        time.sleep(0.1)  # DAPLink waits a moment for more data before it finishes
        self._remove()  # disconnect
        if self.mode == "never_back":
            self._stop.set()
            return
        if fail is None:
            self.flashed.append(data)
        else:
            self.failures.append(fail)
        if self.on_flash:  # the board restarts: with the new program, or the old one
            self.on_flash(data if fail is None else None, self)
        self._stop.wait(self.remount_gap)
        self.remounts += 1
        self._build(fail)


class FakeBoard:
    """A fake DAPLink drive plus the simulated board on a pseudo-terminal behind it.

    ``.drive`` is the drive folder, ``.port`` a stable link to the board's terminal (the
    terminal itself is new after every restart, like a re-enumerated USB device).
    """

    def __init__(self, root: str | os.PathLike[str], index: int = 0, *,
                 kind: str = "calliope-mini-1", **drive_options: object) -> None:
        from calliope_lib.transports.pty import PtyBoard

        label = "MINI" if index == 0 else f"MINI{index}"
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        self.port = str(root / f"ttyFAKE{index}")
        # A fresh board runs a kid's program that prints nothing until flashed.
        self.pty = PtyBoard(f"sim://?kind={kind}&program=silent", link=self.port)
        self.fake = FakeDaplink(root, label, kind=kind, on_flash=self._flashed,
                                on_vanish=self._unplug, **drive_options)  # type: ignore[arg-type]
        self.kind = kind

    @property
    def drive(self) -> str:
        return str(self.fake.path)

    @property
    def serial_number(self) -> str:
        return self.fake.uid

    def _unplug(self, _fake: FakeDaplink) -> None:
        if self.pty._connected.is_set():
            self.pty.unplug()

    def _flashed(self, data: bytes | None, _fake: FakeDaplink) -> None:
        if data is not None:  # None: FAIL.TXT, the old program restarts
            self.pty.simulator.program = "firmware" if inspect_hex_bytes(data).ours else "makecode"
        self.pty.replug()

    def __enter__(self) -> "FakeBoard":
        self.fake.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.fake.__exit__(*exc)
        self.pty.close()


class FakeRoom:
    """N fake boards in one folder, and a ``find_port`` that knows their serial numbers."""

    def __init__(self, root: str | os.PathLike[str], count: int, **options: object) -> None:
        self.boards = [FakeBoard(root, i, **options) for i in range(count)]  # type: ignore[arg-type]

    def find_port(self, serial_number: str) -> str | None:
        for b in self.boards:
            if b.serial_number == serial_number and os.path.exists(b.port):
                return b.port
        return None

    def __enter__(self) -> "FakeRoom":
        for b in self.boards:
            b.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        for b in self.boards:
            b.__exit__(*exc)
