"""Names from before the three wings keep working: notebooks, course folders, scripts.

Each check runs in a fresh interpreter, as a kid's kernel or ``nbgrader autograde`` would
start, because the old names are found by an import hook (``calliope_lib/_old_names.py``).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_course_folder_made_before_keeps_grading(tmp_path):
    """The nbgrader_config.py that `course init` wrote until now, loaded as nbgrader loads it."""
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa\n"
        "from calliope_lib.course.kernel import use_limited_kernel\n"
        "use_limited_kernel(c, memory_mb=1024, cpu_seconds=60)\n")
    out = _run(f"""
        from traitlets.config.loader import PyFileConfigLoader
        import calliope_lib.teach.course.kernel as new
        config = PyFileConfigLoader("nbgrader_config.py", path={str(tmp_path)!r}).load_config()
        import calliope_lib.course.kernel as old
        assert old is new, (old, new)
        assert new.LimitedExecute in config.Autograde.autograde_preprocessors
        print(config.LimitedKernelManager.memory_mb)
    """)
    assert out.split() == ["1024"]


@pytest.mark.parametrize("old, new", [
    ("calliope_lib.lesson", "calliope_lib.teach.lesson"),
    ("calliope_lib.course", "calliope_lib.teach.course"),
    ("calliope_lib.storage", "calliope_lib.recording.files"),
    ("calliope_lib.units", "calliope_lib.recording.units"),
    ("calliope_lib.discovery", "calliope_lib.board.discovery"),
    ("calliope_lib.flashing", "calliope_lib.workshop.flashing"),
    ("calliope_lib.firmware.build", "calliope_lib.workshop.firmware.build"),
])
def test_an_old_module_name_is_the_same_module(old, new):
    _run(f"""
        import importlib, sys
        old = importlib.import_module({old!r})
        assert old is importlib.import_module({new!r})
        assert sys.modules[{old!r}] is sys.modules[{new!r}]
    """)


def test_what_the_lessons_import():
    """The lines at the top of every lesson notebook, and the kid-facing names."""
    _run("""
        import calliope_lib as cl
        from calliope_lib import lesson
        from calliope_lib.sensors import Thermistor, LightSensor, MoistureProbe, SolarCell
        from calliope_lib.storage import load_recording
        assert lesson.__name__ == "calliope_lib.teach.lesson"
        assert cl.load is load_recording
        assert callable(cl.connect) and callable(cl.connect_all)
        assert cl.Recording.__name__ == "Recording" and cl.Board.__name__ == "Board"
    """)


def test_an_unknown_name_still_fails_as_before():
    out = subprocess.run([sys.executable, "-c", "import calliope_lib.nonsense"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "ModuleNotFoundError" in out.stderr
