"""``calliope-mini lab``: JupyterLab in German on the lessons (what ``make lab`` runs).

What it does, in this order:

1. **A work folder for the kid** (default ``~/Calliope-Lektionen``): every lesson folder of
   the course is copied there once, as the *student version* (solutions and hidden tests
   removed by nbgrader's ``generate_assignment``, German placeholders "DEIN CODE HIER": the
   same notebooks ``course release`` hands out). A lesson
   that is already there is left alone, so a kid's answers and ``meine_*.csv`` files are never
   overwritten; reference data files that are missing are added.
   ``--teacher`` opens the source lessons with solutions instead.
2. **German interface**: the installed JupyterLab language pack
   (``jupyterlab-language-pack-de-DE``) is switched on with a settings override,
   ``{"@jupyterlab/translation-extension:plugin": {"locale": "de_DE"}}`` in
   ``<sys.prefix>/share/jupyter/lab/settings/overrides.d/calliope-lib.json`` (a file of its
   own: a teacher's ``overrides.json`` stays untouched). If that folder is not writable, a
   per-run settings folder is used instead.
3. **JupyterLab** starts on the work folder (``python -m jupyterlab``).

``--dry-run`` prints all of this and changes nothing; ``--no-browser`` does not open a browser.

Example::

    calliope-mini lab                      # the kid's work folder, browser opens
    calliope-mini lab --teacher            # the source lessons with solutions
    calliope-mini lab --dry-run            # only say what would happen
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

#: The JupyterLab setting that picks the interface language.
LOCALE_SETTING = {"@jupyterlab/translation-extension:plugin": {"locale": "de_DE"}}
#: Our own override file (JupyterLab merges every ``overrides.d/*.json``).
OVERRIDE_NAME = "calliope-lib.json"
#: Files of a lesson folder a kid must not get (expected results, grading notes).
TEACHER_ONLY = frozenset({"LEHRKRAFT.md"})
#: Where the kid's copies of the lessons go by default.
DEFAULT_WORK_DIR = Path.home() / "Calliope-Lektionen"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "lab",
        help="JupyterLab (deutsch) mit den Lektionen / JupyterLab (German) with the lessons",
        description="Legt die Schüler-Fassung der Lektionen in einen Arbeitsordner und startet "
        "JupyterLab mit deutscher Oberfläche. / Copies the student versions of the lessons to "
        "a work folder and starts JupyterLab with the German interface.",
    )
    p.add_argument("--dir", type=Path, default=None,
                   help=f"Arbeitsordner / work folder (Standard: {DEFAULT_WORK_DIR})")
    p.add_argument("--lessons", type=Path, default=None,
                   help="Ordner mit den Lektionen (Quellfassung) / source lessons folder")
    p.add_argument("--teacher", action="store_true",
                   help="die Quellfassung mit Lösungen öffnen / open the versions with solutions")
    p.add_argument("--no-browser", action="store_true",
                   help="keinen Browser öffnen / do not open a browser")
    p.add_argument("--port", type=int, default=None, help="Port (Standard: 8888 oder frei)")
    p.add_argument("--settings-dir", type=Path, default=None,
                   help="JupyterLab app settings folder (Standard: <sys.prefix>/share/jupyter/"
                   "lab/settings)")
    p.add_argument("--dry-run", action="store_true",
                   help="nur zeigen, was passieren würde / only show what would happen")
    p.add_argument("jupyter_args", nargs="*", metavar="-- JUPYTER-OPTION",
                   help="weitere Optionen für JupyterLab nach -- / more JupyterLab options after --")
    p.set_defaults(func=run)


# -- finding things ---------------------------------------------------------------------------
def lessons_dir(explicit: Path | None = None) -> Path:
    """The source lessons: ``--lessons``, else where the course tools find them
    (:func:`calliope_lib.teach.materials.lessons_dir`: ``CALLIOPE_LESSONS`` or the package)."""
    if explicit is not None:
        return explicit.resolve()
    from calliope_lib.teach.course.lessons import package_lessons_dir

    return package_lessons_dir()


def lesson_folders(source: Path) -> list[Path]:
    """Folders ``NN-name`` holding a notebook, in order (the course tools' rule)."""
    from calliope_lib.teach.course.lessons import available_lessons

    return list(available_lessons(source).values())


def default_settings_dir() -> Path:
    return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"


# -- student versions -------------------------------------------------------------------------
def _for_kids(item: Path) -> bool:
    """Whether a file of a lesson folder goes into the kid's work folder: not the teacher's
    notes, not test recordings (``meine_*``), checkpoints or other hidden things."""
    return not (item.name.startswith(("meine_", ".")) or item.is_dir() or item.name in TEACHER_ONLY)


def prepare_work_dir(source: Path, work: Path, dry_run: bool = False) -> list[str]:
    """Copy each lesson's student version into ``work`` once; returns what was (or would be)
    done, one line each. Existing notebooks and every ``meine_*`` file stay untouched.

    The notebooks are made the one way course releases are made too
    (:func:`calliope_lib.teach.course.student.student_lesson`), so a kid at home gets the
    very notebook a teacher hands out.
    """
    from calliope_lib.teach.course.student import student_lesson

    done: list[str] = []
    for folder in lesson_folders(source):
        target = work / folder.name
        missing = [item for item in sorted(folder.iterdir())
                   if _for_kids(item) and not (target / item.name).exists()]
        for item in missing:
            kind = " (Schülerfassung / student version)" if item.suffix == ".ipynb" else ""
            done.append(f"+ {target / item.name}{kind}")
        if dry_run or not missing:
            continue
        target.mkdir(parents=True, exist_ok=True)
        needs_notebooks = any(item.suffix == ".ipynb" for item in missing)
        with student_lesson(folder) if needs_notebooks else contextlib.nullcontext() as student:
            for item in missing:
                # A notebook comes from the student version, everything else as it is.
                origin = student / item.name if item.suffix == ".ipynb" else item
                shutil.copy2(origin, target / item.name)
    return done


# -- the German interface -----------------------------------------------------------------------
def write_locale_override(settings_dir: Path) -> Path:
    """Write our ``overrides.d`` file into ``settings_dir``; returns its path."""
    path = settings_dir / "overrides.d" / OVERRIDE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(LOCALE_SETTING, indent=2) + "\n", encoding="utf-8")
    return path


def choose_settings_dir(explicit: Path | None, dry_run: bool) -> tuple[Path, bool]:
    """The app settings folder to use, and whether it is a per-run folder (not the default)."""
    if explicit is not None:
        return explicit, True
    default = default_settings_dir()
    if dry_run:
        return default, False
    try:
        write_locale_override(default)
        return default, False
    except OSError:
        per_run = Path(tempfile.mkdtemp(prefix="calliope-lab-settings-"))
        existing = default / "overrides.json"
        if existing.exists():
            shutil.copy2(existing, per_run / "overrides.json")
        return per_run, True


def command(root: Path, settings_dir: Path, per_run_settings: bool, no_browser: bool,
            port: int | None, extra: Sequence[str] = ()) -> list[str]:
    """The JupyterLab command line."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if per_run_settings:
        cmd.append(f"--LabApp.app_settings_dir={settings_dir}")
    if no_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--port={port}")
    return cmd + list(extra)


def run(args: argparse.Namespace) -> int:
    source = lessons_dir(args.lessons)
    if not source.is_dir() or not lesson_folders(source):
        print(f"Keine Lektionen gefunden in {source}. Gib den Ordner mit --lessons an. / "
              f"No lessons found in {source}; name the folder with --lessons.")
        return 2
    root = source if args.teacher else (args.dir or DEFAULT_WORK_DIR).expanduser().resolve()
    lines: list[str] = []
    if not args.teacher:
        try:
            lines = prepare_work_dir(source, root, dry_run=args.dry_run)
        except ImportError:
            print("Für die Lektionen fehlt nbgrader: pip install 'calliope-lib[lessons]' / "
                  "nbgrader is missing: pip install 'calliope-lib[lessons]'")
            return 1
    settings_dir, per_run = choose_settings_dir(args.settings_dir, args.dry_run)
    if args.settings_dir is not None and not args.dry_run:
        write_locale_override(settings_dir)
    cmd = command(root, settings_dir, per_run, args.no_browser, args.port,
                  getattr(args, "jupyter_args", []) or [])
    prefix = "[dry-run] " if args.dry_run else ""
    print(f"{prefix}Lektionen / lessons: {source}")
    print(f"{prefix}Arbeitsordner / work folder: {root}"
          + (" (Lehrkraft-Fassung mit Lösungen)" if args.teacher else ""))
    for line in lines:
        print(f"{prefix}{line}")
    print(f"{prefix}Sprache / language: de_DE -> {settings_dir / 'overrides.d' / OVERRIDE_NAME}"
          f" {json.dumps(LOCALE_SETTING)}")
    print(f"{prefix}Start: {' '.join(cmd)}")
    if args.dry_run:
        return 0
    env = dict(os.environ)
    try:
        # From inside the work folder: nbgrader's extensions expect their course there.
        root.mkdir(parents=True, exist_ok=True)
        return subprocess.call(cmd, env=env, cwd=root)
    except KeyboardInterrupt:
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m calliope_lib.cli.lab``: the same as ``calliope-mini lab``."""
    parser = argparse.ArgumentParser(prog="calliope-mini")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["lab", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
