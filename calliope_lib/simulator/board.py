"""The simulated board: our firmware protocol (or a kid's program) over simulated physics.

A :class:`SimulatedBoard` is a pure state machine driven by a clock: the transport writes the
host's bytes into it (:meth:`receive`) and asks it for the bytes it has sent so far
(:meth:`poll`). It never sleeps and never starts threads, so it is deterministic: for one seed
and the same commands at the same board times it sends exactly the same lines.

It can run faster than real time (``speed=60``: one real second is a simulated minute); the
host then takes its timestamps from the same simulated clock (:class:`SimClock`), so a
30-second recording takes half a second and still says 30 seconds.

>>> clock = SimClock(speed=1000)
>>> sim = SimulatedBoard(clock=clock)
>>> sim.receive(b"hello\\n")
>>> sim.poll().decode().splitlines()[-1].startswith("$HELLO calliope-lab")
True

URL parameters (``sim://?seed=3&speed=60&program=makecode``) map to the constructor's
arguments; see :func:`calliope_lib.transports.protocol_sim.parse_sim_url`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

from calliope_lib.protocol import firmware as fw
from calliope_lib.protocol.hello import format_hello
from calliope_lib.protocol.version import FIRMWARE_VERSION, PROTOCOL_VERSION
from calliope_lib.simulator import scenes as _scenes
from calliope_lib.simulator.environment import DIE_OFFSET_C, Environment

_MASK = (1 << 64) - 1

#: Channels of the simulated board in the order ``channels`` lists them.
SIM_CHANNELS = (
    "temperature", "light", "sound",
    "acceleration_x", "acceleration_y", "acceleration_z",
    "compass_heading", "button_a", "button_b",
    "touch_p0", "touch_p1", "touch_p2", "touch_p3",
    "p0", "p1", "p2", "p3",
)
#: Programs a simulated board can run instead of our firmware (listen mode).
PROGRAMS = ("firmware", "makecode", "numbers", "mu", "datalogger", "json", "print", "silent")
#: How the board is moved (for acceleration).
MOTIONS = ("still", "walk", "pendulum", "shake")


def _mix(x: int) -> int:
    # splitmix64 finaliser: a fast, well-spread hash for reproducible noise.
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & _MASK
    return x ^ (x >> 31)


def noise(seed: int, key: int, tick: int) -> float:
    """Reproducible noise with mean 0 and standard deviation 1 (triangular shape)."""
    x = _mix((seed * 0x9E3779B97F4A7C15 + key * 0xD1B54A32D192ED03 + tick) & _MASK)
    u1 = (x & 0xFFFFFFFF) / 4294967296.0
    u2 = (x >> 32) / 4294967296.0
    return (u1 + u2 - 1.0) * 2.449489742783178


def chance(seed: int, key: int, tick: int) -> float:
    """A reproducible uniform number in [0, 1)."""
    return (_mix((seed * 0x2545F4914F6CDD1D + key * 0x9E3779B97F4A7C15 + tick) & _MASK)
            >> 11) / 9007199254740992.0


class SimClock:
    """Simulated time: ``now()`` runs ``speed`` times faster than the real clock.

    ``sleep(s)`` waits ``s`` simulated seconds (``s / speed`` real seconds). The host uses
    the same clock as the board, so timestamps agree at any speed.
    """

    def __init__(self, speed: float = 1.0, real: Callable[[], float] = time.monotonic) -> None:
        if not speed > 0:
            raise ValueError("speed must be > 0")
        self.speed = float(speed)
        self._real = real
        self._start = real()

    def now(self) -> float:
        """Simulated seconds since this clock was made."""
        return (self._real() - self._start) * self.speed

    def restart(self) -> None:
        """Set simulated time back to zero."""
        self._start = self._real()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)


@dataclass
class SimulatedBoard:
    """A board that answers the firmware protocol (``program="firmware"``) or imitates a kid's
    program that prints values (``"makecode"``, ``"mu"``, ``"datalogger"``, ``"json"``,
    ``"print"``, ``"numbers"``, ``"silent"``).

    * ``pins``: what is wired to the analog pins, e.g. ``{"p1": "thermistor"}`` (names from
      :mod:`calliope_lib.simulator.pins`); unwired pins float around mid-scale.
    * ``drop``: share of data lines lost on the way (0..1), for testing lost-line counting.
    * ``unplug_at`` / ``unplug_for``: simulated seconds when the cable is pulled and for how
      long; the board restarts when plugged in again, like a real one.
    * ``every_ms`` / ``channels``: rate and channels of a kid's program (listen mode).
    """

    seed: int = 0
    clock: SimClock = field(default_factory=SimClock)
    program: str = "firmware"
    kind: str = "simulated"
    pins: dict[str, str] = field(default_factory=dict)
    motion: str = "still"
    drop: float = 0.0
    unplug_at: float | None = None
    unplug_for: float = 2.0
    every_ms: int = 200
    channels: tuple[str, ...] = ("temperature", "light")
    serial_number: str = "SIM0000000000000"

    def __post_init__(self) -> None:
        if self.program not in PROGRAMS:
            raise ValueError(f"unknown program {self.program!r}; known: {', '.join(PROGRAMS)}")
        if self.motion not in MOTIONS:
            raise ValueError(f"unknown motion {self.motion!r}; known: {', '.join(MOTIONS)}")
        self.env = Environment(seed=self.seed)
        self._pin_sources = self._load_pin_sources()
        self._out = bytearray()
        self._inbuf = b""
        self._pressed: dict[str, bool] = {"a": False, "b": False}
        self._touched: set[str] = set()
        # The kid's actions (scenes.py): armed by the "scene" command, played by the next stream.
        self._armed: tuple[_scenes.Scene, ...] = ()
        self._scenes: tuple[_scenes.Scene, ...] = ()
        self._world_start = 0.0
        self._boot()

    # -- power and time -------------------------------------------------------------------
    def _boot(self) -> None:
        """Power on: clock from zero, not streaming, hello sent (a real board prints it too,
        though a host opening the port later misses it)."""
        self._boot_time = self.clock.now()
        self._running = self.program != "firmware"  # kids' programs start printing at once
        self._cols: tuple[str, ...] = ("temperature", "light")
        self._period_ms = 100 if self.program == "firmware" else max(10, int(self.every_ms))
        self._next_ms = 0
        self._seq = 0
        self._header_sent = False
        # Simulated world time of the next streamed sample. Streams are laid out on a grid
        # from here (not from the moment "start" arrived, which depends on the host's
        # timing), so one seed always gives the same recording.
        self._world_next = getattr(self, "_world_next", 0.0)
        if self.program == "firmware":
            self._send(format_hello(self.kind))

    def board_ms(self) -> int:
        """The board's ``running_time()``: milliseconds since it was powered on."""
        return int((self.clock.now() - self._boot_time) * 1000.0)

    def unplugged(self) -> bool:
        """True while the simulated cable is out."""
        if self.unplug_at is None:
            return False
        now = self.clock.now()
        return self.unplug_at <= now < self.unplug_at + self.unplug_for

    def replug_check(self) -> bool:
        """Called when the host reopens the port: False while unplugged; reboots once after."""
        if self.unplugged():
            return False
        if self.unplug_at is not None and self.clock.now() >= self.unplug_at + self.unplug_for:
            self.unplug_at = None  # only once
            self._out.clear()
            self._boot()
        return True

    # -- bytes in and out -----------------------------------------------------------------
    def receive(self, data: bytes) -> None:
        """Bytes from the host. Complete lines are executed as commands at once."""
        if self.program != "firmware":
            return  # a kid's program ignores what the host sends
        self._produce()  # data due before the command was sent comes first
        buf = self._inbuf + data.replace(b"\r", b"\n")
        *lines, rest = buf.split(b"\n")
        if len(rest) > fw.MAX_COMMAND_BYTES:
            rest = b""
            self._send(fw.format_err("?", "line too long"))
        self._inbuf = rest
        for raw in lines:
            if raw.strip():
                self._command(raw.decode("ascii", "replace").strip())

    def poll(self) -> bytes:
        """Everything the board has sent up to now (and forget it)."""
        self._produce()
        out = bytes(self._out)
        self._out.clear()
        return out

    def seconds_to_next_line(self) -> float:
        """Simulated seconds until the next data line is due (inf when not streaming)."""
        if not self._running:
            return math.inf
        return max(0.0, (self._next_ms - self.board_ms()) / 1000.0)

    def _send(self, line: str) -> None:
        self._out += line.encode("utf-8") + b"\r\n"

    # -- what the kid does (simulator/scenes.py) ------------------------------------------
    def arm(self, scenes: str) -> tuple[_scenes.Scene, ...]:
        """Play ``scenes`` (``"hand:10:5,lampe:30:5"``) during the next stream, timed from its
        start; ``""`` plays none. Raises ValueError for an unknown scene."""
        self._armed = _scenes.parse(scenes)
        return self._armed

    # -- buttons for tests and demos ------------------------------------------------------
    def press(self, button: str) -> None:
        """Hold button ``"a"`` or ``"b"`` down (until :meth:`release`)."""
        self._pressed[button.lower()] = True

    def release(self, button: str) -> None:
        self._pressed[button.lower()] = False

    def touch(self, pad: str, touched: bool = True) -> None:
        """Touch (or let go of) a pad: ``"p0"``…``"p3"``."""
        (self._touched.add if touched else self._touched.discard)(pad)

    # -- the firmware protocol ------------------------------------------------------------
    def _command(self, line: str) -> None:
        word, _, arg = line.partition(" ")
        if word == "hello":
            self._send(format_hello(self.kind))
        elif word == "info":
            self._send(fw.format_ok("info", (
                f"proto={PROTOCOL_VERSION} fw={FIRMWARE_VERSION} board={self.kind} "
                f"every={self._period_ms} cols={','.join(self._cols)} "
                f"running={int(self._running)}")))
        elif word == "channels":
            self._send(fw.format_ok("channels", ",".join(SIM_CHANNELS)))
        elif word == "cols?":
            self._send("$COLS " + ",".join(self._cols))
        elif word == "cols":
            names = tuple(n for n in arg.split(",") if n)
            unknown = [n for n in names if n not in SIM_CHANNELS]
            if not names:
                self._send(fw.format_err("cols", "no channels given"))
            elif unknown:
                self._send(fw.format_err("cols", f"unknown channel: {unknown[0]}"))
            else:
                self._cols = names
                self._send(fw.format_ok("cols", ",".join(names)))
                if self._running:
                    self._send("$COLS " + ",".join(names))
        elif word == "every":
            try:
                period = int(arg)
            except ValueError:
                self._send(fw.format_err("every", "not a whole number of milliseconds"))
                return
            if not fw.MIN_PERIOD_MS <= period <= fw.MAX_PERIOD_MS:
                self._send(fw.format_err(
                    "every", f"must be {fw.MIN_PERIOD_MS}..{fw.MAX_PERIOD_MS} ms"))
                return
            self._period_ms = period
            self._send(fw.format_ok("every", str(period)))
        elif word == "scene":
            # Simulator only (a real board has no such command): what the kid does during
            # the next measurement, e.g. "scene hand:10:5" (see simulator/scenes.py).
            try:
                self.arm(arg)
            except ValueError as exc:
                self._send(fw.format_err("scene", str(exc)))
                return
            self._send(fw.format_ok("scene", ",".join(sc.text() for sc in self._armed) or "-"))
        elif word == "start":
            self._scenes, self._armed = self._armed, ()
            self._running = True
            self._seq = 0
            self._next_ms = self.board_ms()
            self._world_start = self._world_next
            self._samples = 0
            self._send(fw.format_ok("start"))
            self._send("$COLS " + ",".join(self._cols))
        elif word == "stop":
            self._running = False
            self._send(fw.format_ok("stop"))
        elif word == "read":
            names = tuple(n for n in arg.split(",") if n) or self._cols
            unknown = [n for n in names if n not in SIM_CHANNELS]
            if unknown:
                self._send(fw.format_err("read", f"unknown channel: {unknown[0]}"))
                return
            ms = self.board_ms()
            values = ",".join(fw.format_value(self.value(n, ms)) for n in names)
            self._send(fw.format_ok("read", f"{ms} {values}"))
        else:
            safe = "".join(c for c in word[:20] if c.isprintable() and c != " ") or "?"
            self._send(fw.format_err(safe, "unknown command"))

    def _produce(self) -> None:
        """Emit every data line that is due by now."""
        if not self._running:
            return
        now_ms = self.board_ms()
        # A host that stalls for a long time must not make us build gigabytes at once.
        if now_ms - self._next_ms > 600_000:
            self._next_ms = now_ms - 600_000
        while self._next_ms <= now_ms:
            ms = self._next_ms
            self._emit(ms)
            self._next_ms += self._period_ms

    def _emit(self, ms: int) -> None:
        program = self.program
        if program == "firmware":
            seq = self._seq
            self._seq = (seq + 1) % fw.SEQ_MODULO
            world = self._world_start + self._samples * self._period_ms / 1000.0
            self._samples += 1
            self._world_next = world + self._period_ms / 1000.0
            if self.drop and chance(self.seed, 99, self._samples) < self.drop:
                return  # lost on the way: the sequence number shows the gap
            values = [self.value(n, ms, world) for n in self._cols]
            self._send(fw.format_data_line(seq, ms, values))
            return
        names = self.channels
        values = [self.value(n, ms) for n in names]
        text = [fw.format_value(v) for v in values]
        if program == "makecode":
            for name, value in zip(names, text):
                self._send(f"{name}:{value}".ljust(31))  # + \r\n = 32-byte blocks
        elif program == "numbers":
            self._send(",".join(text).ljust(31))
        elif program == "mu":
            self._send("(" + ", ".join(text) + ")")
        elif program == "datalogger":
            if not self._header_sent:
                self._send("Time (seconds)," + ",".join(names))
                self._header_sent = True
            self._send(f"{ms / 1000:.2f}," + ",".join(text))
        elif program == "json":
            self._send("{" + ", ".join(f'"{n}": {v}' for n, v in zip(names, text)) + "}")
        elif program == "print":
            self._send(" ".join(text))

    # -- physics --------------------------------------------------------------------------
    def _load_pin_sources(self) -> dict[str, Callable[[Environment, float], float]]:
        sources: dict[str, Callable[[Environment, float], float]] = {}
        if not self.pins:
            return sources
        from calliope_lib.simulator.pins import PIN_SENSORS

        for pin, sensor in self.pins.items():
            if sensor not in PIN_SENSORS:
                raise ValueError(
                    f"unknown sensor {sensor!r} for {pin}; known: {', '.join(PIN_SENSORS)}")
            sources[pin] = PIN_SENSORS[sensor]
        return sources

    def value(self, channel: str, ms: int, world: float | None = None) -> float:
        """The reading of ``channel`` at board time ``ms`` (deterministic for the seed).

        ``world`` is the simulated world's time in seconds; by default the board's time since
        it was made (the world does not restart when the board does).
        """
        t = ms / 1000.0 + self._boot_time if world is None else world
        key = SIM_CHANNELS.index(channel) if channel in SIM_CHANNELS else 50
        n = noise(self.seed, key, int(round(t * 1000.0)))
        env = self.env
        since = (t - self._world_start) if (self._scenes and world is not None) else None
        if since is not None:
            return self._scene_value(channel, t, since, n)
        if channel == "temperature":
            # Die sensor: air plus self-heating, 0.1 °C steps (a real board gives whole degrees).
            return round(env.room_temperature(t) + DIE_OFFSET_C + 0.15 * n, 1)
        if channel == "light":
            lux = env.illuminance(t)
            level = 255.0 * math.log10(max(lux, 1.0)) / math.log10(20_000.0)
            return float(min(255, max(0, round(level + 1.5 * n))))
        if channel == "sound":
            return float(min(255, max(0, round(env.sound_level(t) + 4.0 * n))))
        if channel.startswith("acceleration_"):
            return float(round(self._acceleration(channel[-1], t) + 12.0 * n))
        if channel == "compass_heading":
            return float(round(90.0 + 3.0 * n) % 360)
        if channel == "button_a":
            return 1.0 if self._pressed["a"] else 0.0
        if channel == "button_b":
            return 1.0 if self._pressed["b"] else 0.0
        if channel.startswith("touch_"):
            return 1.0 if channel[6:] in self._touched else 0.0
        if channel in self._pin_sources:
            raw = self._pin_sources[channel](env, t) + 0.7 * n
            return float(min(1023, max(0, round(raw))))
        if channel.startswith("p"):
            # An unconnected input floats: it wanders around and means nothing.
            return float(min(1023, max(0, round(480 + 60 * math.sin(t / 7.0 + key) + 8 * n))))
        return float(round(n, 3))

    def _scene_value(self, channel: str, t: float, since: float, n: float) -> float:
        """The reading while the kid's scenes play (``since``: seconds after the start)."""
        played = self._scenes
        if channel == "button_a":
            return 1.0 if (self._pressed["a"] or _scenes.button_a(played, since)) else 0.0
        if channel.startswith("acceleration_"):
            axis = channel[-1]
            motion = _scenes.motion(played, since)
            weight = _scenes.tilt_weight(played, since)
            if weight > 0:
                flat = self._acceleration(axis, t, None if motion == "tilt" else motion)
                value = weight * _scenes.tilt(axis, since) + (1 - weight) * flat
                return float(round(value + 12.0 * n))
            return float(round(self._acceleration(axis, t, motion) + 12.0 * n))
        if channel == "light":
            lux = self.env.illuminance(t) * _scenes.light_factor(played, since)
            level = 255.0 * math.log10(max(lux, 1.0)) / math.log10(20_000.0)
            return float(min(255, max(0, round(level + 1.5 * n))))
        if channel in self._pin_sources:
            world = _SceneWorld(self.env, played, since)
            raw = self._pin_sources[channel](world, t) + 0.7 * n  # type: ignore[arg-type]
            return float(min(1023, max(0, round(raw))))
        scenes_now, self._scenes = self._scenes, ()
        try:
            return self.value(channel, int(round((t - self._boot_time) * 1000)), t)
        finally:
            self._scenes = scenes_now

    def _acceleration(self, axis: str, t: float, motion: str | None = None) -> float:
        """Acceleration in mg: gravity on a board lying flat, plus the chosen motion."""
        base = {"x": 0.0, "y": 0.0, "z": -1024.0}[axis]
        motion = motion or self.motion
        if motion == "walk":
            # Steps at 1.8 per second: a bump on every step, mostly up-down (z) and forward (y).
            phase = (t * 1.8) % 1.0
            bump = 600.0 * math.exp(-((phase - 0.2) ** 2) / 0.005)
            return base + {"x": 0.15, "y": 0.4, "z": -1.0}[axis] * bump
        if motion == "pendulum":
            # Board hanging on a 0.5 m string: period 2*pi*sqrt(l/g) = 1.42 s, slowly damped.
            period = 2 * math.pi * math.sqrt(0.5 / 9.81)
            swing = 350.0 * math.exp(-t / 120.0) * math.sin(2 * math.pi * t / period)
            if axis == "x":
                return swing
            if axis == "y":
                return -1024.0 + 0.1 * abs(swing)
            return 0.0
        if motion == "shake":
            return base + 1500.0 * math.sin(2 * math.pi * 6.0 * t + {"x": 0, "y": 1, "z": 2}[axis])
        return base


class _SceneWorld:
    """The simulated world as a DIY sensor on a pin feels it while a scene plays: a hand's
    shadow, a torch, a cloud, ice water, warm fingers, a watered pot (the rest as it is)."""

    def __init__(self, env: Environment, played: tuple[_scenes.Scene, ...], since: float) -> None:
        self._env, self._played, self._since = env, played, since

    def __getattr__(self, name: str):  # the clock, the sun's height ...: unchanged
        return getattr(self._env, name)

    def illuminance(self, t: float) -> float:
        return self._env.illuminance(t) * _scenes.light_factor(self._played, self._since)

    def irradiance(self, t: float) -> float:
        return self._env.irradiance(t) * _scenes.sun_factor(self._played, self._since)

    def room_temperature(self, t: float) -> float:
        return _scenes.temperature(self._played, self._since, self._env.room_temperature(t))

    def soil_moisture(self, t: float) -> float:
        return _scenes.moisture(self._played, self._since, self._env.soil_moisture(t))
