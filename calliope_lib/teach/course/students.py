"""``course students import``: a class list CSV from the school platform into the gradebook.

What it reads (header names are recognised in German and English, any letter case):

* separator ``;`` (German Excel, IServ) or ``,`` (Moodle) or tab: detected;
* encoding UTF-8 (with or without BOM), UTF-16 (Excel "Unicode-Text") or Windows-1252
  (old Excel): detected;
* columns ``Vorname`` + ``Nachname`` (first/last name), or one ``Name`` column
  (``"Lovelace, Ada"`` or ``"Ada Lovelace"``), and optionally an id column
  (``ID``, ``Kennung``, ``Benutzername``, ``Account``, ``Login``...) and ``E-Mail``.

Ids are made valid for nbgrader (see :mod:`calliope_lib.teach.course.names`); when the list has
none they are made from the names (``ada.lovelace``). Every changed or invented id is
reported, and two kids never get the same id (``ada.lovelace-2``)::

    report = import_students(course, "klasse-7b.csv")
    for line in report.lines(): print(line)
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from calliope_lib.errors import os_reason
from calliope_lib.messages import t
from calliope_lib.teach.course.config import Course
from calliope_lib.teach.course.errors import ClassListError
from calliope_lib.teach.course.names import clean_id, fold, make_id, split_full_name, valid_id

#: folded, letters-only header name -> column role
HEADERS = {
    **dict.fromkeys(["id", "kennung", "benutzername", "benutzer", "nutzername", "username",
                     "account", "login", "studentid", "schuelerid", "idnummer", "kuerzel",
                     "anmeldename", "user"], "id"),
    **dict.fromkeys(["vorname", "vornamen", "rufname", "firstname", "givenname", "first"],
                    "first"),
    **dict.fromkeys(["nachname", "familienname", "lastname", "surname", "last", "familyname"],
                    "last"),
    **dict.fromkeys(["name", "vollername", "vollstaendigername", "fullname", "schueler",
                     "schuelerin", "schuelerinnen", "kind", "student", "teilnehmer",
                     "teilnehmerin"], "full"),
    **dict.fromkeys(["email", "emailadresse", "mail", "emailaddress"], "email"),
}


@dataclass
class ClassMember:
    """One row of the class list, after reading (id may still be empty)."""

    first_name: str
    last_name: str
    raw_id: str = ""
    email: str = ""
    line: int = 0


@dataclass
class ImportReport:
    """What ``import_students`` did; :meth:`lines` says it for the teacher."""

    added: list[tuple[str, str]] = field(default_factory=list)      # (id, name)
    updated: list[tuple[str, str]] = field(default_factory=list)
    #: (name, id as given, id used): ids that were changed or made up
    changed_ids: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)    # (line, why)
    encoding: str = "utf-8"
    delimiter: str = ","

    def lines(self, lang: str | None = None) -> list[str]:
        out = [t("course.students.summary", lang, added=len(self.added),
                 updated=len(self.updated), encoding=self.encoding,
                 delimiter=self.delimiter if self.delimiter != "\t" else "Tab")]
        for name, given, used in self.changed_ids:
            key = "course.students.id_made" if not given else "course.students.id_changed"
            out.append(t(key, lang, name=name, given=given, used=used))
        for line, why in self.skipped:
            out.append(t("course.students.skipped", lang, line=line, why=why))
        return out


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-16 (Excel's "Unicode-Text", with a byte-order mark or
    recognisable by its zero bytes), UTF-8 (BOM or not), Windows-1252 as the fallback."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    sample = data[:200]
    if len(sample) >= 4 and sample.count(b"\0") * 3 >= len(sample):
        odd_zeros = sample[1::2].count(b"\0") > sample[0::2].count(b"\0")
        return data.decode("utf-16-le" if odd_zeros else "utf-16-be",
                           errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_class_list(path: str | os.PathLike[str]) -> tuple[list[ClassMember], ImportReport]:
    """Read a class list CSV; raises :class:`ClassListError` if it cannot be understood."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ClassListError("unreadable", path=str(path), why=os_reason(exc)) from exc
    text, encoding = _decode(data)
    delimiter = _delimiter(text)
    report = ImportReport(encoding=encoding, delimiter=delimiter)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if rows and len(rows[0]) == 1:
        # one column only ("Name"): "Lovelace, Ada" is one name, not two cells
        rows = [[line.strip().strip('"')] for line in text.splitlines()]
        while rows and not rows[0][0]:
            rows.pop(0)
    if not rows:
        raise ClassListError("empty", path=str(path))
    roles: dict[str, int] = {}
    for index, cell in enumerate(rows[0]):
        role = HEADERS.get("".join(ch for ch in fold(cell) if ch.isalnum()))
        if role and role not in roles:
            roles[role] = index
    if "first" in roles and "last" not in roles and "full" in roles:
        roles["last"] = roles.pop("full")  # "Vorname;Name": Name is the last name there
    if not ({"first", "last"} <= roles.keys() or "full" in roles):
        raise ClassListError("no_header", path=str(path), header=delimiter.join(rows[0]))
    members = []
    for number, row in enumerate(rows[1:], start=2):
        def cell(role: str) -> str:
            i = roles.get(role)
            return row[i].strip() if i is not None and i < len(row) else ""

        if not any(c.strip() for c in row):
            continue
        first, last = cell("first"), cell("last")
        if not (first or last) and cell("full"):
            first, last = split_full_name(cell("full"))
        if not (first or last or cell("id")):
            report.skipped.append((number, t("course.students.no_name")))
            continue
        members.append(ClassMember(first, last, cell("id"), cell("email"), number))
    return members, report


def import_students(course: Course, path: str | os.PathLike[str]) -> ImportReport:
    """Add (or update) every kid of the class list in the course's gradebook."""
    members, report = read_class_list(path)
    existing = course.student_map()
    # A kid already in the gradebook keeps their id when imported again (same name), so a
    # second import of the same list adds nobody. Two kids of one name keep theirs in order.
    by_name: dict[tuple[str, str], list[str]] = {}
    for s in sorted(existing.values(), key=lambda s: (len(s.id), s.id)):
        by_name.setdefault((fold(s.first_name), fold(s.last_name)), []).append(s.id)
    taken = set(existing)
    planned: list[tuple[ClassMember, str]] = []
    used: set[str] = set()
    for member in members:
        name = f"{member.first_name} {member.last_name}".strip()
        key = (fold(member.first_name), fold(member.last_name))
        given = member.raw_id
        if given and valid_id(given):
            student_id = given
        else:
            student_id = clean_id(given) if given else ""
            if not student_id:
                student_id = next((sid for sid in by_name.get(key, []) if sid not in used), "")
            if not student_id:
                student_id = make_id(member.first_name, member.last_name) or f"kind{member.line}"
        if student_id in used or (student_id in taken and student_id not in by_name.get(
                key, []) and not given):  # two kids, one id: number the second
            base, n = student_id, 2
            while f"{base}-{n}" in used or (f"{base}-{n}" in taken
                                             and f"{base}-{n}" not in by_name.get(key, [])):
                n += 1
            student_id = f"{base}-{n}"
        used.add(student_id)
        if student_id != given and not (not given and student_id in existing):
            report.changed_ids.append((name or given, given, student_id))
        planned.append((member, student_id))
    with course.gradebook() as gb:
        for member, student_id in planned:
            name = f"{member.first_name} {member.last_name}".strip() or student_id
            (report.updated if student_id in existing else report.added).append(
                (student_id, name))
            gb.update_or_create_student(student_id, first_name=member.first_name or None,
                                        last_name=member.last_name or None,
                                        email=member.email or None)
    return report
