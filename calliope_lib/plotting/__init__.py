"""Plots of recordings: static pictures and a live view while recording.

* :func:`plot_recording` (``rec.plot()``) and :func:`save_plot` (``rec.save_plot("x.png")``):
  one figure with German labels and units, separate axes per unit, gaps as breaks.
* :class:`LivePlot` (``board.record(..., live=True)``): the whole recording so far, growing
  while recording, with the latest values as large numbers. In every notebook (JupyterLab,
  Notebook 7, VS Code, with or without ``%matplotlib widget``) it is a picture replaced in
  place, so it draws while the kernel is busy and its last frame stays in the saved file.
  :mod:`.screens` chooses where it draws, :mod:`.trace` keeps one channel's picture.
* :mod:`.decimate`: min–max decimation (a million values drawn as a few thousand points).
* :mod:`.style`: colours, line styles, labels, shared by both.
* :mod:`.span`: the smallest value range per unit (2 °C, 50 lx...), so no plot zooms into
  noise; :mod:`.marks`: marks and presses of button A, drawn the same way by both.

Plots only read a :class:`~calliope_lib.recording.Recording` (its public reading API:
``rec[name]``, ``rec.since(...)``, ``rec.units``, ``rec.gaps``); they never import the
recording files or the sensors.

Importing this package does not import matplotlib; that happens when something is drawn.
"""

from __future__ import annotations

from calliope_lib.plotting.live import LivePlot
from calliope_lib.plotting.static import plot_recording, save_plot

__all__ = ["LivePlot", "plot_recording", "save_plot"]
