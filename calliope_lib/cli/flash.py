"""``calliope-mini flash FILE.hex``: flash one or all boards at once, verify each.

    calliope-mini flash messgeraet.hex --all          # every board plugged in
    calliope-mini flash messgeraet.hex --retry        # only the ones that failed last time
    calliope-mini flash programm.hex --drive /media/anna/MINI --drive /media/anna/MINI1
    calliope-mini flash programm.hex --no-verify      # for a program that prints nothing

Ends with one line per board: flashed and verified, or what went wrong and what to do.
The exit code is 0 only when every board succeeded.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "flash",
        help="eine .hex-Datei auf Boards spielen / flash a .hex file onto boards",
        description="Kopiert die .hex-Datei gleichzeitig auf die Laufwerke der Boards, wartet, "
        "bis jedes Board neu startet, und prüft, dass es läuft. Copies the hex file to every "
        "board's drive at once, waits for each to restart, and verifies it.",
    )
    p.add_argument("hex", help="die .hex-Datei / the .hex file")
    p.add_argument("--all", action="store_true", help="alle eingesteckten Boards / every board")
    p.add_argument("--retry", action="store_true",
                   help="nur die Boards, bei denen es letztes Mal nicht ging / only last run's failures")
    p.add_argument("--no-verify", action="store_true",
                   help="nicht über den seriellen Anschluss prüfen / skip the serial check")
    p.add_argument("--drive", action="append", default=[], metavar="PFAD",
                   help="Laufwerk direkt angeben (mehrfach möglich) / name a drive (repeatable)")
    p.add_argument("--port", help="serieller Anschluss zum Prüfen (mit einer --drive) oder das "
                   "Board an diesem Anschluss / port to verify on, or the board on this port")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="Sekunden bis ein Board als nicht zurückgekommen gilt (Standard 60)")
    p.set_defaults(func=run)


class _Progress:
    """A tqdm bar over all bytes on a terminal; plain log lines otherwise."""

    def __init__(self, targets: list[Any], total_bytes: int) -> None:
        self.tty = sys.stderr.isatty()
        self.lock = threading.Lock()
        self.done: dict[str, int] = {}
        self.phase: dict[str, str] = {}
        self.bar = None
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total_bytes * len(targets), unit="B", unit_scale=True,
                            desc="Flashen", file=sys.stderr, leave=False)

    def _say(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def __call__(self, target: Any, phase: str, done: int, total: int) -> None:
        from calliope_lib.messages import t

        with self.lock:
            key = target.name
            if phase == "copy" and self.bar is not None:
                self.bar.update(done - self.done.get(key, 0))
                self.done[key] = done
            if phase != self.phase.get(key) and phase in ("copy", "wait", "verify"):
                self.phase[key] = phase
                self._say(f"{key}: {t('flash.phase.' + phase)}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _targets(args: argparse.Namespace) -> list[Any]:
    from calliope_lib.board.discovery import find_boards
    from calliope_lib.workshop.flashing import FlashTarget, load_failed, select_failed, targets_from_boards

    if args.drive:
        port = args.port if len(args.drive) == 1 else None
        targets = [FlashTarget.from_drive(d, port=port) for d in args.drive]
    else:
        boards = find_boards()
        if args.port:
            boards = [b for b in boards if b.port == args.port]
        targets = targets_from_boards(b for b in boards if b.drive or b.port)
    if args.retry:
        targets = select_failed(targets, load_failed())
    return targets


def run(args: argparse.Namespace) -> int:
    from calliope_lib.workshop.flashing import Timeouts, flash, save_results
    from calliope_lib.workshop.firmware.hexfile import inspect_hex
    from calliope_lib.messages import t

    from calliope_lib.cli.checks import existing_drive, existing_file

    existing_file(args.hex, ending=".hex")
    for drive in args.drive:
        existing_drive(drive)
    info = inspect_hex(args.hex)  # a bad file stops here, before any board is touched
    targets = _targets(args)
    if not targets:
        if args.retry:
            print("Keine Boards zum Wiederholen / nothing to retry.")
            return 0
        print(f"{t('no_board.title')}. {t('no_board.detail')}")
        return 1
    if len(targets) > 1 and not (args.all or args.retry or args.drive):
        names = ", ".join(x.name for x in targets)
        print(f"{len(targets)} Boards gefunden ({names}). Alle flashen: --all; eines: --port "
              f"oder --drive. / {len(targets)} boards found: use --all, or pick one with "
              "--port or --drive.")
        return 2
    progress = _Progress(targets, info.size)
    timeouts = Timeouts(vanish=args.timeout, come_back=args.timeout / 2)
    try:
        results = flash(args.hex, targets, verify_serial=not args.no_verify, timeouts=timeouts,
                        progress=progress, info=info)
    finally:
        progress.close()
    save_results(args.hex, results)
    for r in results:
        print(r.line())
    failed = sum(not r.ok for r in results)
    print(t("flash.summary", ok=len(results) - failed, total=len(results), failed=failed))
    if failed:
        print("Nochmal nur die fehlgeschlagenen / again only the failed ones: "
              f"calliope-mini flash {args.hex} --retry")
    return 1 if failed else 0
