"""``calliope-mini worksheets build -o arbeitsblaetter/ [--lesson N]``: printable PDFs.

Writes one A4 PDF per lesson (``01-hallo-calliope.pdf`` ...) and, when all lessons are built,
``kurs-komplett.pdf`` with the whole course. ``--diagrams`` also saves each wiring picture as
SVG and PNG (for slides or a wall poster).
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "worksheets",
        help="Arbeitsblätter als PDF bauen / build printable worksheets",
        description="Baut die Arbeitsblätter (A4, schwarz-weiß druckbar) aus worksheets/*.md. "
        "Builds the worksheets (A4, black and white) from worksheets/*.md.",
    )
    sub = p.add_subparsers(dest="action", metavar="AKTION")
    build = sub.add_parser("build", help="PDFs bauen / build the PDFs")
    build.add_argument("-o", "--output", default="arbeitsblaetter",
                       help="Zielordner / output folder (default: arbeitsblaetter)")
    build.add_argument("--lesson", type=int, action="append", metavar="N",
                       help="nur Lektion N (mehrfach möglich) / only lesson N (repeatable)")
    build.add_argument("--source", default=None,
                       help="Ordner mit den Quellen NN-name.md / folder with the sources")
    build.add_argument("--diagrams", action="store_true",
                       help="Schaltpläne zusätzlich als SVG und PNG speichern / also save diagrams")
    build.set_defaults(func=run_build)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from calliope_lib.errors import require
    from calliope_lib.teach.worksheets import build_all

    require("fpdf", "calliope-lib[worksheets]")
    require("schemdraw", "calliope-lib[worksheets]")
    results = build_all(args.output, source_dir=args.source, lessons=args.lesson,
                        progress=lambda line: print(line, file=sys.stdout))
    if args.diagrams:
        from calliope_lib.teach.diagrams import DIAGRAMS, save

        for name in DIAGRAMS:
            for ext in ("svg", "png"):
                path = save(name, Path(args.output) / "schaltplaene" / f"{name}.{ext}")
                print(path)
    return 0 if results else 1
