"""A LoRaWAN application as a source of measurements: recorded like a board.

>>> import calliope_lib as cl
>>> garten = cl.connect("ttn://lorapark-garten@eu1.cloud.thethings.network")  # doctest: +SKIP
>>> rec = garten.record(seconds=600, save_to="meine_gartendaten.csv")        # doctest: +SKIP
>>> rec.channels                                                              # doctest: +SKIP
['boden-1.moisture', 'boden-1.temperature', 'boden-2.moisture']

Every sensor of the application ("device") sends an uplink now and then, often minutes
apart. Each uplink becomes one row of the recording: its decoded fields as channels
``"<device>.<field>"``, its time the moment the network server received it (seconds since
the recording's start). The progress bar shows how long ago the last message came, so a
quiet minute does not look like a hang. A dropped connection is re-made by itself and marked
as a gap; messages that are no usable uplink are counted in ``rec.bad_lines``.

The key (an API key with read rights) comes from ``key=...``, the environment variable
``CALLIOPE_LORA_KEY`` or a prompt that does not show what is typed. It is handed to the MQTT
client and kept nowhere else: not in the source, its ``repr``, the recording, its metadata
or a CSV file.
"""

from __future__ import annotations

import getpass
import os
import queue
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from calliope_lib import messages
from calliope_lib.board.info import BoardInfo, Sample
from calliope_lib.errors import InvalidParameter, NoDataYet, UnknownChannel
from calliope_lib.lorawan.address import LoraAddress, parse_address
from calliope_lib.lorawan.errors import LoraKeyMissing
from calliope_lib.lorawan.mqtt import MqttLink
from calliope_lib.lorawan.rows import UplinkRows, is_pattern
from calliope_lib.lorawan.texts import age_text, reason_text
from calliope_lib.lorawan.uplink import BadUplink, decode_bytes
from calliope_lib.progress import RecordingProgress
from calliope_lib.recording.recording import Recording

#: The environment variable the key may come from.
KEY_VARIABLE = "CALLIOPE_LORA_KEY"
#: How often (seconds) the progress bar and a live plot are redrawn while no uplink comes.
TICK_S = 0.5
#: How a recording counts as complete for the progress bar: 90 % of the asked-for time.
COMPLETE_SHARE = 0.9


def resolve_key(key: str | None, address: LoraAddress) -> str | None:
    """The key: ``key`` if given (``""``: none), else ``CALLIOPE_LORA_KEY``, else a prompt.

    Never prompts while nbgrader grades (nobody is there to type); raises
    :class:`~calliope_lib.lorawan.errors.LoraKeyMissing` when nobody can be asked.
    """
    if key is not None:
        return key.strip() or None
    from_env = os.environ.get(KEY_VARIABLE, "").strip()
    if from_env:
        return from_env
    if not address.needs_key:
        return None
    if messages.grading():
        raise LoraKeyMissing()
    try:
        typed = getpass.getpass(messages.t("lora.key_prompt", application=address.application))
    except KeyboardInterrupt:
        raise
    except Exception:  # no terminal, or a notebook front end that cannot ask
        raise LoraKeyMissing() from None
    return typed.strip() or None


def open_source(url: str, *, key: str | None = None, name: str = "") -> LoraSource:
    """Connect to a LoRaWAN application (what ``cl.connect("ttn://...")`` does)."""
    address = parse_address(url)
    return LoraSource(address, resolve_key(key, address), name=name)


class _LoraProgress(RecordingProgress):
    """The recording's progress bar, led by the age of the last message."""

    def __init__(self, source: LoraSource, seconds: float | None, samples: int | None,
                 channels: Sequence[str] | None) -> None:
        self.source = source
        super().__init__(seconds, samples, channels)

    _finished = False

    def close(self, rec: Recording, completed: bool = False) -> None:
        """The final line (kept in the notebook) names values, not an age that grows old."""
        self._finished = True
        super().close(rec, completed)

    def latest_values(self) -> str:
        """``"letzte Nachricht vor 42 s, boden-1.moisture 41"``: the age leads."""
        if self._finished:
            return super().latest_values()
        last = self.source.last_message_at
        if last is None:
            age = messages.t("lora.progress.waiting")
        else:
            age = messages.t("lora.progress.age", age=age_text(time.monotonic() - last))
        values = super().latest_values()
        return f"{age}, {values}" if values else age


class LoraSource:
    """The uplinks of one LoRaWAN application, recordable like a board.

    Get one with ``cl.connect("ttn://...")`` or ``cl.connect("chirpstack://...")``; close
    it at the end (or use ``with``). ``record()``, ``stream()`` and ``save_to`` work as for
    a :class:`~calliope_lib.board.Board`; channel names may be patterns
    (``"*.moisture"``: the moisture of every device).
    """

    def __init__(self, address: LoraAddress, key: str | None, *, name: str = "") -> None:
        self.address = address
        self.info = BoardInfo(kind="lorawan", port=address.url, mode="listen",
                              product=address.server_name, name=name)
        self._link = MqttLink(address, key)
        #: ``time.monotonic()`` of the last message that arrived, None before the first.
        self.last_message_at: float | None = None
        self._seen: dict[str, None] = {}
        self._devices: dict[str, None] = {}

    # -- what was seen ----------------------------------------------------------------------
    @property
    def channels(self) -> list[str]:
        """Channels seen so far (``"boden-1.moisture"``...), in the order they came."""
        return list(self._seen)

    @property
    def devices(self) -> list[str]:
        """Devices heard so far."""
        return list(self._devices)

    @property
    def connected(self) -> bool:
        """Whether the connection to the server is up right now."""
        return self._link.connected

    # -- recording --------------------------------------------------------------------------
    def _new_recording(self, channels: Sequence[str] | None,
                       signal: bool) -> tuple[Recording, UplinkRows]:
        address = self.address
        start = datetime.now(timezone.utc)
        meta: dict[str, Any] = {
            "board": "lorawan", "port": address.url, "network": address.server_name,
            "application": address.application,
            "start": start.astimezone().isoformat(timespec="milliseconds"),
        }
        if address.tenant:
            meta["tenant"] = address.tenant
        rec = Recording(metadata=meta)
        # Messages that came before this recording are not part of it (as with a board).
        for event in self._link.drain():
            if event[0] == "message":
                self._note(event)
        return rec, UplinkRows(rec, start, channels, signal=signal or address.signal)

    def _note(self, event: tuple[Any, ...]) -> None:
        """Remember the channels of a message that is not recorded."""
        self.last_message_at = event[2]
        try:
            up = decode_bytes(event[1], self.address.server)
        except BadUplink:
            return
        self._devices[up.device] = None
        for name in (*up.values, *up.signal):
            self._seen[f"{up.device}.{name}"] = None

    def _rows(self, rows: UplinkRows, seconds: float | None,
              writer: Any = None) -> Iterator[tuple[float, tuple, tuple] | None]:
        """The loop: yields each row added, and None every :data:`TICK_S` without one."""
        events = self._link.events
        t0 = time.monotonic()
        deadline = None if seconds is None else t0 + seconds
        rec = rows.rec
        # Already reconnecting when the recording starts: the gap starts with it.
        down_since: float | None = None if self._link.connected else 0.0
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                batch = self._link.drain()  # arrived in time, not yet looked at
                if not batch:
                    break
            else:
                wait = TICK_S if deadline is None else min(TICK_S, deadline - now)
                try:
                    batch = [events.get(timeout=max(wait, 0.0))]
                except queue.Empty:
                    yield None
                    continue
            for event in batch:
                kind = event[0]
                if kind == "message":
                    self.last_message_at = event[2]
                    try:
                        up = decode_bytes(event[1], self.address.server)
                    except BadUplink as bad:
                        rows.bad(bad.reason)
                        continue
                    row = rows.add(up)
                    self._devices.update(rows.devices)
                    self._seen.update(rows.seen)
                    if row is not None:
                        yield row
                elif kind == "down" and down_since is None:
                    down_since = event[1] - t0
                    messages.warn("lora.lost.warn")
                elif kind == "up" and down_since is not None:
                    self._gap(rec, writer, down_since, event[1] - t0)
                    down_since = None
                    messages.note("lora.back.note")
        if down_since is not None:
            self._gap(rec, writer, down_since, time.monotonic() - t0)

    @staticmethod
    def _gap(rec: Recording, writer: Any, start: float, end: float) -> None:
        rec.add_gap(start, end)
        if writer is not None:
            writer.add_gap(start, end)

    def read(self, channel: str, timeout: float = 900.0) -> float:
        """The next value of ``channel`` (a name, or a pattern like ``"*.moisture"``) that
        arrives; waits up to ``timeout`` seconds.

        Sensors send every few minutes, so this may take a while; the value is the one of
        the next uplink, not an old one.

        >>> garten.read("boden-1.moisture")   # doctest: +SKIP
        41.5
        """
        _rec, rows = self._new_recording([channel], False)
        for row in self._rows(rows, timeout):
            if row is not None:  # only the wanted channel is in it (a pattern: the first)
                return float(row[2][0])
        if self._seen and channel not in self._seen and not is_pattern(channel):
            raise UnknownChannel(channel, self.channels)
        raise NoDataYet(channel=channel, seconds=timeout)

    def stream(self, channels: Sequence[str] | str | None = None, *,
               signal: bool = False) -> Iterator[Sample]:
        """Values as uplinks arrive, endlessly (stop with ``break``).

        >>> for sample in garten.stream("*.moisture"):   # doctest: +SKIP
        ...     print(sample.channel, sample.value)
        """
        _rec, rows = self._new_recording(_channel_list(channels), signal)
        for row in self._rows(rows, None):
            if row is None:
                continue
            when, names, values = row
            for name, value in zip(names, values):
                yield Sample(when, name, value)

    def record(
        self,
        channels: Sequence[str] | str | None = None,
        seconds: float | None = None,
        *,
        samples: int | None = None,
        save_to: str | Path | None = None,
        dialect: str = "default",
        progress: bool = True,
        live: bool = False,
        ylim: tuple[float, float] | None = None,
        until_interrupted: bool = False,
        signal: bool = False,
        overwrite: bool = False,
        every: float | None = None,
        other_board: str = "stop",
    ) -> Recording:
        """Record the application's uplinks for ``seconds`` (or ``samples`` uplinks).

        * ``channels``: names (``["boden-1.moisture"]``) or patterns (``"*.moisture"``);
          ``None``: every decoded field that arrives.
        * ``signal=True``: also every device's ``rssi`` (dBm) and ``snr`` (dB).
        * ``save_to``, ``dialect``, ``overwrite``, ``progress``, ``live``, ``ylim``,
          ``until_interrupted``: as for a board (:meth:`calliope_lib.board.Board.record`);
          an existing file is never replaced unless ``overwrite=True``.
        * ``every`` and ``other_board`` are a board's and change nothing here (the sensors
          decide when they send); they are accepted so that code written for a board, and
          ``calliope-mini record``, run unchanged.

        Always returns the recording, also after Ctrl-C or a lost connection.
        """
        if seconds is None and samples is None and not until_interrupted:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        if seconds is not None and not seconds > 0:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        names = _channel_list(channels)
        columns = [n for n in names or () if not is_pattern(n)]
        show_progress = progress and not messages.grading()
        if show_progress:
            import tqdm.auto  # noqa: F401  (imported before the clock starts)
        if live:
            from calliope_lib import plotting  # noqa: F401
        rec, rows = self._new_recording(names, signal)
        writer = live_plot = bar = None
        try:
            if save_to is not None:
                from calliope_lib.recording.files import RecordingWriter

                writer = RecordingWriter(rec, save_to, dialect=dialect, channels=columns,
                                         overwrite=overwrite)
            if live:
                from calliope_lib.plotting import LivePlot

                live_plot = LivePlot(rec, columns or None, ylim=ylim, seconds=seconds)
            if show_progress:
                bar = _LoraProgress(self, seconds, samples, columns or None)
            t0 = time.monotonic()
            taken = 0
            for row in self._rows(rows, seconds, writer):
                if bar is not None:
                    bar.update(time.monotonic() - t0, rec)
                if live_plot is not None:
                    live_plot.update()
                if writer is not None:
                    writer.tick()
                if row is not None:
                    taken += 1
                    if samples is not None and taken >= samples:
                        break
        except KeyboardInterrupt:
            messages.note("interrupted.note", count=len(rec))
        finally:
            if bar is not None:
                bar.close(rec, completed=seconds is not None)
            if live_plot is not None:
                live_plot.update(force=True)
                live_plot.close()
            if writer is not None:
                writer.close()
                rec.saved_to = None if writer.failed else writer.path
        self._report(rows, seconds)
        return rec

    @staticmethod
    def _report(rows: UplinkRows, seconds: float | None) -> None:
        """Say what is missing: wanted channels that never came, unreadable messages."""
        for name in rows.missing():
            messages.warn("no_data_yet.detail", channel=name,
                          seconds=seconds if seconds is not None else 0.0)
        if rows.bad_reasons:
            reasons = "; ".join(f"{count}× {reason_text(reason)}"
                                for reason, count in rows.bad_reasons.most_common())
            messages.warn("lora.bad.warn", count=sum(rows.bad_reasons.values()),
                          reasons=reasons)

    # -- closing ----------------------------------------------------------------------------
    def close(self) -> None:
        """Disconnect from the server."""
        self._link.close()

    def __enter__(self) -> LoraSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        a = self.address
        return f"<LoraSource {a.server_name} {a.application} on {a.host}:{a.port}>"


def _channel_list(channels: Sequence[str] | str | None) -> list[str] | None:
    if channels is None:
        return None
    if isinstance(channels, str):
        return [channels]
    return list(channels)
