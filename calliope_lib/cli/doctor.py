"""``calliope-mini doctor``: check Python, packages, ports, permissions, udev, each board."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "doctor",
        help="prüfen, ob alles bereit ist / check that everything is ready",
        description="Prüft Python, Pakete, Anschlüsse, Rechte (dialout), udev-Regel und fragt "
        "jedes Board, was es gerade ausführt. Checks Python, packages, ports, permissions, the "
        "udev rule, and asks each board what it runs.",
    )
    p.add_argument("--no-probe", action="store_true",
                   help="die Boards nicht ansprechen / do not talk to the boards")
    p.add_argument("--udev-rule", action="store_true",
                   help="die udev-Regel ausgeben (Linux) / print the udev rule")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from calliope_lib.workshop.doctor import report, run_checks
    from calliope_lib.workshop.udev import rule_text

    if args.udev_rule:  # for: calliope-mini doctor --udev-rule | sudo tee /etc/udev/rules.d/...
        sys.stdout.write(rule_text())
        return 0
    checks = run_checks(ask_boards=not args.no_probe)
    print(report(checks))
    # Whatever the report calls a problem (warn or fail) makes the exit code say so too:
    # a script running ``calliope-mini doctor && ...`` must not go on past a problem.
    return 1 if any(c.problem for c in checks) else 0
