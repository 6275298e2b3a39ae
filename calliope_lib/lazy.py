"""Names a package offers but imports only on first use, so importing it stays fast.

A package's ``__init__`` lists where each name lives; the module ``__getattr__`` made here
imports that module the first time the name is asked for and keeps the value, so the next
access is a plain attribute::

    __getattr__ = lazy_names(__name__, {"Board": "board", "connect": "opening"})

Type checkers and editors still see the names through an ``if TYPE_CHECKING:`` import
beside it. (``calliope_lib.protocol`` has its own few lines instead: it may import nothing
but the standard library.)
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable, Mapping


def lazy_names(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``package``: ``name`` comes from
    ``package.<where[name]>`` when first asked for."""

    def __getattr__(name: str) -> Any:
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # the next access skips this function
        return value

    return __getattr__
