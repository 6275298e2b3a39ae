"""``calliope-mini firmware``: build the measuring firmware as a hex, or install it over USB.

Examples::

    calliope-mini firmware build -o messgeraet.hex                  # micro:bit V1 runtime
    calliope-mini firmware build -o messgeraet.hex --base editor.hex  # Calliope mini
    calliope-mini firmware install --port /dev/ttyACM0
    calliope-mini firmware install --all
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "firmware",
        help="Messprogramm bauen oder installieren / build or install the measuring firmware",
        description="Baut die .hex-Datei mit dem Messprogramm oder spielt es über USB auf "
        "Boards, auf denen schon MicroPython läuft. Builds the measuring firmware hex, or "
        "installs it over USB onto boards that already run MicroPython.",
    )
    sub = p.add_subparsers(dest="firmware_command", metavar="AKTION")

    b = sub.add_parser("build", help="eine .hex-Datei bauen / build a .hex file")
    b.add_argument("-o", "--output", default="messgeraet.hex",
                   help="Ziel-Datei (Standard messgeraet.hex) / output file")
    b.add_argument("--base", metavar="DATEI",
                   help="Hex-Datei aus dem Calliope-Python-Editor (für den Calliope mini) / "
                   "hex saved from the Calliope Python editor")
    b.add_argument("--target", default="microbit-v1", choices=["microbit-v1", "microbit-v2"],
                   help="Laufzeit ohne --base (Standard microbit-v1, auch für den Emulator)")
    b.set_defaults(func=run_build)

    i = sub.add_parser("install", help="über USB installieren / install over USB serial")
    g = i.add_mutually_exclusive_group()
    g.add_argument("--port", action="append", default=[],
                   help="serieller Anschluss oder pyserial-URL (mehrfach möglich)")
    g.add_argument("--all", action="store_true", help="alle eingesteckten Boards / every board")
    i.set_defaults(func=run_install)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_build(args: argparse.Namespace) -> int:
    from calliope_lib.workshop.firmware.build import write_hex
    from calliope_lib.protocol.version import FIRMWARE_VERSION

    path = write_hex(args.output, target=args.target, base=args.base)
    where = f"--base {args.base}" if args.base else args.target
    print(f"{path}: Messprogramm {FIRMWARE_VERSION} ({where}) / firmware written. "
          f"Kopiere die Datei auf das Laufwerk MINI (oder MICROBIT).")
    return 0


def run_install(args: argparse.Namespace) -> int:
    from calliope_lib.workshop.firmware.install import install_all

    from calliope_lib.cli.checks import existing_port

    ports = [existing_port(port) for port in args.port]  # a typo: one clear message
    if args.all or not ports:
        from calliope_lib.board.discovery import find_boards
        from calliope_lib.errors import NoBoardFound

        ports = [b.port for b in find_boards() if b.port]
        if not ports:
            raise NoBoardFound()
        if not args.all and len(ports) > 1:
            print("Mehrere Boards gefunden; nimm --all oder --port. / Several boards: use "
                  "--all or --port: " + ", ".join(ports), file=sys.stderr)
            return 2
    shown: dict[str, int] = {}

    def progress(port: str, fraction: float) -> None:
        step = int(fraction * 4)
        if shown.get(port) != step:
            shown[port] = step
            print(f"{port}: {int(fraction * 100)} %", flush=True)

    results = install_all(ports, progress=progress)
    failed = 0
    for r in results:
        if r.ok:
            print(f"OK     {r.port}: {r.board}, Messprogramm {r.firmware} ({r.seconds:.0f} s)")
        else:
            failed += 1
            print(f"FEHLER {r.port}: {r.error}")
    return 1 if failed else 0
