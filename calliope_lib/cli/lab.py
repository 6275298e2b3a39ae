"""``calliope-mini lab``: JupyterLab in German on the lessons (what ``make lab`` runs).

What it does, in this order:

1. **A work folder for the kid** (default ``~/Calliope-Lektionen``): every lesson folder of
   the course is copied there once, as the *student version* (solutions and hidden tests
   removed by nbgrader's ``generate_assignment``, German placeholders "DEIN CODE HIER": the
   same notebooks ``course release`` hands out). A lesson
   that is already there is left alone, so a kid's answers and ``meine_*.csv`` files are never
   overwritten; reference data files that are missing are added.
   ``--teacher`` opens the source lessons with solutions instead.
2. **A kids' JupyterLab**, set up for this launch only in a per-run settings folder (a copy
   of the installed ``overrides.json`` / ``overrides.d``, removed when JupyterLab ends; a
   teacher's own JupyterLab stays as it is):

   * **German**: the installed language pack (``jupyterlab-language-pack-de-DE``) is switched
     on with ``{"@jupyterlab/translation-extension:plugin": {"locale": "de_DE"}}`` in
     ``overrides.d/calliope-lib.json``;
   * **no news pop-up** ("Would you like to get notified about official Jupyter news?"):
     ``fetchNews`` and ``checkForUpdates`` are off in the same file;
   * **widgets saved with the notebook** (``saveState``): a ``%matplotlib widget`` figure
     still shows after the notebook is reopened (no "Error displaying widget");
   * **no teacher tools**: nbgrader's JupyterLab extension (the "Nbgrader" menu, "Create
     Assignment", the formgrader, the "Validate" button) is disabled in a per-run
     ``labconfig/page_config.json`` found through ``JUPYTER_CONFIG_PATH`` (the highest
     priority; it also covers the Notebook 7 view behind the "Notebook" button), and
     nbgrader's server extensions are switched off on the command line
     (``--ServerApp.jpserver_extensions``). ``--teacher`` keeps them;
   * **messages wrap between words**: JupyterLab breaks output lines anywhere
     (``word-break: break-all``: "echt w|irkende"); our rule in Jupyter's ``custom.css``
     (``~/.jupyter/custom/custom.css``, added once, a teacher's own rules stay) wraps them at
     spaces instead. JupyterLab reads that file only when started with
     ``--LabApp.custom_css=True``, which this launch does.
3. **JupyterLab** starts on the work folder (``python -m jupyterlab``); as root (a container,
   a CI runner) with ``--allow-root``, which Jupyter demands there.

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
#: No "get notified about official Jupyter news?" pop-up (it covers plots on small screens).
NEWS_OFF = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                             "checkForUpdates": False}}
#: Widgets (``%matplotlib widget`` figures) keep their state in the saved notebook, so a
#: reopened notebook shows the figure instead of "Error displaying widget: model not found".
WIDGET_STATE = {"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True}}
#: Everything our override file sets.
SETTINGS = {**LOCALE_SETTING, **NEWS_OFF, **WIDGET_STATE}
#: JupyterLab extensions a kid does not get: nbgrader's teacher menus and buttons.
KIDS_DISABLED_LABEXTENSIONS = ("@jupyter/nbgrader",)
#: nbgrader's server extensions (formgrader, assignment list...), off for kids.
KIDS_DISABLED_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
#: Marks our rule in ``custom.css`` (added once).
CSS_MARKER = "/* calliope-mini lab: messages wrap between words"
#: Output text wraps between words (JupyterLab's own rule breaks words anywhere).
CUSTOM_CSS = CSS_MARKER + """, long words only when they must.
   (More specific than JupyterLab's rule, whose style sheet comes later.) */
.jp-OutputArea .jp-OutputArea-output pre {
  word-break: normal;
  overflow-wrap: anywhere;
}
"""
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
    """Write our ``overrides.d`` file (German, no news) into ``settings_dir``; returns it."""
    path = settings_dir / "overrides.d" / OVERRIDE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
    return path


def write_launch_settings(settings_dir: Path, teacher: bool) -> Path | None:
    """Everything this launch needs in ``settings_dir``: the overrides and, for kids, a
    Jupyter config folder whose ``labconfig/page_config.json`` disables nbgrader's
    extension. Returns that config folder (for ``JUPYTER_CONFIG_PATH``), None for teachers."""
    write_locale_override(settings_dir)
    if teacher:
        return None
    config = settings_dir / "jupyter-config"
    page_config = config / "labconfig" / "page_config.json"
    page_config.parent.mkdir(parents=True, exist_ok=True)
    page_config.write_text(json.dumps(
        {"disabledExtensions": {name: True for name in KIDS_DISABLED_LABEXTENSIONS}},
        indent=2) + "\n", encoding="utf-8")
    return config


def custom_css_path() -> Path:
    """Jupyter's ``custom.css``: ``<Jupyter config folder>/custom/custom.css``."""
    from jupyter_core.paths import jupyter_config_dir

    return Path(jupyter_config_dir()) / "custom" / "custom.css"


def ensure_custom_css(path: Path) -> bool:
    """Add our wrapping rule to ``path`` unless it is there; returns whether it changed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if CSS_MARKER in text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + ("\n" if text and not text.endswith("\n") else "") + CUSTOM_CSS,
                    encoding="utf-8")
    return True


def per_run_settings_dir(default: Path) -> Path:
    """A fresh settings folder for one launch, starting from the installed overrides."""
    per_run = Path(tempfile.mkdtemp(prefix="calliope-lab-settings-"))
    existing = default / "overrides.json"
    if existing.exists():
        shutil.copy2(existing, per_run / "overrides.json")
    if (default / "overrides.d").is_dir():
        shutil.copytree(default / "overrides.d", per_run / "overrides.d")
    return per_run


def choose_settings_dir(explicit: Path | None, dry_run: bool) -> tuple[Path, bool]:
    """The app settings folder to use, and whether it was made for this run (and is removed
    afterwards): ``--settings-dir`` if given, else a per-run copy of the installed one."""
    if explicit is not None:
        return explicit, False
    if dry_run:
        return Path(tempfile.gettempdir()) / "calliope-lab-settings-XXXX", True
    return per_run_settings_dir(default_settings_dir()), True


def command(root: Path, settings_dir: Path, no_browser: bool, port: int | None,
            extra: Sequence[str] = (), teacher: bool = False,
            as_root: bool | None = None) -> list[str]:
    """The JupyterLab command line."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
           f"--LabApp.app_settings_dir={settings_dir}",
           f"--JupyterNotebookApp.app_settings_dir={settings_dir}",  # the Notebook 7 view
           "--LabApp.custom_css=True"]
    if not teacher:
        cmd += [f"--ServerApp.jpserver_extensions={name}=False"
                for name in KIDS_DISABLED_SERVER_EXTENSIONS]
    if no_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--port={port}")
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if as_root and "--allow-root" not in extra:
        cmd.append("--allow-root")  # Jupyter refuses to run as root without it
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
    css = custom_css_path()
    config: Path | None = None
    if not args.dry_run:
        config = write_launch_settings(settings_dir, args.teacher)
        try:
            ensure_custom_css(css)
        except OSError:
            pass  # a read-only home: words may break, everything else works
    cmd = command(root, settings_dir, args.no_browser, args.port,
                  getattr(args, "jupyter_args", []) or [], teacher=args.teacher)
    prefix = "[dry-run] " if args.dry_run else ""
    print(f"{prefix}Lektionen / lessons: {source}")
    print(f"{prefix}Arbeitsordner / work folder: {root}"
          + (" (Lehrkraft-Fassung mit Lösungen)" if args.teacher else ""))
    for line in lines:
        print(f"{prefix}{line}")
    print(f"{prefix}Sprache / language: de_DE -> {settings_dir / 'overrides.d' / OVERRIDE_NAME}"
          f" {json.dumps(SETTINGS)}")
    print(f"{prefix}Zeilenumbruch zwischen Wörtern / wrap between words: {css}")
    if not args.teacher:
        print(f"{prefix}Ohne Lehrkraft-Werkzeuge / without teacher tools: "
              f"{', '.join(KIDS_DISABLED_LABEXTENSIONS + KIDS_DISABLED_SERVER_EXTENSIONS)}")
    print(f"{prefix}Start: {' '.join(cmd)}")
    if args.dry_run:
        return 0
    env = dict(os.environ)
    if config is not None:  # first in JUPYTER_CONFIG_PATH: the highest priority
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            p for p in (str(config), env.get("JUPYTER_CONFIG_PATH", "")) if p)
    try:
        # From inside the work folder: nbgrader's extensions expect their course there.
        root.mkdir(parents=True, exist_ok=True)
        return subprocess.call(cmd, env=env, cwd=root)
    except KeyboardInterrupt:
        return 0
    finally:
        if per_run:
            shutil.rmtree(settings_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m calliope_lib.cli.lab``: the same as ``calliope-mini lab``."""
    parser = argparse.ArgumentParser(prog="calliope-mini")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["lab", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
