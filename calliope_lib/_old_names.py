"""Module names from before the three wings, kept working for code written against them.

Until 0.1 everything sat flat in ``calliope_lib``. Course folders made then hold
``from calliope_lib.course.kernel import use_limited_kernel`` in their ``nbgrader_config.py``,
and notebooks hold ``from calliope_lib import lesson``. Both must go on working, so an import
of an old name gives the module under its new name (the very same module object).

New code uses the new names; this table is the only place the old ones appear.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType
from typing import Sequence

#: old module name -> new module name (sub-modules follow their package)
OLD_NAMES = {
    "calliope_lib.lesson": "calliope_lib.teach.lesson",
    "calliope_lib.course": "calliope_lib.teach.course",
    "calliope_lib.diagrams": "calliope_lib.teach.diagrams",
    "calliope_lib.worksheets": "calliope_lib.teach.worksheets",
    "calliope_lib.storage": "calliope_lib.recording.files",
    "calliope_lib.units": "calliope_lib.recording.units",
    "calliope_lib.discovery": "calliope_lib.board.discovery",
    "calliope_lib.firmware": "calliope_lib.workshop.firmware",
    "calliope_lib.hexfile": "calliope_lib.workshop.firmware.hexfile",
    "calliope_lib.emulator": "calliope_lib.workshop.firmware.emulator",
    "calliope_lib.flashing": "calliope_lib.workshop.flashing",
    "calliope_lib.doctor": "calliope_lib.workshop.doctor",
}


def new_name(fullname: str) -> str | None:
    """The new name of an old module name (``calliope_lib.course.kernel`` too), or None."""
    for old, new in OLD_NAMES.items():
        if fullname == old or fullname.startswith(old + "."):
            return new + fullname[len(old):]
    return None


# Plain classes (the import protocol needs only these methods): importlib.abc would cost
# ``import calliope_lib`` 8 ms.
class _Alias:
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        pass  # the module under its new name is already executed


class OldNameFinder:
    """Finds ``calliope_lib.course.kernel`` as ``calliope_lib.teach.course.kernel``."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        new = new_name(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(new))


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once).

    First, because ``calliope_lib.course`` *is* ``calliope_lib.teach.course``: the normal path
    finder would otherwise load ``calliope_lib.course.kernel`` from that package's folder a
    second time, as a different module object.
    """
    if not any(isinstance(f, OldNameFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, OldNameFinder())
