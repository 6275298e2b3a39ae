"""``calliope-mini simulate``: the simulated board on a pseudo-terminal for any serial tool."""

from __future__ import annotations

import argparse
import sys
import time


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "simulate",
        help="simuliertes Board an einem Pseudo-Terminal / simulated board on a pty",
        description="Startet das simulierte Board an einem Pseudo-Terminal und zeigt dessen "
        "Pfad. Öffne ihn mit miniterm, Mu oder einem zweiten Python. Ende mit Ctrl-C. "
        "Starts the simulated board on a pseudo-terminal (Linux/macOS).",
    )
    p.add_argument("url", nargs="?", default="sim://",
                   help="Einstellungen als URL, z.B. 'sim://?seed=3&program=makecode'")
    p.add_argument("--pty", action="store_true", default=True,
                   help="an einem Pseudo-Terminal anbieten (Standard)")
    p.add_argument("--link", help="zusätzlich einen Link mit diesem Namen anlegen")
    p.add_argument("--seconds", type=float, help="nach so vielen Sekunden beenden")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if sys.platform.startswith("win"):
        print("Windows hat keine Pseudo-Terminals. Benutze cl.connect('sim') in Python. / "
              "Windows has no pseudo-terminals; use cl.connect('sim') in Python.")
        return 2
    from calliope_lib.transports.pty import serve_pty

    with serve_pty(args.url, link=args.link) as sim:
        print(f"Simuliertes Board / simulated board: {sim.device}", flush=True)
        print("Beenden mit Ctrl-C / stop with Ctrl-C", flush=True)
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        try:
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
    return 0
