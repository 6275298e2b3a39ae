"""Linux: mounted volumes from the mount table, labels from ``/dev/disk/by-label``.

Imported only on Linux (see :func:`calliope_lib.board.discovery.find_drives`).

Why both sources: the desktop (udisks2) mounts the first board at ``/media/<user>/MINI``, the
second at ``/media/<user>/MINI1`` and so on, while ``/dev/disk/by-label/MINI`` points at only
*one* of 15 identical labels (udev keeps the last). A leader may also mount a drive by hand at
``/mnt/board3``; then only the by-label link knows that it is a MINI.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: File systems a DAPLink / J-Link drive can have (FAT12/16; fuseblk/exfat for odd setups).
FAT_TYPES = {"vfat", "msdos", "fat", "fuseblk", "exfat", "umsdos"}


def _unescape(field: str) -> str:
    """The mount table writes a space as ``\\040`` (also tab, newline, backslash)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mounts(text: str) -> list[tuple[str, str, str]]:
    """``/proc/mounts`` text -> ``[(device, mount_point, fs_type), ...]``."""
    rows = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            rows.append((_unescape(fields[0]), _unescape(fields[1]), fields[2]))
    return rows


def labels_by_device(by_label_dir: str | os.PathLike[str] = "/dev/disk/by-label") -> dict[str, str]:
    """``{"/dev/sdb": "MINI", ...}`` from the by-label symlinks (labels are escaped: ``\\x20``)."""
    result: dict[str, str] = {}
    try:
        entries = list(Path(by_label_dir).iterdir())
    except OSError:
        return result
    for link in entries:
        try:
            device = os.path.realpath(link)
        except OSError:
            continue
        label = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), link.name)
        result[device] = label
    return result


def volumes_from(mounts_text: str, labels: dict[str, str]) -> list[tuple[str, str]]:
    """``[(mount_point, label), ...]`` for FAT volumes; label from by-label, else the folder name."""
    seen = set()
    result = []
    for device, mount_point, fs_type in parse_mounts(mounts_text):
        if fs_type not in FAT_TYPES or mount_point in seen:
            continue
        seen.add(mount_point)
        label = labels.get(os.path.realpath(device) if device.startswith("/") else device)
        result.append((mount_point, label or os.path.basename(mount_point.rstrip("/"))))
    return result


def mounted_volumes(mounts_file: str = "/proc/mounts",
                    by_label_dir: str = "/dev/disk/by-label") -> list[tuple[str, str]]:
    """The FAT volumes mounted right now, as ``(mount_point, label)``."""
    try:
        text = Path(mounts_file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return volumes_from(text, labels_by_device(by_label_dir))
