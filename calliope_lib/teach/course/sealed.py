"""Running one kid's notebook sealed off, and handing the result to nbgrader's own scoring.

Grading a kid happens in two halves that never mix:

1. **Execution** (:func:`execute_kid`, in a process of its own per kid): the submitted
   notebook is prepared exactly as ``nbgrader autograde`` prepares it (nbgrader's own
   sanitising steps: outputs cleared, locked and test cells restored from the gradebook,
   hidden tests put back), then run by :class:`SealedExecute` (nbgrader's ``Execute``) in a
   kernel that lives in the kid's temporary workspace, inside the sandbox of
   :mod:`calliope_lib.teach.course.sandbox` when there is one. Around every test cell the
   grading guard (:mod:`calliope_lib.teach.course.guard`) undoes tampering. The result is
   the executed notebook (as data) plus notes for the teacher.
2. **Scoring** (in the teacher's ``course grade`` process): nbgrader's ``autograde`` runs as
   usual, except that its ``Execute`` step is :class:`ReplayExecute`, which fills in the
   outputs from step 1 instead of starting a kernel. Points, the gradebook and
   ``autograded/`` are therefore written by nbgrader's code, in the trusted process only.

A kernel that dies (``os._exit``, memory) or hangs (a loop that ignores the interrupt) ends
the execution; every test cell not run by then gets an error output, so it can never count
as passed.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells

from calliope_lib.teach.course import guard as guard_mod
from calliope_lib.teach.course import limits, sandbox
from calliope_lib.teach.course.kernel import LimitedKernelManager

#: seconds a guard call may take before the guard counts as removed
GUARD_TIMEOUT = 15
#: seconds a kernel gets to answer after its cell was interrupted for a timeout
AFTER_INTERRUPT = 5


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade"))


def _grade_id(cell: NotebookNode) -> str:
    return str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))


def _error(ename: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=text,
                        traceback=[f"{ename}: {text}"])


class SealedKernelManager(LimitedKernelManager):
    """A limited kernel with its connection over Unix sockets in ``runtime``, started in
    ``workspace`` (inside bubblewrap where there is one) with a clean environment."""

    def __init__(self, *args: Any, workspace: Path, runtime: Path, course_root: Path,
                 uid: int | None, cgroup_procs: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace, self.runtime, self.course_root, self.uid = (
            workspace, runtime, course_root, uid)
        self.cgroup_procs = cgroup_procs
        if os.name == "posix":
            self.transport = "ipc"
            self.ip = str(runtime / "k")
        self.connection_file = str(runtime / "kernel.json")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # the plain kernel command, then our wrappers (sandbox inside the limits)
        cmd = super(LimitedKernelManager, self).format_kernel_cmd(extra_arguments)
        if self.uid is not None and hasattr(os, "chown"):
            os.chown(self.connection_file, self.uid, self.uid)
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"  # a signal would hit bwrap, not Python
        if sandbox.bwrap_path():
            cmd = sandbox.sandbox_command(cmd, self.workspace, self.runtime, self.course_root,
                                          self.uid if self.uid is not None else
                                          sandbox.FIRST_UID)
        from calliope_lib.teach.course.kernel import limited_command

        return limited_command(cmd, self.memory_mb, self.cpu_seconds, self.cgroup_procs)


class SealedExecute(Execute):
    """nbgrader's ``Execute`` in a sealed kernel, with the grading guard around test cells.

    After :meth:`preprocess`, ``notes`` lists what the teacher should know (German keys of
    :mod:`calliope_lib.teach.course.texts` with their fields).
    """

    def __init__(self, *args: Any, workspace: Path, runtime: Path, course_root: Path,
                 uid: int | None, token: str = "", cgroup_procs: str = "",
                 **kwargs: Any) -> None:
        kwargs["kernel_manager_class"] = SealedKernelManager
        # nothing in the kernel is needed afterwards: end it at once (and all it started)
        kwargs.setdefault("shutdown_kernel", "immediate")
        super().__init__(*args, **kwargs)
        self._where = {"workspace": workspace, "runtime": runtime, "course_root": course_root,
                       "uid": uid, "cgroup_procs": cgroup_procs}
        self.notes: list[tuple[str, dict[str, Any]]] = []
        self._guard_name, self._nonce = guard_mod.new_name()
        #: marks the kernel's processes (see :func:`sandbox.kill_marked`)
        self.token = token or self._nonce
        self._guard_ready = False
        self._stopped: str | None = None

    def create_kernel_manager(self) -> Any:
        if not self.kernel_name:  # as nbclient does: the notebook's kernel
            self.kernel_name = self.nb.metadata.get("kernelspec", {}).get("name") or ""
        named = {"kernel_name": self.kernel_name} if self.kernel_name else {}
        self.km = self.kernel_manager_class(config=self.config, **named, **self._where)
        return self.km

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        kwargs.setdefault("env", sandbox.kernel_env(Path(self._where["workspace"]),
                                                    self.token))
        kwargs["cwd"] = str(self._where["workspace"])
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    # -- talking to the guard ---------------------------------------------------------------
    async def _ask(self, code: str, expression: str | None, timeout: float) -> dict | None:
        assert self.kc is not None
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"g": expression} if expression else {})
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=left)
            except (queue.Empty, asyncio.TimeoutError):
                return None
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg.get("content", {})

    async def _guard(self, method: str) -> dict | None:
        reply = await self._ask("", f"{self._guard_name}.{method}()", GUARD_TIMEOUT)
        return guard_mod.parse_answer(reply, self._nonce) if reply else None

    async def _install_guard(self) -> None:
        code = guard_mod.install_code(self._guard_name, self._nonce,
                                      str(self._where["workspace"]))
        reply = await self._ask(code, None, GUARD_TIMEOUT * 2)
        answer = await self._guard("setup") if reply and reply.get("status") == "ok" else None
        self._guard_ready = answer is not None
        if not self._guard_ready:
            self.notes.append(("course.grade.guard_failed", {}))

    # -- cells --------------------------------------------------------------------------------
    async def async_execute_cell(self, cell: NotebookNode, cell_index: int,
                                 execution_count: int | None = None,
                                 store_history: bool = True) -> NotebookNode:
        if self._stopped:
            if _is_test(cell):
                cell.outputs = [_error("NichtAusgefuehrt", self._stopped)]
            return cell
        if not hasattr(self, "_installed"):  # before the kid's first cell
            self._installed = True
            await self._install_guard()
        test = _is_test(cell)
        if test and self._guard_ready:
            answer = await self._guard("before_test")
            if answer is None:
                self.notes.append(("course.grade.guard_removed", {"task": _grade_id(cell)}))
                self._guard_ready = False
            elif answer.get("changed"):
                self.notes.append(("course.grade.tampering",
                                   {"task": _grade_id(cell),
                                    "what": ", ".join(answer["changed"][:6])}))
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        except DeadKernelError as exc:
            self._stop(cell, "course.grade.kernel_died", type(exc).__name__)
            return cell
        except Exception as exc:  # noqa: BLE001  (no output after the interrupt: stuck)
            self._stop(cell, "course.grade.kernel_stuck", type(exc).__name__)
            if self.km is not None:  # it ignores the interrupt: end it (and all it started)
                await self.km.shutdown_kernel(now=True)
            return cell
        timed_out = any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError"
                        for o in cell.get("outputs", []))
        if timed_out:
            probe = await self._ask("", None, AFTER_INTERRUPT)
            if probe is None:
                self._stop(cell, "course.grade.kernel_stuck", "")
                if self.km is not None:  # it ignores the interrupt: end it (and all it started)
                    await self.km.shutdown_kernel(now=True)
                return cell
        if test and self._guard_ready:
            answer = await self._guard("after_test")
            if answer is None:
                self.notes.append(("course.grade.guard_removed", {"task": _grade_id(cell)}))
                self._guard_ready = False
            elif answer.get("notes"):
                self.notes.append(("course.grade.tampering",
                                   {"task": _grade_id(cell),
                                    "what": ", ".join(answer["notes"][:4])}))
        return cell

    # nbclient binds the sync names to its own async methods: bind them to ours
    execute_cell = run_sync(async_execute_cell)

    def _stop(self, cell: NotebookNode, key: str, why: str) -> None:
        """The kernel is gone or stuck: this and every later test cell fail."""
        from calliope_lib.messages import t

        self._stopped = t(key + "_cell", None, task=_grade_id(cell) or "?", why=why)
        if not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell.setdefault("outputs", []).append(_error("KernelBeendet", self._stopped))
        self.notes.append((key, {"task": _grade_id(cell) or f"Zelle {cell.get('id', '?')}"}))


class ReplayExecute(NbGraderPreprocessor):
    """nbgrader's ``Execute`` step replaced: the outputs come from :func:`execute_kid`.

    ``ReplayExecute.executed[(student, notebook)]`` holds the executed notebook; cells are
    matched by position and must have the same sources (else grading this kid fails).
    """

    executed: ClassVar[dict[tuple[str, str], NotebookNode]] = {}

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        key = (resources["nbgrader"]["student"], resources["nbgrader"]["notebook"])
        done = self.executed.get(key)
        if done is None:
            raise RuntimeError(f"no sealed run for {key}")
        if len(done.cells) != len(nb.cells) or any(
                a.get("source") != b.get("source") for a, b in zip(done.cells, nb.cells)):
            raise RuntimeError("the sealed run does not match the notebook")
        for mine, theirs in zip(nb.cells, done.cells):
            if mine.get("cell_type") == "code":
                mine.outputs = theirs.get("outputs", [])
                mine.execution_count = theirs.get("execution_count")
        nb.metadata.update({k: v for k, v in done.metadata.items() if k == "language_info"})
        return nb, resources


class RestoreDeletedCells(OverwriteCells):
    """nbgrader's ``OverwriteCells`` with a sturdier way of putting deleted test cells back.

    nbgrader 0.9.6 puts a missing test cell after the cell before it in the lesson, and
    fails with ``KeyError`` when that cell is an ordinary locked text cell or was deleted
    too (an honest kid who deleted only the own-data test cell could not be graded). Here
    the cell goes after the nearest earlier lesson cell the kid still has (or first).
    """

    def add_missing_grade_cells(self, nb: NotebookNode, resources: dict
                                ) -> tuple[NotebookNode, dict]:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source_nb.source_cells]
        solutions = {cell.name for cell in source_nb.solution_cells}

        by_source: dict[str, list[int]] = {}
        for i, cell in enumerate(nb.cells):
            by_source.setdefault(_text(cell.get("source", "")).strip(), []).append(i)

        def where() -> dict[str, int]:
            """Lesson cell name -> position in the kid's notebook: by nbgrader id, else (the
            metadata was stripped) by an unchanged source text."""
            found: dict[str, int] = {}
            for i, cell in enumerate(nb.cells):
                grade_id = (cell.get("metadata") or {}).get("nbgrader", {}).get("grade_id")
                if grade_id and grade_id not in found:
                    found[grade_id] = i
            taken = set(found.values())
            for source_cell in source_nb.source_cells:
                if source_cell.name in found:
                    continue
                text = _text(source_cell.source).strip()
                spots = [i for i in by_source.get(text, []) if i not in taken] if text else []
                if spots:
                    found[source_cell.name] = spots[0]
                    taken.add(spots[0])
            return found

        for grade_cell in sorted(source_nb.grade_cells,
                                 key=lambda c: order.index(c.name) if c.name in order else 0):
            present = where()
            labelled = {(c.get("metadata") or {}).get("nbgrader", {}).get("grade_id")
                        for c in nb.cells}
            if grade_cell.name in labelled or grade_cell.name not in order:
                continue  # (a cell found only by its text still counts as missing)
            self.log.warning("Missing grade cell %s encountered, adding to notebook",
                             grade_cell.name)
            source = next(c for c in source_nb.source_cells if c.name == grade_cell.name)
            cell = self.missing_cell_transform(source, grade_cell.max_score,
                                               is_solution=grade_cell.name in solutions)
            at = len(nb.cells)  # before the next lesson cell the kid still has, else at the end
            place = order.index(grade_cell.name)
            later = [present[n] for n in order[place + 1:] if n in present]
            earlier = [present[n] for n in order[:place] if n in present]
            if later:
                at = min(later)
            elif earlier:
                at = max(earlier) + 1
            nb.cells.insert(at, cell)
            by_source = {}
            for i, kid_cell in enumerate(nb.cells):
                by_source.setdefault(_text(kid_cell.get("source", "")).strip(), []).append(i)
        return nb, resources

    def add_missing_task_cells(self, nb: NotebookNode, resources: dict
                               ) -> tuple[NotebookNode, dict]:
        # nbgrader's version fails on a cell whose nbgrader metadata lacks a grade_id
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        if not source_nb.task_cells:
            return nb, resources
        try:
            return super().add_missing_task_cells(nb, resources)
        except KeyError:
            return nb, resources


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


class KeepOriginalOfCopies(NbGraderPreprocessor):
    """Before nbgrader's ``DeduplicateIds``: of several cells with one ``grade_id`` (a kid
    copied a task or test cell), keep the one whose text is the lesson's (else the last) and
    make the others ordinary cells. nbgrader would keep the first, so a test cell copied
    above the answer would be graded before the answer exists."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from nbgrader.api import Gradebook, MissingEntry

        self.notes: list[tuple[str, dict[str, Any]]] = []
        groups: dict[str, list[int]] = {}
        for i, cell in enumerate(nb.cells):
            grade_id = (cell.get("metadata") or {}).get("nbgrader", {}).get("grade_id")
            if grade_id:
                groups.setdefault(grade_id, []).append(i)
        copied = {gid: spots for gid, spots in groups.items() if len(spots) > 1}
        if not copied:
            return nb, resources
        originals: dict[str, str] = {}
        try:
            with Gradebook(resources["nbgrader"]["db_url"]) as gb:
                notebook = gb.find_notebook(resources["nbgrader"]["notebook"],
                                            resources["nbgrader"]["assignment"])
                originals = {c.name: _text(c.source).strip() for c in notebook.source_cells}
        except (MissingEntry, KeyError):
            pass
        for grade_id, spots in copied.items():
            same = [i for i in spots if _text(nb.cells[i].get("source")).strip()
                    == originals.get(grade_id)]
            keep = same[-1] if same else spots[-1]
            for i in spots:
                if i != keep:
                    nb.cells[i].metadata.pop("nbgrader", None)
            self.notes.append(("course.grade.copied_cell", {"task": grade_id,
                                                            "count": len(spots)}))
        return nb, resources


def sanitize_chain() -> list[type]:
    """nbgrader's sanitising steps, with :class:`RestoreDeletedCells` for ``OverwriteCells``."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import DeduplicateIds

    default = Autograde.class_traits()["sanitize_preprocessors"].default()
    chain: list[type] = []
    for pp in default:
        if pp is DeduplicateIds:
            chain.append(KeepOriginalOfCopies)
        chain.append(RestoreDeletedCells if pp is OverwriteCells else pp)
    return chain


def autograde_chain() -> list[type]:
    """nbgrader's autograde steps with ``Execute`` (or our limited one) replaced by replay."""
    from nbgrader.converters.autograde import Autograde

    default = Autograde.class_traits()["autograde_preprocessors"].default()
    chain = [ReplayExecute if isinstance(pp, type) and issubclass(pp, Execute) else pp
             for pp in default]
    if ReplayExecute not in chain:
        raise RuntimeError("nbgrader's Autograde has no Execute step to replace")
    return chain


def _memory_mb(config: Any) -> int:
    try:
        return int(config.LimitedKernelManager.memory_mb)
    except (AttributeError, TypeError, ValueError, KeyError):
        from calliope_lib.teach.course.config import DEFAULT_MEMORY_MB

        return DEFAULT_MEMORY_MB


def execute_kid(config: Any, course_root: Path, lesson: str, student: str,
                notebooks: list[str], uid: int | None, base: Path, token: str = ""
                ) -> dict[str, Any]:
    """Run the kid's notebooks sealed; returns ``{"notebooks": {name: json}, "notes": [...]}``.

    Runs in its own process (a crash here fails only this kid). ``base``: a temporary folder
    for workspaces, removed by the caller.
    """
    import nbformat

    submitted = course_root / "submitted" / student / lesson
    released = course_root / "release" / lesson
    db_url = config.CourseDirectory.db_url if "db_url" in config.CourseDirectory else \
        f"sqlite:///{course_root / 'gradebook.db'}"
    out: dict[str, Any] = {"notebooks": {}, "notes": []}
    sanitize = sanitize_chain()
    for name in notebooks:
        workspace = sandbox.make_workspace(base, released, submitted, uid)
        runtime = Path(tempfile.mkdtemp(prefix="rt-", dir=base))
        if uid is not None and hasattr(os, "chown"):
            os.chown(runtime, uid, uid)
        try:
            nb = nbformat.read(str(submitted / f"{name}.ipynb"), as_version=4)
            resources: dict[str, Any] = {
                "nbgrader": {"student": student, "assignment": lesson, "notebook": name,
                             "db_url": db_url},
                "metadata": {"path": str(workspace)}, "unique_key": name}
            for pp in sanitize:
                step = pp(config=config)
                nb, resources = step.preprocess(nb, resources)
                out["notes"].extend(getattr(step, "notes", []))
            group = limits.kid_cgroup(f"calliope-{token or os.getpid()}-{name}"[:80],
                                      _memory_mb(config))
            executor = SealedExecute(config=config, workspace=workspace, runtime=runtime,
                                     course_root=course_root, uid=uid, token=token,
                                     cgroup_procs=str(group.procs) if group else "")
            os.environ["NBGRADER_EXECUTION"] = "autograde"
            try:
                nb, resources = executor.preprocess(nb, resources)
            finally:
                sandbox.kill_marked(executor.token)
                if group is not None:
                    if group.oom_kills():
                        executor.notes.append(("course.grade.memory_kid",
                                               {"mb": _memory_mb(config)}))
                    group.remove()  # ends whatever is left, then the group
            out["notebooks"][name] = nbformat.writes(nb)
            out["notes"].extend(executor.notes)
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
            shutil.rmtree(runtime, ignore_errors=True)
    return out
