"""Hex files as the Calliope editor makes them: every part keeps its board's flash layout.

Checked against the real thing: the Universal Hex the Calliope Python editor saved
(``tests/fixtures/calliope-runtimes/``). The Calliope mini 1.x/2.x part must leave
0x3C000-0x3FFFF (the Bluetooth bootloader) untouched, exactly as the editor does.
"""

from __future__ import annotations

import micropython_microbit_fs as mfs
import pytest
import universal_hex as uh

from calliope_lib.workshop.firmware.build import _add_to_part, board_sources, build_hex
from calliope_lib.workshop.firmware.layout import (CALLIOPE_BOOTLOADER, LAYOUTS, PERSISTENT_MARK,
                                                   check_part, flash_addresses, load, part_layout)
from tests.workshop.calliope_runtime import (HALLO_MAIN, editor_hallo_path, editor_hallo_text,
                                             part)


@pytest.fixture(scope="module")
def built() -> str:
    """Our firmware built on the editor's hex, as ``calliope-mini firmware build --base``."""
    return build_hex(base=editor_hallo_path())


def test_the_editor_hex_itself_keeps_the_rules():
    editor = editor_hallo_text()
    nrf51 = load(part(editor, 0x9900))
    assert part_layout(nrf51) is LAYOUTS["calliope-nrf51"]
    assert check_part(nrf51) == []
    assert max(flash_addresses(nrf51)) < CALLIOPE_BOOTLOADER[0]
    assert nrf51[0x3B800] == PERSISTENT_MARK
    nrf52 = load(part(editor, 0x9903))
    assert part_layout(nrf52) is LAYOUTS["nrf52"]


@pytest.mark.parametrize("board_id", [0x9900, 0x9903])
def test_every_built_part_keeps_its_layout(built, board_id):
    ours = load(part(built, board_id))
    editor = load(part(editor_hallo_text(), board_id))
    assert part_layout(ours) is part_layout(editor)
    assert check_part(ours) == []
    if board_id == 0x9900:
        # Nothing at or above the Calliope bootloader (UICR registers are no flash).
        assert max(flash_addresses(ours)) < 0x3C000
        assert ours[0x3B800] == PERSISTENT_MARK
        assert ours[0x3F800] == 0xFF  # where the micro:bit layout would have put the marker
    # Outside the file system, every byte is the editor's (the runtime is not touched).
    info = mfs.get_device_info(part(built, board_id))
    fs = range(info.fs_start_address, part_layout(ours).fs_end or info.fs_end_address)
    mine = {a: v for a, v in ours.todict().items() if isinstance(a, int) and a not in fs}
    theirs = {a: v for a, v in editor.todict().items() if isinstance(a, int) and a not in fs}
    assert mine == theirs
    # ...and the file system holds exactly our four files.
    assert {f.name: f.content.decode() for f in mfs.get_files(part(built, board_id))} \
        == board_sources()


@pytest.mark.parametrize("board_id", [0x9900, 0x9903])
def test_rebuilding_the_editors_program_gives_the_editors_bytes(board_id):
    """Our file-system writer, given the editor's own main.py, writes what the editor wrote."""
    editor = part(editor_hallo_text(), board_id)
    again = _add_to_part(editor, {"main.py": HALLO_MAIN}, "part", "editor.hex")
    assert load(again).todict() == load(editor).todict()


def test_parts_and_board_ids_are_the_editors(built):
    assert [p.board_id for p in uh.separate_uhex(built)] == [0x9900, 0x9903]


def test_microbit_v1_build_keeps_the_microbit_layout():
    """No Calliope runtime, no Calliope rule: the micro:bit V1 file system ends at 0x40000."""
    ih = load(build_hex("microbit-v1"))
    assert part_layout(ih) is LAYOUTS["microbit-nrf51"]
    assert check_part(ih) == []
    assert ih[0x3F800] == PERSISTENT_MARK


def test_the_check_catches_a_hex_in_the_bootloader():
    """The check can fail: the micro:bit layout written onto the Calliope runtime breaks it."""
    from dataclasses import replace

    from micropython_microbit_fs.filesystem import add_files_to_hex

    text = part(editor_hallo_text(), 0x9900)
    ih = load(text)
    info = replace(mfs.get_device_info(text), fs_end_address=0x40000)  # the old bug
    add_files_to_hex(ih, info, {"main.py": b"print(1)\n"})
    problems = check_part(ih)
    assert any("0x3C000-0x3FFFF" in p for p in problems), problems
