"""Build hook: the lessons and worksheet sources travel inside the wheel.

They live at the top of the repository (``lessons/``, ``worksheets/``), where teachers and
authors find them. A wheel has no such place, so building one copies them into
``calliope_lib/_lessons`` and ``calliope_lib/_worksheets``; the code looks there first and
falls back to the repository folders (a checkout, an editable install). Everything else about
the package is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: (folder in the repository, folder inside the installed package)
SHIPPED = (("lessons", "_lessons"), ("worksheets", "_worksheets"))
#: Not for users: the kids' own data, editor leftovers, the lesson authoring sources.
SKIP = shutil.ignore_patterns("meine_*", ".ipynb_checkpoints", "__pycache__", "_src",
                              "make_*.py", ".gitignore")


class BuildPyWithCourse(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository folders directly
        package = Path(self.build_lib) / "calliope_lib"
        for source, target in SHIPPED:
            if (HERE / source).is_dir():
                shutil.copytree(HERE / source, package / target, ignore=SKIP,
                                dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithCourse})
