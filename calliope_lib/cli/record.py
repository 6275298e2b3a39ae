"""``calliope-mini record``: record from a board (or the simulated one) into a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "record",
        help="Messwerte aufnehmen / record measurements",
        description="Nimmt Messwerte auf und speichert sie als CSV. "
        "Records measurements into a CSV file. Stop early with Ctrl-C: nothing is lost.",
    )
    p.add_argument("port", nargs="?", help="Anschluss oder URL (/dev/ttyACM0, COM3, sim://...); "
                   "ohne Angabe: das erste Board")
    p.add_argument("--sim", action="store_true", help="das simulierte Board benutzen")
    p.add_argument("-c", "--channels", help="Kanäle, mit Komma getrennt (temperature,light)")
    p.add_argument("-s", "--seconds", type=float, default=10.0, help="Dauer in Sekunden (10)")
    p.add_argument("-e", "--every", type=float, help="Abstand zwischen Messungen in s")
    p.add_argument("-o", "--output", default="messung.csv", help="CSV-Datei (messung.csv)")
    p.add_argument("--dialect", choices=["default", "excel-de"], default="default",
                   help="excel-de: ; und Dezimalkomma für deutsches Excel")
    p.add_argument("--plot", metavar="PNG", help="zusätzlich ein Bild der Messung speichern")
    p.add_argument("--live", action="store_true", help="Live-Diagramm während der Messung")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import calliope_lib as cl

    port = "sim" if args.sim else args.port
    channels = [c.strip() for c in args.channels.split(",")] if args.channels else None
    output = Path(args.output)
    if output.parent and not output.parent.exists():
        output.parent.mkdir(parents=True)
    with cl.connect(port) as board:
        rec = board.record(channels, seconds=args.seconds, every=args.every, save_to=output,
                           dialect=args.dialect, live=args.live)
    if args.live:
        from calliope_lib.plotting.live import show_until_closed

        show_until_closed()  # the window stays until the user closes it
    print()
    print(rec.summary())
    if rec.gaps:
        print(f"Lücken / gaps: {', '.join(f'{a:.1f}–{b:.1f} s' for a, b in rec.gaps)}")
    if rec.bad_lines or rec.lost_lines:
        print(f"Unlesbare Zeilen / bad lines: {rec.bad_lines}, verlorene / lost: {rec.lost_lines}")
    print(f"CSV: {output.resolve()}")
    if args.plot:
        picture = rec.save_plot(args.plot)
        print(f"Bild / plot: {Path(picture).resolve()}")
    return 0
