"""``calliope-mini record``: record from a board (or the simulated one) into a CSV file.

    calliope-mini record --sim -s 10                   # temperature,light for 10 s
    calliope-mini record -c light -e 0.05 -o licht.csv --plot licht.png

Everything that can be checked is checked before the board starts (the numbers, the file
endings), so a typo never costs a recording. The exit code is 0 only when the CSV file (and
the picture, if asked for) was written; otherwise the message says why and where the data
went instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from calliope_lib.cli.checks import check_ending
from calliope_lib.messages import register as register_texts
from calliope_lib.messages import t

#: Channels recorded without ``-c`` (as the help says).
DEFAULT_CHANNELS = "temperature,light"
#: What ``-o`` may end in: the recording is CSV text.
DATA_ENDINGS = (".csv",)
#: What ``--plot`` may end in (matplotlib writes these).
PICTURE_ENDINGS = (".png", ".pdf", ".svg")

register_texts({
    "cli.positive": {
        "de": "{value} geht nicht: {what} muss eine Zahl größer als 0 sein, zum Beispiel {example}",
        "en": "{value} does not work: {what} must be a number above 0, for example {example}",
    },
    "cli.seconds": {"de": "die Dauer (-s, in Sekunden)", "en": "the duration (-s, in seconds)"},
    "cli.every": {"de": "der Abstand (-e, in Sekunden)", "en": "the period (-e, in seconds)"},
    "cli.excel_hint": {
        "de": " Excel öffnet .csv-Dateien; für deutsches Excel: --dialect excel-de.",
        "en": " Excel opens .csv files; for German Excel: --dialect excel-de.",
    },
    "cli.not_saved": {
        "de": "Die Messung steht NICHT (vollständig) in {path}. Grund: {reason}.",
        "en": "The recording is NOT (completely) in {path}. Reason: {reason}.",
    },
    "cli.rescued": {
        "de": "Ich habe sie stattdessen hier gespeichert: {path}",
        "en": "I saved it here instead: {path}",
    },
})


def positive_seconds(what: str, example: str):  # type: ignore[no-untyped-def]
    """An argparse type: a number above 0; the error says which option and why."""

    def parse(text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            value = float("nan")
        if not value > 0 or value == float("inf"):
            raise argparse.ArgumentTypeError(
                t("cli.positive", value=text, what=t(what), example=example))
        return value

    return parse


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
    p.add_argument("-c", "--channels",
                   help=f"Kanäle, mit Komma getrennt (ohne Angabe: {DEFAULT_CHANNELS}; bei "
                   "einem eigenen Programm auf dem Board: alles, was es ausgibt)")
    p.add_argument("-s", "--seconds", type=positive_seconds("cli.seconds", "-s 10"),
                   default=10.0, help="Dauer in Sekunden (10)")
    p.add_argument("-e", "--every", type=positive_seconds("cli.every", "-e 0.5"),
                   help="Abstand zwischen Messungen in s")
    p.add_argument("-o", "--output", default="messung.csv",
                   help="CSV-Datei (messung.csv); gibt es sie schon: messung_2.csv")
    p.add_argument("--overwrite", action="store_true",
                   help="eine vorhandene Datei ersetzen / replace an existing file")
    p.add_argument("--other-board", choices=["stop", "continue"], default="stop",
                   help="steckt ein anderes Board am Anschluss: aufhören (stop) oder mit ihm "
                   "weitermessen (continue)")
    p.add_argument("--dialect", choices=["default", "excel-de"], default="default",
                   help="excel-de: ; und Dezimalkomma für deutsches Excel")
    p.add_argument("--plot", metavar="BILD",
                   help="zusätzlich ein Bild der Messung speichern (.png, .pdf, .svg)")
    p.add_argument("--live", action="store_true", help="Live-Diagramm während der Messung")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    output = check_ending(args.output, DATA_ENDINGS, t("cli.excel_hint"))
    if args.plot:
        check_ending(args.plot, PICTURE_ENDINGS)
    named = [c.strip() for c in (args.channels or "").split(",") if c.strip()] or None
    if output.parent != Path("") and not output.parent.exists():
        output.parent.mkdir(parents=True)

    import calliope_lib as cl

    port = "sim" if args.sim else args.port
    with cl.connect(port) as board:
        channels = named
        if channels is None and board.info.mode == "firmware":
            channels = DEFAULT_CHANNELS.split(",")  # what the help promises
        # (Only a board has another board to meet; a LoRaWAN source takes no such choice.)
        extra = {"other_board": args.other_board} if args.other_board != "stop" else {}
        rec = board.record(channels, seconds=args.seconds, every=args.every, save_to=output,
                           dialect=args.dialect, live=args.live, overwrite=args.overwrite,
                           **extra)
    if args.live:
        from calliope_lib.plotting.live import show_until_closed

        show_until_closed()  # the window stays until the user closes it
    print()
    print(rec.summary())
    if rec.gaps:
        print(f"Lücken / gaps: {', '.join(f'{a:.1f}–{b:.1f} s' for a, b in rec.gaps)}")
    if rec.bad_lines or rec.lost_lines:
        print(f"Unlesbare Zeilen / bad lines: {rec.bad_lines}, verlorene / lost: {rec.lost_lines}")
    for note in rec.notes:
        print(f"Hinweis / note: {note}")
    ok = True
    if rec.saved_to is None:
        ok = False
        _rescue(rec, output)
    else:
        print(f"CSV: {Path(rec.saved_to).resolve()}")
    if args.plot:
        picture = rec.save_plot(args.plot)
        print(f"Bild / plot: {Path(picture).resolve()}")
    return 0 if ok else 1


def _rescue(rec, output: Path) -> None:  # type: ignore[no-untyped-def]
    """The file broke while recording: say so, and save the data where it fits."""
    import sys
    import tempfile

    from calliope_lib.recording.files import save_new

    print(t("cli.not_saved", path=str(output), reason=rec.save_error or "?"), file=sys.stderr)
    path = save_new(rec, Path(tempfile.gettempdir()) / output.name)
    print(t("cli.rescued", path=str(path)), file=sys.stderr)
