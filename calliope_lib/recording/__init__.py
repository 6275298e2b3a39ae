"""Recordings: measured values with times and units, and the files they live in.

* :mod:`~calliope_lib.recording.recording`: :class:`Recording`, :class:`Channel`, :class:`Summary`
* :mod:`~calliope_lib.recording.files`: CSV files (save, load, the crash-safe writer), pandas;
  the public face of :mod:`.csv_format`, :mod:`.writing`, :mod:`.reading` and :mod:`.table`
* :mod:`~calliope_lib.recording.units`: standard channel names, their units and labels

Data flows one way: the board's session fills a :class:`Recording`; files, sensors and plots
read it. Nothing here imports :mod:`calliope_lib.plotting` or :mod:`calliope_lib.sensors`
except the kid-facing ``rec.plot()``, ``rec.save_plot()`` and ``rec.convert()``, and those
only when called.
"""

from __future__ import annotations

from calliope_lib.recording.recording import Channel, Recording, Summary

__all__ = ["Channel", "Recording", "Summary"]
