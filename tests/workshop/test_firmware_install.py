"""Install over serial onto emulated boards: bare runtime, and a board already streaming."""

from __future__ import annotations

import time

import pytest
import serial

import calliope_lib as cl
from calliope_lib.cli import main as cli_main
from calliope_lib.workshop.firmware import FIRMWARE_VERSION
from calliope_lib.workshop.firmware.install import install
from tests.workshop.emulator_fixtures import bare_emu, emu  # noqa: F401  (fixtures)

pytestmark = pytest.mark.emulator


def test_install_onto_bare_runtime_via_cli(bare_emu, capsys):  # noqa: F811
    assert cli_main(["firmware", "install", "--port", bare_emu.url]) == 0
    out = capsys.readouterr().out
    assert f"OK     {bare_emu.url}: microbit-v1, Messprogramm {FIRMWARE_VERSION}" in out
    with cl.connect(bare_emu.url) as board:
        assert board.info.firmware == FIRMWARE_VERSION


def test_install_interrupts_a_streaming_firmware(emu):  # noqa: F811
    port = serial.serial_for_url(emu.url, timeout=2)
    port.readline()
    port.write(b"cols light\n")
    port.readline()
    port.write(b"every 10\n")
    port.readline()
    port.write(b"start\n")
    time.sleep(0.3)
    port.close()  # the board keeps streaming into the void
    result = install(emu.url, version="0.0.9")
    # The new files say 0.0.9, so the board must report exactly that after its restart.
    assert result.ok, result.error
    assert result.firmware == "0.0.9"


def test_install_reports_a_port_that_is_not_a_board():
    result = install("socket://127.0.0.1:9")  # nobody listens on the discard port
    assert not result.ok
    assert "Installieren auf socket://127.0.0.1:9 hat nicht geklappt" in result.error
