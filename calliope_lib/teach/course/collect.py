"""``course collect``: put returned notebooks where nbgrader grades them, whatever their names.

Schools without JupyterHub get the notebooks back through IServ, Moodle, mail or a USB
stick. Files arrive renamed (``01-hallo-calliope-Copy1.ipynb``, ``01-hallo-calliope (1).ipynb``,
``Lovelace_Ada_01-hallo-calliope.ipynb``), in a folder per kid, inside zips inside zips.
``collect`` takes folders and zips and decides for every file:

* **which lesson**: by the nbgrader task ids inside the notebook (robust against any
  renaming); the file name only when the file is not readable JSON;
* **which kid**: by the path (folder and file names) against the class list: id, or every
  word of first and last name in one path part, or a first name only one kid has;
* **the kid's data** (``meine_messung.csv``...): goes with that kid's notebook of the same
  folder, or to the lesson that saves a file of that name;
* **duplicates**: the newest file wins (a readable notebook beats a broken one); the others
  are reported by name.

Each matched notebook is stored under the name nbgrader expects,
``submitted/<id>/<lesson>/<notebook>.ipynb``, with ``timestamp.txt`` (the file's time).
Nothing is dropped silently: files that match no kid or no lesson are copied to
``nicht_zugeordnet/`` and listed in the report, with what to do.

    >>> report = collect_submissions(course, ["~/Downloads/abgaben.zip"])     # doctest: +SKIP
    >>> print("\\n".join(report.lines()))                          # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from calliope_lib.messages import t
from calliope_lib.teach.course.config import Course
from calliope_lib.teach.course.errors import NoStudents, Problem
from calliope_lib.teach.course.lessons import MY_PREFIX, LessonInfo, lesson_info, notebook_grade_ids
from calliope_lib.teach.course.names import Person, fold, strip_copy_suffix, who_is

#: folders and files that platforms and operating systems add; never a submission
IGNORED_PARTS = {"__macosx", ".ipynb_checkpoints", "__pycache__", ".ds_store", "thumbs.db",
                 "desktop.ini", ".git"}
#: refuse to unpack more than this from one zip (a damaged or malicious archive)
MAX_UNPACKED_BYTES = 2 * 1024 ** 3
#: nbgrader's timestamp format (``timestamp.txt``)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


@dataclass
class Found:
    """One file found in the inputs."""

    path: Path                 #: where it is now (unpacked if it came from a zip)
    parts: tuple[str, ...]     #: path parts inside the input, outermost first (zips included)
    mtime: float

    @property
    def shown(self) -> str:
        return "/".join(self.parts)

    @property
    def name(self) -> str:
        return self.parts[-1]


@dataclass
class Placed:
    """A file stored for a kid and a lesson."""

    student: str
    lesson: str
    target: Path
    found: Found
    how: str = "name"          #: how the kid was recognised: id, name, first_name
    corrupt: str | None = None  #: why the notebook is unreadable (None: fine)


@dataclass
class CollectReport:
    """What ``collect`` did. ``lines()`` is what the teacher reads."""

    notebooks: list[Placed] = field(default_factory=list)
    data_files: list[Placed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: (student, lesson, winner, [losers]) for every kid who handed in more than once
    duplicates: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    unmatched: list[tuple[str, Path]] = field(default_factory=list)   # (shown, kept at)
    ignored: int = 0

    def lines(self, lang: str | None = None) -> list[str]:
        out = [t("course.collect.summary", lang, notebooks=len(self.notebooks),
                 data=len(self.data_files), unmatched=len(self.unmatched),
                 duplicates=len(self.duplicates))]
        for placed in sorted(self.notebooks, key=lambda p: (p.lesson, p.student)):
            out.append(t("course.collect.matched", lang, student=placed.student,
                         lesson=placed.lesson, file=placed.found.shown))
        out.extend(problem.text(lang) for problem in self.problems)
        return out


# -- gathering files ---------------------------------------------------------------------------
def _ignored(parts: Iterable[str]) -> bool:
    return any(p.lower() in IGNORED_PARTS or p.startswith(".") or p.startswith("~$")
               for p in parts)


def _unpack(archive: Path, into: Path, parts: tuple[str, ...], out: list[Found],
            problems: list[Problem]) -> None:
    """Unpack ``archive`` safely (no paths outside ``into``), keeping each member's time."""
    try:
        with zipfile.ZipFile(archive) as zf:
            total = 0
            for info in zf.infolist():
                if info.is_dir():
                    continue
                name = info.filename
                if info.flag_bits & 0x800 == 0:  # not flagged UTF-8: Windows zips use cp437
                    try:
                        name = name.encode("cp437").decode("utf-8")
                    except (UnicodeEncodeError, UnicodeDecodeError):
                        pass
                member = PurePosixPath(name.replace("\\", "/"))
                inner = tuple(p for p in member.parts if p not in ("", ".", "..", "/"))
                if not inner or _ignored(inner):
                    continue
                total += info.file_size
                if total > MAX_UNPACKED_BYTES:
                    problems.append(Problem("course.collect.zip_too_big",
                                            fields={"file": "/".join(parts)}))
                    return
                target = into.joinpath(*inner)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                stamp = _dt.datetime(*info.date_time).timestamp()
                os.utime(target, (stamp, stamp))
                _add(target, parts + inner, out, problems)
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: encrypted
        problems.append(Problem("course.collect.bad_zip",
                                fields={"file": "/".join(parts), "why": str(exc)}))


def _add(path: Path, parts: tuple[str, ...], out: list[Found], problems: list[Problem]) -> None:
    if path.suffix.lower() == ".zip":
        into = Path(tempfile.mkdtemp(prefix="calliope-collect-"))
        _unpack(path, into, parts[:-1] + (path.stem,), out, problems)
    else:
        out.append(Found(path, parts, path.stat().st_mtime))


def gather(inputs: Iterable[str | os.PathLike[str]], problems: list[Problem]) -> list[Found]:
    """Every file in the inputs (folders walked, zips unpacked, nested zips too)."""
    found: list[Found] = []
    for item in inputs:
        path = Path(item).expanduser()
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                rel = file.relative_to(path).parts
                if file.is_file() and not _ignored(rel):
                    _add(file, rel, found, problems)
        elif path.is_file():
            _add(path, (path.name,), found, problems)
        else:
            problems.append(Problem("course.collect.missing_input", fields={"file": str(path)}))
    return found


# -- deciding ---------------------------------------------------------------------------------
def _read_notebook(path: Path) -> tuple[dict | None, str | None]:
    """The notebook's JSON, or ``(None, why)`` when it is not a readable notebook."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, "keine Textdatei / not a text file"
    except json.JSONDecodeError as exc:
        return None, f"kein JSON / not JSON: {exc.msg} (Zeile/line {exc.lineno})"
    if not isinstance(nb, dict) or "cells" not in nb:
        return None, "keine Zellen / no cells"
    return nb, None


def _lesson_by_content(nb: dict, infos: list[LessonInfo]) -> tuple[str, str] | None:
    """(lesson, notebook) whose task ids the notebook shares most."""
    ids = notebook_grade_ids(nb)
    best, best_score = None, 0
    for info in infos:
        for notebook, lesson_ids in info.grade_ids.items():
            score = len(ids & lesson_ids)
            if score > best_score:
                best, best_score = (info.name, notebook), score
    return best


def _lesson_by_name(parts: tuple[str, ...], infos: list[LessonInfo]) -> tuple[str, str] | None:
    """(lesson, notebook) whose notebook name appears in the file name (or a folder)."""
    stem = fold(strip_copy_suffix(Path(parts[-1]).stem))
    candidates = [stem] + [fold(p) for p in reversed(parts[:-1])]
    for text in candidates:
        hits = {(info.name, nb) for info in infos for nb in info.grade_ids
                if fold(nb) in text or fold(info.name) in text}
        if len(hits) == 1:
            return hits.pop()
    return None


def _data_target_name(name: str) -> str:
    """``Lovelace_Ada_meine_messung (1).csv`` -> ``meine_messung.csv``."""
    path = Path(name)
    stem = strip_copy_suffix(path.stem)
    at = stem.lower().find(MY_PREFIX)
    if at > 0:
        stem = stem[at:]
    return stem + path.suffix.lower()


def _timestamp(mtime: float) -> str:
    return _dt.datetime.fromtimestamp(mtime, _dt.timezone.utc).strftime(TIMESTAMP_FORMAT)


def _read_timestamp(folder: Path) -> float | None:
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
        return _dt.datetime.strptime(text, TIMESTAMP_FORMAT).replace(
            tzinfo=_dt.timezone.utc).timestamp()
    except (OSError, ValueError):
        return None


def _keep_unmatched(course: Course, found: Found) -> Path:
    target = course.unmatched_dir.joinpath(*found.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(found.path, target)
    return target


def collect_submissions(course: Course, inputs: Iterable[str | os.PathLike[str]]) -> CollectReport:
    """Sort the files in ``inputs`` (folders, zips, single files) into ``submitted/``."""
    students = course.students()
    if not students:
        raise NoStudents(course=str(course.root))
    people = [Person.of(s.id, s.first_name, s.last_name) for s in students]
    labels = {s.id: s.label for s in students}
    infos = [lesson_info(course.source_dir / lesson) for lesson in course.lessons()]
    report = CollectReport()
    found = gather(inputs, report.problems)

    # 1. notebooks: (student, lesson, notebook) -> candidates
    chosen: dict[tuple[str, str, str], list[Placed]] = {}
    notebook_dirs: dict[tuple[str, Path], set[str]] = {}  # (student, folder) -> lessons
    others: list[Found] = []
    for item in found:
        if item.path.suffix.lower() != ".ipynb":
            others.append(item)
            continue
        nb, why = _read_notebook(item.path)
        target = _lesson_by_content(nb, infos) if nb is not None else None
        target = target or _lesson_by_name(item.parts, infos)
        student, how = who_is(item.parts[:-1] + (Path(item.name).stem,), people)
        if target is None or student is None:
            kept = _keep_unmatched(course, item)
            report.unmatched.append((item.shown, kept))
            if target is None:
                key = "course.collect.no_lesson"
            else:
                key = ("course.collect.ambiguous" if how == "ambiguous"
                       else "course.collect.no_student")
            report.problems.append(Problem(key, student=labels.get(student or "", None),
                                           lesson=target[0] if target else None,
                                           fields={"file": item.shown, "kept": kept}))
            continue
        lesson, notebook = target
        placed = Placed(student, lesson, Path(f"{notebook}.ipynb"), item, how, why)
        chosen.setdefault((student, lesson, notebook), []).append(placed)
        notebook_dirs.setdefault((student, item.path.parent), set()).add(lesson)

    # 2. duplicates: a readable notebook beats a broken one, then the newest wins
    for (student, lesson, notebook), candidates in sorted(chosen.items()):
        candidates.sort(key=lambda p: (p.corrupt is None, p.found.mtime), reverse=True)
        winner = candidates[0]
        folder = course.submitted_dir / student / lesson
        previous = _read_timestamp(folder)
        if previous is not None and (folder / winner.target).exists() \
                and previous > winner.found.mtime + 1:
            report.problems.append(Problem("course.collect.older_than_stored",
                                           student=labels[student], lesson=lesson,
                                           fields={"file": winner.found.shown}))
            continue
        if len(candidates) > 1:
            losers = [c.found.shown for c in candidates[1:]]
            report.duplicates.append((student, lesson, winner.found.shown, losers))
            report.problems.append(Problem("course.collect.duplicate", student=labels[student],
                                           lesson=lesson,
                                           fields={"file": winner.found.shown,
                                                   "others": ", ".join(losers)}))
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(winner.found.path, folder / winner.target)
        (folder / "timestamp.txt").write_text(_timestamp(winner.found.mtime), encoding="utf-8")
        winner.target = folder / winner.target
        report.notebooks.append(winner)
        if winner.corrupt:
            report.problems.append(Problem("course.collect.corrupt", student=labels[student],
                                           lesson=lesson, fields={"file": winner.found.shown,
                                                                  "why": winner.corrupt}))
        elif winner.how == "first_name":
            report.problems.append(Problem("course.collect.first_name_only",
                                           student=labels[student], lesson=lesson,
                                           fields={"file": winner.found.shown}))

    # 3. data files: with the kid's notebook in the same folder, else by the lesson's names
    handed_in: dict[str, set[str]] = {}
    for placed in report.notebooks:
        handed_in.setdefault(placed.student, set()).add(placed.lesson)
    data: dict[tuple[str, str, str], list[Found]] = {}
    for item in others:
        name = _data_target_name(item.name)
        student, how = who_is(item.parts[:-1] + (Path(item.name).stem,), people)
        lesson = None
        if student is not None:
            here = notebook_dirs.get((student, item.path.parent), set())
            by_name = {info.name for info in infos if name in info.data_names}
            if len(here) == 1:
                lesson = next(iter(here))
            elif len(by_name) == 1:
                lesson = next(iter(by_name))
            elif len(handed_in.get(student, ())) == 1:
                lesson = next(iter(handed_in[student]))
        if student is None or lesson is None:
            kept = _keep_unmatched(course, item)
            report.unmatched.append((item.shown, kept))
            report.problems.append(Problem("course.collect.data_unmatched",
                                           student=labels.get(student or "", None),
                                           fields={"file": item.shown, "kept": kept}))
            continue
        data.setdefault((student, lesson, name), []).append(item)
    for (student, lesson, name), items in sorted(data.items()):
        items.sort(key=lambda f: f.mtime, reverse=True)
        if len(items) > 1:
            report.problems.append(Problem("course.collect.data_duplicate",
                                           student=labels[student], lesson=lesson,
                                           fields={"file": items[0].shown, "name": name,
                                                   "others": ", ".join(
                                                       f.shown for f in items[1:])}))
        folder = course.submitted_dir / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(items[0].path, folder / name)
        report.data_files.append(Placed(student, lesson, folder / name, items[0]))

    _save_report(course, report)
    return report


def _save_report(course: Course, report: CollectReport) -> Path:
    """Keep the report as text in the course (``berichte/``) for later questions."""
    folder = course.root / "berichte"
    folder.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"einsammeln-{stamp}.txt"
    path.write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
    return path
