"""The grading guard in a real IPython kernel: tampering undone before a test, honest values.

Quick (one plain kernel, no nbgrader): the kid's cells and the test cells are sent as a
grading run sends them, with the guard's calls around the test cells.
"""

from __future__ import annotations

import pytest
from jupyter_client.manager import start_new_kernel

from calliope_lib.teach.course import guard


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel()
    name, nonce = guard.new_name()
    reply = kc.execute_interactive(guard.install_code(name, nonce, "/nowhere"), timeout=60)
    assert reply["content"]["status"] == "ok"

    def call(method: str) -> dict:
        reply = kc.execute_interactive("", silent=True, timeout=60,
                                       user_expressions={"g": f"{name}.{method}()"})
        answer = guard.parse_answer(reply["content"], nonce)
        assert answer is not None, reply
        return answer

    assert call("setup")["ok"]
    yield kc, call
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def _run(kc, code: str) -> dict:
    outputs: list[dict] = []
    reply = kc.execute_interactive(code, timeout=60,
                                   output_hook=lambda msg: outputs.append(msg))
    errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    return {"status": reply["content"]["status"], "errors": errors, "text": text}


def test_tampering_is_undone_and_named(kernel):
    kc, call = kernel
    kid = _run(kc, """
import builtins, sys
from calliope_lib.teach import lesson
builtins.abs = lambda x: 0
lesson.passes = lambda *a, **k: True
get_ipython().set_custom_exc((AssertionError,), lambda *a, **k: None)
sys.modules['math'] = type(sys)('math')
class Immer(int):
    def __eq__(self, other):
        return True
    __hash__ = int.__hash__
class Alles:
    def __eq__(self, other):
        return True
wert, ding = Immer(0), Alles()
def zaehle():
    return Immer(0)
""")
    assert kid["status"] == "ok", kid
    changed = call("before_test")["changed"]
    for what in ("builtins.abs", "calliope_lib.teach.lesson.passes",
                 "IPython.custom_exceptions", "sys.modules['math']"):
        assert what in changed, changed
    test = _run(kc, """
import math
print(abs(-3), math.sqrt(16), wert == 5, ding == 5, zaehle() == 7)
assert lesson.passes('hallo-aufgabe1', anzahl=-1) is False
assert wert == 5
""")
    assert test["text"].split() == ["3", "4.0", "False", "False", "False"], test
    assert [e["ename"] for e in test["errors"]] == ["AssertionError"]  # not swallowed
    notes = call("after_test")["notes"]
    assert any("Unterklasse von int" in n for n in notes), notes
    # outside test cells the kid's own objects behave as the kid wrote them
    assert _run(kc, "print(wert == 5)")["text"].strip() == "True"


def test_an_honest_kernel_reports_nothing(kernel):
    kc, call = kernel
    call("before_test")  # (after the tampering test: everything is back now)
    _run(kc, "import numpy as np\nwerte = [1.5, 2.5]\nimport matplotlib\n")
    assert call("before_test")["changed"] == []
    test = _run(kc, "assert np.isclose(sum(werte) / len(werte), 2.0)\nprint('ok')")
    assert test["text"].strip() == "ok" and not test["errors"]
    assert call("after_test")["notes"] == []
