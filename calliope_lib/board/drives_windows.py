"""Windows: drive letters and their volume labels through the Win32 API (ctypes, no extra package).

Imported only on Windows. ``SetErrorMode`` keeps Windows from popping up "There is no disk in
the drive" dialogs for empty card readers while we ask every letter for its label.
"""

from __future__ import annotations

import ctypes
import string
from ctypes import wintypes

DRIVE_REMOVABLE = 2
SEM_FAILCRITICALERRORS = 0x0001


def mounted_volumes() -> list[tuple[str, str]]:
    """``[("E:\\\\", "MINI"), ...]`` for every removable drive with a label."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    old_mode = kernel32.SetErrorMode(SEM_FAILCRITICALERRORS)
    result = []
    try:
        bitmask = kernel32.GetLogicalDrives()
        for i, letter in enumerate(string.ascii_uppercase):
            if not bitmask & (1 << i):
                continue
            root = f"{letter}:\\"
            if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) != DRIVE_REMOVABLE:
                continue
            name = ctypes.create_unicode_buffer(261)
            fs_name = ctypes.create_unicode_buffer(261)
            serial, max_len, flags = wintypes.DWORD(), wintypes.DWORD(), wintypes.DWORD()
            ok = kernel32.GetVolumeInformationW(
                ctypes.c_wchar_p(root), name, len(name), ctypes.byref(serial),
                ctypes.byref(max_len), ctypes.byref(flags), fs_name, len(fs_name))
            if ok and name.value:
                result.append((root, name.value))
    finally:
        kernel32.SetErrorMode(old_mode)
    return result
