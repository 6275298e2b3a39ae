"""LoRaWAN: how fast uplinks are decoded, exports loaded, and live uplinks recorded.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_lorawan            # print and append to RESULTS.md
    .venv/bin/python -m benchmarks.bench_lorawan --no-save  # print only

* decoding: uplinks per second, The Things Stack and ChirpStack messages (JSON parse,
  flattening, best gateway), best of 5 runs;
* ``cl.load`` of a storage-integration export: 10 devices, one uplink every 10 minutes for
  30 days (43,200 lines), time and peak memory (in a fresh process);
* live: uplinks published as fast as a local mosquitto takes them, recorded by a
  ``ttn://`` source: sent, recorded, and the rate (a garden sends one every few minutes per
  device, so this is head room, not a target).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks._common import append
from calliope_lib.lorawan.uplink import decode_bytes
from tests.core.lorawan_broker import (
    GARDEN_APP,
    GARDEN_KEY,
    Broker,
    chirpstack_uplink,
    tts_topic,
    tts_uplink,
)

BASE = datetime(2026, 5, 4, 6, 0, tzinfo=timezone.utc)


def _decoded(i: int) -> dict:
    return {"moisture": 40 - i % 7, "air": {"temperature": 12 + i % 9, "humidity": 70},
            "battery": 3.6, "status": "ok"}


def bench_decode(n: int = 20_000) -> dict[str, float]:
    rates = {}
    for name, make in (("tts", tts_uplink), ("chirpstack", chirpstack_uplink)):
        lines = [json.dumps(make(f"boden-{i % 10}", BASE + timedelta(minutes=i), _decoded(i),
                                 f_cnt=i + 1)).encode() for i in range(n)]
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for line in lines:
                decode_bytes(line)
            best = min(best, time.perf_counter() - start)
        rates[name] = n / best
    return rates


def bench_export(folder: Path) -> tuple[int, float, float, float]:
    path = folder / "garten-export.json"
    count = 0
    with path.open("w") as fh:
        for minute in range(0, 30 * 24 * 60, 10):
            for device in range(10):
                up = tts_uplink(f"boden-{device}", BASE + timedelta(minutes=minute, seconds=device),
                                _decoded(minute + device), f_cnt=minute // 10 + 1)
                fh.write(json.dumps({"result": up}) + "\n")
                count += 1
    code = ("import resource, time, calliope_lib as cl\n"
            f"t = time.perf_counter(); rec = cl.load({str(path)!r}); "
            "t = time.perf_counter() - t\n"
            "print(t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(rec))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    return count, path.stat().st_size / 1e6, float(out[0]), float(out[1])


def bench_live(folder: Path, n: int = 2000) -> tuple[int, int, float]:
    import calliope_lib as cl

    broker = Broker(folder)
    broker.start()
    try:
        garden = cl.connect(f"ttn://{GARDEN_APP}@127.0.0.1:{broker.port}?tls=0", key=GARDEN_KEY)
        payloads = [json.dumps(tts_uplink("boden-1", BASE + timedelta(seconds=i),
                                          {"moisture": i % 50}, f_cnt=i + 1)) for i in range(n)]
        took = []

        def send() -> None:
            time.sleep(0.3)
            start = time.perf_counter()
            client = broker._client()
            for p in payloads:
                client.publish(tts_topic("boden-1"), p, qos=0)
            took.append(time.perf_counter() - start)

        sender = threading.Thread(target=send)
        sender.start()
        start = time.perf_counter()
        rec = garden.record(samples=n, seconds=60, progress=False)
        elapsed = time.perf_counter() - start - 0.3
        sender.join()
        garden.close()
    finally:
        broker.stop()
    return n, rec.count("boden-1.moisture"), rec.count("boden-1.moisture") / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    rates = bench_decode()
    with tempfile.TemporaryDirectory() as tmp:
        count, mb, seconds, peak = bench_export(Path(tmp))
        sent, recorded, live_rate = bench_live(Path(tmp))
    lines = [
        "Measured under load: 2 cores shared with 6 other jobs.",
        "",
        f"- decoding (JSON + flattening), best of 5: The Things Stack **{rates['tts']:,.0f}** "
        f"uplinks/s, ChirpStack **{rates['chirpstack']:,.0f}** uplinks/s",
        f"- `cl.load` of a storage export, {count:,} uplinks (10 devices, 30 days, "
        f"{mb:.0f} MB): **{seconds:.2f} s**, peak memory of the process {peak:.0f} MB",
        f"- live over a local mosquitto: sent {sent}, recorded {recorded} "
        f"({live_rate:,.0f} uplinks/s end to end)",
    ]
    if args.no_save:
        print("\n".join(lines))
    else:
        append("LoRaWAN (issue 18)", lines)


if __name__ == "__main__":
    main()
