"""Hex building: our four files land in the MicroPython file system of every part."""

from __future__ import annotations

import micropython_microbit_fs as mfs
import pytest
import universal_hex as uh

from calliope_lib.workshop.firmware import FIRMWARE_VERSION
from calliope_lib.workshop.firmware.build import BOARD_FILES, HexBuildError, board_sources, build_hex, write_hex


def files_of(hex_text: str) -> dict[str, str]:
    return {f.name: f.content.decode() for f in mfs.get_files(hex_text)}


def test_default_build_holds_the_firmware_with_its_version():
    files = files_of(build_hex())
    assert sorted(files) == sorted(BOARD_FILES)
    assert f'FW = "{FIRMWARE_VERSION}"' in files["lab_channels.py"]
    assert files == board_sources()
    assert mfs.get_device_info(build_hex()).micropython_version.startswith("micro:bit v1.1.1")


def test_version_is_written_in():
    files = files_of(build_hex(version="9.8.7"))
    assert 'FW = "9.8.7"' in files["lab_channels.py"]


def test_v2_target():
    assert sorted(files_of(build_hex("microbit-v2"))) == sorted(BOARD_FILES)


def editor_like_universal_hex(tmp_path):
    """A Universal Hex shaped like the Calliope editor's: both runtimes, board IDs 0x9900
    and 0x9903, each with a kid's own main.py already in its file system."""
    kid = [mfs.File.from_text("main.py", "print('Hallo')\n")]
    parts = [uh.IndividualHex(mfs.add_files(mfs.get_bundled_hex(1).content, kid), 0x9900),
             uh.IndividualHex(mfs.add_files(mfs.get_bundled_hex(2).content, kid), 0x9903)]
    path = tmp_path / "editor.hex"
    path.write_text(uh.create_uhex(parts))
    return path


def test_base_universal_hex_gets_our_files_in_every_part(tmp_path):
    base = editor_like_universal_hex(tmp_path)
    out = write_hex(tmp_path / "messgeraet.hex", base=base)
    text = out.read_text()
    assert uh.is_uhex(text)
    parts = uh.separate_uhex(text)
    assert [p.board_id for p in parts] == [0x9900, 0x9903]
    for part in parts:
        files = files_of(part.hex)
        assert files == board_sources()  # the kid's main.py is replaced, nothing else left


def test_base_single_target_hex(tmp_path):
    base = tmp_path / "v1.hex"
    base.write_text(mfs.get_bundled_hex(1).content)
    assert files_of(build_hex(base=base)) == board_sources()


def test_not_a_hex(tmp_path):
    bad = tmp_path / "foto.hex"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(HexBuildError) as err:
        build_hex(base=bad)
    assert err.value.reason == "not_hex"
    text = tmp_path / "notiz.hex"
    text.write_text("Hallo Welt\n")
    with pytest.raises(HexBuildError) as err:
        build_hex(base=text)
    assert err.value.reason == "not_hex"
    assert "keine Intel-Hex-Datei" in str(err.value)


def test_truncated_hex(tmp_path):
    full = mfs.get_bundled_hex(1).content
    cut = tmp_path / "cut.hex"
    cut.write_text(full[: len(full) // 2])          # stops in the middle of a line
    with pytest.raises(HexBuildError) as err:
        build_hex(base=cut)
    assert err.value.reason == "truncated"
    lines = full.splitlines(keepends=True)
    cut.write_text("".join(lines[: len(lines) // 2]))  # whole lines, but no end record
    with pytest.raises(HexBuildError) as err:
        build_hex(base=cut)
    assert err.value.reason == "truncated"


def test_hex_without_micropython(tmp_path):
    plain = tmp_path / "makecode.hex"
    # A valid hex with a little data at 0 and an end record: no MicroPython inside.
    plain.write_text(":0400000001020304F2\n:00000001FF\n")
    with pytest.raises(HexBuildError) as err:
        build_hex(base=plain)
    assert err.value.reason == "no_filesystem"


def test_unknown_target():
    with pytest.raises(HexBuildError) as err:
        build_hex("calliope-mini-3")
    assert err.value.reason == "target"
    assert isinstance(err.value, ValueError)
