"""Memory per kid, not per process: a control group around everything one kernel starts.

``RLIMIT_AS`` (set by the kernel launcher, :mod:`calliope_lib.teach.course.kernel`) limits
each process; four forks of 900 MiB still hold 3.6 GiB together. A control group (Linux)
counts the whole tree. :func:`kid_cgroup` makes one per kid when grading may write to the
cgroup file system (as root, or in a delegated systemd scope):

* cgroup v2 with the ``memory`` controller: ``memory.max``; every process of the kid is
  ended at once through ``cgroup.kill``;
* the v1 ``memory`` hierarchy (hybrid systems, many containers): ``memory.limit_in_bytes``.

Nowhere else (macOS, Windows, a normal user without delegation) is there such a limit: the
sandbox's PID namespace still ends every process with the kernel, and the per-process
limit stays. :func:`describe` says which one is in force.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

_V2_MOUNTS = ("/sys/fs/cgroup", "/sys/fs/cgroup/unified")
_V1_MEMORY = "/sys/fs/cgroup/memory"


def _own_path(kind: str) -> str | None:
    """This process's cgroup path for ``kind`` ("" = v2, "memory" = v1)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        number, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if kind == "" and number == "0" and controllers == "":
            return path
        if kind and kind in controllers.split(","):
            return path
    return None


@dataclass
class KidCgroup:
    """One kid's control group: ``procs`` is the file a process writes its pid into."""

    path: Path
    version: int

    @property
    def procs(self) -> Path:
        return self.path / "cgroup.procs"

    def oom_kills(self) -> int:
        """How many processes the memory limit ended."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            for line in (self.path / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill(self) -> None:
        """End every process in the group."""
        if self.version == 2 and (self.path / "cgroup.kill").exists():
            try:
                (self.path / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for _ in range(20):
            try:
                pids = [int(p) for p in self.procs.read_text().split()]
            except (OSError, ValueError):
                return
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)

    def remove(self) -> None:
        self.kill()
        for _ in range(20):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.05)


def _v2_parent() -> Path | None:
    own = _own_path("")
    if own is None:
        return None
    for mount in _V2_MOUNTS:
        base = Path(mount + own.rstrip("/"))
        controllers = base / "cgroup.controllers"
        try:
            if "memory" in controllers.read_text().split() and os.access(base, os.W_OK):
                return base
        except OSError:
            continue
    return None


def kid_cgroup(name: str, memory_mb: int) -> KidCgroup | None:
    """A new control group with a memory limit for one kid, or ``None`` where there is none."""
    if memory_mb <= 0 or not os.path.isdir("/sys/fs/cgroup"):
        return None
    limit = str(int(memory_mb) * 1024 * 1024)
    parent = _v2_parent()
    if parent is not None:
        try:
            (parent / "cgroup.subtree_control").write_text("+memory")
        except OSError:
            pass
        path = parent / name
        try:
            path.mkdir(exist_ok=True)
            (path / "memory.max").write_text(limit)
            (path / "memory.swap.max").write_text("0") if (path / "memory.swap.max").exists() \
                else None
            return KidCgroup(path, 2)
        except OSError:
            _rmdir(path)
    own = _own_path("memory")
    if own is not None and os.path.isdir(_V1_MEMORY):
        path = Path(_V1_MEMORY + own.rstrip("/")) / name
        try:
            path.mkdir(exist_ok=True)
            (path / "memory.limit_in_bytes").write_text(limit)
            return KidCgroup(path, 1)
        except OSError:
            _rmdir(path)
    return None


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


def remove_leftovers(prefix: str) -> int:
    """End and remove every kid control group whose name starts with ``prefix`` (what a
    grading process killed from outside could not clean up itself). Returns how many."""
    parents = []
    parent = _v2_parent()
    if parent is not None:
        parents.append((parent, 2))
    own = _own_path("memory")
    if own is not None and os.path.isdir(_V1_MEMORY):
        parents.append((Path(_V1_MEMORY + own.rstrip("/")), 1))
    count = 0
    for folder, version in parents:
        try:
            children = [p for p in folder.iterdir() if p.is_dir() and p.name.startswith(prefix)]
        except OSError:
            continue
        for child in children:
            KidCgroup(child, version).remove()
            count += 1
    return count


def describe() -> str:
    """``cgroup2``, ``cgroup1`` or ``process`` (only the per-process limit)."""
    probe = kid_cgroup(f"calliope-probe-{os.getpid()}", 64)
    if probe is None:
        return "process"
    probe.remove()
    return f"cgroup{probe.version}"
