"""What can go wrong with a LoRaWAN connection, in German and English.

Each error is a :class:`~calliope_lib.errors.CalliopeError` and the built-in a programmer
expects (a refused key is a ``PermissionError``, an unreachable server a
``ConnectionError``). No message ever contains the key: only the application, the server
and the server's own reason.
"""

from __future__ import annotations

from calliope_lib.errors import CalliopeError
from calliope_lib.messages import register

register({
    "lora_refused.title": {
        "de": "Der LoRaWAN-Server {host} hat die Anmeldung abgelehnt",
        "en": "The LoRaWAN server {host} refused the login",
    },
    "lora_refused.detail": {
        "de": ("Die Anwendung '{application}' gibt es dort nicht, oder der API-Schlüssel "
               "passt nicht zu ihr. Prüfe die Anwendungs-ID (und bei The Things Stack den "
               "Tenant, im Internet meist 'ttn') und den Schlüssel – die Workshopleitung "
               "findet beides in der Konsole (docs/LORAWAN.md). Antwort des Servers: {reason}"),
        "en": ("There is no application '{application}' there, or the API key does not "
               "belong to it. Check the application id (and for The Things Stack the "
               "tenant, on the internet usually 'ttn') and the key - the workshop leader "
               "finds both in the console (docs/LORAWAN.md). The server said: {reason}"),
    },
    "lora_no_access.title": {
        "de": "Der Schlüssel darf die Daten von '{application}' nicht lesen",
        "en": "The key may not read the data of '{application}'",
    },
    "lora_no_access.detail": {
        "de": ("Der Server hat die Anmeldung angenommen, aber das Abonnieren der Uplinks "
               "abgelehnt: die Anwendung ist unbekannt oder dem API-Schlüssel fehlt das "
               "Recht, den Datenverkehr der Anwendung zu lesen. Die Workshopleitung erzeugt "
               "einen Schlüssel nur mit Leserechten (docs/LORAWAN.md)."),
        "en": ("The server accepted the login but refused the subscription to the uplinks: "
               "the application is unknown or the API key lacks the right to read the "
               "application's traffic. The workshop leader makes a read-only key "
               "(docs/LORAWAN.md)."),
    },
    "lora_unreachable.title": {
        "de": "Den LoRaWAN-Server {host} erreiche ich nicht",
        "en": "I cannot reach the LoRaWAN server {host}",
    },
    "lora_unreachable.detail": {
        "de": ("Ist der Rechner im Internet (oder im WLAN des Makerspace)? Stimmt die "
               "Adresse? Ohne Netz kannst du mit den aufgenommenen Gartendaten arbeiten "
               "(cl.load). Grund: {reason}"),
        "en": ("Is the computer on the internet (or the makerspace's network)? Is the "
               "address right? Without a network, work with the recorded garden data "
               "(cl.load). Reason: {reason}"),
    },
    "lora_no_key.title": {
        "de": "Kein API-Schlüssel für den LoRaWAN-Server",
        "en": "No API key for the LoRaWAN server",
    },
    "lora_no_key.detail": {
        "de": ("Setze die Umgebungsvariable CALLIOPE_LORA_KEY, bevor Jupyter startet, oder "
               "starte das Notebook so, dass ich nach dem Schlüssel fragen kann. Den "
               "Schlüssel bekommst du von der Workshopleitung."),
        "en": ("Set the environment variable CALLIOPE_LORA_KEY before Jupyter starts, or "
               "run the notebook so that I can ask for the key. The workshop leader gives "
               "you the key."),
    },
    "lora_bad_url.title": {
        "de": "Diese LoRaWAN-Adresse verstehe ich nicht: {url}",
        "en": "I do not understand this LoRaWAN address: {url}",
    },
    "lora_bad_url.detail": {
        "de": ('Beispiele: cl.connect("ttn://ANWENDUNG@eu1.cloud.thethings.network") für '
               'The Things Network, cl.connect("chirpstack://server.example.org/ANWENDUNGS-ID") '
               "für ChirpStack; ?tls=0 für einen Server ohne Verschlüsselung im eigenen Netz. "
               "Grund: {reason}"),
        "en": ('Examples: cl.connect("ttn://APPLICATION@eu1.cloud.thethings.network") for '
               'The Things Network, cl.connect("chirpstack://server.example.org/APPLICATION_ID") '
               "for ChirpStack; ?tls=0 for a server without encryption on your own network. "
               "Reason: {reason}"),
    },
    "lora_url.no_application": {
        "de": "die Anwendung fehlt",
        "en": "the application is missing",
    },
    "lora_url.key_in_url": {
        "de": ("der Schlüssel gehört nicht in die Adresse (die Adresse steht in jeder "
               "Aufnahme); gib ihn mit CALLIOPE_LORA_KEY oder key=... an"),
        "en": ("the key does not belong in the address (the address is kept in every "
               "recording); give it with CALLIOPE_LORA_KEY or key=..."),
    },
    "lora_url.bad_option": {
        "de": "unbekannte Angabe '{option}' (bekannt: {known})",
        "en": "unknown option '{option}' (known: {known})",
    },
    "lora_url.bad_port": {
        "de": "die Portnummer ist keine Zahl",
        "en": "the port number is not a number",
    },
})


class LoraLoginRefused(CalliopeError, PermissionError):
    """The network server refused the login: wrong key, or no such application."""

    reason = "lora_refused"
    key = "lora_refused"


class LoraNoAccess(CalliopeError, PermissionError):
    """The login worked, the subscription to the application's uplinks did not."""

    reason = "lora_no_access"
    key = "lora_no_access"


class LoraServerUnreachable(CalliopeError, ConnectionError):
    """The network server's MQTT port cannot be reached (no network, wrong host)."""

    reason = "lora_unreachable"
    key = "lora_unreachable"


class LoraKeyMissing(CalliopeError, PermissionError):
    """No key given, none in ``CALLIOPE_LORA_KEY``, and nobody to ask."""

    reason = "lora_no_key"
    key = "lora_no_key"


class LoraAddressError(CalliopeError, ValueError):
    """A ``ttn://`` or ``chirpstack://`` address that cannot be understood."""

    reason = "lora_bad_url"
    key = "lora_bad_url"
