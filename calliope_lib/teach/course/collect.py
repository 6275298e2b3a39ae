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
import stat
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
#: a notebook larger than this is not read (a lesson notebook has a few MB with plots)
MAX_NOTEBOOK_BYTES = 200 * 1024 ** 2
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


@dataclass
class _Budget:
    """One size budget for everything unpacked in a run (zips inside zips included), and
    the temporary folders to remove at the end."""

    left: int = field(default_factory=lambda: MAX_UNPACKED_BYTES)
    exceeded: bool = False
    folders: list[Path] = field(default_factory=list)


#: a member name longer than this (or with control characters) is reported as odd
MAX_NAME = 120


def _odd(name: str) -> bool:
    return len(name) > MAX_NAME or any(ord(ch) < 32 or ch in '<>:"|?*' for ch in name)


def _copy_limited(src: "zipfile.ZipExtFile", target: Path, budget: _Budget) -> bool:
    """Copy within the budget (a member may lie about its size). A member that does not fit
    is removed again and ``False`` returned; the budget then stays as it was."""
    written = 0
    with open(target, "wb") as dst:
        while True:
            block = src.read(1 << 20)
            if not block:
                break
            written += len(block)
            if written > budget.left:
                break
            dst.write(block)
    if written > budget.left:
        target.unlink(missing_ok=True)
        budget.exceeded = True
        return False
    budget.left -= written
    return True


def _unpack(archive: Path, into: Path, parts: tuple[str, ...], out: list[Found],
            problems: list[Problem], budget: _Budget, depth: int = 0) -> None:
    """Unpack ``archive`` safely: no paths outside ``into``, no symlinks, one size budget
    for all archives, each member on its own (a bad one never drops the rest)."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
        problems.append(Problem("course.collect.bad_zip",
                                fields={"file": "/".join(parts), "why": str(exc)}))
        return
    told = False

    def too_big() -> None:  # said once per archive; members that fit are still unpacked
        nonlocal told
        if not told:
            problems.append(Problem("course.collect.zip_too_big",
                                    fields={"file": "/".join(parts)}))
            told = True

    with zf:
        for index, info in enumerate(zf.infolist()):
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
            shown = "/".join(parts + inner)
            if stat.S_ISLNK(info.external_attr >> 16):
                problems.append(Problem("course.collect.symlink", fields={"file": shown}))
                continue
            if any(_odd(p) for p in inner):
                problems.append(Problem("course.collect.odd_name", fields={"file": shown}))
            if info.file_size > budget.left:
                budget.exceeded = True
                too_big()
                continue
            # Stored under a safe short name of its own; the real names stay in ``parts``.
            target = into / f"{index:05d}" / _safe_name(inner[-1])
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src:
                    if not _copy_limited(src, target, budget):
                        too_big()
                        continue
                stamp = _dt.datetime(*info.date_time).timestamp()
                os.utime(target, (stamp, stamp))
            except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
                problems.append(Problem("course.collect.bad_member",
                                        fields={"file": shown, "why": str(exc)[:200]}))
                continue
            _add(target, parts + inner, out, problems, budget, depth)


def _safe_name(name: str) -> str:
    """A file name every file system takes (the suffix kept for recognising the type)."""
    suffix = Path(name).suffix.lower()
    suffix = suffix if len(suffix) <= 10 and suffix.isascii() else ""
    stem = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in Path(name).stem)
    return (stem[:80] or "datei") + suffix


#: zips inside zips inside zips...: deeper than this is refused
MAX_DEPTH = 4


def _add(path: Path, parts: tuple[str, ...], out: list[Found], problems: list[Problem],
         budget: _Budget, depth: int = 0) -> None:
    if path.suffix.lower() == ".zip":
        if depth >= MAX_DEPTH:
            problems.append(Problem("course.collect.zip_too_deep",
                                    fields={"file": "/".join(parts)}))
            return
        into = Path(tempfile.mkdtemp(prefix="calliope-collect-"))
        budget.folders.append(into)
        _unpack(path, into, parts[:-1] + (Path(parts[-1]).stem,), out, problems, budget,
                depth + 1)
    else:
        out.append(Found(path, parts, path.stat().st_mtime))


def gather(inputs: Iterable[str | os.PathLike[str]], problems: list[Problem],
           budget: _Budget | None = None) -> list[Found]:
    """Every file in the inputs (folders walked without following symlinks, zips unpacked,
    nested zips too). Temporary folders are listed in ``budget.folders`` for the caller."""
    budget = budget if budget is not None else _Budget()
    found: list[Found] = []
    for item in inputs:
        path = Path(item).expanduser()
        if path.is_dir():
            for folder, dirs, files in os.walk(path):  # os.walk never follows symlinks
                here = Path(folder)
                dirs.sort()
                for name in sorted(files) + [d for d in dirs if (here / d).is_symlink()]:
                    file = here / name
                    rel = file.relative_to(path).parts
                    if _ignored(rel):
                        continue
                    if file.is_symlink() or not file.is_file():
                        problems.append(Problem("course.collect.symlink",
                                                fields={"file": "/".join(rel)}))
                        continue
                    if any(_odd(p) for p in rel):
                        problems.append(Problem("course.collect.odd_name",
                                                fields={"file": "/".join(rel)}))
                    _add(file, rel, found, problems, budget)
        elif path.is_file():
            _add(path, (path.name,), found, problems, budget)
        else:
            problems.append(Problem("course.collect.missing_input", fields={"file": str(path)}))
    return found


# -- deciding ---------------------------------------------------------------------------------
def _read_notebook(path: Path) -> tuple[dict | None, str | None]:
    """The notebook's JSON, or ``(None, why)`` when it is not a readable notebook
    (broken JSON, absurdly deep nesting, huge numbers, cells that are not cells...)."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None, "zu groß / too big"
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, "keine Textdatei / not a text file"
    except json.JSONDecodeError as exc:
        return None, f"kein JSON / not JSON: {exc.msg} (Zeile/line {exc.lineno})"
    except (RecursionError, ValueError, OSError, MemoryError) as exc:
        return None, f"kein lesbares JSON / unreadable JSON: {type(exc).__name__}"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "keine Zellen / no cells"
    if not all(isinstance(c, dict) and isinstance(c.get("metadata", {}), dict)
               for c in nb["cells"]) or not isinstance(nb.get("metadata", {}), dict):
        return None, "Zellen beschädigt / damaged cells"
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


def is_own_data_name(name: str) -> bool:
    """Whether a file (by the name it is stored under) is a kid's own measurement."""
    return name.lower().startswith(MY_PREFIX) and name.lower().endswith(".csv")


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
    """Keep a copy in ``nicht_zugeordnet/`` (a file collected from there stays where it is)."""
    if _inside(found.path, course.unmatched_dir):
        return found.path
    target = course.unmatched_dir.joinpath(*(_safe_name(p) if _odd(p) else p
                                            for p in found.parts))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(found.path, target)
    except OSError:  # a file and a folder of one name, a name too long...: a name of its own
        target = course.unmatched_dir / "_umbenannt" / (
            f"{abs(hash(found.shown)) % 10 ** 8:08d}-{_safe_name(found.name)}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(found.path, target)
    return target


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def collect_submissions(course: Course, inputs: Iterable[str | os.PathLike[str]]) -> CollectReport:
    """Sort the files in ``inputs`` (folders, zips, single files) into ``submitted/``."""
    students = course.students()
    if not students:
        raise NoStudents(course=str(course.root))
    people = [Person.of(s.id, s.first_name, s.last_name) for s in students]
    labels = {s.id: s.label for s in students}
    infos = [lesson_info(course.source_dir / lesson) for lesson in course.lessons()]
    report = CollectReport()
    budget = _Budget()
    try:
        found = gather(inputs, report.problems, budget)
        _sort(course, found, report, people, labels, infos)
    finally:  # the unpacked copies hold kids' names and work: never left behind
        for folder in budget.folders:
            shutil.rmtree(folder, ignore_errors=True)
    _save_report(course, report)
    return report


def _kid(parts: tuple[str, ...], people: list[Person]) -> tuple[str | None, str, str | None]:
    """Who handed a file in: ``(student, how, named)``. A folder that names one kid (the
    platform's per-kid folder) outranks the file name, so a kid cannot hand in for
    another; ``named`` is the other kid a file name names (reported), else ``None``."""
    folder_kid, folder_how = who_is(parts[:-1], people) if len(parts) > 1 else (None, "none")
    file_kid, file_how = who_is(parts[-1:], people)
    if folder_kid is not None:
        other = file_kid if file_kid not in (None, folder_kid) else None
        return folder_kid, folder_how, other
    return file_kid, file_how if file_kid else (
        "ambiguous" if "ambiguous" in (folder_how, file_how) else "none"), None


def _sort(course: Course, found: list[Found], report: CollectReport, people: list[Person],
          labels: dict[str, str], infos: list[LessonInfo]) -> None:
    """Decide for every file found (see the module's description) and store it."""
    # 1. notebooks: (student, lesson, notebook) -> candidates
    chosen: dict[tuple[str, str, str], list[Placed]] = {}
    notebook_dirs: dict[tuple[str, tuple[str, ...]], set[str]] = {}  # (kid, folder) -> lessons
    others: list[Found] = []
    for item in found:
        if item.path.suffix.lower() != ".ipynb":
            others.append(item)
            continue
        nb, why = _read_notebook(item.path)
        try:
            target = _lesson_by_content(nb, infos) if nb is not None else None
        except (TypeError, AttributeError, ValueError, RecursionError):
            nb, why, target = None, "Zellen beschädigt / damaged cells", None
        target = target or _lesson_by_name(item.parts, infos)
        student, how, named = _kid(item.parts[:-1] + (Path(item.name).stem,), people)
        if student is not None and named is not None:
            report.problems.append(Problem("course.collect.other_kids_name",
                                           student=labels[student],
                                           fields={"file": item.shown,
                                                   "other": labels.get(named, named)}))
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
        notebook_dirs.setdefault((student, item.parts[:-1]), set()).add(lesson)

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
        if not is_own_data_name(name):  # timestamp.txt, .py, anything else: kept aside
            kept = _keep_unmatched(course, item)
            report.unmatched.append((item.shown, kept))
            report.problems.append(Problem("course.collect.not_data",
                                           fields={"file": item.shown, "kept": kept}))
            continue
        student, how, _ = _kid(item.parts[:-1] + (Path(item.name).stem,), people)
        lesson = None
        if student is not None:
            here = notebook_dirs.get((student, item.parts[:-1]), set())
            by_name = {info.name for info in infos if name in info.data_names}
            if len(here) == 1:
                lesson = next(iter(here))
            elif len(here & by_name) == 1:
                lesson = next(iter(here & by_name))
            elif len(by_name & handed_in.get(student, set())) == 1:
                lesson = next(iter(by_name & handed_in[student]))
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
    for placed in [*report.notebooks, *report.data_files]:  # re-collected: not unmatched now
        if _inside(placed.found.path, course.unmatched_dir):
            placed.found.path.unlink(missing_ok=True)


def _save_report(course: Course, report: CollectReport) -> Path:
    """Keep the report as text in the course (``berichte/``) for later questions."""
    folder = course.root / "berichte"
    folder.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"einsammeln-{stamp}.txt"
    path.write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
    return path
