"""A scripted class: eleven kids, two lessons, delivered the way school platforms deliver.

Each kid's notebook starts from the *released* student version (as a kid gets it) and the
script then types the kid's answers into the solution cells, edits or deletes test cells,
renames the file, breaks it... Expected points are written next to each kid, so the tests
read like a grading sheet.

Lessons: ``01-hallo-calliope`` (the real first lesson of the package; auto points 6, plus 2
for a written answer) and ``90-rechnen`` (``tests/course_fixtures/lessons``; auto points 4,
plus 2 written).

Delivery:

* ``abgaben-01.zip``: a Moodle-style zip (``Vorname Nachname_<n>_assignsubmission_file_/``),
  kid-renamed flat files, a folder per kid, a nested zip per kid, a duplicate, a corrupt
  file, a file of a kid not on the class list;
* ``iserv-90/``: an IServ-style folder per kid (``Nachname, Vorname/``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import zipfile
from pathlib import Path

# Windows-1252 and ';' as German Excel saves it; Jonas's id is not valid for nbgrader,
# Ben has none.
CLASS_CSV = (
    "Nachname;Vorname;Benutzername\r\n"
    "Lovelace;Ada;ada.lovelace\r\n"
    "Becker;Ben;\r\n"
    "Conti;Clara;clara.conti\r\n"
    "Dahl;David;david.dahl\r\n"
    "Engel;Emma;emma.engel\r\n"
    "Fischer;Finn;finn.fischer\r\n"
    "Graf;Greta;greta.graf\r\n"
    "Hahn;Hannah;hannah.hahn\r\n"
    "Illing;Ida;ida.illing\r\n"
    "Jäger;Jonas;Jonas J.\r\n"
    "Krause;Kim;kim.krause\r\n"
).encode("cp1252")

L1 = "01-hallo-calliope"
L2 = "90-rechnen"

# -- answers, as a kid types them (whole cell sources) -------------------------------------
PERFECT_01 = {
    "aufgabe1": "anzahl = len(temperaturen)\nprint(anzahl)",
    "aufgabe2": "def mittelwert(werte):\n    return sum(werte) / len(werte)",
    "aufgabe3": ("waermster = max(temperaturen)\nkaeltester = min(temperaturen)\n"
                 "print(kaeltester, 'bis', waermster, '°C')"),
    "aufgabe4": "def spanne(werte):\n    return max(werte) - min(werte)",
    "frage-kurve": "Die Temperatur bleibt fast gleich. Mit der Hand wurde es dunkel.",
}
PARTIAL_01 = {
    "aufgabe1": "anzahl = len(temperaturen)\nprint(anzahl)",
    "aufgabe2": "def mittelwert(werte):\n    return sum(werte)",        # forgot to divide
    "aufgabe3": "waermster = max(temperaturen)\nkaeltester = min(temperaturen)",
}
PERFECT_90 = {
    "a1": "def quadrat(x):\n    return x * x",
    "a2": "summe = sum(zahlen)\nprint(summe)",
    "frage": "Eine Zahl mal sich selbst, zum Beispiel 3 mal 3.",
}

ZIP_OLD = (2025, 3, 1, 10, 0, 0)
ZIP_NEW = (2025, 3, 2, 9, 30, 0)

# -- expected results ------------------------------------------------------------------------
#: id -> lesson -> points the autograder gives (None: not graded)
EXPECTED = {
    "ada.lovelace": {L1: 6, L2: 4},   # perfect, with her own data files
    "ben.becker": {L1: 2, L2: 2},     # typical partial; id made from the name
    "clara.conti": {L1: 0},           # handed in the unchanged release copy
    "david.dahl": {L1: 3, L2: 2},     # edited a test cell to pass: restored, wrong answer 0
    "emma.engel": {L1: 5, L2: 3},     # deleted a test cell: put back, graded
    "finn.fischer": {L1: 5, L2: 4},   # renamed notebook (-Copy1 / " (1)")
    "greta.graf": {L1: 4},            # endless loop in task 1: timeout, 0 for that task
    "hannah.hahn": {L1: 4, L2: 1},    # debug print to stderr inside a tested function
    "ida.illing": {L1: None},         # corrupt file (not JSON): reported, not graded
    "jonas_j": {L1: 5},               # handed in twice: the newer (perfect) one counts
    "kim.krause": {L1: 3},            # asks for 8 GB: MemoryError, 0 for that task
}


def fill(release_nb: dict, answers: dict[str, str]) -> dict:
    """The released notebook with the kid's answers typed into the solution cells."""
    nb = copy.deepcopy(release_nb)
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


def edit_cell(nb: dict, grade_id: str, source: str) -> dict:
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = source
    return nb


def delete_cell(nb: dict, grade_id: str) -> dict:
    nb["cells"] = [c for c in nb["cells"]
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def dumps(nb: dict) -> bytes:
    return (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _zip_write(zf: zipfile.ZipFile, name: str, data: bytes, when=ZIP_NEW) -> None:
    info = zipfile.ZipInfo(name, date_time=when)
    info.flag_bits |= 0x800  # names are UTF-8
    zf.writestr(info, data)


def build_lesson1(release_nb: dict, reference_csv: bytes, out: Path) -> Path:
    """``abgaben-01.zip`` as Moodle and the kids deliver it."""
    perfect = fill(release_nb, PERFECT_01)
    path = out / "abgaben-01.zip"
    with zipfile.ZipFile(path, "w") as zf:
        mood = "_assignsubmission_file_/"
        _zip_write(zf, f"Ada Lovelace_1001{mood}{L1}.ipynb", dumps(perfect))
        _zip_write(zf, f"Ada Lovelace_1001{mood}meine_messung.csv", reference_csv)
        _zip_write(zf, f"Becker_Ben_{L1}.ipynb", dumps(fill(release_nb, PARTIAL_01)))
        _zip_write(zf, f"Clara Conti_1003{mood}{L1} (1).ipynb", dumps(release_nb))
        david = fill(release_nb, {**PERFECT_01,
                                  "aufgabe2": "def mittelwert(werte):\n    return 0"})
        edit_cell(david, "test-aufgabe2", "lesson.ok()")
        _zip_write(zf, f"David Dahl_1004{mood}{L1}.ipynb", dumps(david))
        emma = delete_cell(fill(release_nb, PERFECT_01), "test-aufgabe4")
        _zip_write(zf, f"Engel_Emma_{L1}.ipynb", dumps(emma))
        _zip_write(zf, f"finn.fischer/{L1}-Copy1.ipynb", dumps(perfect))
        greta = fill(release_nb, {**PERFECT_01, "aufgabe1": "while True:\n    pass"})
        inner = out / "Greta Graf.zip"
        with zipfile.ZipFile(inner, "w") as gz:
            _zip_write(gz, f"{L1}.ipynb", dumps(greta))
        _zip_write(zf, "Greta Graf.zip", inner.read_bytes())
        inner.unlink()
        hannah = fill(release_nb, {**PERFECT_01, "aufgabe4": (
            "import sys\n\ndef spanne(werte):\n    print('rechne...', file=sys.stderr)\n"
            "    return max(werte) - min(werte)")})
        _zip_write(zf, f"Hannah Hahn_1008{mood}{L1}.ipynb", dumps(hannah))
        _zip_write(zf, f"Illing_Ida_{L1}.ipynb", b'{"cells": [ {"cell_type": "co')
        _zip_write(zf, f"Jäger_Jonas_{L1}.ipynb", dumps(fill(release_nb, PARTIAL_01)),
                   when=ZIP_OLD)
        _zip_write(zf, f"Jonas Jäger_1010{mood}{L1} (1).ipynb", dumps(perfect))
        kim = fill(release_nb, {**PERFECT_01, "aufgabe2": (
            "def mittelwert(werte):\n    puffer = bytearray(8 * 1024 ** 3)\n"
            "    return sum(werte) / len(werte)")})
        _zip_write(zf, f"Krause_Kim_{L1}.ipynb", dumps(kim))
        _zip_write(zf, f"Zorro_Zack_{L1}.ipynb", dumps(perfect))     # not in the class
        _zip_write(zf, "__MACOSX/._Becker_Ben_01-hallo-calliope.ipynb", b"\x00\x05")
    return path


def build_lesson2(release_nb: dict, out: Path) -> Path:
    """``iserv-90/``: a folder per kid, ``Nachname, Vorname``."""
    root = out / "iserv-90"
    perfect = fill(release_nb, PERFECT_90)

    def put(folder: str, name: str, data: bytes) -> None:
        target = root / folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    put("Lovelace, Ada", f"{L2}.ipynb", dumps(perfect))
    put("Lovelace, Ada", "meine_zahlen.csv", b"1\n2\n3\n")
    put("Becker, Ben", f"{L2}.ipynb", dumps(fill(release_nb, {**PERFECT_90,
                                                              "a2": "summe = 10"})))
    david = fill(release_nb, {**PERFECT_90, "a2": "summe = 0.0"})
    edit_cell(david, "test-a2", "print('Richtig!')")
    put("Dahl, David", f"{L2}.ipynb", dumps(david))
    put("Engel, Emma", f"{L2}.ipynb", dumps(delete_cell(fill(release_nb, PERFECT_90),
                                                        "test-a1")))
    put("Fischer, Finn", f"{L2} (1).ipynb", dumps(perfect))
    put("Fischer, Finn", "meine_zahlen (1).csv", b"4 5 6\n")
    hannah = fill(release_nb, {**PERFECT_90, "a1": (
        "import sys\n\ndef quadrat(x):\n    sys.stderr.write('debug\\n')\n    return x * x")})
    put("Hahn, Hannah", f"{L2}.ipynb", dumps(hannah))
    return root


def when(stamp: tuple[int, ...]) -> float:
    return dt.datetime(*stamp).timestamp()
