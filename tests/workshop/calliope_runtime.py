"""The real Calliope mini runtime for tests: the hex saved by the Calliope Python editor.

The file comes from ``tests/fixtures/calliope-runtimes/`` (gzipped, with its provenance in
the README there), else from ``../shared/fixtures/calliope-runtimes/`` beside the checkout.
Its sha256 is checked, so a test never runs on a changed file. Without the file the tests
**fail** under ``CI=true`` and are skipped with the reason elsewhere.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
from pathlib import Path

import pytest

HALLO_SHA256 = "6302a28d74730377df355d8365383197cc4d2dca9676956b1305872665da293b"
#: The program the editor saved into the fixture hex.
HALLO_MAIN = 'from calliopemini import *\n\ndisplay.scroll("Hallo")\n'

_REPO = Path(__file__).resolve().parents[2]
_CANDIDATES = (
    _REPO / "tests" / "fixtures" / "calliope-runtimes" / "calliope-editor-hallo.hex.gz",
    _REPO.parent / "shared" / "fixtures" / "calliope-runtimes" / "calliope-editor-hallo.hex",
)


@functools.lru_cache(maxsize=1)
def _hallo_text() -> str | None:
    for path in _CANDIDATES:
        if not path.exists():
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        if hashlib.sha256(raw).hexdigest() != HALLO_SHA256:
            pytest.fail(f"{path}: sha256 differs from the one in its README (file changed)")
        return raw.decode("ascii")
    return None


def editor_hallo_text() -> str:
    """The editor's Universal Hex as text (skip or, in CI, fail when it is missing)."""
    text = _hallo_text()
    if text is not None:
        return text
    where = ", ".join(str(p) for p in _CANDIDATES)
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, but the Calliope editor hex is missing (looked in {where})")
    pytest.skip(f"Calliope editor hex missing (looked in {where})")


@functools.lru_cache(maxsize=1)
def _editor_hallo_path() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="calliope-editor-"))
    path = folder / "calliope-editor-hallo.hex"
    path.write_text(editor_hallo_text(), encoding="ascii")
    return path


def editor_hallo_path() -> Path:
    """The editor's Universal Hex as a file (for ``build_hex(base=...)``)."""
    editor_hallo_text()  # skip / fail first, outside the cache
    return _editor_hallo_path()


def part(hex_text: str, board_id: int) -> str:
    """The single-target hex of one part of a Universal Hex."""
    import universal_hex as uh

    for p in uh.separate_uhex(hex_text):
        if p.board_id == board_id:
            return p.hex
    raise AssertionError(f"no part 0x{board_id:04X}")


@functools.lru_cache(maxsize=1)
def _calliope_firmware_hex() -> Path:
    from calliope_lib.workshop.firmware.build import write_hex

    folder = Path(tempfile.mkdtemp(prefix="calliope-fw-"))
    return write_hex(folder / "messgeraet-calliope.hex", base=editor_hallo_path())


def calliope_firmware_hex() -> Path:
    """Our firmware built on the editor's hex (``firmware build --base``), a Universal Hex:
    the emulator boots its nRF51 part, the Calliope mini 1.x/2.x runtime."""
    editor_hallo_text()
    return _calliope_firmware_hex()
