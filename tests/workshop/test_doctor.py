"""doctor: captured listings + a simulated board on a real pseudo-terminal; no mocks."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from serial.tools.list_ports_common import ListPortInfo

from calliope_lib.workshop import doctor, udev
from calliope_lib.board.discovery import Drive
from calliope_lib.protocol.version import FIRMWARE_VERSION

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "discovery"
REPO = Path(__file__).resolve().parents[2]


def port(device, **attrs):
    info = ListPortInfo(device, skip_link_detection=True)
    for k, v in attrs.items():
        setattr(info, k, v)
    return info


def linux_ports():
    out = []
    for row in json.loads((FIX / "ports_linux.json").read_text()):
        out.append(port(row.pop("device"), **row))
    return out


def test_udev_rule_is_package_data_and_the_doctor_points_at_it():
    from importlib import resources

    folder = resources.files("calliope_lib.workshop.udev")
    text = folder.joinpath(udev.RULE_NAME).read_text(encoding="utf-8")
    assert text == udev.rule_text()  # one file, read the one way
    assert 'ATTRS{idVendor}=="1366"' in text and 'ATTRS{idProduct}=="0204"' in text
    assert "udevadm control --reload-rules" in folder.joinpath("README.md").read_text()
    # The sudo cp line names the real file, wherever the package is installed.
    assert Path(doctor.rule_source()).read_text(encoding="utf-8") == text
    # The repository's top-level udev/ folder only points to it (no second copy to drift).
    assert not (REPO / "udev" / udev.RULE_NAME).exists()


def test_udev_check_finds_an_installed_rule(tmp_path):
    jlink_board = [b for b in __import__("calliope_lib.board.discovery", fromlist=["x"]).find_boards(
        linux_ports(), []) if b.vid == 0x1366]
    missing = doctor.check_udev(jlink_board, [str(tmp_path)])
    assert missing[0].status == "fail" and "udevadm" in missing[0].fix
    (tmp_path / "99-calliope-mini.rules").write_text(udev.rule_text())
    found = doctor.check_udev(jlink_board, [str(tmp_path)])
    assert found[0].status == "ok" and str(tmp_path) in found[0].text
    assert doctor.check_udev([], [str(tmp_path / "none")])[0].status == "info"


def test_dialout_missing_gives_the_exact_command():
    [c] = doctor.check_dialout([], user="anna", uid=1000, session_groups={"anna"},
                               member_groups={"anna"}, group="dialout")
    assert c.problem and c.fix.startswith("sudo usermod -aG dialout anna")
    [c] = doctor.check_dialout([], user="anna", uid=1000, session_groups={"anna"},
                               member_groups={"anna", "dialout"}, group="dialout")
    assert c.problem and "anmelden" in c.fix and "usermod" not in c.fix
    [c] = doctor.check_dialout([], user="anna", uid=1000, session_groups={"dialout"},
                               member_groups={"dialout"}, group="dialout")
    assert c.status == "ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may open any file; needs a normal user")
def test_a_port_this_user_cannot_open_is_named(tmp_path):
    p = tmp_path / "ttyACM9"
    p.write_text("")
    p.chmod(0)
    checks = doctor.check_dialout([str(p)], user="anna", uid=1000, session_groups=set(),
                                  member_groups=set(), group="dialout")
    assert any(str(p) in c.text and c.status == "fail" for c in checks)


@pytest.mark.skipif(sys.platform.startswith("win"), reason="pseudo-terminals")
def test_full_run_with_a_simulated_board_on_a_pty(tmp_path):
    from calliope_lib.transports.pty import serve_pty

    with serve_pty("sim://?kind=calliope-mini-3") as sim, \
            serve_pty("sim://?program=makecode") as kid:
        ports = [
            port(sim.path, vid=0x0D28, pid=0x0204, product="Calliope mini V3 CMSIS-DAP",
                 serial_number="9906360200052820f1a3d25c2ef4e7eb000000006e052820"),
            port(kid.path, vid=0x0D28, pid=0x0204, product="Calliope mini CMSIS-DAP",
                 serial_number="99000000380a4e4500710008000000280000000097969901"),
            port("/dev/ttyS0"),
        ]
        drives = [Drive("/media/anna/MINI", "MINI", {"unique id": ports[0].serial_number})]
        checks = doctor.run_checks(ports=ports, drives=drives,
                                   volumes=[("/media/anna/MAINTENANCE", "MAINTENANCE")],
                                   platform="linux", rule_dirs=[str(tmp_path)],
                                   dialout=dict(user="anna", uid=1000, session_groups={"anna"},
                                                member_groups={"anna"}, group="dialout"))
    text = doctor.report(checks)
    assert "Python" in text and "pyserial" in text
    assert f"{sim.path}: Calliope mini 3, Laufwerk /media/anna/MINI" in text
    assert f"{sim.path}: Messgeräte-Firmware {FIRMWARE_VERSION}" in text
    assert f"{kid.path}: ein Programm, das etwas ausgibt" in text
    assert f"{kid.path}: kein Laufwerk MINI gefunden" in text
    problems = text.split("Problem(e):")[1]
    assert "sudo usermod -aG dialout anna" in problems
    assert "Wartungsmodus" in problems and "Reset-Knopf" in problems
    assert "udev" not in problems  # no J-Link board: the rule is only a hint


def test_old_firmware_is_flagged():
    from calliope_lib.workshop.flashing import Probe

    class B:
        port = "/dev/ttyACM0"

    [c] = doctor.check_answers([B()], probe_fn=lambda p: Probe("firmware", firmware="0.0.1"))
    assert c.status == "warn" and "0.0.1" in c.text and "flash" in c.fix
    [c] = doctor.check_answers([B()], probe_fn=lambda p: Probe("error", error="busy",
                                                                reason="port_busy"))
    assert c.status == "fail" and "Thonny" in c.fix


def test_cli_doctor_runs_on_this_machine(capsys):
    from calliope_lib.cli import main

    code = main(["doctor", "--no-probe"])
    out = capsys.readouterr().out
    assert "Python" in out and ("Alles in Ordnung" in out or "Problem" in out)
    assert code in (0, 1)
    assert main(["doctor", "--udev-rule"]) == 0
    assert 'idVendor}=="1366"' in capsys.readouterr().out
