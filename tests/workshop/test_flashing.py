"""Flashing against fake DAPLink drives (real folders, real named pipes, a real remount) and
simulated boards on real pseudo-terminals. No mocks: every result comes from what the fakes do.
"""

from __future__ import annotations

import importlib
import sys
import os
from pathlib import Path

import pytest

from calliope_lib.protocol.version import FIRMWARE_VERSION
from calliope_lib.workshop.flashing import (
    FlashTarget,
    Timeouts,
    flash,
    load_failed,
    save_results,
    select_failed,
)
from calliope_lib.workshop.firmware.hexfile import HexFileError, inspect_hex, inspect_hex_bytes

from tests.workshop.fakes.fake_daplink import FAIL_DECODE, FakeRoom

pytestmark = pytest.mark.skipif(sys.platform.startswith("win"), reason="pty and FIFOs: POSIX")

FAST = 4_000_000  # bytes/s: tests need behaviour, not realistic speed (that is the benchmark)
QUICK = Timeouts(vanish=10, come_back=10, port=5, hello=5)


@pytest.fixture(scope="module")
def hexes(tmp_path_factory):
    """Real hex files: our firmware for nRF51 and nRF52, a Universal Hex of both, others."""
    importlib.import_module("micropython_microbit_fs")
    from calliope_lib.workshop.firmware.build import build_hex

    d = tmp_path_factory.mktemp("hex")
    v1, v2 = build_hex("microbit-v1"), build_hex("microbit-v2")
    files = {"messgeraet.hex": v1, "v2only.hex": v2, "alt.hex": build_hex("microbit-v1", version="0.0.9")}
    uh = importlib.import_module("universal_hex")
    files["universal.hex"] = uh.create_uhex([uh.IndividualHex(hex=v1, board_id=0x9900),
                                             uh.IndividualHex(hex=v2, board_id=0x9903)])
    import micropython_microbit_fs as fs

    files["fremd.hex"] = fs.get_bundled_hex(1).content  # plain MicroPython, no files of ours
    lines = v1.splitlines()
    bad = lines[:]
    bad[100] = bad[100][:-2] + ("00" if bad[100][-2:] != "00" else "01")  # wrong checksum
    files["kaputt.hex"] = "\n".join(bad) + "\n"
    files["halb.hex"] = "\n".join(lines[: len(lines) // 2]) + "\n"  # download cut short
    out = {}
    for name, text in files.items():
        (d / name).write_text(text)
        out[name] = d / name
    (d / "programm.py").write_text("from calliopemini import *\ndisplay.scroll('Hallo')\n")
    out["programm.py"] = d / "programm.py"
    return out


def targets(room, kind="calliope-mini-1"):
    return [FlashTarget(drive=b.drive, port=b.port, serial_number=b.serial_number, kind=kind,
                        label="Calliope mini 1.x") for b in room.boards]


# --- the hex file check --------------------------------------------------------------------


def test_hex_check_knows_targets_and_our_firmware(hexes):
    v1 = inspect_hex(hexes["messgeraet.hex"])
    # Single-target and below 256 KB: an nRF51 program (Calliope mini 1.x/2.x, micro:bit V1).
    assert not v1.universal and v1.targets == {"nrf51"} and v1.max_address < 0x40000
    assert v1.suits("calliope-mini-1") and not v1.suits("calliope-mini-3")
    assert v1.ours and v1.firmware == FIRMWARE_VERSION
    v2 = inspect_hex(hexes["v2only.hex"])
    assert v2.targets == {"nrf52"}
    assert not v2.suits("calliope-mini-1") and not v2.suits("calliope-mini-2")
    assert v2.suits("calliope-mini-3") and not v2.suits("microbit", "9901")
    uni = inspect_hex(hexes["universal.hex"])
    assert uni.universal and uni.section_ids == (0x9900, 0x9903)
    assert uni.targets == {"nrf51", "nrf52"} and uni.ours
    assert all(uni.suits(k) for k in ("calliope-mini-1", "calliope-mini-2", "calliope-mini-3"))
    assert inspect_hex(hexes["alt.hex"]).firmware == "0.0.9"
    fremd = inspect_hex(hexes["fremd.hex"])
    assert not fremd.ours and fremd.firmware is None


@pytest.mark.parametrize("name, words", [("kaputt.hex", "Prüfsumme"), ("halb.hex", "Ende"),
                                         ("programm.py", "keine Intel-Hex")])
def test_bad_files_are_refused_with_a_reason(hexes, name, words):
    with pytest.raises(HexFileError) as info:
        inspect_hex(hexes[name])
    assert words in str(info.value) and isinstance(info.value, ValueError)
    assert "herunter" in str(info.value)  # says what to do


def test_binary_file_is_refused():
    with pytest.raises(HexFileError, match="Binärdaten"):
        inspect_hex_bytes(b"UF2\n\x00\x01\x02" * 10, "x.uf2")


# --- flashing fakes ------------------------------------------------------------------------


def test_three_boards_flashed_in_parallel_and_verified(hexes, tmp_path):
    data = hexes["messgeraet.hex"].read_bytes()
    with FakeRoom(tmp_path, 3, rate=FAST) as room:
        seen = []
        results = flash(hexes["messgeraet.hex"], targets(room), timeouts=QUICK,
                        find_port=room.find_port, progress=lambda t, p, d, n: seen.append((t.drive, p)))
        assert [r.ok for r in results] == [True, True, True], [r.line() for r in results]
        assert all(r.firmware == FIRMWARE_VERSION for r in results)
        assert all("geprüft" in r.line() and r.line().startswith("✔") for r in results)
        for b in room.boards:  # each fake board took exactly the file's bytes, then remounted
            assert b.fake.flashed == [data] and b.fake.remounts == 1
            assert Path(b.drive, "DETAILS.TXT").exists()
        assert {p for _, p in seen} == {"copy", "wait", "verify", "done"}


def test_universal_hex_suits_a_calliope_3(hexes, tmp_path):
    with FakeRoom(tmp_path, 1, rate=FAST, kind="calliope-mini-3",
                  names=("universal.hex",)) as room:
        [r] = flash(hexes["universal.hex"], targets(room, "calliope-mini-3"), timeouts=QUICK,
                    find_port=room.find_port)
        assert r.ok and r.firmware == FIRMWARE_VERSION


def test_each_failure_is_reported_and_the_others_carry_on(hexes, tmp_path):
    rooms = {mode: FakeRoom(tmp_path / mode, 1, rate=FAST if mode != "vanish" else 100_000,
                            mode=mode) for mode in ("ok", "read_only", "full", "vanish", "never_back")}
    for room in rooms.values():
        room.__enter__()
    try:
        ts = [targets(room)[0] for room in rooms.values()]
        ports = {b.serial_number: b for room in rooms.values() for b in room.boards}

        def find_port(serial):
            import os
            b = ports.get(serial)
            return b.port if b and os.path.exists(b.port) else None

        results = flash(hexes["messgeraet.hex"], ts, find_port=find_port,
                        timeouts=Timeouts(vanish=4, come_back=3, port=2, hello=3))
    finally:
        for room in rooms.values():
            room.__exit__(None, None, None)
    by_mode = dict(zip(rooms, results))
    assert by_mode["ok"].ok and by_mode["ok"].firmware == FIRMWARE_VERSION
    assert (by_mode["read_only"].reason, by_mode["full"].reason) == ("read_only", "drive_full")
    assert "schreibgeschützt" in by_mode["read_only"].message
    assert "kein Platz" in by_mode["full"].message
    assert by_mode["vanish"].reason == "vanished" and "Kabel" in by_mode["vanish"].message
    assert by_mode["never_back"].reason == "no_remount"
    assert all("--retry" in r.message for r in results if not r.ok)
    assert sum(r.ok for r in results) == 1


def test_fail_txt_is_read_and_reported(hexes, tmp_path):
    good = inspect_hex(hexes["messgeraet.hex"])
    corrupt = tmp_path / "messgeraet.hex"  # damaged after our check: the board finds out
    corrupt.write_bytes(hexes["kaputt.hex"].read_bytes())
    (tmp_path / "room").mkdir()
    with FakeRoom(tmp_path / "room", 1, rate=FAST) as room:
        [r] = flash(corrupt, targets(room), info=good, timeouts=QUICK, find_port=room.find_port)
        assert not r.ok and r.reason == "fail_txt"
        assert FAIL_DECODE in r.message
        assert room.boards[0].fake.failures == [FAIL_DECODE]


def test_nrf52_hex_is_refused_for_a_calliope_1_without_touching_it(hexes, tmp_path):
    with FakeRoom(tmp_path, 1, rate=FAST, names=("v2only.hex",)) as room:
        [r] = flash(hexes["v2only.hex"], targets(room), timeouts=QUICK, find_port=room.find_port)
        assert not r.ok and r.reason == "hex_unsuitable"
        assert "Calliope mini 3" in r.message and "Herunterladen" in r.message
        assert room.boards[0].fake.flashed == [] and room.boards[0].fake.remounts == 0


def test_nrf51_only_hex_is_refused_for_a_calliope_3_known_from_details_txt(hexes, tmp_path):
    """The board kind comes from the drive's DETAILS.TXT (``--drive``): no part for an nRF52,
    so nothing is copied (it used to be reported "flashed and verified")."""
    with FakeRoom(tmp_path, 1, rate=FAST, kind="calliope-mini-3",
                  names=("messgeraet.hex",)) as room:
        board = room.boards[0]
        target = FlashTarget.from_drive(board.drive, port=board.port)
        assert target.kind == "calliope-mini-3"  # from DETAILS.TXT's board ID 9906
        [r] = flash(hexes["messgeraet.hex"], [target], timeouts=QUICK, find_port=room.find_port)
        assert not r.ok and r.reason == "hex_unsuitable", r.line()
        assert board.fake.flashed == [] and board.fake.remounts == 0


def test_the_same_drive_named_twice_is_flashed_once(hexes, tmp_path):
    data = hexes["messgeraet.hex"].read_bytes()
    with FakeRoom(tmp_path, 1, rate=FAST) as room:
        board = room.boards[0]
        once = FlashTarget.from_drive(board.drive, port=board.port)
        again = FlashTarget.from_drive(str(board.drive) + "/", port=board.port)  # same drive
        results = flash(hexes["messgeraet.hex"], [once, again], timeouts=QUICK,
                        find_port=room.find_port)
        assert [r.ok for r in results] == [True, True], [r.line() for r in results]
        assert results[0] is results[1]  # one flash, reported for both names
        assert board.fake.flashed == [data] and board.fake.remounts == 1
        assert not Path(board.drive, "FAIL.TXT").exists()


def test_other_firmware_version_is_caught(hexes, tmp_path):
    # The simulated board always announces the library's version; the file says 0.0.9.
    with FakeRoom(tmp_path, 1, rate=FAST, names=("alt.hex",)) as room:
        [r] = flash(hexes["alt.hex"], targets(room), timeouts=QUICK, find_port=room.find_port)
        assert not r.ok and r.reason == "wrong_firmware"
        assert "0.0.9" in r.message and FIRMWARE_VERSION in r.message


def test_a_kids_program_only_needs_to_come_back(hexes, tmp_path):
    """A hex without our firmware: verified when the port is back; says what the board does."""
    from calliope_lib.workshop.firmware.build import build_hex

    # micro:bit MicroPython with a kid's main.py (not ours): the fake then runs a MakeCode-
    # style program that prints values.
    import micropython_microbit_fs as fs

    runtime = fs.get_bundled_hex(1).content
    kid = fs.add_files(runtime, [fs.File.from_text("main.py", "print('x:1')\n")])
    path = tmp_path / "kind.hex"
    path.write_text(kid)
    assert not inspect_hex(path).ours
    (tmp_path / "r").mkdir()
    with FakeRoom(tmp_path / "r", 1, rate=FAST, names=("kind.hex",)) as room:
        [r] = flash(path, targets(room), timeouts=QUICK, find_port=room.find_port)
        assert r.ok and r.firmware is None
        assert "wieder da" in r.message
        [r2] = flash(path, targets(room), timeouts=QUICK, find_port=room.find_port,
                     verify_serial=False)
        assert r2.ok and "--no-verify" in r2.message
    del build_hex


def test_retry_state_selects_only_the_failed_boards(tmp_path, monkeypatch):
    from calliope_lib.workshop.flashing import FlashResult

    monkeypatch.setenv("CALLIOPE_STATE_DIR", str(tmp_path))
    a = FlashTarget(drive="/m/MINI", port="/dev/ttyACM0", serial_number="9900aa")
    b = FlashTarget(drive="/m/MINI1", port="/dev/ttyACM1", serial_number="9900bb")
    save_results("x.hex", [FlashResult(a, True, "ok", "fine"), FlashResult(b, False, "vanished", "x")])
    failed = load_failed()
    assert [f["serial_number"] for f in failed] == ["9900bb"]
    # after replugging, the board has a new port and drive, found again by serial number
    b_new = FlashTarget(drive="/m/MINI3", port="/dev/ttyACM4", serial_number="9900bb")
    assert select_failed([a, b_new], failed) == [b_new]


def test_cli_flash_with_drives_prints_one_line_per_board_and_exit_code(hexes, tmp_path, capsys,
                                                                        monkeypatch):
    from calliope_lib.cli import main

    monkeypatch.setenv("CALLIOPE_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with FakeRoom(tmp_path / "a", 1, rate=FAST) as ok_room, \
            FakeRoom(tmp_path / "b", 1, rate=FAST, mode="read_only") as ro_room:
        good, bad = ok_room.boards[0], ro_room.boards[0]
        code = main(["flash", str(hexes["messgeraet.hex"]), "--drive", good.drive,
                     "--drive", bad.drive, "--timeout", "10"])
        out = capsys.readouterr().out
        assert code == 1
        lines = [ln for ln in out.splitlines() if ln.startswith(("✔", "✘"))]
        assert len(lines) == 2
        # no --port and no port with its serial number: flashed, said to be unverified
        assert lines[0].startswith("✔") and good.drive in lines[0]
        assert "nicht geprüft" in lines[0]
        assert lines[1].startswith("✘") and "schreibgeschützt" in lines[1]
        assert "--retry" in out
        # --retry: only the read-only one is tried again; made writable, it succeeds, and
        # with --port it is verified on the board's serial port
        bad.fake.mode = "ok"
        from tests.workshop.fakes.fake_daplink import _undo_readonly

        _undo_readonly(Path(bad.drive))
        os.mkfifo(Path(bad.drive) / "messgeraet.hex")
        code = main(["flash", str(hexes["messgeraet.hex"]), "--drive", bad.drive,
                     "--port", bad.port, "--retry", "--timeout", "10"])
        out = capsys.readouterr().out
        lines = [ln for ln in out.splitlines() if ln.startswith(("✔", "✘"))]
        assert code == 0 and len(lines) == 1 and bad.port in lines[0]
        assert f"Firmware {FIRMWARE_VERSION}" in lines[0]
        assert good.fake.remounts == 1  # the good board was not flashed again
        code = main(["flash", str(hexes["messgeraet.hex"]), "--drive", good.drive, "--retry"])
        assert code == 0 and "nothing to retry" in capsys.readouterr().out


# --- the serial side: ports opened the one way the library opens them ---------------------


def test_probe_names_port_trouble_as_a_kid_would_read_it():
    from calliope_lib.transports import open_transport
    from calliope_lib.transports.pty import serve_pty
    from calliope_lib.workshop.flashing import probe

    missing = probe("/dev/calliope-does-not-exist", seconds=0.3)
    assert (missing.what, missing.reason) == ("error", "port_missing")
    assert "/dev/calliope-does-not-exist" in missing.error and "gibt es nicht" in missing.error
    with serve_pty("sim://") as sim:
        found = probe(sim.path)
        assert (found.what, found.firmware, found.board) == ("firmware", FIRMWARE_VERSION,
                                                              "simulated")
        held = open_transport(sim.path)  # a notebook holds the board
        try:
            busy = probe(sim.path, seconds=0.3)
        finally:
            held.close()
    assert (busy.what, busy.reason) == ("error", "port_busy") and "belegt" in busy.error
