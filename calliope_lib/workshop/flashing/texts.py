"""Every sentence the flasher says, in German and English (one line per board).

Each text says what happened and, for a failure, what to do next (usually: replug, then
``calliope-mini flash ... --retry``). Kept together so that a translator sees them all.
The reason words that programs check (``read_only``, ``port_gone`` ...) are in the modules
that raise them.
"""

from __future__ import annotations

from calliope_lib import messages

messages.register({
    "flash.ok.verified": {"de": "geflasht und geprüft, Firmware {fw}",
                          "en": "flashed and verified, firmware {fw}"},
    "flash.ok.back": {"de": "geflasht, das Board ist wieder da ({what})",
                      "en": "flashed, the board is back ({what})"},
    "flash.ok.unverified": {"de": "geflasht (nicht geprüft: --no-verify)",
                            "en": "flashed (not verified: --no-verify)"},
    "flash.ok.no_port": {
        "de": "geflasht; kein serieller Anschluss zu diesem Board, darum nicht geprüft",
        "en": "flashed; no serial port for this board, so not verified"},
    "flash.hex_unsuitable": {
        "de": ("Die Datei passt nicht zu diesem Board: sie ist nur für {chips}. Lade eine Datei "
               "für {label} herunter (im Calliope-Editor speichert 'Herunterladen' eine Datei "
               "für alle Versionen)."),
        "en": ("The file does not suit this board: it is only for {chips}. Download a file for "
               "{label} (the Calliope editor's 'Download' saves one for all versions).")},
    "flash.no_drive": {
        "de": ("Zu diesem Board gibt es kein Laufwerk MINI. Warte, bis es erscheint, oder nenne "
               "es mit --drive PFAD. Erscheint nur MAINTENANCE: Board ohne gedrückten "
               "Reset-Knopf neu einstecken."),
        "en": ("This board has no MINI drive. Wait until it appears, or name it with --drive "
               "PATH. If only MAINTENANCE appears: replug the board without holding reset.")},
    "flash.read_only": {
        "de": ("Das Laufwerk {drive} ist schreibgeschützt ({error}). Stecke das Board neu ein "
               "und starte dann mit --retry."),
        "en": ("The drive {drive} is read-only ({error}). Replug the board, then run again "
               "with --retry.")},
    "flash.drive_full": {
        "de": ("Auf dem Laufwerk {drive} ist kein Platz ({error}). Stecke das Board neu ein "
               "(danach ist das Laufwerk leer) und starte mit --retry."),
        "en": ("The drive {drive} is full ({error}). Replug the board (the drive is empty "
               "afterwards) and run again with --retry.")},
    "flash.vanished": {
        "de": ("Das Laufwerk verschwand beim Kopieren ({error}). Wackelt das Kabel oder der "
               "USB-Hub? Stecke das Board fest ein und starte mit --retry."),
        "en": ("The drive vanished while copying ({error}). Is the cable or the USB hub "
               "loose? Plug the board in firmly and run again with --retry.")},
    "flash.copy_error": {
        "de": "Kopieren ging schief ({error}). Stecke das Board neu ein und starte mit --retry.",
        "en": "Copying failed ({error}). Replug the board and run again with --retry."},
    "flash.no_remount": {
        "de": ("Das Board kam nach dem Kopieren nicht zurück (nach {seconds:.0f} s). Stecke es "
               "aus und wieder ein, prüfe mit 'calliope-mini boards' und starte mit --retry."),
        "en": ("The board did not come back after copying (after {seconds:.0f} s). Unplug "
               "and replug it, check with 'calliope-mini boards', run again with --retry.")},
    "flash.fail_txt": {
        "de": ("Das Board meldet einen Fehler in FAIL.TXT: \"{text}\". Meist ist die Datei "
               "beschädigt oder für ein anderes Board: lade sie neu herunter, dann --retry."),
        "en": ("The board reports an error in FAIL.TXT: \"{text}\". Usually the file is "
               "damaged or for another board: download it again, then --retry.")},
    "flash.not_answering": {
        "de": ("Die Messgeräte-Firmware meldet sich nicht (kein $HELLO in {seconds:.0f} s). "
               "Drücke den Reset-Knopf, prüfe mit 'calliope-mini boards --probe', dann --retry."),
        "en": ("The measuring firmware does not answer (no $HELLO within {seconds:.0f} s). "
               "Press reset, check with 'calliope-mini boards --probe', then --retry.")},
    "flash.port_gone": {
        "de": ("Der serielle Anschluss des Boards kam nicht zurück (nach {seconds:.0f} s). "
               "Stecke das Board neu ein und starte mit --retry."),
        "en": ("The board's serial port did not come back (after {seconds:.0f} s). Replug "
               "the board and run again with --retry.")},
    "flash.wrong_firmware": {
        "de": ("Auf dem Board läuft Firmware {board}, die Datei enthält {expected}. Das "
               "Flashen hat nicht gewirkt: stecke das Board neu ein und starte mit --retry."),
        "en": ("The board runs firmware {board}, the file holds {expected}. Flashing did not "
               "take: replug the board and run again with --retry.")},
    "flash.permission": {
        "de": ("Keine Erlaubnis für {port}, darum nicht geprüft. Einmal ausführen: "
               "sudo usermod -aG dialout {user}, dann ab- und wieder anmelden."),
        "en": ("No permission for {port}, so not verified. Run once: sudo usermod -aG "
               "dialout {user}, then log out and back in.")},
    "flash.port_busy": {
        "de": ("{port} ist von einem anderen Programm belegt (Mu, Thonny, MakeCode-Tab?), "
               "darum nicht geprüft. Schließe es und starte mit --retry."),
        "en": ("{port} is held by another program (Mu, Thonny, a MakeCode tab?), so not "
               "verified. Close it and run again with --retry.")},
    "flash.summary": {"de": "{ok} von {total} Boards fertig, {failed} mit Fehler.",
                      "en": "{ok} of {total} boards done, {failed} failed."},
    "flash.phase.copy": {"de": "kopiere", "en": "copying"},
    "flash.phase.wait": {"de": "kopiert, warte auf Neustart", "en": "copied, waiting for restart"},
    "flash.phase.verify": {"de": "prüfe", "en": "verifying"},
    "probe.firmware": {"de": "Messgeräte-Firmware {fw}", "en": "measuring firmware {fw}"},
    "probe.micropython": {"de": "MicroPython-Eingabe (>>>)", "en": "MicroPython prompt (>>>)"},
    "probe.output": {"de": "ein Programm, das etwas ausgibt: {sample}",
                     "en": "a program that prints: {sample}"},
    "probe.silent": {"de": "still (ein Programm ohne Ausgabe)",
                     "en": "silent (a program that prints nothing)"},
    "probe.error": {"de": "nicht zu öffnen: {error}", "en": "cannot be opened: {error}"},
})
