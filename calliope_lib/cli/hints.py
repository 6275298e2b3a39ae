"""The command line's own words for hints the library gives in Python.

A kid in a notebook reads ``cl.connect("sim")`` and ``seconds=10``; someone at a terminal
needs ``--sim`` and ``-s 10``. The library's texts speak Python (their readers are mostly in
notebooks); :func:`use_command_line_words` replaces the ones a command can show by their
command-line form, through :func:`calliope_lib.messages.override`, so every
error and warning the library raises inside a command speaks the terminal's language.
It is called once, when ``calliope-mini`` starts; importing the library never changes them.
"""

from __future__ import annotations

from calliope_lib.messages import override

#: Texts of the library, in their command-line form (same keys, same fields).
COMMAND_LINE_TEXTS = {
    "no_board.detail": {
        "de": "Ich sehe kein Board am USB-Anschluss. Steck den Calliope mini ein und warte, bis "
              "das Laufwerk MINI erscheint. Erscheint es nicht, ist das Kabel vielleicht nur ein "
              "Ladekabel ohne Datenleitungen: nimm ein anderes USB-Kabel. Ohne Board misst "
              "--sim mit dem simulierten Board (calliope-mini record --sim).",
        "en": "I see no board on USB. Plug in the Calliope mini and wait until the MINI drive "
              "appears. If it does not, the cable may be a charge-only cable without data "
              "wires: try another USB cable. Without a board, --sim records from the "
              "simulated board (calliope-mini record --sim).",
    },
    "several_boards.detail": {
        "de": "Es sind {count} Boards eingesteckt: {ports}. Ich nehme das erste ({first}). "
              "Wähle ein bestimmtes, indem du den Anschluss nennst: calliope-mini record {first}",
        "en": "{count} boards are plugged in: {ports}. I use the first one ({first}). Choose "
              "one by naming its port: calliope-mini record {first}",
    },
    "bad_url.detail": {
        "de": "Beispiele: --sim für das simulierte Board, /dev/ttyACM0 oder COM3 für einen "
              "Anschluss, replay://messung.csv zum Abspielen; ohne Angabe das erste Board. "
              "Grund: {reason}",
        "en": "Examples: --sim for the simulated board, /dev/ttyACM0 or COM3 for a port, "
              "replay://recording.csv to play a recording back; nothing for the first board. "
              "Reason: {reason}",
    },
    "bad_args.seconds": {
        "de": "Gib mit -s an, wie lange gemessen wird, in Sekunden und größer als 0, zum "
              "Beispiel -s 10.",
        "en": "Say with -s how long to record, in seconds and above 0, for example -s 10.",
    },
    "bad_args.every": {
        "de": "-e ist der Abstand zwischen zwei Messungen in Sekunden und muss größer als 0 "
              "sein, zum Beispiel -e 0.5.",
        "en": "-e is the time between two measurements in seconds and must be above 0, for "
              "example -e 0.5.",
    },
    "file_exists.note": {
        "de": "Die Datei {requested} gibt es schon; ich überschreibe sie nicht und schreibe "
              "in {path}. (Überschreiben: --overwrite)",
        "en": "The file {requested} exists already; I do not overwrite it and write to "
              "{path} instead. (To overwrite: --overwrite)",
    },
    "write_failed.warn": {
        "de": "Die Datei {path} kann nicht weiter geschrieben werden. Grund: {reason}. Die "
              "Messung läuft im Speicher weiter; am Ende versuche ich, sie anderswo zu "
              "speichern.",
        "en": "Cannot write to {path} any more. Reason: {reason}. The recording continues in "
              "memory; at the end I try to save it somewhere else.",
    },
    "disk_full.warn": {
        "de": "Die Datei {path} kann nicht weiter geschrieben werden: der Speicher ist voll "
              "({reason}). Die Messung läuft im Speicher weiter; am Ende versuche ich, sie "
              "anderswo zu speichern.",
        "en": "Cannot write to {path} any more: the disk is full ({reason}). The recording "
              "continues in memory; at the end I try to save it somewhere else.",
    },
    "other_board.warn": {
        "de": "An {port} steckt jetzt ein anderes Board ({new}) als am Anfang ({old}). Zwei "
              "Boards mische ich nicht in eine Messung: sie endet hier mit {count} Werten. "
              "Weitermessen mit dem neuen Board: --other-board continue.",
        "en": "Another board ({new}) is now on {port}, not the one from the start ({old}). I "
              "never mix two boards in one recording: it ends here with {count} values. To go "
              "on with the new board: --other-board continue.",
    },
    "slow_board.warn": {
        "de": "Das Board schafft nur etwa alle {achieved} s einen Messwert statt alle {every} s "
              "({share} % der gewünschten Messwerte). Wähle einen größeren Abstand (-e) oder "
              "weniger Kanäle (-c).",
        "en": "The board manages only about one value every {achieved} s instead of every "
              "{every} s ({share} % of the values asked for). Choose a longer period (-e) or "
              "fewer channels (-c).",
    },
}


def use_command_line_words() -> None:
    """Make the library's hints speak command line (``--sim``, ``-s 10``) in this process."""
    override(COMMAND_LINE_TEXTS)  # wins also over modules imported later
