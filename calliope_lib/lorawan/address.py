"""LoRaWAN addresses: ``ttn://`` (The Things Stack v3) and ``chirpstack://`` (ChirpStack v4).

::

    ttn://lorapark-garten@eu1.cloud.thethings.network     application on The Things Network
    ttn://garten@makerspace@tts.example.org               application "garten", tenant "makerspace"
    ttn://garten@tts.example.org?tenant=makerspace        the same
    chirpstack://lora.example.org/APPLICATION_ID          ChirpStack v4 (application id: a UUID)
    chirpstack://reader@lora.example.org/APPLICATION_ID   with an MQTT user name (key: its password)

Options after ``?``: ``tls=0`` (a server on your own network without encryption; port
1883 instead of 8883), ``tenant=...``, ``signal=1`` (record every device's ``rssi`` and
``snr``), ``ca=FILE`` (the certificate authority of a server with its own certificates),
``cert=FILE`` and ``certkey=FILE`` (a client certificate, as ChirpStack's MQTT integration
can make one per application). A port after the host (``host:1884``) overrides the default.

The key never belongs in the address: an address is kept in every recording's metadata.

>>> a = parse_address("ttn://lorapark-garten@eu1.cloud.thethings.network")
>>> a.username, a.topic, a.port, a.tls
('lorapark-garten@ttn', 'v3/lorapark-garten@ttn/devices/+/up', 8883, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from calliope_lib.lorawan.errors import LoraAddressError
from calliope_lib.messages import t

#: URL schemes and the network server each means.
SCHEMES = {"ttn": "The Things Stack", "tts": "The Things Stack", "chirpstack": "ChirpStack"}
#: The tenant of The Things Network (the public community network).
TTN_TENANT = "ttn"
#: Options an address may carry after ``?``.
OPTIONS = ("tls", "tenant", "signal", "ca", "cert", "certkey")


@dataclass(frozen=True)
class LoraAddress:
    """Everything needed to subscribe to one application's uplinks (but the key)."""

    #: ``"tts"`` (The Things Stack) or ``"chirpstack"``: also the message format
    server: str
    host: str
    port: int
    tls: bool
    application: str
    #: The Things Stack's tenant (``"ttn"`` on The Things Network); None for ChirpStack
    tenant: str | None
    #: MQTT user name (The Things Stack: ``application@tenant``); None: none
    username: str | None
    #: The MQTT topic filter of every device's uplinks
    topic: str
    #: the address as given (it holds no key)
    url: str
    signal: bool = False
    ca: str | None = None
    cert: str | None = None
    certkey: str | None = None

    @property
    def server_name(self) -> str:
        """``"The Things Stack"`` or ``"ChirpStack"``."""
        return "ChirpStack" if self.server == "chirpstack" else "The Things Stack"

    @property
    def needs_key(self) -> bool:
        """Whether a key (the MQTT password) is needed: always for The Things Stack; for
        ChirpStack when the address names a user (a client certificate needs none)."""
        return self.server == "tts" or self.username is not None


def is_lora_url(url: object) -> bool:
    """True for a ``ttn://``, ``tts://`` or ``chirpstack://`` address."""
    return isinstance(url, str) and url.split("://", 1)[0].lower() in SCHEMES and "://" in url


def _bad(url: str, key: str, **fields: object) -> LoraAddressError:
    return LoraAddressError(url=url, reason=t(key, **fields))


def parse_address(url: str) -> LoraAddress:
    """Read a ``ttn://`` or ``chirpstack://`` address (see the module text).

    Raises :class:`~calliope_lib.lorawan.errors.LoraAddressError` saying what is wrong.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise _bad(url, "lora_url.bad_option", option=scheme, known=", ".join(SCHEMES))
    if parts.password is not None:
        # Say so without repeating the address: it holds the key.
        raise LoraAddressError(url=f"{scheme}://…", reason=t("lora_url.key_in_url"))
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    for option in options:
        if option not in OPTIONS:
            raise _bad(url, "lora_url.bad_option", option=option, known=", ".join(OPTIONS))
    tls = options.get("tls", "1").strip().lower() not in ("0", "no", "false", "off")
    try:
        port = parts.port or (8883 if tls else 1883)
    except ValueError:
        raise _bad(url, "lora_url.bad_port") from None
    host = parts.hostname or ""
    if not host:
        raise _bad(url, "lora_url.no_application")
    user = unquote(parts.username) if parts.username else None
    path = unquote(parts.path.strip("/"))
    common = {"host": host, "port": port, "tls": tls, "url": url,
              "signal": options.get("signal", "0") not in ("0", "", "no", "false"),
              "ca": options.get("ca") or None, "cert": options.get("cert") or None,
              "certkey": options.get("certkey") or None}
    if scheme in ("ttn", "tts"):
        application = user or path
        tenant = options.get("tenant")
        if "@" in application:
            application, _, tenant_in_user = application.partition("@")
            tenant = tenant or tenant_in_user
        tenant = tenant or TTN_TENANT
        if not application:
            raise _bad(url, "lora_url.no_application")
        ident = f"{application}@{tenant}"
        return LoraAddress(server="tts", application=application, tenant=tenant,
                           username=ident, topic=f"v3/{ident}/devices/+/up", **common)
    if not path or "/" in path:
        raise _bad(url, "lora_url.no_application")
    return LoraAddress(server="chirpstack", application=path, tenant=None, username=user,
                       topic=f"application/{path}/device/+/event/up", **common)
