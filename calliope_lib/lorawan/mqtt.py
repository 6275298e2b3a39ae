"""The MQTT subscription to one application's uplinks, kept alive in a background thread.

paho-mqtt (the optional extra ``calliope-lib[lorawan]``) is imported here, when a LoRaWAN
address is opened, never by ``import calliope_lib``. Its network loop runs in its own
thread and reconnects by itself after a dropped connection; what happens arrives in
:attr:`MqttLink.events`, a queue the recording loop reads:

* ``("message", payload_bytes, monotonic_time)``: an uplink arrived;
* ``("down", monotonic_time)``: the connection dropped (paho is reconnecting);
* ``("up", monotonic_time)``: connected and subscribed again.

Both servers speak MQTT 3.1.1; uplinks are subscribed with QoS 0 (The Things Stack offers
no more to MQTT clients). The key is handed to paho as the MQTT password and kept nowhere
else.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from typing import Any

from calliope_lib.errors import os_reason, require
from calliope_lib.lorawan.address import LoraAddress
from calliope_lib.lorawan.errors import (
    LoraAddressError,
    LoraLoginRefused,
    LoraNoAccess,
    LoraServerUnreachable,
)

#: Seconds to wait for the server to accept the login and the subscription.
CONNECT_TIMEOUT_S = 15.0
#: MQTT keep-alive: a silent connection is found dead after about 1.5 times this.
KEEPALIVE_S = 30
#: Seconds between reconnection attempts: from the first to the longest.
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 8


class MqttLink:
    """One subscription to ``address.topic`` (every device's uplinks).

    Raises :class:`~calliope_lib.lorawan.errors.LoraServerUnreachable`,
    :class:`~calliope_lib.lorawan.errors.LoraLoginRefused` (wrong key or application) or
    :class:`~calliope_lib.lorawan.errors.LoraNoAccess` (subscription refused).
    """

    def __init__(self, address: LoraAddress, key: str | None, *,
                 timeout: float = CONNECT_TIMEOUT_S) -> None:
        mqtt = require("paho.mqtt.client", '"calliope-lib[lorawan]"')
        self.address = address
        #: What happened, in order (see the module text).
        self.events: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.connected = False
        self._ready = threading.Event()
        self._refused: str | None = None
        self._subscribe_refused = False
        self._subscribed_once = False
        self._closing = False
        # A client id of our own (MQTT 3.1.1 lets a server refuse an empty one); random, so
        # two notebooks reading the same garden do not throw each other out.
        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
                             client_id=f"calliope-lib-{secrets.token_hex(6)}",
                             protocol=mqtt.MQTTv311, clean_session=True)
        if address.username is not None or key:
            client.username_pw_set(address.username or address.application, key or None)
        if address.tls:
            try:
                client.tls_set(ca_certs=address.ca, certfile=address.cert,
                               keyfile=address.certkey)
            except (OSError, ValueError) as exc:  # a certificate file missing or unreadable
                raise LoraAddressError(url=address.url, reason=_reason(exc)) from None
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        client.on_connect = self._on_connect
        client.on_subscribe = self._on_subscribe
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        self._client = client
        host = f"{address.host}:{address.port}"
        try:
            client.connect(address.host, address.port, keepalive=KEEPALIVE_S)
        except (OSError, ValueError) as exc:
            raise LoraServerUnreachable(host=host, reason=_reason(exc)) from None
        client.loop_start()
        if not self._ready.wait(timeout):
            self.close()
            raise LoraServerUnreachable(host=host, reason=f"timeout ({timeout:.0f} s)")
        if self._refused is not None:
            self.close()
            raise LoraLoginRefused(host=host, application=address.application,
                                   reason=self._refused)
        if self._subscribe_refused:
            self.close()
            raise LoraNoAccess(application=address.application)

    # -- paho's callbacks (they run in paho's thread) ---------------------------------------
    def _on_connect(self, client: Any, _userdata: Any, _flags: Any, reason_code: Any,
                    _properties: Any) -> None:
        if reason_code.is_failure:
            if not self._ready.is_set():
                self._refused = str(reason_code)
                self._ready.set()
            return
        client.subscribe(self.address.topic, qos=0)

    def _on_subscribe(self, _client: Any, _userdata: Any, _mid: int, reason_codes: Any,
                      _properties: Any) -> None:
        if any(code.is_failure for code in reason_codes):
            self._subscribe_refused = True
        else:
            self.connected = True
            if self._subscribed_once:
                self.events.put(("up", time.monotonic()))
            self._subscribed_once = True
        self._ready.set()

    def _on_disconnect(self, _client: Any, _userdata: Any, _flags: Any, _reason_code: Any,
                       _properties: Any) -> None:
        was_connected, self.connected = self.connected, False
        if was_connected and not self._closing:
            self.events.put(("down", time.monotonic()))

    def _on_message(self, _client: Any, _userdata: Any, message: Any) -> None:
        self.events.put(("message", message.payload, time.monotonic()))

    # -- the rest ---------------------------------------------------------------------------
    def drain(self) -> list[tuple[Any, ...]]:
        """Take every event waiting now."""
        taken = []
        while True:
            try:
                taken.append(self.events.get_nowait())
            except queue.Empty:
                return taken

    def close(self) -> None:
        """Unsubscribe, disconnect and stop the background thread. Safe to call twice."""
        if self._closing:
            return
        self._closing = True
        try:
            self._client.disconnect()
        except Exception:  # already gone: nothing to say goodbye to
            pass
        self._client.loop_stop()


def _reason(exc: BaseException) -> str:
    """The operating system's reason, short (``Connection refused``)."""
    text = os_reason(exc) if isinstance(exc, OSError) else str(exc) or type(exc).__name__
    filename = getattr(exc, "filename", None)
    return f"{text}: {filename}" if filename else str(text)
