"""Grading kernels with limits: kids' code may loop forever or eat all memory.

nbgrader runs each submitted notebook in a fresh Jupyter kernel as the teacher's user. Two
limits keep one notebook from harming the grading computer:

* **time per cell**: ``Execute.timeout`` (nbgrader's own setting). An endless loop is
  interrupted after that many seconds; its cell gets an error and its task zero points.
* **memory and CPU per kernel**: the kernel process starts through a tiny launcher that sets
  ``RLIMIT_AS`` (address space; ``MemoryError`` inside the kid's code instead of a frozen
  machine) and ``RLIMIT_CPU`` (a last backstop if a loop ignores the interrupt), then
  replaces itself with the real kernel (``os.execv``: same process, so interrupts still
  reach it). The launcher also pins BLAS/OpenMP to one thread, because grading already runs
  one kernel per CPU core.

How it is wired: nbgrader's ``Execute`` preprocessor hard-codes its kernel manager class, so
configuring ``Execute.kernel_manager_class`` has no effect. :func:`use_limited_kernel`
therefore swaps ``Execute`` for :class:`LimitedExecute` in ``Autograde.autograde_preprocessors``;
``nbgrader_config.py`` calls it, so the limits hold for ``calliope-mini course grade``, for
``nbgrader autograde`` and for the formgrader alike::

    from calliope_lib.teach.course.kernel import use_limited_kernel
    use_limited_kernel(c, memory_mb=2048, cpu_seconds=600)

On Windows (no ``resource`` module) the kernel starts without memory and CPU limits; the
per-cell timeout still works.
"""

from __future__ import annotations

import sys
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Integer

#: The launcher: set limits, silence the kernel's own stdout/stderr (ipykernel's start-up
#: chatter would garble the progress bar; the kid's output travels over ZeroMQ anyway), exec.
LAUNCHER = """\
import os, sys
mem, cpu, group = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
cmd = sys.argv[4:]
if group != "-":
    # join the kid's control group before anything else runs: its limit counts every process
    try:
        with open(group, "w") as handle:
            handle.write(str(os.getpid()))
    except OSError:
        pass
try:
    import resource
except ImportError:
    resource = None
def limit(name, value):
    # macOS raises (or ignores) RLIMIT_AS; a limit that cannot be set is skipped, not fatal
    try:
        resource.setrlimit(getattr(resource, name), value)
    except (AttributeError, ValueError, OSError):
        pass
if resource is not None and mem > 0:
    limit("RLIMIT_AS", (mem, mem))
if resource is not None and cpu > 0:
    limit("RLIMIT_CPU", (cpu, cpu + 10))
if sys.platform.startswith("linux"):
    # the kernel (and the sandbox) die with the grading process that started them
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
null = os.open(os.devnull, os.O_WRONLY)
os.dup2(null, 1)
os.dup2(null, 2)
os.execv(cmd[0], cmd)
"""


def limited_command(cmd: list[str], memory_mb: int, cpu_seconds: int,
                    cgroup_procs: str = "") -> list[str]:
    """``cmd`` (a kernel's argv) wrapped in the limiting launcher; ``cgroup_procs``: the
    ``cgroup.procs`` file of the kid's control group (:mod:`.limits`) to join first."""
    if sys.platform == "win32":
        return list(cmd)
    # -S: no site import, the launcher needs only os/resource and starts in ~15 ms.
    return [sys.executable, "-S", "-c", LAUNCHER, str(max(0, memory_mb) * 1024 * 1024),
            str(max(0, cpu_seconds)), cgroup_procs or "-", *cmd]


class LimitedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start with memory and CPU limits.

    Configure with ``c.LimitedKernelManager.memory_mb`` and ``.cpu_seconds`` (0 = no limit).
    """

    memory_mb = Integer(2048, help="Address-space limit of the kernel in MiB (0: none)").tag(
        config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of the kernel in seconds (0: none)").tag(
        config=True)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        return limited_command(cmd, self.memory_mb, self.cpu_seconds)


class LimitedExecute(Execute):
    """nbgrader's ``Execute`` with :class:`LimitedKernelManager` (reads ``c.Execute.*`` too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(*args, **kwargs)


def use_limited_kernel(c: Any, memory_mb: int = 2048, cpu_seconds: int = 600) -> None:
    """Make nbgrader (configuration ``c``) grade in :class:`LimitedExecute` kernels."""
    from nbgrader.converters.autograde import Autograde

    default = Autograde.class_traits()["autograde_preprocessors"].default()
    chain = [LimitedExecute if pp is Execute else pp for pp in default]
    if LimitedExecute not in chain:  # a future nbgrader changed the chain: fail loudly
        raise RuntimeError("nbgrader's Autograde has no Execute step to limit")
    c.Autograde.autograde_preprocessors = chain
    c.LimitedKernelManager.memory_mb = int(memory_mb)
    c.LimitedKernelManager.cpu_seconds = int(cpu_seconds)
