"""The ``calliope-mini`` command: one entry point, one module per subcommand.

Each module in :data:`SUBCOMMANDS` defines ``register(subparsers)``, which adds its argparse
parser and sets ``func`` to a callable ``(args) -> exit code``. Modules are imported only to
build the parser; their heavy imports happen inside ``func``.

(The command is not called ``calliope``: an energy-modelling package on PyPI owns that name.)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = ("boards", "record", "plot", "simulate", "firmware", "flash", "doctor",
               "course", "worksheets", "lab")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calliope-mini",
        description="Messlabor mit dem Calliope mini / measuring lab with the Calliope mini",
    )
    from calliope_lib import __version__

    parser.add_argument("--version", action="version", version=f"calliope-lib {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="BEFEHL")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # a real missing dependency inside the module: show it
            continue  # a subcommand that is not part of this installation
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 = everything fine)."""
    from calliope_lib.errors import CalliopeError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CalliopeError as exc:
        print(f"Fehler / error: {exc.text()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` or a closed pager: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # python -m calliope_lib.cli
    sys.exit(main())
