"""Our udev rule for Linux: the one rule file, shipped as package data beside this module.

``99-calliope-mini.rules`` (in this folder) lets every logged-in user open the boards' serial
ports and keeps ModemManager away from them; the Calliope mini 2.x (SEGGER J-Link OB, USB
vendor 1366) usually needs it. ``calliope-mini doctor`` checks whether such a rule is
installed and ``calliope-mini doctor --udev-rule`` prints this file.

The file is read with :mod:`importlib.resources`, so it is found in a checkout, in an
installed wheel and in a zipped install alike.

>>> 'ATTRS{idVendor}=="1366"' in rule_text()
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The file name, also the name it gets in ``/etc/udev/rules.d``.
RULE_NAME = "99-calliope-mini.rules"


def rule_text() -> str:
    """The text of our rule file."""
    return resources.files(__name__).joinpath(RULE_NAME).read_text(encoding="utf-8")


def rule_path() -> str | None:
    """The rule file's path on disk, for a ``sudo cp`` line; None when the package is zipped."""
    resource = resources.files(__name__).joinpath(RULE_NAME)
    return str(resource) if isinstance(resource, Path) and resource.is_file() else None
