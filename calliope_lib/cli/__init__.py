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

from calliope_lib.messages import register, t

register({
    "cli.error": {"de": "Fehler", "en": "Error"},
    "cli.warning": {"de": "Achtung", "en": "Warning"},
    "cli.debug_hint": {
        "de": "(Mit calliope-mini --debug ... siehst du alle Einzelheiten.)",
        "en": "(calliope-mini --debug ... shows every detail.)",
    },
    "cli.os_error": {"de": "{path}: {reason}", "en": "{path}: {reason}"},
})

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
    parser.add_argument("--debug", action="store_true",
                        help="bei Fehlern den ganzen Traceback zeigen / show tracebacks")
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
    """Run the command line; returns the exit code (0 = everything fine).

    One place turns what goes wrong into a sentence: the library's own errors, the operating
    system's (a file that cannot be written, a port that vanished) and bad values. A user
    mistake never ends in a traceback; ``--debug`` shows it for whoever hunts a bug.
    """
    from calliope_lib.cli.hints import use_command_line_words

    use_command_line_words()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    _show_warnings_as_sentences()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` or a closed pager: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        from calliope_lib.errors import CalliopeError

        if args.debug or not isinstance(exc, (CalliopeError, OSError, ValueError)):
            raise
        print(f"{t('cli.error')}: {explain(exc)}", file=sys.stderr)
        print(t("cli.debug_hint"), file=sys.stderr)
        return 1


def explain(exc: BaseException) -> str:
    """One sentence for an error: ours carry their text; the system's name file and cause."""
    from calliope_lib.errors import CalliopeError, os_reason

    if isinstance(exc, CalliopeError):
        return exc.text()
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename if exc.filename is not None else ""
        reason = os_reason(exc)
        return t("cli.os_error", reason=reason, path=where) if where else reason
    return str(exc) or type(exc).__name__


def _show_warnings_as_sentences() -> None:
    """The library's warnings as plain sentences on stderr (no file name, no line number)."""
    import warnings

    from calliope_lib.messages import CalliopeWarning

    plain = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
        if issubclass(category, CalliopeWarning):
            print(f"{t('cli.warning')}: {message}", file=sys.stderr, flush=True)
        else:
            plain(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.simplefilter("always", CalliopeWarning)


if __name__ == "__main__":  # python -m calliope_lib.cli
    sys.exit(main())
