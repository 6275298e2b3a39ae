"""``calliope-mini plot``: draw a saved recording into a picture (PNG, PDF or SVG).

    calliope-mini plot messung.csv                      # -> messung.png beside the CSV
    calliope-mini plot messung.csv -o bild.pdf --channels temperature,light
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "plot",
        help="Messung als Bild speichern / draw a recording into a picture",
        description="Zeichnet eine gespeicherte Messung (CSV) als PNG, PDF oder SVG. "
        "Draws a saved recording (CSV) into a PNG, PDF or SVG file.",
    )
    p.add_argument("csv", help="die Messung (CSV-Datei von calliope-mini record / rec.save)")
    p.add_argument("-o", "--output",
                   help="Bilddatei (.png, .pdf, .svg); ohne Angabe: wie die CSV-Datei, mit .png")
    p.add_argument("-c", "--channels", help="nur diese Kanäle, mit Komma getrennt (temperature,light)")
    p.add_argument("--title", help="Überschrift (sonst aus der Datei oder der Startzeit)")
    p.add_argument("--time-unit", choices=["s", "min", "h"], help="Einheit der Zeitachse")
    p.add_argument("--dpi", type=int, default=150, help="Auflösung für PNG (150)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from calliope_lib.cli.checks import check_ending, existing_file
    from calliope_lib.cli.record import PICTURE_ENDINGS

    output = Path(args.output) if args.output else Path(args.csv).with_suffix(".png")
    check_ending(output, PICTURE_ENDINGS)  # before the (maybe long) loading
    existing_file(args.csv)

    import calliope_lib as cl

    rec = cl.load(args.csv)
    channels = [c.strip() for c in args.channels.split(",") if c.strip()] if args.channels else None
    picture = rec.save_plot(output, channels=channels, title=args.title,
                            time_unit=args.time_unit, dpi=args.dpi)
    print(f"Bild / plot: {Path(picture).resolve()}")
    return 0
