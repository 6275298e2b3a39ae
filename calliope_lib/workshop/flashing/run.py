"""Flash one board through all its steps, and a room of boards at the same time.

:func:`flash_one` takes one board through the steps (check the file suits it, copy, wait
for the remount, read ``FAIL.TXT``, verify on the serial port) and turns whatever goes
wrong into that board's :class:`~calliope_lib.workshop.flashing.results.FlashResult`.
:func:`flash` runs it for every board in parallel, one worker thread per drive: copying is
mostly waiting for USB, so threads are enough.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

from calliope_lib import messages
from calliope_lib.board.discovery import find_port_by_serial
from calliope_lib.workshop.firmware.hexfile import HexInfo, inspect_hex
from calliope_lib.workshop.flashing.drive import (copy_hex, drive_file_name, read_fail_txt,
                                                  wait_for_remount)
from calliope_lib.workshop.flashing.results import (FlashFailed, FlashResult, FlashTarget,
                                                    Progress, Timeouts)
from calliope_lib.workshop.flashing.verify import verify


def flash_one(data: bytes, info: HexInfo, target: FlashTarget, *, name: str,
              verify_serial: bool = True, timeouts: Timeouts = Timeouts(),
              progress: Progress | None = None,
              find_port: Callable[[str], str | None] = find_port_by_serial) -> FlashResult:
    """Flash one board (see :func:`flash`); never raises for a board's own trouble."""
    start = time.monotonic()

    def report(phase: str, done: int = 0, total: int = 0) -> None:
        if progress:
            progress(target, phase, done, total)

    def _done(result: FlashResult) -> FlashResult:
        report("done")
        return result

    try:
        if not info.suits(target.kind, target.board_id):
            raise FlashFailed("hex_unsuitable", "flash.hex_unsuitable", chips=info.chips_text(),
                              label=target.label)
        if not target.drive:
            raise FlashFailed("no_drive", "flash.no_drive")
        if not os.path.isdir(target.drive):
            raise FlashFailed("vanished", "flash.vanished",
                              error=f"{target.drive} fehlt / missing")
        had_details = os.path.exists(os.path.join(target.drive, "DETAILS.TXT"))
        copy_hex(data, target.drive, name, lambda d, t: report("copy", d, t))
        report("wait")
        back, waited = wait_for_remount(target.drive, name, timeouts, had_details)
        fail = read_fail_txt(target.drive) if back else None
        if fail:
            raise FlashFailed("fail_txt", "flash.fail_txt", text=fail)
        if not verify_serial:
            if not back:
                raise FlashFailed("no_remount", "flash.no_remount", seconds=waited)
            msg, fw, port = messages.t("flash.ok.unverified"), None, target.port
        elif not target.port and not target.serial_number:
            if not back:
                raise FlashFailed("no_remount", "flash.no_remount", seconds=waited)
            msg, fw, port = messages.t("flash.ok.no_port"), None, None
        else:
            report("verify")
            try:
                msg, fw, port = verify(target, info, timeouts, find_port)
            except FlashFailed as exc:
                if exc.reason == "no_port" and back:  # flashed; nothing to verify it on
                    return _done(FlashResult(target, True, "ok", exc.message,
                                             seconds=time.monotonic() - start))
                if not back:  # the drive never returned and the port says nothing either
                    raise FlashFailed("no_remount", "flash.no_remount", seconds=waited) from None
                raise
        result = FlashResult(target, True, "ok", msg, fw, time.monotonic() - start, port)
    except FlashFailed as exc:
        result = FlashResult(target, False, exc.reason, exc.message,
                             seconds=time.monotonic() - start)
    except Exception as exc:  # a bug or an OS surprise: this board fails, the others go on
        result = FlashResult(target, False, "copy_error",
                             messages.t("flash.copy_error", error=f"{type(exc).__name__}: {exc}"),
                             seconds=time.monotonic() - start)
    return _done(result)


def flash(hex_path: str | os.PathLike[str], targets: Sequence[FlashTarget], *,
          verify_serial: bool = True, timeouts: Timeouts = Timeouts(),
          progress: Progress | None = None,
          find_port: Callable[[str], str | None] = find_port_by_serial,
          info: HexInfo | None = None) -> list[FlashResult]:
    """Flash ``hex_path`` onto every target at the same time; one result per target, in order.

    Raises :class:`~calliope_lib.workshop.firmware.hexfile.HexFileError` only when the file
    itself is bad (then no board is touched). Everything that goes wrong with one board is in
    its result. ``find_port`` looks a board's port up by serial number after the remount
    (tests hand in the fake room's).
    """
    info = info or inspect_hex(hex_path)
    data = Path(hex_path).read_bytes()
    name = drive_file_name(Path(hex_path).name)
    if not targets:
        return []
    # The same board named twice (``--drive /media/MINI --drive /media/MINI/``, a drive
    # found and also named) is flashed once: two copies at once onto one drive make
    # DAPLink fail both (FAIL.TXT). Every name still gets its line, the same result.
    first: dict[str, int] = {}
    which = [first.setdefault(_board_key(t), i) for i, t in enumerate(targets)]
    unique = sorted(set(which))
    with ThreadPoolExecutor(max_workers=len(unique), thread_name_prefix="flash") as pool:
        futures = {i: pool.submit(flash_one, data, info, targets[i], name=name,
                                  verify_serial=verify_serial, timeouts=timeouts,
                                  progress=progress, find_port=find_port)
                   for i in unique}
        done = {i: f.result() for i, f in futures.items()}
    return [done[i] for i in which]


def _board_key(target: FlashTarget) -> str:
    """What names one board: its drive (the real path), else its port or serial number."""
    if target.drive:
        return "drive:" + os.path.normcase(os.path.realpath(target.drive))
    return f"port:{target.port or ''}:{target.serial_number or ''}"
