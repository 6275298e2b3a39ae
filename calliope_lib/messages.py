"""Every sentence a kid, a teacher or a workshop leader reads, in German and English.

German comes first; English is chosen with ``CALLIOPE_LANG=en`` or an English locale
(``LANG=en_GB.UTF-8``). One table, one function::

    >>> from calliope_lib.messages import t
    >>> t("no_board.title", lang="en")
    'No Calliope mini found'

Why a table and not gettext catalogs: the texts are few, they are edited by the same people
who write the code, and a table keeps each German sentence next to its English twin, so a
missing translation shows up in review (and in ``tests/core/test_errors.py``).

Modules add their own texts with :func:`register` so that each feature keeps its sentences
near its code, while ``t()`` stays the one way to look them up.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Mapping

LANGUAGES = ("de", "en")

_TEXTS: dict[str, dict[str, str]] = {
    # --- finding and opening boards -------------------------------------------------------
    "no_board.title": {
        "de": "Kein Calliope mini gefunden",
        "en": "No Calliope mini found",
    },
    "no_board.detail": {
        "de": (
            "Ich sehe kein Board am USB-Anschluss. Steck den Calliope mini ein und warte, bis "
            "das Laufwerk MINI erscheint. Erscheint es nicht, ist das Kabel vielleicht nur ein "
            "Ladekabel ohne Datenleitungen: nimm ein anderes USB-Kabel. Ohne Board kannst du "
            'mit cl.connect("sim") das simulierte Board benutzen.'
        ),
        "en": (
            "I see no board on USB. Plug in the Calliope mini and wait until the MINI drive "
            "appears. If it does not, the cable may be a charge-only cable without data "
            'wires: try another USB cable. Without a board, use cl.connect("sim") for the '
            "simulated board."
        ),
    },
    "several_boards.title": {
        "de": "Mehrere Boards gefunden",
        "en": "Several boards found",
    },
    "several_boards.detail": {
        "de": (
            "Es sind {count} Boards eingesteckt: {ports}. Ich nehme das erste ({first}). "
            'Wähle ein bestimmtes mit cl.connect("{first}") oder nimm alle mit cl.connect_all().'
        ),
        "en": (
            "{count} boards are plugged in: {ports}. I use the first one ({first}). Choose one "
            'with cl.connect("{first}") or use all of them with cl.connect_all().'
        ),
    },
    "permission.title": {
        "de": "Keine Erlaubnis für den Anschluss {port}",
        "en": "No permission to open {port}",
    },
    "permission.detail": {
        "de": (
            "Dein Benutzerkonto darf den seriellen Anschluss nicht öffnen. Einmal als "
            "Administrator ausführen: sudo usermod -aG dialout {user} -- danach abmelden und "
            "wieder anmelden (oder den Rechner neu starten)."
        ),
        "en": (
            "Your user account may not open the serial port. Run once as administrator: "
            "sudo usermod -aG dialout {user} -- then log out and back in (or restart)."
        ),
    },
    "port_busy.title": {
        "de": "Der Anschluss {port} ist schon belegt",
        "en": "The port {port} is already in use",
    },
    "port_busy.detail": {
        "de": (
            "Ein anderes Programm hält die Verbindung zum Board offen, zum Beispiel Mu, "
            "Thonny, ein zweites Notebook oder ein MakeCode-Tab im Browser. Schließe es und "
            "versuche es noch einmal."
        ),
        "en": (
            "Another program holds the connection to the board, for example Mu, Thonny, a "
            "second notebook or a MakeCode browser tab. Close it and try again."
        ),
    },
    "port_missing.title": {
        "de": "Den Anschluss {port} gibt es nicht",
        "en": "There is no port {port}",
    },
    "port_missing.detail": {
        "de": (
            "Ist das Board eingesteckt? Mit 'calliope-mini boards' siehst du, welche "
            "Anschlüsse es gerade gibt. Grund: {reason}"
        ),
        "en": (
            "Is the board plugged in? 'calliope-mini boards' lists the ports there are right "
            "now. Reason: {reason}"
        ),
    },
    "bad_url.title": {
        "de": "Diese Adresse verstehe ich nicht: {url}",
        "en": "I do not understand this address: {url}",
    },
    "bad_url.detail": {
        "de": (
            'Beispiele: cl.connect() für das erste Board, cl.connect("sim") für das simulierte '
            'Board, cl.connect("/dev/ttyACM0") oder cl.connect("COM3") für einen Anschluss, '
            'cl.connect("replay://messung.csv") zum Abspielen. Grund: {reason}'
        ),
        "en": (
            'Examples: cl.connect() for the first board, cl.connect("sim") for the simulated '
            'board, cl.connect("/dev/ttyACM0") or cl.connect("COM3") for a port, '
            'cl.connect("replay://recording.csv") to play a recording back. Reason: {reason}'
        ),
    },
    "not_answering.title": {
        "de": "Das Board antwortet nicht mehr",
        "en": "The board stopped answering",
    },
    "not_answering.detail": {
        "de": (
            "Auf {port} kam {seconds:.0f} s lang nichts an. Prüfe das Kabel, drücke den "
            "Reset-Knopf auf der Rückseite oder stecke das Board neu ein. Alles, was schon "
            "gemessen wurde, ist noch da."
        ),
        "en": (
            "Nothing arrived on {port} for {seconds:.0f} s. Check the cable, press the reset "
            "button on the back or plug the board in again. Everything recorded so far is "
            "kept."
        ),
    },
    "command_failed.title": {
        "de": "Das Board hat den Befehl '{command}' abgelehnt",
        "en": "The board refused the command '{command}'",
    },
    "command_failed.detail": {
        "de": "Antwort des Boards: {reason}",
        "en": "The board answered: {reason}",
    },
    "unknown_channel.title": {
        "de": "Den Kanal '{channel}' gibt es nicht",
        "en": "There is no channel '{channel}'",
    },
    "unknown_channel.detail": {
        "de": "Dieses Board kennt: {known}.{hint}",
        "en": "This board knows: {known}.{hint}",
    },
    "unknown_channel.hint": {
        "de": " Meintest du '{guess}'?",
        "en": " Did you mean '{guess}'?",
    },
    "no_data_yet.title": {
        "de": "Noch keine Messwerte für '{channel}'",
        "en": "No values for '{channel}' yet",
    },
    "no_data_yet.detail": {
        "de": (
            "In {seconds:.0f} s kam kein Wert für diesen Kanal an. Läuft auf dem Board ein "
            "Programm, das '{channel}' ausgibt?"
        ),
        "en": (
            "No value for this channel arrived within {seconds:.0f} s. Does the program on "
            "the board print '{channel}'?"
        ),
    },
    "listen_mode.note": {
        "de": (
            "Das Board läuft mit einem eigenen Programm (nicht mit der Messgeräte-Firmware). "
            "Ich lese mit, was es ausgibt."
        ),
        "en": (
            "The board runs its own program (not the measuring firmware). I read what it "
            "prints."
        ),
    },
    "firmware_version.warn": {
        "de": (
            "Die Firmware auf dem Board hat Version {board}, diese Bibliothek erwartet {host}. "
            "Spiele die Firmware neu auf: calliope-mini firmware install"
        ),
        "en": (
            "The firmware on the board is version {board}, this library expects {host}. "
            "Install it again: calliope-mini firmware install"
        ),
    },
    # --- recording ------------------------------------------------------------------------
    "unplugged.warn": {
        "de": (
            "Die Verbindung zum Board ist weg (Kabel raus?). Ich warte bis zu {seconds:.0f} s, "
            "bis es wieder da ist. Die bisherigen Messwerte bleiben erhalten."
        ),
        "en": (
            "The connection to the board is gone (cable out?). I wait up to {seconds:.0f} s "
            "for it to come back. The values recorded so far are kept."
        ),
    },
    "replugged.note": {
        "de": "Das Board ist wieder da, ich messe weiter.",
        "en": "The board is back, recording continues.",
    },
    "gave_up.warn": {
        "de": (
            "Das Board kam nicht zurück. Die Aufnahme endet hier; alle {count} Messwerte bis "
            "dahin sind gespeichert."
        ),
        "en": (
            "The board did not come back. The recording ends here; all {count} values up to "
            "now are kept."
        ),
    },
    "interrupted.note": {
        "de": "Aufnahme angehalten. {count} Messwerte sind gespeichert.",
        "en": "Recording stopped. {count} values are kept.",
    },
    "board_error.warn": {
        "de": "Das Programm auf dem Board meldet einen Fehler: {text}",
        "en": "The program on the board reports an error: {text}",
    },
    "progress.recording": {
        "de": "Messung",
        "en": "Recording",
    },
    "bad_args.seconds": {
        "de": "Gib an, wie lange gemessen wird: seconds=10 (Sekunden) oder samples=100.",
        "en": "Say how long to record: seconds=10 or samples=100.",
    },
    "bad_args.every": {
        "de": "'every' ist der Abstand zwischen zwei Messungen in Sekunden und muss größer als 0 sein, zum Beispiel every=0.5.",
        "en": "'every' is the time between two measurements in seconds and must be above 0, for example every=0.5.",
    },
    # --- files ----------------------------------------------------------------------------
    "file_missing.title": {
        "de": "Die Datei {path} gibt es nicht",
        "en": "The file {path} does not exist",
    },
    "file_missing.detail": {
        "de": "Prüfe den Namen und den Ordner. Im Ordner {folder} liegen: {files}",
        "en": "Check the name and the folder. The folder {folder} holds: {files}",
    },
    "file_bad_line.warn": {
        "de": "{path}, Zeile {line}: {reason}. Diese Zeile lasse ich weg, alles andere ist geladen.",
        "en": "{path}, line {line}: {reason}. I skip this line; everything else is loaded.",
    },
    "file_not_recording.title": {
        "de": "{path} ist keine Messung, die ich lesen kann",
        "en": "{path} is not a recording I can read",
    },
    "file_not_recording.detail": {
        "de": "Ich erwarte eine CSV-Datei mit einer Spalte für die Zeit. Grund: {reason}",
        "en": "I expect a CSV file with a column for the time. Reason: {reason}",
    },
    "disk_full.title": {
        "de": "Die Datei {path} kann nicht weiter geschrieben werden",
        "en": "Cannot write to {path} any more",
    },
    "disk_full.detail": {
        "de": (
            "Grund: {reason}. Ist der Speicher voll? Die Messung läuft im Speicher weiter; "
            "speichere sie danach mit rec.save('anderer_name.csv') an einem Ort mit Platz."
        ),
        "en": (
            "Reason: {reason}. Is the disk full? The recording continues in memory; save it "
            "afterwards with rec.save('other_name.csv') somewhere with space."
        ),
    },
    "optional_missing.title": {
        "de": "Dafür fehlt das Paket '{package}'",
        "en": "The package '{package}' is missing for this",
    },
    "optional_missing.detail": {
        "de": "Installiere es mit: pip install {install}",
        "en": "Install it with: pip install {install}",
    },
    "bad_value.title": {
        "de": "Ungültiger Wert für {name}: {value}",
        "en": "Invalid value for {name}: {value}",
    },
    # --- how boards and recordings show themselves in a notebook (repr) --------------------
    "repr.board": {"de": "<Board {kind} an {port} ({what})>",
                   "en": "<Board {kind} on {port} ({what})>"},
    "repr.firmware": {"de": "Firmware {version}", "en": "firmware {version}"},
    "repr.own_program": {"de": "eigenes Programm", "en": "own program"},
    "repr.simulated": {"de": "simuliert", "en": "simulated"},
    "repr.recording": {"de": "<Messung {duration} s: {channels}>",
                       "en": "<Recording {duration} s: {channels}>"},
    "repr.values": {"de": "{count} Werte", "en": "{count} values"},
    # --- how numbers are written -----------------------------------------------------------
    # Not a sentence, but it differs by language like one: German writes 21,5 (DIN 1333).
    "number.decimal_mark": {"de": ",", "en": "."},
}


#: Texts a frontend replaced for this process (see :func:`override`).
_OVERRIDES: dict[str, dict[str, str]] = {}


def register(texts: Mapping[str, Mapping[str, str]]) -> None:
    """Add a module's own texts (``{"key": {"de": ..., "en": ...}}``) to the table.

    Every text needs both languages; a missing one is a programming error and raises
    immediately, so it cannot reach a kid's screen.
    """
    for key, versions in texts.items():
        missing = [lang for lang in LANGUAGES if lang not in versions]
        if missing:
            raise ValueError(f"text {key!r} lacks {missing}")
        _TEXTS[key] = dict(versions)


def override(texts: Mapping[str, Mapping[str, str]]) -> None:
    """Replace some texts for this process only, whenever their modules register them.

    For a frontend that needs other words than a notebook: the command line says ``--sim``
    and ``-s 10`` where the library's hints say ``cl.connect("sim")`` and ``seconds=10``.
    Overrides win over :func:`register`, also over modules imported later, so modules keep
    registering their texts plainly."""
    for key, versions in texts.items():
        missing = [lang for lang in LANGUAGES if lang not in versions]
        if missing:
            raise ValueError(f"text {key!r} lacks {missing}")
        _OVERRIDES[key] = dict(versions)


def language() -> str:
    """The language to speak: ``CALLIOPE_LANG`` first, then the locale, German by default."""
    choice = os.environ.get("CALLIOPE_LANG", "").strip().lower()
    if choice[:2] in LANGUAGES:
        return choice[:2]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            # Only an explicit English locale switches to English: "C" or "POSIX" (CI, many
            # containers) says nothing about the reader, and the course is German first.
            return "en" if value.lower().startswith("en") else "de"
    return "de"


def t(key: str, lang: str | None = None, **fields: object) -> str:
    """The text ``key`` in the chosen language, with ``fields`` filled in."""
    versions = _OVERRIDES.get(key) or _TEXTS[key]
    text = versions[lang or language()]
    return text.format(**fields) if fields else text


def decimal_mark(lang: str | None = None) -> str:
    """The decimal separator of a language: ``","`` in German (``21,5``), ``"."`` in English.

    >>> decimal_mark("de"), decimal_mark("en")
    (',', '.')
    """
    return t("number.decimal_mark", lang)


def with_decimal_mark(text: str, lang: str | None = None) -> str:
    """A number written by Python (``"21.5"``) with the language's decimal mark (``"21,5"``).

    Only for text that holds numbers and no other full stops (``"12.3 s"`` is fine, a
    sentence is not).

    >>> with_decimal_mark("21.5 °C", lang="de")
    '21,5 °C'
    >>> with_decimal_mark("21.5 °C", lang="en")
    '21.5 °C'
    """
    mark = decimal_mark(lang)
    return text.replace(".", mark) if mark != "." else text


def has(key: str) -> bool:
    """Whether ``key`` is a known text."""
    return key in _TEXTS


def grading() -> bool:
    """True while nbgrader runs or validates a notebook (no board, no stderr allowed)."""
    return bool(os.environ.get("NBGRADER_EXECUTION") or os.environ.get("NBGRADER_VALIDATING"))


class CalliopeWarning(UserWarning):
    """Warnings the library gives (a lost connection, an old firmware...)."""


def warn(key: str, **fields: object) -> None:
    """Tell the user something went wrong but work goes on.

    Normally a :class:`CalliopeWarning` (shown once per place by Python's warning filter).
    While nbgrader grades, the text goes to **stdout** instead: nbgrader gives a test cell
    zero points for any output on stderr, and a library warning must never cost a kid points.
    """
    message = t(key, **fields)
    if grading():
        print(message, file=sys.stdout)
    else:
        warnings.warn(message, CalliopeWarning, stacklevel=3)


def note(key: str, **fields: object) -> None:
    """A friendly remark on stdout (not a problem, just good to know)."""
    print(t(key, **fields), file=sys.stdout)
