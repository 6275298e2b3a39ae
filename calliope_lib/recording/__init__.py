"""Recordings: measured values with times and units, and the files they live in.

* :mod:`~calliope_lib.recording.recording`: :class:`Recording`, :class:`Channel`, :class:`Summary`
* :mod:`~calliope_lib.recording.files`: CSV files (save, load, the crash-safe writer), pandas
* :mod:`~calliope_lib.recording.units`: standard channel names, their units and labels
"""

from __future__ import annotations

from calliope_lib.recording.recording import Channel, Recording, Summary

__all__ = ["Channel", "Recording", "Summary"]
