"""Every sentence the course tools say to a teacher, in German and English.

Per-student lines name the kid, the lesson, what happened and what to do; the keys are
used by :class:`calliope_lib.teach.course.errors.Problem` and the reports.
"""

from __future__ import annotations

from calliope_lib.messages import register

register({
    # --- errors (title / detail pairs) --------------------------------------------------------
    "course.not_found.title": {
        "de": "Hier ist kein Kurs-Ordner: {path}",
        "en": "This is not a course folder: {path}",
    },
    "course.not_found.detail": {
        "de": ("Wechsle in den Kurs-Ordner (cd kurs-7b) oder gib ihn an: --course kurs-7b. "
               "Einen neuen Kurs legst du an mit: calliope-mini course init kurs-7b"),
        "en": ("Change into the course folder (cd kurs-7b) or name it: --course kurs-7b. "
               "Create a new course with: calliope-mini course init kurs-7b"),
    },
    "course.exists.title": {
        "de": "Im Ordner {path} liegen schon Dateien",
        "en": "The folder {path} already holds files",
    },
    "course.exists.detail": {
        "de": ("Ein neuer Kurs braucht einen neuen oder leeren Ordner. Nimm einen anderen "
               "Namen, zum Beispiel kurs-7b-2025."),
        "en": "A new course needs a new or empty folder. Choose another name, e.g. kurs-7b-2025.",
    },
    "course.lessons_missing.title": {
        "de": "Ich finde die Lektionen des Pakets nicht",
        "en": "I cannot find the package's lessons",
    },
    "course.lessons_missing.detail": {
        "de": ("Gesucht in: {tried}. Installiere calliope-lib aus dem Quell-Ordner "
               "(pip install -e .) oder gib den Lektions-Ordner an: --lessons-dir ORDNER "
               "(oder Umgebungsvariable CALLIOPE_LESSONS)."),
        "en": ("Looked in: {tried}. Install calliope-lib from its source folder "
               "(pip install -e .) or name the lessons folder: --lessons-dir FOLDER "
               "(or the environment variable CALLIOPE_LESSONS)."),
    },
    "course.unknown_lesson.title": {
        "de": "Die Lektion '{lesson}' gibt es in diesem Kurs nicht",
        "en": "There is no lesson '{lesson}' in this course",
    },
    "course.unknown_lesson.detail": {
        "de": "Lektionen im Kurs: {known}.",
        "en": "Lessons in this course: {known}.",
    },
    "course.root.title": {
        "de": "Bewerten als Administrator (root) ist abgeschaltet",
        "en": "Grading as administrator (root) is switched off",
    },
    "course.root.detail": {
        "de": ("Beim Bewerten läuft der Code der Kinder. Als root könnte er alles auf diesem "
               "Rechner ändern. Starte den Befehl als normaler Benutzer. Nur wenn der Rechner "
               "ein Wegwerf-System ist (Container, CI): --allow-root."),
        "en": ("Grading runs the kids' code. As root it could change anything on this "
               "computer. Run the command as a normal user. Only on a throw-away system "
               "(container, CI): --allow-root."),
    },
    **{f"course.class_list_{problem}.title": {
        "de": "Die Klassenliste {path} kann ich nicht lesen",
        "en": "I cannot read the class list {path}",
    } for problem in ("unreadable", "empty", "no_header")},
    "course.class_list_unreadable.detail": {
        "de": "Grund: {why}. Prüfe den Pfad und ob die Datei noch in einem Programm offen ist.",
        "en": "Reason: {why}. Check the path and whether a program still holds the file open.",
    },
    "course.class_list_empty.detail": {
        "de": ("Die Datei ist leer. Erwartet: eine CSV-Datei mit Kopfzeile, zum Beispiel "
               "'Vorname;Nachname;ID' oder 'Name' (Nachname, Vorname)."),
        "en": ("The file is empty. Expected: a CSV file with a header row, e.g. "
               "'Vorname;Nachname;ID' or 'Name' (last name, first name)."),
    },
    "course.class_list_no_header.detail": {
        "de": ("Keine Spalte für Namen gefunden (Kopfzeile: {header}). Erwartet: eine "
               "CSV-Datei mit Kopfzeile, zum Beispiel 'Vorname;Nachname;ID' oder 'Name' "
               "(Nachname, Vorname)."),
        "en": ("No column for names found (header row: {header}). Expected: a CSV file with "
               "a header row, e.g. 'Vorname;Nachname;ID' or 'Name' (last name, first name)."),
    },
    "course.no_students.title": {
        "de": "Im Kurs ist noch keine Klassenliste",
        "en": "The course has no class list yet",
    },
    "course.no_students.detail": {
        "de": "Lies sie zuerst ein: calliope-mini course students import klasse.csv",
        "en": "Import it first: calliope-mini course students import class.csv",
    },
    "course.nothing_submitted.title": {
        "de": "Für die Lektion {lesson} liegt nichts vor",
        "en": "Nothing there for lesson {lesson}",
    },
    "course.nothing_submitted.detail": {
        "de": ("Sammle zuerst die Abgaben ein (calliope-mini course collect abgaben.zip) "
               "und bewerte sie (calliope-mini course grade {lesson})."),
        "en": ("Collect the submissions first (calliope-mini course collect submissions.zip) "
               "and grade them (calliope-mini course grade {lesson})."),
    },
    "course.step_failed.title": {
        "de": "nbgrader {step} für die Lektion {lesson} ist fehlgeschlagen",
        "en": "nbgrader {step} failed for lesson {lesson}",
    },
    "course.step_failed.detail": {
        "de": ("Grund: {why}. Prüfe das Notebook in source/{lesson}/ (öffne es in JupyterLab) "
               "und versuche es noch einmal."),
        "en": ("Reason: {why}. Check the notebook in source/{lesson}/ (open it in JupyterLab) "
               "and try again."),
    },
    # --- students -------------------------------------------------------------------------------
    "course.students.summary": {
        "de": "Klassenliste: {added} neu, {updated} aktualisiert (gelesen als {encoding}, "
              "Trennzeichen '{delimiter}').",
        "en": "Class list: {added} added, {updated} updated (read as {encoding}, "
              "separator '{delimiter}').",
    },
    "course.students.id_changed": {
        "de": "  {name}: Kennung '{given}' ist für nbgrader ungültig, benutze '{used}'.",
        "en": "  {name}: id '{given}' is not valid for nbgrader, using '{used}'.",
    },
    "course.students.id_made": {
        "de": "  {name}: keine Kennung in der Liste, benutze '{used}'.",
        "en": "  {name}: no id in the list, using '{used}'.",
    },
    "course.students.skipped": {
        "de": "  Zeile {line} übersprungen: {why}",
        "en": "  Line {line} skipped: {why}",
    },
    "course.students.no_name": {
        "de": "kein Name und keine Kennung",
        "en": "no name and no id",
    },
    # --- init / release -------------------------------------------------------------------------
    "course.init.done": {
        "de": ("Kurs angelegt: {path} (Kennung {course_id}) mit {count} Lektionen: {lessons}. "
               "Weiter geht es mit: cd {path} && calliope-mini course students import "
               "klasse.csv -- Anleitung: LIESMICH.md"),
        "en": ("Course created: {path} (id {course_id}) with {count} lessons: {lessons}. "
               "Next: cd {path} && calliope-mini course students import class.csv "
               "-- instructions: LIESMICH.md"),
    },
    "course.release.done": {
        "de": "Schülerfassung von {lesson}: Ordner {folder}, ZIP-Datei {zip} (zum Austeilen).",
        "en": "Student version of {lesson}: folder {folder}, zip file {zip} (to hand out).",
    },
    "course.release.kid_note": {
        "de": ("Lektion {lesson}\n\nÖffne {notebooks} in JupyterLab und arbeite darin. "
               "Benenne die Datei nicht um.\nGib am Ende das Notebook und deine eigenen "
               "Messdateien (meine_....csv) ab."),
        "en": ("Lesson {lesson}\n\nOpen {notebooks} in JupyterLab and work in it. Do not "
               "rename the file.\nAt the end hand in the notebook and your own data files "
               "(meine_....csv)."),
    },
    # --- collect --------------------------------------------------------------------------------
    "course.collect.summary": {
        "de": ("Eingesammelt: {notebooks} Notebooks, {data} Messdateien. Nicht zugeordnet: "
               "{unmatched}. Doppelt abgegeben: {duplicates}."),
        "en": ("Collected: {notebooks} notebooks, {data} data files. Not matched: "
               "{unmatched}. Handed in twice: {duplicates}."),
    },
    "course.collect.matched": {
        "de": "  ✔ {student} · {lesson} ← {file}",
        "en": "  ✔ {student} · {lesson} ← {file}",
    },
    "course.collect.no_student": {
        "de": ("✗ {file}: Lektion {lesson}, aber kein Kind der Klassenliste im Namen. Kopie in "
               "{kept}. Benenne die Datei mit dem Namen des Kindes (Nachname_Vorname_...) und "
               "sammle sie noch einmal ein."),
        "en": ("✗ {file}: lesson {lesson}, but no kid of the class list in its name. Copy in "
               "{kept}. Rename the file with the kid's name (Lastname_Firstname_...) and "
               "collect it again."),
    },
    "course.collect.ambiguous": {
        "de": ("✗ {file}: Lektion {lesson}; der Name passt zu mehreren Kindern. Kopie in "
               "{kept}. Setze die Kennung des Kindes in den Dateinamen und sammle noch einmal "
               "ein."),
        "en": ("✗ {file}: lesson {lesson}; the name fits several kids. Copy in {kept}. Put "
               "the kid's id into the file name and collect again."),
    },
    "course.collect.no_lesson": {
        "de": ("✗ {file}: zu keiner Lektion des Kurses passend (weder Inhalt noch Name). "
               "Kopie in {kept}. Ist es das richtige Notebook?"),
        "en": ("✗ {file}: fits no lesson of the course (neither content nor name). Copy in "
               "{kept}. Is it the right notebook?"),
    },
    "course.collect.data_unmatched": {
        "de": ("✗ {file}: Datei ohne passendes Kind oder passende Lektion. Kopie in {kept}. "
               "Lege sie von Hand nach submitted/<Kennung>/<Lektion>/."),
        "en": ("✗ {file}: file without a matching kid or lesson. Copy in {kept}. Move it "
               "by hand to submitted/<id>/<lesson>/."),
    },
    "course.collect.duplicate": {
        "de": ("! {student} · {lesson}: mehrfach abgegeben. Ich nehme die neueste Datei {file}, "
               "nicht: {others}."),
        "en": ("! {student} · {lesson}: handed in more than once. Using the newest file "
               "{file}, not: {others}."),
    },
    "course.collect.data_duplicate": {
        "de": "! {student} · {lesson}: {name} mehrfach. Ich nehme {file}, nicht: {others}.",
        "en": "! {student} · {lesson}: {name} more than once. Using {file}, not: {others}.",
    },
    "course.collect.older_than_stored": {
        "de": ("! {student} · {lesson}: {file} ist älter als die schon eingesammelte Abgabe; "
               "die neuere bleibt."),
        "en": ("! {student} · {lesson}: {file} is older than the submission already "
               "collected; the newer one stays."),
    },
    "course.collect.corrupt": {
        "de": ("✗ {student} · {lesson}: {file} ist kein lesbares Notebook ({why}). Bitte das "
               "Kind, das Notebook noch einmal abzugeben (in JupyterLab: Datei → Notebook "
               "herunterladen)."),
        "en": ("✗ {student} · {lesson}: {file} is not a readable notebook ({why}). Ask the "
               "kid to hand the notebook in again (JupyterLab: File → Download)."),
    },
    "course.collect.first_name_only": {
        "de": "! {student} · {lesson}: {file} nur am Vornamen erkannt. Bitte kurz prüfen.",
        "en": "! {student} · {lesson}: {file} recognised by first name only. Please check.",
    },
    "course.collect.bad_zip": {
        "de": "✗ {file}: ZIP-Datei kaputt oder verschlüsselt ({why}). Lade sie noch einmal herunter.",
        "en": "✗ {file}: zip file broken or encrypted ({why}). Download it again.",
    },
    "course.collect.zip_too_big": {
        "de": ("✗ {file}: alle ZIP-Dateien zusammen (auch ineinander verschachtelte) entpacken "
               "zu mehr als 2 GB; was nicht mehr passte, wurde nicht entpackt. Ist es die "
               "richtige Datei?"),
        "en": ("✗ {file}: all zip files together (nested ones too) unpack to more than 2 GB; "
               "what did not fit was not unpacked. Is it the right file?"),
    },
    "course.collect.zip_too_deep": {
        "de": "✗ {file}: zu viele ZIP-Dateien ineinander; nicht entpackt.",
        "en": "✗ {file}: too many zip files inside each other; not unpacked.",
    },
    "course.collect.bad_member": {
        "de": ("✗ {file}: konnte nicht entpackt werden ({why}); die übrigen Dateien schon. "
               "Lass dir diese Datei noch einmal geben."),
        "en": ("✗ {file}: could not be unpacked ({why}); the other files were. Ask for this "
               "file again."),
    },
    "course.collect.symlink": {
        "de": ("! {file}: Verknüpfung (Symlink) oder Sonderdatei – aus Sicherheitsgründen "
               "nicht gelesen."),
        "en": "! {file}: a link (symlink) or special file – not read, for safety.",
    },
    "course.collect.odd_name": {
        "de": ("! {file}: ungewöhnlicher Dateiname (sehr lang oder mit Sonderzeichen); "
               "eingesammelt, bitte kurz prüfen."),
        "en": ("! {file}: unusual file name (very long or with special characters); "
               "collected, please check."),
    },
    "course.collect.not_data": {
        "de": ("! {file}: weder Notebook noch eigene Messdatei (meine_....csv); nicht "
               "abgelegt, Kopie in {kept}."),
        "en": ("! {file}: neither a notebook nor an own data file (meine_....csv); not "
               "stored, copy in {kept}."),
    },
    "course.collect.other_kids_name": {
        "de": ("! {student}: {file} liegt im Ordner dieses Kindes, trägt aber den Namen von "
               "{other}. Ich ordne es dem Ordner zu ({student}); bitte kurz prüfen."),
        "en": ("! {student}: {file} is in this kid's folder but carries the name of {other}. "
               "Filed by the folder ({student}); please check."),
    },
    "course.collect.missing_input": {
        "de": "✗ {file} gibt es nicht. Prüfe den Pfad.",
        "en": "✗ {file} does not exist. Check the path.",
    },
    # --- grade ----------------------------------------------------------------------------------
    "course.grade.progress": {
        "de": "Bewerte {lesson}",
        "en": "Grading {lesson}",
    },
    "course.grade.summary": {
        "de": ("{lesson}: {count} Abgaben, {ok} bewertet, {failed} nicht bewertbar "
               "({seconds:.0f} s, {jobs} parallel)."),
        "en": ("{lesson}: {count} submissions, {ok} graded, {failed} could not be graded "
               "({seconds:.0f} s, {jobs} in parallel)."),
    },
    "course.grade.row": {
        "de": "  {student}: {score:g} von {max:g} Punkten{manual}",
        "en": "  {student}: {score:g} of {max:g} points{manual}",
    },
    "course.grade.manual": {
        "de": " ({count} Antwort(en) noch von Hand bewerten)",
        "en": " ({count} answer(s) still to grade by hand)",
    },
    "course.grade.missing_notebook": {
        "de": ("✗ {student} · {lesson}: {file} fehlt in der Abgabe (dort: {others}). Sammle "
               "mit calliope-mini course collect ein, das erkennt umbenannte Dateien."),
        "en": ("✗ {student} · {lesson}: {file} is missing from the submission (found: "
               "{others}). Collect with calliope-mini course collect, which recognises "
               "renamed files."),
    },
    "course.grade.corrupt": {
        "de": ("✗ {student} · {lesson}: {file} ist kein lesbares Notebook ({why}), nicht "
               "bewertet. Bitte das Kind, das Notebook noch einmal abzugeben."),
        "en": ("✗ {student} · {lesson}: {file} is not a readable notebook ({why}), not "
               "graded. Ask the kid to hand the notebook in again."),
    },
    "course.grade.failed": {
        "de": ("✗ {student} · {lesson}: NICHT BEWERTBAR – Bewerten fehlgeschlagen: {why}. Öffne "
               "submitted/{sid}/{lesson}/ in JupyterLab, prüfe das Notebook und bewerte "
               "dann nur dieses Kind neu: calliope-mini course grade {lesson} --student {sid}"),
        "en": ("✗ {student} · {lesson}: NOT GRADABLE – grading failed: {why}. Open "
               "submitted/{sid}/{lesson}/ "
               "in JupyterLab, check the notebook, then grade only this kid again: "
               "calliope-mini course grade {lesson} --student {sid}"),
    },
    "course.grade.not_in_gradebook": {
        "de": "✗ {student} · {lesson}: keine Punkte im Gradebook. Bewerte noch einmal.",
        "en": "✗ {student} · {lesson}: no points in the gradebook. Grade again.",
    },
    "course.grade.timeout": {
        "de": ("! {student} · {lesson}: {task} hat 0 Punkte, weil der Code länger als "
               "{timeout} s lief (Endlosschleife?)."),
        "en": ("! {student} · {lesson}: {task} got 0 points because the code ran longer than "
               "{timeout} s (endless loop?)."),
    },
    "course.grade.memory": {
        "de": ("! {student} · {lesson}: {task} hat 0 Punkte, weil der Code zu viel Speicher "
               "wollte (MemoryError)."),
        "en": ("! {student} · {lesson}: {task} got 0 points because the code wanted too much "
               "memory (MemoryError)."),
    },
    "course.grade.stderr": {
        "de": ("! {student} · {lesson}: {task} hat 0 Punkte nur wegen einer Ausgabe auf "
               "stderr (Warnung oder print(..., file=sys.stderr)); die Antwort selbst war "
               "fehlerfrei. Prüfe die Aufgabe im Formgrader und gib die Punkte von Hand."),
        "en": ("! {student} · {lesson}: {task} got 0 points only because of output on stderr "
               "(a warning or print(..., file=sys.stderr)); the answer itself raised no "
               "error. Check the task in the formgrader and give the points by hand."),
    },
    "course.grade.test_edited": {
        "de": ("! {student} · {lesson}: Test-Zelle {task} war verändert; bewertet wurde mit "
               "der Original-Zelle."),
        "en": ("! {student} · {lesson}: test cell {task} was edited; it was graded with the "
               "original cell."),
    },
    "course.grade.test_deleted": {
        "de": ("! {student} · {lesson}: Test-Zelle {task} war gelöscht; sie wurde wieder "
               "eingefügt und bewertet."),
        "en": ("! {student} · {lesson}: test cell {task} was deleted; it was put back and "
               "graded."),
    },
    "course.grade.protection_bwrap": {
        "de": ("Schutz: Sandbox (bubblewrap) – jedes Kind in eigenem Arbeitsordner, ohne Netz, "
               "ohne Zugriff auf Kurs-Ordner und Gradebook, als eigener Benutzer ohne Rechte."),
        "en": ("Protection: sandbox (bubblewrap) – each kid in a workspace of its own, no "
               "network, no access to the course folder or gradebook, as a user without rights."),
    },
    "course.grade.protection_snapshot": {
        "de": ("Schutz: nur Arbeitsordner + Prüfen und Zurücksetzen (keine Sandbox auf diesem "
               "Rechner) – Gradebook und Kurs-Ordner werden nach jedem Kind geprüft und "
               "Änderungen zurückgesetzt. Stärker: unter Linux 'bubblewrap' installieren "
               "(sudo apt install bubblewrap)."),
        "en": ("Protection: workspace + check and roll back only (no sandbox on this computer) "
               "– gradebook and course folders are checked after each kid and changes rolled "
               "back. Stronger: on Linux install 'bubblewrap' (sudo apt install bubblewrap)."),
    },
    "course.grade.memory_mode_kid": {
        "de": "Speichergrenze: für alle Prozesse eines Kindes zusammen (cgroup).",
        "en": "Memory limit: for all processes of a kid together (cgroup).",
    },
    "course.grade.memory_mode_process": {
        "de": "Speichergrenze: je Prozess (keine cgroup verfügbar).",
        "en": "Memory limit: per process (no cgroup available).",
    },
    "course.grade.row_failed": {
        "de": "  {student}: NICHT BEWERTBAR",
        "en": "  {student}: NOT GRADABLE",
    },
    "course.grade.tampering": {
        "de": ("! {student} · {lesson}: Manipulation erkannt vor {task}: {what}. Zurückgesetzt; "
               "der Test lief mit den Originalen. Punkte gibt es nur für ehrlich gelöste "
               "Aufgaben – sprich mit dem Kind."),
        "en": ("! {student} · {lesson}: tampering detected before {task}: {what}. Restored; "
               "the test ran with the originals. Points only for honestly solved tasks – talk "
               "to the kid."),
    },
    "course.grade.guard_failed": {
        "de": ("! {student} · {lesson}: Der Prüfschutz ließ sich im Kernel nicht einrichten; "
               "bewertet ohne Manipulationsschutz. Prüfe die Punkte im Formgrader."),
        "en": ("! {student} · {lesson}: the grading guard could not be set up in the kernel; "
               "graded without tampering protection. Check the points in the formgrader."),
    },
    "course.grade.guard_removed": {
        "de": ("! {student} · {lesson}: Manipulation erkannt: der Prüfschutz wurde vor {task} "
               "aus dem Kernel entfernt. Prüfe die Punkte im Formgrader."),
        "en": ("! {student} · {lesson}: tampering detected: the grading guard was removed "
               "from the kernel before {task}. Check the points in the formgrader."),
    },
    "course.grade.kernel_died": {
        "de": ("! {student} · {lesson}: Der Code hat Python in {task} beendet (os._exit, "
               "Absturz oder Speichergrenze). Diese und alle folgenden Aufgaben: 0 Punkte."),
        "en": ("! {student} · {lesson}: the code ended Python in {task} (os._exit, crash or "
               "memory limit). This and all later tasks: 0 points."),
    },
    "course.grade.kernel_died_cell": {
        "de": "Python wurde in {task} beendet ({why}); dieser Test lief nicht.",
        "en": "Python was ended in {task} ({why}); this test did not run.",
    },
    "course.grade.kernel_stuck": {
        "de": ("! {student} · {lesson}: {task} lief zu lange und ließ sich nicht unterbrechen "
               "(Strg-C abgefangen?). Python wurde beendet; diese und alle folgenden Aufgaben: "
               "0 Punkte."),
        "en": ("! {student} · {lesson}: {task} ran too long and could not be interrupted "
               "(Ctrl-C caught?). Python was ended; this and all later tasks: 0 points."),
    },
    "course.grade.kernel_stuck_cell": {
        "de": "Python hing in {task} fest und wurde beendet; dieser Test lief nicht.",
        "en": "Python was stuck in {task} and was ended; this test did not run.",
    },
    "course.grade.copied_cell": {
        "de": ("! {student} · {lesson}: Die Zelle {task} kam {count}-mal vor (kopiert?). "
               "Bewertet wurde die Original-Zelle; die Kopien zählen als normale Zellen."),
        "en": ("! {student} · {lesson}: the cell {task} appeared {count} times (copied?). "
               "The original cell was graded; the copies count as ordinary cells."),
    },
    "course.grade.memory_kid": {
        "de": ("! {student} · {lesson}: Der Code brauchte zusammen mehr als {mb} MB Speicher; "
               "ein Prozess wurde beendet. Aufgaben danach können 0 Punkte haben."),
        "en": ("! {student} · {lesson}: the code needed more than {mb} MB of memory in "
               "total; a process was ended. Tasks after that may have 0 points."),
    },
    "course.grade.rolled_back": {
        "de": ("! {student} · {lesson}: Während der Bewertung wurden {count} Datei(en) im Kurs "
               "verändert ({files}) und zurückgesetzt. Mögliche Verursacher außer diesem Kind: "
               "{others}."),
        "en": ("! {student} · {lesson}: while grading, {count} file(s) in the course were "
               "changed ({files}) and rolled back. Possible culprits besides this kid: {others}."),
    },
    "course.grade.too_long": {
        "de": ("✗ {student} · {lesson}: NICHT BEWERTBAR – die Bewertung dauerte länger als "
               "{seconds} s und wurde mit allen Prozessen des Kindes beendet. Öffne das "
               "Notebook und suche eine Endlosschleife; dann nur dieses Kind neu bewerten: "
               "calliope-mini course grade {lesson} --student {sid}"),
        "en": ("✗ {student} · {lesson}: NOT GRADABLE – grading took longer than {seconds} s "
               "and was ended with all of the kid's processes. Open the notebook, look for an "
               "endless loop, then grade only this kid again: "
               "calliope-mini course grade {lesson} --student {sid}"),
    },
    "course.grade.worker_died": {
        "de": ("✗ {student} · {lesson}: NICHT BEWERTBAR – der Bewertungsprozess dieses Kindes "
               "brach zweimal ab ({why}). Die anderen Kinder sind nicht betroffen. Öffne "
               "submitted/{sid}/{lesson}/ in JupyterLab und prüfe das Notebook."),
        "en": ("✗ {student} · {lesson}: NOT GRADABLE – this kid's grading process broke off "
               "twice ({why}). The other kids are not affected. Open submitted/{sid}/{lesson}/ "
               "in JupyterLab and check the notebook."),
    },
    # --- feedback / export ----------------------------------------------------------------------
    "course.feedback.done": {
        "de": "Rückmeldungen für {lesson}: {count} Kinder in {zip}.",
        "en": "Feedback for {lesson}: {count} kids in {zip}.",
    },
    "course.feedback.manual_open": {
        "de": ("! {student} · {lesson}: {count} Antwort(en) noch nicht von Hand bewertet – "
               "die Rückmeldung zeigt dort 0 Punkte. Erst im Formgrader bewerten, dann "
               "calliope-mini course feedback {lesson} noch einmal."),
        "en": ("! {student} · {lesson}: {count} answer(s) not graded by hand yet – the "
               "feedback shows 0 points there. Grade them in the formgrader first, then run "
               "calliope-mini course feedback {lesson} again."),
    },
    "course.feedback.failed": {
        "de": ("✗ {student} · {lesson}: keine Rückmeldung möglich ({why}). Die anderen Kinder "
               "bekommen ihre trotzdem."),
        "en": ("✗ {student} · {lesson}: no feedback possible ({why}). The other kids get "
               "theirs anyway."),
    },
    "course.feedback.not_gradable": {
        "de": ("✗ {student} · {lesson}: nicht bewertbar, daher keine Rückmeldung (der Grund "
               "steht im Bericht von course grade)."),
        "en": ("✗ {student} · {lesson}: not gradable, so no feedback (the reason is in the "
               "report of course grade)."),
    },
    "course.feedback.test_failed": {
        "de": "✗ Test nicht bestanden: {why}",
        "en": "✗ Test failed: {why}",
    },
    "course.feedback.test_failed_plain": {
        "de": "✗ Dieser Test ist noch nicht erfüllt. Vergleiche deine Lösung mit der Aufgabe.",
        "en": "✗ This test is not passed yet. Compare your solution with the task.",
    },
    "course.feedback.missing_code": {
        "de": "✗ Hier fehlt noch dein Code.",
        "en": "✗ Your code is still missing here.",
    },
    "course.feedback.too_slow": {
        "de": "✗ Dein Code lief zu lange (Endlosschleife?) und wurde angehalten.",
        "en": "✗ Your code ran too long (endless loop?) and was stopped.",
    },
    "course.feedback.error": {
        "de": "✗ Fehler beim Test: {error}",
        "en": "✗ Error in the test: {error}",
    },
    "course.feedback.missing": {
        "de": "! {student} · {lesson}: keine Rückmeldung erzeugt ({file}). Erst bewerten.",
        "en": "! {student} · {lesson}: no feedback made ({file}). Grade first.",
    },
    "course.export.done": {
        "de": "Punkte von {count} Kindern gespeichert: {path}",
        "en": "Points of {count} kids saved: {path}",
    },
    "course.export.bad_dialect": {
        "de": "Das Format '{dialect}' kenne ich nicht. Möglich: {known}.",
        "en": "I do not know the format '{dialect}'. Possible: {known}.",
    },
    "course.export.id": {"de": "ID", "en": "ID"},
    "course.export.last": {"de": "Nachname", "en": "Last name"},
    "course.export.first": {"de": "Vorname", "en": "First name"},
    "course.export.sum": {"de": "Summe", "en": "sum"},
    "course.export.open": {"de": "offen", "en": "open"},
    "course.export.total": {"de": "Gesamt", "en": "Total"},
    "course.export.max": {"de": "Höchstpunktzahl", "en": "Maximum"},
    "course.export.not_gradable": {"de": "nicht bewertbar", "en": "not gradable"},
})
