"""Uplinks into a recording: channel names, which channels to keep, notes, lost uplinks.

Used alike for a live connection and for an export file, so both give the same channels:
``"<device>.<field>"`` (``"boden-1.moisture"``, ``"bank-1.solar.power"``), times in seconds
since the recording's start, taken from when the network server received the uplink.

>>> from datetime import datetime, timezone
>>> from calliope_lib.recording.recording import Recording
>>> from calliope_lib.lorawan.uplink import Uplink
>>> start = datetime(2026, 5, 4, 10, 0, tzinfo=timezone.utc)
>>> rec = Recording()
>>> rows = UplinkRows(rec, start)
>>> rows.add(Uplink("boden-1", datetime(2026, 5, 4, 10, 5, tzinfo=timezone.utc),
...                 {"moisture": 41.5}, {"state": "ok"}, {"rssi": -97.0}, counter=7))
(300.0, ('boden-1.moisture',), (41.5,))
>>> rec.notes
['300.0 s boden-1.state: ok']
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from calliope_lib.lorawan.uplink import Uplink
from calliope_lib.recording import units
from calliope_lib.recording.recording import Recording

#: Display names of the fields sensor nodes commonly send (payload decoders name them in
#: English), so a kid reads "boden-1: Feuchte in %" instead of "boden-1: moisture". Fields
#: of the board's own channels (``temperature``) already have theirs; unknown ones keep the
#: decoder's word.
FIELD_NAMES = {
    "moisture": {"de": "Feuchte", "en": "Moisture"},
    "humidity": {"de": "Luftfeuchte", "en": "Humidity"},
    "pressure": {"de": "Luftdruck", "en": "Air pressure"},
    "solar_power": {"de": "Solarleistung", "en": "Solar power"},
    "battery": {"de": "Batterie", "en": "Battery"},
    "rssi": {"de": "Empfangsstärke (RSSI)", "en": "Signal strength (RSSI)"},
    "snr": {"de": "Signal-Rausch-Abstand (SNR)", "en": "Signal-to-noise ratio (SNR)"},
}
units.name_channels(FIELD_NAMES)

#: Signal channels every device has (of the gateway that heard it best).
SIGNAL_FIELDS = ("rssi", "snr")
#: Their units.
SIGNAL_UNITS = {"rssi": "dBm", "snr": "dB"}
#: A frame counter jumping further than this is a device that joined anew, not lost uplinks.
MAX_COUNTER_STEP = 1000
#: At most this many notes (text fields) per recording.
MAX_NOTES = 500


def channel_name(device: str, name: str) -> str:
    """``"boden-1.moisture"``: the device, a dot, the field."""
    return f"{device}.{name}"


def is_pattern(name: str) -> bool:
    """True for a channel pattern like ``"*.moisture"`` or ``"boden-1.*"``."""
    return any(c in name for c in "*?[")


class UplinkRows:
    """Turns :class:`~calliope_lib.lorawan.uplink.Uplink` objects into rows of ``rec``.

    ``wanted``: channel names or patterns (``"*.moisture"``); None takes every decoded field
    that arrives. The signal channels (``"<device>.rssi"``, ``"<device>.snr"``) are taken
    only when asked for by name or pattern, or with ``signal=True``.
    """

    def __init__(self, rec: Recording, start: datetime,
                 wanted: Sequence[str] | None = None, *, signal: bool = False) -> None:
        self.rec = rec
        self.start = start
        self.wanted = list(wanted) if wanted else None
        self.signal = signal
        #: Every channel seen, kept or not, in the order of first appearance.
        self.seen: dict[str, None] = {}
        #: Devices heard, in order.
        self.devices: dict[str, None] = {}
        #: Why messages were not usable: ``{reason: count}`` (see :class:`BadUplink`).
        self.bad_reasons: Counter[str] = Counter()
        #: Uplinks taken.
        self.count = 0
        self._counters: dict[str, int] = {}
        self._last_note: dict[str, str] = {}

    def _keep(self, channel: str, is_signal: bool) -> bool:
        if self.wanted is None:
            return not is_signal or self.signal
        if is_signal and self.signal:
            return True
        return any(channel == w or (is_pattern(w) and fnmatch.fnmatchcase(channel, w))
                   for w in self.wanted)

    def time_of(self, up: Uplink) -> float:
        """Seconds from the recording's start to when the uplink was received."""
        return (up.received - self.start).total_seconds()

    def add(self, up: Uplink) -> tuple[float, tuple[str, ...], tuple[float, ...]] | None:
        """Add one uplink; returns the row added ``(time, names, values)`` or None if no
        channel of it is wanted."""
        rec = self.rec
        when = self.time_of(up)
        device = up.device
        self.devices[device] = None
        self.count += 1
        self._count_lost(device, up.counter)
        names: list[str] = []
        values: list[float] = []
        for name, value in up.values.items():
            channel = channel_name(device, name)
            self.seen[channel] = None
            if self._keep(channel, False):
                names.append(channel)
                values.append(value)
        for name, value in up.signal.items():
            if name in up.values:
                continue  # the device itself sends a field of that name: it wins
            channel = channel_name(device, name)
            self.seen[channel] = None
            if self._keep(channel, True):
                if channel not in rec:
                    rec.use_units({channel: SIGNAL_UNITS[name]})
                names.append(channel)
                values.append(value)
        for name, text in up.notes.items():
            channel = channel_name(device, name)
            if self._keep(channel, False) and self._last_note.get(channel) != text \
                    and len(rec.notes) < MAX_NOTES:
                self._last_note[channel] = text
                rec.notes.append(f"{when:.1f} s {channel}: {text}")
        if not names:
            return None
        row = (when, tuple(names), tuple(values))
        rec.add_row(*row)
        return row

    def bad(self, reason: str) -> None:
        """A message that was not a usable uplink: counted like a bad line."""
        self.bad_reasons[reason] += 1
        self.rec.bad_lines += 1

    def _count_lost(self, device: str, counter: int | None) -> None:
        """Uplinks the device sent that never arrived: gaps in its frame counter."""
        if counter is None:
            return
        last = self._counters.get(device)
        self._counters[device] = counter
        if last is not None and 1 < counter - last <= MAX_COUNTER_STEP:
            self.rec.lost_lines += counter - last - 1

    def missing(self) -> list[str]:
        """Wanted channel names (not patterns) that never arrived."""
        return [w for w in self.wanted or () if not is_pattern(w) and w not in self.rec]
