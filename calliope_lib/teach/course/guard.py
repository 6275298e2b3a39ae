"""The grading guard: runs *inside* a kid's grading kernel and undoes tampering before tests.

A test cell runs in the same Python process as the kid's code, so a notebook can change what
the test relies on: redefine ``builtins.abs``, replace ``lesson.passes`` with ``lambda **k:
True``, install an IPython input transformer that drops ``assert`` lines, or hand over an
``int`` subclass whose ``__eq__`` is always true. The grading process
(:mod:`calliope_lib.teach.course.kernel`) therefore talks to this guard around every test
cell, through ``user_expressions`` of a silent execute request (those are evaluated with
``eval`` and never pass through IPython's input transformers):

1. ``setup()`` before the kid's first cell: import the lesson helpers and take references to
   everything tests depend on (the ``builtins`` namespace, IPython's transformer lists and
   hooks, the classes of shell, kernel and session, the lesson modules, ``sys.modules``).
2. ``before_test()`` before each test cell: put every reference back, list what had been
   changed ("Manipulation erkannt: ..."), and install an AST transformer for the test cell
   only. It passes every value a test reads (names, attributes, items, call results)
   through :func:`honest`, which turns a kid-made subclass of ``int``/``float``/``str``/...
   into the plain value it carries (``int.__int__(x)`` ignores an overridden ``__eq__``),
   wraps kid-made functions so their results are made honest too, and makes any other
   kid-made object compare by identity only. So a fake ``__eq__`` fails the test.
3. ``after_test()`` takes the transformer away again, so the kid's own cells run unchanged.

Every answer carries a nonce the grading process chose; a missing or wrong answer means the
guard itself was removed, which is tampering too. This is a guard, not a wall: code in the
same process can always fight back, so the sandbox around the kernel stays the real
protection (it keeps the gradebook and other kids' files out of reach).

The guard's body (``guard_kernel.py``) is not imported by the kernel: its source is sent and
executed in a namespace of its own, reachable under a random name (see :func:`install_code`),
so a kid's ``calliope_lib`` upload cannot replace it.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

#: The modules a lesson's tests use; imported during setup so their functions can be guarded.
LESSON_MODULES = ("calliope_lib.teach.lesson", "calliope_lib.teach.checks", "calliope_lib.teach.tasks",
                  "calliope_lib.teach.hands_on", "math")


def install_code(name: str, nonce: str, workspace: str) -> str:
    """Python source that defines the guard in the kernel as the builtins attribute ``name``.

    The guard's body runs in a namespace of its own (not the kid's ``__main__``)."""
    body = (Path(__file__).with_name("guard_kernel.py")).read_text(encoding="utf-8")
    import os
    import sys

    import calliope_lib

    # where trusted code lives (the same paths inside the sandbox, which binds them as is)
    roots = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
                   | {sys.prefix, sys.base_prefix,
                      os.path.dirname(os.path.realpath(calliope_lib.__file__)),
                      os.path.dirname(calliope_lib.__file__)})
    settings = {"_NONCE": nonce, "_WORKSPACE": workspace, "_NAME": name,
                "_LESSON_MODULES": LESSON_MODULES, "_TRUSTED": tuple(roots),
                "__name__": "_calliope_guard"}
    return (f"def _calliope_install(body={body!r}, settings={settings!r}):\n"
            "    import builtins\n"
            "    namespace = dict(settings)\n"
            "    exec(compile(body, '<calliope-guard>', 'exec'), namespace)\n"
            "    setattr(builtins, settings['_NAME'], namespace['_Guard']())\n"
            "_calliope_install()\n"
            "del _calliope_install\n")


def new_name() -> tuple[str, str]:
    """A random builtins name for the guard and a nonce for its answers."""
    return f"_calliope_guard_{secrets.token_hex(6)}", secrets.token_hex(8)


def parse_answer(reply_content: dict, nonce: str) -> dict | None:
    """The guard's answer in an ``execute_reply`` (``None``: no valid answer came back)."""
    expr = (reply_content.get("user_expressions") or {}).get("g") or {}
    text = (expr.get("data") or {}).get("text/plain", "")
    try:
        answer = json.loads(json.loads(text)) if text.startswith(("'", '"')) else None
    except ValueError:
        try:
            import ast

            answer = json.loads(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return None
    if not isinstance(answer, dict) or answer.get("nonce") != nonce:
        return None
    return answer
