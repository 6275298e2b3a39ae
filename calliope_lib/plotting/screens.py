"""Where the live view can draw: a notebook (ipympl or inline images), a desktop window, or
nowhere (a terminal without a desktop, nbgrader grading).

:func:`detect_mode` chooses; ``CALLIOPE_LIVE_PLOT=agg`` (or any mode name in :data:`MODES`)
overrides the choice. Nothing here imports matplotlib at import time.
"""

from __future__ import annotations

import os

from calliope_lib.messages import grading

#: Where to draw; see :mod:`calliope_lib.plotting.live` for what each one means.
MODES = ("ipympl", "inline", "window", "agg", "none")


def detect_mode() -> str:
    """Where to draw: ``CALLIOPE_LIVE_PLOT``, else Jupyter (ipympl/inline), else a window."""
    forced = os.environ.get("CALLIOPE_LIVE_PLOT", "").strip().lower()
    if forced in MODES:
        return forced
    if grading():
        return "none"  # nbgrader: no pictures while grading, they only cost time
    if in_jupyter_kernel():
        import matplotlib

        backend = matplotlib.get_backend().lower()
        return "ipympl" if ("ipympl" in backend or backend == "widget") else "inline"
    return "window" if interactive_backend() else "none"


def in_jupyter_kernel() -> bool:
    """True inside a running Jupyter kernel (not a plain IPython terminal)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def interactive_backend() -> bool:
    """True when matplotlib can open a desktop window (a GUI backend was found)."""
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry

    backend = matplotlib.get_backend().lower()  # resolves "auto": finds Tk/Qt, else Agg
    interactive = {b.lower() for b in backend_registry.list_builtin(BackendFilter.INTERACTIVE)}
    return backend in interactive and backend not in ("webagg", "nbagg")


def show_until_closed() -> None:
    """Keep live-plot windows open until the user closes them (for command-line tools).

    After ``board.record(..., live=True)`` in a script the window would vanish when the
    program ends; call this to let the user look at the finished picture first.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    if plt.get_fignums() and interactive_backend() and matplotlib.get_backend():
        plt.show(block=True)
