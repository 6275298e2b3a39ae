"""``calliope-mini boards``: one row per board plugged in (port, drive, kind, serial number).

``--probe`` also opens each port and says what runs on the board: our measuring firmware and
its version, a MicroPython prompt, a program that prints, or silence. ``--json`` prints the
same as JSON for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "boards",
        help="eingesteckte Boards zeigen / list the boards plugged in",
        description="Zeigt jedes eingesteckte Board: Anschluss, Laufwerk, Art und Version, "
        "Seriennummer. Lists every board: port, drive, kind and version, serial number.",
    )
    p.add_argument("--probe", action="store_true",
                   help="jedes Board fragen, welches Programm läuft / ask what each board runs")
    p.add_argument("--json", action="store_true", help="als JSON ausgeben / print JSON")
    p.set_defaults(func=run)


def _short(serial: str | None) -> str:
    if not serial:
        return "-"
    return serial if len(serial) <= 16 else f"{serial[:8]}…{serial[-4:]}"


def run(args: argparse.Namespace) -> int:
    from calliope_lib.board.discovery import find_boards
    from calliope_lib.workshop.flashing import probe
    from calliope_lib.messages import t

    boards = find_boards()
    probes: dict[str, str] = {}
    if args.probe:
        with ThreadPoolExecutor(max_workers=max(1, len(boards))) as pool:
            jobs = {b.port: pool.submit(probe, b.port) for b in boards if b.port}
            probes = {port: job.result().describe() for port, job in jobs.items()}
    if args.json:
        rows = [{"port": b.port, "drive": b.drive, "kind": b.kind, "label": b.label,
                 "serial_number": b.serial_number, "board_id": b.board_id,
                 "vid": b.vid, "pid": b.pid, "product": b.product,
                 "unverified": b.unverified, "runs": probes.get(b.port or "")} for b in boards]
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    if not boards:
        print(f"{t('no_board.title')}. {t('no_board.detail')}")
        return 1
    header = ["Anschluss/port", "Laufwerk/drive", "Board", "Seriennr./serial"]
    if args.probe:
        header.append("läuft/runs")
    rows = []
    for b in boards:
        label = b.label + (" (?)" if b.unverified else "")
        row = [b.port or "-", b.drive or "-", label, _short(b.serial_number)]
        if args.probe:
            row.append(probes.get(b.port or "", "-"))
        rows.append(row)
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    if any(b.unverified for b in boards):
        print("(?) = aus öffentlichen Quellen erschlossen, nicht an echter Hardware geprüft / "
              "inferred from public sources, not checked on hardware", file=sys.stderr)
    return 0
