"""The sentences of the LoRaWAN sources that are not errors: warnings, notes, progress."""

from __future__ import annotations

from calliope_lib.messages import register, t

register({
    # why a message was not a usable uplink (see uplink.BadUplink)
    "lora.bad.not_json": {"de": "kein JSON", "en": "not JSON"},
    "lora.bad.not_uplink": {"de": "keine Uplink-Nachricht", "en": "not an uplink message"},
    "lora.bad.no_device": {"de": "das Gerät fehlt", "en": "the device is missing"},
    "lora.bad.no_time": {"de": "die Empfangszeit fehlt", "en": "the time received is missing"},
    "lora.bad.no_decoded": {
        "de": "keine entschlüsselten Werte (der Anwendung fehlt ein Payload-Formatter)",
        "en": "no decoded values (the application lacks a payload formatter)",
    },
    "lora.bad.warn": {
        "de": "{count} Nachrichten waren keine lesbaren Uplinks und fehlen in der Aufnahme: {reasons}",
        "en": "{count} messages were no readable uplinks and are not in the recording: {reasons}",
    },
    "lora.export.no_uplinks": {
        "de": "die Datei enthält keine Uplink-Nachricht von The Things Stack oder ChirpStack",
        "en": "the file holds no uplink message of The Things Stack or ChirpStack",
    },
    "lora.export.more": {
        "de": "... und {count} weitere Zeilen, die keine Uplinks waren.",
        "en": "... and {count} more lines that were no uplinks.",
    },
    "lora.lost.warn": {
        "de": ("Die Verbindung zum LoRaWAN-Server ist weg; ich verbinde mich wieder, sobald "
               "er erreichbar ist. Die Aufnahme läuft weiter."),
        "en": ("The connection to the LoRaWAN server is gone; I reconnect as soon as it can "
               "be reached. The recording goes on."),
    },
    "lora.back.note": {
        "de": "Wieder mit dem LoRaWAN-Server verbunden; die Lücke ist in der Aufnahme markiert.",
        "en": "Connected to the LoRaWAN server again; the gap is marked in the recording.",
    },
    "lora.key_prompt": {
        "de": "API-Schlüssel für {application} (wird nicht angezeigt): ",
        "en": "API key for {application} (not shown): ",
    },
    "lora.progress.waiting": {
        "de": "noch keine Nachricht (Sensoren senden oft nur alle paar Minuten)",
        "en": "no message yet (sensors often send only every few minutes)",
    },
    "lora.progress.age": {
        "de": "letzte Nachricht vor {age}",
        "en": "last message {age} ago",
    },
})


def reason_text(reason: str) -> str:
    """A :class:`~calliope_lib.lorawan.uplink.BadUplink` reason as a readable phrase."""
    return t(f"lora.bad.{reason}")


def age_text(seconds: float) -> str:
    """``"42 s"``, ``"3 min 5 s"``: how long ago, short."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"
