"""Where a kid's grading kernel runs: a sealed workspace, and an OS sandbox where there is one.

**The workspace** (:func:`make_workspace`) is a fresh temporary folder per kid holding only
the released lesson files (data the notebook reads, never a notebook or ``.py`` file) and the
kid's own measurements, taken by an allow-list: regular files named ``meine_*.csv`` (never a
symlink, a ``.py``, a config file or ``timestamp.txt``). The kernel's working folder, ``HOME``
and ``TMPDIR`` point into it. The course folder is not in it.

**The protection** (:func:`protection`) is what keeps a kernel from everything else:

* ``bwrap`` (Linux with bubblewrap, ``apt install bubblewrap``): the kernel sees the system
  read-only, Python and ``calliope_lib`` read-only (the package's lesson sources with their
  solutions masked), its workspace and nothing of the course; no network; its own process
  namespace (every process it starts ends with it, ``setsid`` double forks included); as
  root it runs as an unprivileged user id of its own (one per parallel kernel).
* ``snapshot`` (Windows, macOS, Linux without bubblewrap): the kernel runs as the teacher in
  its workspace; what grading must not change (gradebook, ``submitted/``, ``source/``,
  ``release/``) is fingerprinted before and checked after every kid, and any change is
  rolled back and reported with the kid's name (:class:`Snapshot`).

:func:`protection_line` is the one line the teacher reads about it.

What each platform gets:

* **Linux with bubblewrap**: all of the above; every process of a kid ends with its kernel
  (PID namespace); memory per kid where a cgroup can be made (:mod:`.limits`), else per
  process (``RLIMIT_AS``).
* **Linux without bubblewrap**: workspace, snapshot and roll-back, the cgroup as above, and
  every process carrying the kid's mark in its environment is ended (:func:`kill_marked`).
* **macOS**: workspace, snapshot and roll-back; ``RLIMIT_AS`` is tried and skipped where
  the system refuses it; the kernel's process group is ended (a ``setsid`` double fork can
  escape).
* **Windows**: workspace, snapshot and roll-back, the per-cell timeout; no memory limit and
  no job object yet.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: the only files of a kid that go into the workspace (besides nothing else)
OWN_DATA_PREFIX = "meine_"
OWN_DATA_SUFFIXES = (".csv",)
#: a kid's own data file larger than this stays out (a recording is a few hundred kB)
MAX_OWN_DATA_BYTES = 20 * 1024 ** 2
#: first unprivileged user id for kernels when grading as root (one id per parallel kernel)
FIRST_UID = 61000
#: environment variable that switches the OS sandbox off (``snapshot`` protection only)
NO_SANDBOX_VAR = "CALLIOPE_GRADE_NO_SANDBOX"


# -- which protection --------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def bwrap_path() -> str | None:
    """The ``bwrap`` program if it exists *and* can start a sandbox here (tried once)."""
    if not sys.platform.startswith("linux") or os.environ.get(NO_SANDBOX_VAR):
        return None
    found = shutil.which("bwrap") or ("/usr/bin/bwrap" if os.path.exists("/usr/bin/bwrap")
                                      else None)
    if not found:
        return None
    probe = [found, *_base_args(), "--", *_drop_to(FIRST_UID), "/bin/true"]
    try:
        ok = subprocess.run(probe, capture_output=True, timeout=20,
                            check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return found if ok else None


def protection() -> str:
    """``"bwrap"`` or ``"snapshot"``."""
    return "bwrap" if bwrap_path() else "snapshot"


def protection_line(lang: str | None = None) -> str:
    """The teacher's one line: which protection is in force."""
    from calliope_lib.messages import t

    return t(f"course.grade.protection_{protection()}", lang)


# -- the workspace -----------------------------------------------------------------------------
def is_own_data(path: Path) -> bool:
    """Whether ``path`` is a kid's measurement by the allow-list (name, type, size)."""
    name = path.name
    if not (name.lower().startswith(OWN_DATA_PREFIX)
            and name.lower().endswith(OWN_DATA_SUFFIXES)):
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_OWN_DATA_BYTES


def lesson_files(released: Path) -> list[Path]:
    """The released lesson's data files a kernel may read (no notebooks, no code)."""
    out = []
    if not released.is_dir():
        return out
    for path in sorted(released.iterdir()):
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or path.name.startswith("."):
            continue
        if path.suffix.lower() in (".ipynb", ".py", ".pyc", ".pth", ".txt") or \
                path.name.lower().startswith(OWN_DATA_PREFIX):
            continue
        out.append(path)
    return out


def make_workspace(base: Path, released: Path, submitted: Path, owner: int | None = None
                   ) -> Path:
    """A new workspace under ``base``: lesson data files plus the kid's own ``meine_*.csv``.

    ``owner``: user id that owns the folder (the sandbox's user when grading as root).
    """
    work = Path(tempfile.mkdtemp(prefix="kind-", dir=base))
    for path in lesson_files(released):
        shutil.copyfile(path, work / path.name)
    if submitted.is_dir():
        for path in sorted(submitted.iterdir()):
            if is_own_data(path) and not (work / path.name).exists():
                shutil.copyfile(path, work / path.name)
    for sub in ("tmp", ".config", ".cache"):
        (work / sub).mkdir(exist_ok=True)
    if owner is not None and hasattr(os, "chown"):
        for path in [work, *work.rglob("*")]:
            os.chown(path, owner, owner, follow_symlinks=False)
    return work


#: environment variable marking every process of one kid's kernel (``snapshot`` protection)
TOKEN_VAR = "CALLIOPE_GRADE_TOKEN"


def kernel_env(workspace: Path, token: str = "") -> dict[str, str]:
    """The kernel's whole environment: nothing of the teacher's (no tokens, no paths)."""
    env = {
        "HOME": str(workspace), "TMPDIR": str(workspace / "tmp"),
        "TEMP": str(workspace / "tmp"), "TMP": str(workspace / "tmp"),
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "agg", "MPLCONFIGDIR": str(workspace / ".config"),
        "IPYTHONDIR": str(workspace / ".config" / "ipython"),
        "JUPYTER_RUNTIME_DIR": str(workspace / ".config" / "jupyter"),
        "XDG_CACHE_HOME": str(workspace / ".cache"),
        "NBGRADER_EXECUTION": "autograde", "CALLIOPE_LESSON_BOARD": "sim",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    if token:
        env[TOKEN_VAR] = token
    for name in ("CALLIOPE_LANG", "CALLIOPE_SIM_SPEED", "SYSTEMROOT", "WINDIR"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


# -- bubblewrap --------------------------------------------------------------------------------
def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _drop_to(uid: int) -> list[str]:
    """As root, inside the sandbox: ``setpriv`` to an unprivileged user id, every capability
    and the right to regain one gone (kid code never runs as root)."""
    if _as_root():
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        return [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return []


def _base_args() -> list[str]:
    # As root, bwrap needs no user namespace; it keeps only the two capabilities setpriv
    # needs to become the unprivileged user. As a normal user: a user namespace.
    who = (["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"] if _as_root()
           else ["--unshare-user"])
    args = [*who, "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for folder in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc"):
        if os.path.lexists(folder):
            if os.path.islink(folder):
                args += ["--symlink", os.readlink(folder), folder]
            else:
                args += ["--ro-bind", folder, folder]
    return args


def _python_folders() -> list[str]:
    """Folders the kernel needs read-only: the interpreter, the venv, ``calliope_lib``."""
    import calliope_lib

    folders = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    folders.add(os.path.realpath(os.path.dirname(calliope_lib.__file__)))
    executable = os.path.realpath(sys.executable)
    if not any(executable.startswith(f + os.sep) for f in folders):
        folders.add(os.path.dirname(executable))
    # keep only the outermost ones ("/usr" covers "/usr/lib/python3")
    ordered = sorted(folders, key=len)
    kept: list[str] = []
    for folder in ordered:
        if not any(folder == k or folder.startswith(k + os.sep) for k in kept):
            kept.append(folder)
    return kept


def _masks(course_root: Path, bound: list[str]) -> list[str]:
    """bwrap arguments that hide the package's lesson sources (solutions!) and the course
    inside the sandbox, even where a bound folder holds them."""
    import calliope_lib

    package = Path(os.path.realpath(os.path.dirname(calliope_lib.__file__)))
    args: list[str] = []
    lessons = package / "teach" / "lessons"
    if lessons.is_dir():
        args += ["--tmpfs", str(lessons)]
    root = course_root.resolve()
    inside = [b for b in bound if b == str(root) or b.startswith(str(root) + os.sep)]
    if not any(str(root).startswith(b + os.sep) or str(root) == b for b in bound):
        return args  # the course is in no bound folder: invisible already
    if not inside:
        return args + ["--tmpfs", str(root)]
    for child in sorted(root.iterdir()):  # a venv inside the course: hide all but that
        if any(b == str(child) or b.startswith(str(child) + os.sep) for b in inside):
            continue
        args += ["--tmpfs", str(child)] if child.is_dir() else ["--ro-bind", "/dev/null",
                                                                 str(child)]
    return args


def _parents(paths: list[str]) -> list[str]:
    """bwrap arguments creating the folders above ``paths`` readable for the kernel's user
    (bwrap would make them 0700, owned by root)."""
    made: list[str] = []
    for path in paths:
        for parent in reversed(Path(path).parents):
            text = str(parent)
            if text not in ("/", "/tmp") and not text.startswith("/usr") and text not in made:
                made.append(text)
    args: list[str] = []
    for folder in made:
        args += ["--perms", "0755", "--dir", folder]
    return args


def sandbox_command(cmd: list[str], workspace: Path, runtime: Path, course_root: Path,
                    uid: int) -> list[str]:
    """``cmd`` (a kernel's argv) run inside bubblewrap, seeing only what it needs."""
    bwrap = bwrap_path()
    assert bwrap is not None
    folders = [f for f in _python_folders()
               if f not in ("/usr", "/lib", "/lib64", "/bin", "/etc") and not f.startswith("/usr/")]
    args = [bwrap, *_base_args(), *_parents([*folders, str(workspace), str(runtime)])]
    for folder in folders:
        args += ["--ro-bind", folder, folder]
    args += _masks(course_root, folders)
    args += ["--bind", str(workspace), str(workspace), "--bind", str(runtime), str(runtime),
             "--chdir", str(workspace), "--clearenv"]
    for key, value in kernel_env(workspace).items():
        args += ["--setenv", key, value]
    return [*args, "--", *_drop_to(uid), *cmd]


def kill_marked(token: str) -> int:
    """Without a sandbox (Linux): end every process whose environment carries ``token`` –
    a kid's ``setsid`` double fork too, unless it cleared its environment. Returns how many.
    Elsewhere the process group of the kernel is all that can be ended."""
    if not token or not os.path.isdir("/proc"):
        return 0
    import signal

    needle = f"{TOKEN_VAR}={token}".encode()
    killed = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if needle in handle.read().split(b"\0"):
                    os.kill(int(entry), signal.SIGKILL)
                    killed += 1
        except (OSError, ValueError):
            continue
    return killed


# -- the fallback: snapshot, verify, roll back ---------------------------------------------------
def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Snapshot:
    """Fingerprints and a copy of what grading must not change (``snapshot`` protection).

    The copy lives outside the course in a temporary folder; :meth:`verify` compares, puts
    back what was changed, deleted or added, and returns the paths (relative to the course).
    """

    root: Path
    keep: Path
    prints: dict[str, tuple[str, int]] = field(default_factory=dict)

    @classmethod
    def take(cls, root: Path, parts: tuple[str, ...] = ("gradebook.db", "submitted", "source",
                                                         "release", "nbgrader_config.py")
             ) -> Snapshot:
        keep = Path(tempfile.mkdtemp(prefix="calliope-snapshot-"))
        snap = cls(root, keep)
        for part in parts:
            path = root / part
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*")
                                                         if p.is_file()) if path.is_dir() else []
            for file in files:
                rel = file.relative_to(root).as_posix()
                snap.prints[rel] = (_digest(file), file.stat().st_mode)
                target = keep / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)
        snap.parts = parts  # type: ignore[attr-defined]
        return snap

    def verify(self, refresh: tuple[str, ...] = ()) -> list[str]:
        """Roll back every change; returns the changed paths. ``refresh``: paths that the
        trusted grading process itself changed since (taken over, not rolled back)."""
        changed: list[str] = []
        seen: set[str] = set()
        for part in self.parts:  # type: ignore[attr-defined]
            path = self.root / part
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*")
                                                         if p.is_file() or p.is_symlink()
                                                         ) if path.is_dir() else []
            for file in files:
                rel = file.relative_to(self.root).as_posix()
                seen.add(rel)
                if rel in refresh:
                    continue
                if file.is_symlink() or rel not in self.prints:
                    file.unlink()
                    changed.append(rel)
                elif _digest(file) != self.prints[rel][0]:
                    shutil.copy2(self.keep / rel, file)
                    changed.append(rel)
        for rel in self.prints:
            if rel not in seen and rel not in refresh:
                target = self.root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.keep / rel, target)
                changed.append(rel)
        return changed

    def close(self) -> None:
        shutil.rmtree(self.keep, ignore_errors=True)
