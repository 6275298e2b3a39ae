"""Discovery replays captured (reconstructed) listings: list_ports, mount tables, DETAILS.TXT.

The fixtures in tests/fixtures/discovery/ are real-format text; see their README for where
each comes from. Nothing here mocks a call: the listings are parsed as the real ones would be.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from serial.tools.list_ports_common import ListPortInfo

from calliope_lib import discovery
from calliope_lib.board.drives_linux import labels_by_device, parse_mounts, volumes_from
from calliope_lib.board.discovery import (
    BoardPattern,
    Drive,
    add_board_pattern,
    find_boards,
    find_port_by_serial,
    parse_details,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "discovery"


def load_ports(name: str) -> list[ListPortInfo]:
    """Build real pyserial ListPortInfo objects from a captured listing."""
    ports = []
    for row in json.loads((FIX / name).read_text()):
        info = ListPortInfo(row["device"], skip_link_detection=True)
        for key, value in row.items():
            setattr(info, key, value)
        ports.append(info)
    return ports


def details(name: str) -> dict[str, str]:
    return parse_details((FIX / f"details_{name}.txt").read_text())


def test_details_txt_of_each_board_kind():
    assert Drive("/m", "MINI", details("calliope1")).unique_id.startswith("9900")
    assert Drive("/m", "MINI", details("calliope1")).board_id == "9900"
    assert Drive("/m", "MINI", details("calliope1_early")).board_id == "12A0"
    assert Drive("/m", "MINI", details("calliope3")).board_id == "9906"
    assert details("calliope3")["interface version"] == "0257"
    assert Drive("/m", "MICROBIT", details("microbit_v2")).board_id == "9904"
    jlink = Drive("/m", "MINI", details("calliope21_jlink"))
    assert jlink.unique_id == "771234567"
    assert jlink.board_id is None  # a J-Link S/N is no DAPLink board ID
    assert details("calliope21_jlink")["product"] == "J-Link OB-CALLIOPE-MINI V2.1"
    assert details("microbit_v2")["url"].startswith("https://microbit.org")


def test_linux_listing_without_drives():
    boards = find_boards(load_ports("ports_linux.json"), drives=[])
    by_port = {b.port: b for b in boards}
    assert list(by_port) == ["/dev/ttyACM0", "/dev/ttyACM1", "/dev/ttyACM2", "/dev/ttyACM10"]
    assert by_port["/dev/ttyACM0"].kind == "calliope-mini-1"
    assert by_port["/dev/ttyACM1"].kind == "calliope-mini-3"
    assert by_port["/dev/ttyACM1"].label == "Calliope mini 3"
    assert by_port["/dev/ttyACM2"].kind == "microbit"
    assert by_port["/dev/ttyACM2"].label == "micro:bit V2"
    jlink = by_port["/dev/ttyACM10"]
    assert jlink.kind == "calliope-mini-2" and jlink.unverified
    assert by_port["/dev/ttyACM0"].board_id == "9900"
    assert jlink.board_id is None
    # the FTDI adapter and the built-in UART are not boards
    assert "/dev/ttyUSB0" not in by_port and "/dev/ttyS0" not in by_port


def test_linux_listing_paired_with_drives_by_unique_id():
    drives = [
        Drive("/media/anna/MINI1", "MINI1", details("calliope3")),
        Drive("/media/anna/MINI", "MINI", details("calliope1")),
        Drive("/media/anna/MICROBIT", "MICROBIT", details("microbit_v2")),
        Drive("/media/anna/MINI2", "MINI2", details("calliope21_jlink")),
        Drive("/media/anna/FLASH", "FLASH", {}),  # 2.x demo drive: no board of its own
    ]
    boards = {b.port: b for b in find_boards(load_ports("ports_linux.json"), drives)}
    assert boards["/dev/ttyACM0"].drive == "/media/anna/MINI"
    assert boards["/dev/ttyACM1"].drive == "/media/anna/MINI1"
    assert boards["/dev/ttyACM2"].drive == "/media/anna/MICROBIT"
    # J-Link: USB serial 000771234567 and DETAILS.TXT S/N 771234567 are the same board
    assert boards["/dev/ttyACM10"].drive == "/media/anna/MINI2"
    assert boards["/dev/ttyACM10"].label == "Calliope mini 2.1"
    assert len(boards) == 4


def test_windows_listing_needs_the_drive_label_to_tell_calliope_from_microbit():
    ports = load_ports("ports_windows.json")
    alone = {b.port: b for b in find_boards(ports, drives=[])}
    assert set(alone) == {"COM3", "COM12"}
    assert alone["COM3"].kind == "unknown"  # no product string on Windows
    drives = [
        Drive("E:\\", "MINI", details("calliope1")),
        Drive("F:\\", "MICROBIT", details("microbit_v2")),
    ]
    boards = find_boards(ports, drives)
    assert [b.port for b in boards] == ["COM3", "COM12"]  # natural order, not "COM12" < "COM3"
    assert boards[0].kind == "calliope-mini-1" and boards[0].drive == "E:\\"
    assert boards[1].kind == "microbit" and boards[1].label == "micro:bit V2"


def test_macos_listing_and_volumes():
    ports = load_ports("ports_macos.json")
    boards = find_boards(ports, drives=[Drive("/Volumes/MINI 1", "MINI 1", details("calliope3"))])
    assert [b.kind for b in boards] == ["calliope-mini-3", "calliope-mini-2"]
    assert boards[0].drive == "/Volumes/MINI 1"
    assert boards[1].pid == 0x1015 and boards[1].drive is None


def test_drive_without_port_becomes_a_board_that_can_only_be_flashed():
    boards = find_boards([], [Drive("/media/x/MINI", "MINI", details("calliope3"))])
    assert len(boards) == 1
    assert boards[0].port is None and boards[0].kind == "calliope-mini-3"


def test_single_port_and_single_drive_without_details_pair_up():
    ports = load_ports("ports_windows.json")[:1]
    boards = find_boards(ports, [Drive("E:\\", "MINI", {})])
    assert len(boards) == 1 and boards[0].drive == "E:\\"
    assert boards[0].label == "Calliope mini 1.x"  # board ID 9900 from the USB serial


def test_linux_mount_table_finds_every_mini_drive():
    text = (FIX / "mounts_linux.txt").read_text()
    rows = parse_mounts(text)
    assert ("/dev/sdg", "/mnt/board drei", "vfat") in rows  # \040 is a space
    # by-label knows the hand-mounted drive; udisks mounts are known by folder name
    vols = dict(volumes_from(text, {"/dev/sdg": "MINI"}))
    assert vols["/media/anna/MINI"] == "MINI"
    assert vols["/media/anna/MINI1"] == "MINI1"
    assert vols["/mnt/board drei"] == "MINI"
    assert "/" not in vols  # ext4 root is not a FAT drive
    flashable = [p for p, label in vols.items() if Drive(p, label).takes_hex]
    assert sorted(flashable) == ["/media/anna/MICROBIT", "/media/anna/MINI", "/media/anna/MINI1",
                                 "/media/anna/MINI2", "/mnt/board drei"]
    assert not Drive("/media/anna/FLASH", "FLASH").takes_hex
    assert not Drive("/x", "RPI-RP2").takes_hex


def test_by_label_links_are_read_and_unescaped(tmp_path):
    (tmp_path / "sdb").write_text("")
    links = tmp_path / "by-label"
    links.mkdir()
    os.symlink(tmp_path / "sdb", links / "MINI")
    os.symlink(tmp_path / "sdb", links / "MY\\x20MINI")
    found = labels_by_device(links)
    assert found[str(tmp_path / "sdb")] in {"MINI", "MY MINI"}


def test_find_drives_on_this_machine_reads_details(tmp_path, monkeypatch):
    """find_drives() through the real Linux backend, pointed at a mount table we write."""
    if not discovery.sys.platform.startswith("linux"):
        pytest.skip("Linux backend")
    from calliope_lib.board import drives_linux as _drives_linux

    mnt = tmp_path / "MINI"
    mnt.mkdir()
    shutil.copy(FIX / "details_calliope3.txt", mnt / "DETAILS.TXT")
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sdz {mnt} vfat rw 0 0\n/dev/sda1 / ext4 rw 0 0\n")
    original = _drives_linux.mounted_volumes
    monkeypatch.setattr(_drives_linux, "mounted_volumes",
                        lambda: original(str(mounts), str(tmp_path / "none")))
    drives = discovery.find_drives()
    assert [d.path for d in drives] == [str(mnt)]
    assert drives[0].board_id == "9906"


def test_find_port_by_serial_survives_a_new_port_name():
    ports = load_ports("ports_linux.json")
    serial = "9906360200052820f1a3d25c2ef4e7eb000000006e052820"
    assert find_port_by_serial(serial, ports) == "/dev/ttyACM1"
    assert find_port_by_serial(serial.upper(), ports) == "/dev/ttyACM1"
    ports[1].device = "/dev/ttyACM5"  # replugged: a new name
    assert find_port_by_serial(serial, ports) == "/dev/ttyACM5"
    assert find_port_by_serial("nope", ports) is None


def test_unverified_rows_can_be_overridden(monkeypatch):
    ports = load_ports("ports_linux.json")
    ports[3].pid = 0x1051  # a J-Link PID the table does not know
    assert "/dev/ttyACM10" not in {b.port for b in find_boards(ports, [])}
    monkeypatch.setenv("CALLIOPE_USB_IDS", "1366:1051=calliope-mini-2")
    assert {b.port: b.kind for b in find_boards(ports, [])}["/dev/ttyACM10"] == "calliope-mini-2"
    monkeypatch.delenv("CALLIOPE_USB_IDS")
    monkeypatch.setattr(discovery, "BOARD_TABLE", list(discovery.BOARD_TABLE))
    add_board_pattern(BoardPattern("calliope-mini-2", "Calliope mini 2.2", 0x1366, 0x1051))
    assert {b.port: b.label for b in find_boards(ports, [])}["/dev/ttyACM10"] == "Calliope mini 2.2"
