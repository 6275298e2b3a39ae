"""LoRaWAN sensors in the notebook: the makerspace's sensor garden and solar benches.

>>> import calliope_lib as cl
>>> garten = cl.connect("ttn://lorapark-garten@eu1.cloud.thethings.network")  # doctest: +SKIP
>>> rec = garten.record(seconds=600, save_to="meine_gartendaten.csv")        # doctest: +SKIP
>>> rec = cl.load("ttn-export.json")                                          # doctest: +SKIP

Live data comes over MQTT from The Things Stack v3 (``ttn://``) or ChirpStack v4
(``chirpstack://``), see :mod:`.address`; exports of The Things Stack's storage integration
and uplinks saved one per line are read by :mod:`.export`. The rooms:

* :mod:`.uplink`: one message's JSON into device, time and values (pure);
* :mod:`.rows`: uplinks into rows of a :class:`~calliope_lib.recording.Recording`;
* :mod:`.address`: the ``ttn://`` and ``chirpstack://`` addresses;
* :mod:`.mqtt`: the subscription (paho-mqtt, the optional extra ``calliope-lib[lorawan]``);
* :mod:`.source`: :class:`LoraSource`, recordable like a board;
* :mod:`.export`: reading export files;
* :mod:`.errors`, :mod:`.texts`: what a person reads, in German and English.

Nothing here is imported by ``import calliope_lib``; paho-mqtt only when connecting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calliope_lib.lazy import lazy_names

if TYPE_CHECKING:
    from calliope_lib.lorawan.address import is_lora_url
    from calliope_lib.lorawan.export import load_export, looks_like_export
    from calliope_lib.lorawan.source import LoraSource, open_source

__getattr__ = lazy_names(__name__, {
    "LoraSource": "source",
    "open_source": "source",
    "load_export": "export",
    "looks_like_export": "export",
    "is_lora_url": "address",
})

__all__ = ["LoraSource", "is_lora_url", "load_export", "looks_like_export", "open_source"]
