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
from typing import TYPE_CHECKING

from calliope_lib.messages import register as register_texts
from calliope_lib.messages import t

if TYPE_CHECKING:
    from calliope_lib.workshop.firmware.install import InstallResult

register_texts({
    "cli.fw.built": {
        "de": "{path}: Messprogramm {version} ({where}) geschrieben. Kopiere die Datei auf das "
              "Laufwerk MINI (oder MICROBIT).",
        "en": "{path}: measuring firmware {version} ({where}) written. Copy the file onto the "
              "MINI (or MICROBIT) drive.",
    },
    "cli.fw.several": {
        "de": "Mehrere Boards gefunden: {ports}. Nimm --all für alle oder --port für eines.",
        "en": "Several boards found: {ports}. Use --all for all of them or --port for one.",
    },
    "cli.fw.ok": {
        "de": "OK     {port}: {board}, Messprogramm {firmware} ({seconds} s{resent})",
        "en": "OK     {port}: {board}, measuring firmware {firmware} ({seconds} s{resent})",
    },
    "cli.fw.resent": {
        "de": "; {count} Befehle nochmal geschickt, weil Bytes verloren gingen: probiere ein "
              "anderes USB-Kabel oder einen anderen Anschluss",
        "en": "; {count} commands sent again because bytes got lost: try another USB cable or "
              "another port",
    },
    "cli.fw.failed": {"de": "FEHLER {port}: {error}", "en": "FAILED {port}: {error}"},
})


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
    from calliope_lib.protocol.version import FIRMWARE_VERSION
    from calliope_lib.workshop.firmware.build import write_hex

    path = write_hex(args.output, target=args.target, base=args.base)
    where = f"--base {args.base}" if args.base else args.target
    print(t("cli.fw.built", path=path, version=FIRMWARE_VERSION, where=where))
    return 0


def run_install(args: argparse.Namespace) -> int:
    from calliope_lib.cli.checks import existing_port
    from calliope_lib.workshop.firmware.install import install_all

    ports = [existing_port(port) for port in args.port]  # a typo: one clear message
    if args.all or not ports:
        from calliope_lib.board.discovery import find_boards
        from calliope_lib.errors import NoBoardFound

        ports = [b.port for b in find_boards() if b.port]
        if not ports:
            raise NoBoardFound()
        if not args.all and len(ports) > 1:
            print(t("cli.fw.several", ports=", ".join(ports)), file=sys.stderr)
            return 2
    shown: dict[str, int] = {}

    def progress(port: str, fraction: float) -> None:
        step = int(fraction * 4)
        if shown.get(port) != step:
            shown[port] = step
            print(f"{port}: {int(fraction * 100)} %", flush=True)

    results = install_all(ports, progress=progress)
    for r in results:
        print(result_line(r))
    return 0 if all(r.ok for r in results) else 1


def result_line(result: InstallResult) -> str:
    """One line per board: installed (with how often bytes had to be sent again) or why not.

    A board that needed resends did get the right firmware (every piece is checked), but a
    cable that loses bytes will also lose measurements later, so the line says so.
    """
    if not result.ok:
        return t("cli.fw.failed", port=result.port, error=result.error)
    resent = t("cli.fw.resent", count=result.resent) if result.resent else ""
    return t("cli.fw.ok", port=result.port, board=result.board, firmware=result.firmware,
             seconds=f"{result.seconds:.0f}", resent=resent)
