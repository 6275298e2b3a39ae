"""A real MQTT broker for the LoRaWAN tests: mosquitto on a free loopback port.

The broker is configured like a network server's MQTT endpoint in miniature: users with
passwords (the API key is the password), an access list that lets each application's user
read only its own topics, and a ``publisher`` user the tests publish uplinks with (playing
the network server). Anonymous clients may read ChirpStack topics (a local server without
login, ``?tls=0``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

#: The API key of the garden application in the tests (what a leak test looks for).
GARDEN_KEY = "NNSXS.TESTKEYGARDEN7Q2X.SECRETPART4711ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: The application of the tests on The Things Stack, and its MQTT user.
GARDEN_APP = "lorapark-garten"
GARDEN_USER = f"{GARDEN_APP}@ttn"
#: A user whose login works but who may read nothing (a key without read rights).
NOREAD_USER = "ohne-rechte@ttn"
NOREAD_KEY = "NNSXS.NOREAD"
#: ChirpStack: an application id (a UUID) and a user that may read it.
BENCH_APP = "6f3c1a2e-9b7d-4e21-a8c5-0d4b2f1e7a90"
BENCH_USER = "bank-leser"
BENCH_KEY = "bench-password-0815"
PUBLISHER = ("publisher", "publisher-pw")


def mosquitto_path() -> str | None:
    """The broker program (Debian puts it in /usr/sbin, not always on PATH)."""
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.path.exists(p)),
        None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """mosquitto with users and an access list; :meth:`stop` and :meth:`start` again to
    drop every connection (a server restart)."""

    def __init__(self, folder: Path, *, tls: bool = False) -> None:
        self.folder = folder
        self.port = free_port()
        #: With ``tls=True``: a second listener with TLS, and the CA that signed its certificate.
        self.tls_port = free_port() if tls else None
        self.ca = folder / "ca.pem" if tls else None
        self.proc: subprocess.Popen[bytes] | None = None
        passwd = folder / "passwd"
        users = {GARDEN_USER: GARDEN_KEY, NOREAD_USER: NOREAD_KEY, BENCH_USER: BENCH_KEY,
                 PUBLISHER[0]: PUBLISHER[1]}
        for i, (user, password) in enumerate(users.items()):
            subprocess.run(["mosquitto_passwd", *(["-c"] if i == 0 else []), "-b", str(passwd),
                            user, password], check=True, capture_output=True)
        acl = folder / "acl"
        acl.write_text(
            "topic read application/#\n"          # anonymous: a local ChirpStack
            f"user {GARDEN_USER}\ntopic read v3/{GARDEN_USER}/#\n"
            f"user {NOREAD_USER}\ntopic read nothing/#\n"
            f"user {BENCH_USER}\ntopic read application/{BENCH_APP}/#\n"
            f"user {PUBLISHER[0]}\ntopic readwrite #\n")
        self.log = folder / "mosquitto.log"
        self.config = folder / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            f"password_file {passwd}\n"
            f"acl_file {acl}\n"
            "persistence false\n"
            f"log_dest file {self.log}\n"
            "log_type all\n"
            + (self._tls_listener() if tls else "")
            # Started as root, mosquitto would become the user "mosquitto", who may not read
            # the test's folder; as anyone else it stays who it is.
            + ("user root\n" if os.geteuid() == 0 else ""))
        for path in (passwd, acl, self.config):
            path.chmod(0o600)  # mosquitto 2.1 refuses world-readable password files
        self._publisher: Any = None

    def _tls_listener(self) -> str:
        """A CA and a server certificate for 127.0.0.1 (openssl), and the listener using them."""
        f = self.folder

        def openssl(*args: str) -> None:
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=f)

        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Makerspace Test CA")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
        (f / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
        return (f"listener {self.tls_port} 127.0.0.1\n"
                f"cafile {f / 'ca.pem'}\ncertfile {f / 'server.pem'}\n"
                f"keyfile {f / 'server.key'}\n")

    def start(self) -> None:
        binary = mosquitto_path()
        assert binary, "mosquitto is not installed (.ci/run installs it)"
        self.proc = subprocess.Popen([binary, "-c", str(self.config)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr
                                       else "mosquitto ended")
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        self._close_publisher()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    # -- playing the network server ---------------------------------------------------------
    def _client(self) -> Any:
        if self._publisher is None:
            import paho.mqtt.client as mqtt

            client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
                                 protocol=mqtt.MQTTv311)
            client.username_pw_set(*PUBLISHER)
            client.connect("127.0.0.1", self.port)
            client.loop_start()
            self._publisher = client
        return self._publisher

    def _close_publisher(self) -> None:
        if self._publisher is not None:
            self._publisher.disconnect()
            self._publisher.loop_stop()
            self._publisher = None

    def publish(self, topic: str, payload: bytes | str | dict) -> None:
        """Publish one message (QoS 1 to the broker: it has arrived when this returns)."""
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        info = self._client().publish(topic, payload, qos=1)
        info.wait_for_publish(5)
        assert info.is_published()


def rfc3339(when: datetime) -> str:
    """As The Things Stack writes times: UTC, nanoseconds, ``Z``."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"


def tts_uplink(device: str, when: datetime, decoded: Any, *, f_cnt: int | None = 1,
               rssi: float = -97, snr: float = 7.25) -> dict:
    """An uplink message of The Things Stack v3 (data format of its MQTT server)."""
    up: dict[str, Any] = {
        "session_key_id": "AXA50...",
        "f_port": 1,
        "frm_payload": "AQI=",
        "rx_metadata": [
            {"gateway_ids": {"gateway_id": "makerspace-dach", "eui": "B827EBFFFE8B01DD"},
             "time": rfc3339(when), "timestamp": 2178127, "rssi": rssi - 20,
             "channel_rssi": rssi - 20, "snr": snr - 5, "uplink_token": "ChIKEA..."},
            {"gateway_ids": {"gateway_id": "makerspace-fenster"},
             "rssi": rssi, "channel_rssi": rssi, "snr": snr},
        ],
        "settings": {"data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7}},
                     "frequency": "868100000"},
        "received_at": rfc3339(when),
        "consumed_airtime": "0.056576s",
    }
    if f_cnt:  # protobuf JSON leaves out a zero counter
        up["f_cnt"] = f_cnt
    if decoded is not None:
        up["decoded_payload"] = decoded
    return {
        "end_device_ids": {"device_id": device,
                           "application_ids": {"application_id": GARDEN_APP},
                           "dev_eui": "0004A30B001C0530", "dev_addr": "260B1234"},
        "correlation_ids": ["as:up:01H0S6ZJ8Q7XYZ"],
        "received_at": rfc3339(when + timedelta(milliseconds=30)),
        "uplink_message": up,
    }


def chirpstack_uplink(device: str, when: datetime, decoded: Any, *, f_cnt: int = 1,
                      rssi: float = -80, snr: float = 9.0) -> dict:
    """An ``up`` event of ChirpStack v4's MQTT integration (JSON encoding)."""
    event: dict[str, Any] = {
        "deduplicationId": "3ac1b6d4-1c9a-4c2c-9d0e-6f1b2a3c4d5e",
        "time": when.astimezone(timezone.utc).isoformat(timespec="microseconds")[:-6]
        + "242+00:00",
        "deviceInfo": {"tenantId": "52f14cd4-c6f1-4fbd-8f87-4025e1d49242",
                       "tenantName": "Makerspace", "applicationId": BENCH_APP,
                       "applicationName": "Solarbänke", "deviceProfileName": "Bank v2",
                       "deviceName": device, "devEui": "0101010101010101", "tags": {}},
        "devAddr": "00189440", "adr": True, "dr": 5, "fCnt": f_cnt, "fPort": 2,
        "confirmed": False, "data": "qg==",
        "rxInfo": [{"gatewayId": "0016c001f153a14c", "uplinkId": 4217, "rssi": rssi,
                    "snr": snr, "context": "EFwMtA==", "crcStatus": "CRC_OK"}],
        "txInfo": {"frequency": 868100000,
                   "modulation": {"lora": {"bandwidth": 125000, "spreadingFactor": 7,
                                           "codeRate": "CR_4_5"}}},
    }
    if decoded is not None:
        event["object"] = decoded
    return event


def tts_topic(device: str) -> str:
    return f"v3/{GARDEN_USER}/devices/{device}/up"


def chirpstack_topic(dev_eui: str = "0101010101010101") -> str:
    return f"application/{BENCH_APP}/device/{dev_eui}/event/up"


class RightsBroker:
    """mosquitto with its dynamic-security plugin, which checks subscriptions (the plain
    access list only filters what is delivered): a client without rights is refused its
    subscription, as The Things Stack refuses a key that may not read traffic."""

    PLUGIN = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def available(cls) -> bool:
        return os.path.exists(cls.PLUGIN) and shutil.which("mosquitto_ctrl") is not None

    def start(self, user: str, password: str) -> None:
        """Start, and create ``user`` with ``password`` and no rights at all."""
        f = self.folder
        subprocess.run(["mosquitto_ctrl", "dynsec", "init", str(f / "dynsec.json"), "admin",
                        "admin-pw"], check=True, capture_output=True)
        config = f / "rights.conf"
        config.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous false\n"
                          f"plugin {self.PLUGIN}\nplugin_opt_config_file {f / 'dynsec.json'}\n"
                          + ("user root\n" if os.geteuid() == 0 else ""))
        self.proc = subprocess.Popen([mosquitto_path() or "mosquitto", "-c", str(config)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            done = subprocess.run(
                ["mosquitto_ctrl", "-h", "127.0.0.1", "-p", str(self.port), "-u", "admin",
                 "-P", "admin-pw", "dynsec", "createClient", user, "-p", password],
                capture_output=True)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(done.stderr.decode())
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
