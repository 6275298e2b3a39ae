"""macOS: every mounted volume sits in ``/Volumes``; the folder name is the volume label.

Imported only on macOS. A second board's drive is ``/Volumes/MINI 1``, a third
``/Volumes/MINI 2`` (Finder appends a number to a label it already has).
"""

from __future__ import annotations

import os


def mounted_volumes(volumes_dir: str = "/Volumes") -> list[tuple[str, str]]:
    """``[(path, label), ...]`` for every folder in ``/Volumes``."""
    try:
        names = sorted(os.listdir(volumes_dir))
    except OSError:
        return []
    return [(os.path.join(volumes_dir, n), n) for n in names
            if os.path.isdir(os.path.join(volumes_dir, n))]
