"""Bytes lost on the way to the board: installing and commanding still work, and say so.

A relay (:class:`tests.workshop.lossy_proxy.LossyProxy`) between the host and the emulated
board's UART drops every n-th byte the host sends, as an overrun receive buffer does. The
installer must check every piece and send it again; the link must notice a garbled command
from its answer (or the lack of one) and send it again, and a half command must never spoil
the next one.
"""

from __future__ import annotations

import time

import pytest

import calliope_lib as cl
from calliope_lib.cli.firmware import result_line
from calliope_lib.workshop.firmware import FIRMWARE_VERSION
from calliope_lib.workshop.firmware.install import install
from tests.workshop.emulator_fixtures import bare_emu, emu  # noqa: F401  (fixtures)
from tests.workshop.lossy_proxy import LossyProxy

pytestmark = pytest.mark.emulator


def test_install_verifies_and_resends_what_got_lost(bare_emu):  # noqa: F811
    proxy = LossyProxy(bare_emu.url, every=257)
    try:
        result = install(proxy.url)
        assert proxy.dropped > 10
        assert result.ok, result.error
        assert result.resent > 0  # it did notice, and sent again
        assert result.firmware == FIRMWARE_VERSION
        # The workshop leader's line says it worked and that the cable loses bytes.
        line = result_line(result)
        assert line.startswith(f"OK     {proxy.url}:") and FIRMWARE_VERSION in line
        assert f"{result.resent} Befehle nochmal geschickt" in line and "USB-Kabel" in line
    finally:
        proxy.close()
    time.sleep(0.5)  # QEMU listens again once it has seen the relay go
    # What is on the board is exactly our firmware: it starts and answers.
    with cl.connect(bare_emu.url) as board:
        assert board.info.firmware == FIRMWARE_VERSION
        assert board.read("light") == 255


def test_commands_are_resent_when_bytes_get_lost(emu):  # noqa: F811
    proxy = LossyProxy(emu.url, every=300)  # 1 byte in 300 lost, on every command
    try:
        with cl.connect(proxy.url) as board:
            assert board.info.mode == "firmware"
            names = [c for c in board.channels if c != "temperature"][:8]  # ~100 bytes
            for _ in range(8):
                assert board.send("cols " + ",".join(names)) == ",".join(names)
            assert board.send("every 20") == "20"
            rec = board.record(["light", "button_a"], seconds=1.5, every=0.02, progress=False)
            assert len(rec["light"].values) >= 50
            assert board._link.resends > 0  # some commands did arrive garbled
            assert proxy.dropped >= 3
    finally:
        proxy.close()
