"""What the kid does with the board during a measurement, played by the simulated board.

A lesson says "after 10 s hold your hand over the board for 5 s". A kid with a real board does
it; a kid without one should see the same thing in their data. A :class:`Scene` is one such
action: its ``kind`` (``"hand"``, ``"lampe"``, ``"eiswasser"``, ``"finger"``, ``"giessen"``,
``"kippen"``, ``"gehen"``, ``"pendel"``, ``"wolke"``), when it starts (``at``, seconds after the measurement
starts) and how long it lasts.

The host arms scenes with the simulator-only command ``scene`` (a real board answers it with an
error, so a lesson sends it only to a simulated board)::

    scene hand:10:5,lampe:30:5      # for the next measurement (the next "start")
    scene                           # none

They play once, during the next stream (the ``start`` command), timed from its first sample,
so re-running a measuring cell without its scene shows the plain world again. While a scene
runs, button A is held for its first second: the mark a kid sets on a real board by pressing A.

>>> scenes = parse("hand:10:5")
>>> light_factor(scenes, 12.0) < 0.2, light_factor(scenes, 2.0)
(True, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: kind -> what it changes (documentation and the error message for an unknown kind)
KINDS = {
    "hand": "a hand over the board: light drops to about a tenth",
    "lampe": "a torch on the sensor: light five times brighter",
    "wolke": "a cloud (a sheet of paper) over the solar cell: a fifth of the sunlight",
    "eiswasser": "the thermistor in ice water: towards 0.3 °C",
    "finger": "the thermistor between warm fingers: towards 33 °C",
    "giessen": "water poured into a pot of dry soil: moisture from 30 % up to about 75 %",
    "kippen": "the board tilted left/right and forward/back",
    "gehen": "walking with the board in a pocket",
    "pendel": "the board swinging on a 0.5 m string",
}
#: How long button A is held at the start of each scene (a mark), in seconds: longer than the
#: slowest lesson's sampling interval, so every recording sees the press.
MARK_S = 1.0
#: Edges of light changes: a hand does not appear in an instant.
_RAMP_S = 0.4
#: Target temperatures (°C) and time constants (s) of the thermistor scenes.
_TEMPERATURES = {"eiswasser": (0.3, 5.0), "finger": (33.0, 8.0)}
_COOL_BACK_S = 20.0
_LIGHT = {"hand": 0.1, "lampe": 5.0}
_SUN = {"wolke": 0.2, "hand": 0.05}
_MOTIONS = {"gehen": "walk", "pendel": "pendulum"}


@dataclass(frozen=True)
class Scene:
    """One action of the kid: ``kind`` from ``at`` seconds after the start, for ``seconds``."""

    kind: str
    at: float
    seconds: float

    def active(self, s: float) -> bool:
        return self.at <= s < self.at + self.seconds

    def text(self) -> str:
        """The wire form, ``hand:10:5``."""
        return f"{self.kind}:{self.at:g}:{self.seconds:g}"


def parse(text: str) -> tuple[Scene, ...]:
    """``"hand:10:5,lampe:30:5"`` -> scenes. Raises ValueError with what is wrong."""
    scenes = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        kind, _, rest = item.partition(":")
        at_text, _, seconds_text = rest.partition(":")
        if kind not in KINDS:
            raise ValueError(f"unknown scene {kind!r}; known: {', '.join(KINDS)}")
        try:
            at, seconds = float(at_text), float(seconds_text)
        except ValueError:
            raise ValueError(f"scene {item!r}: expected kind:start:seconds") from None
        if not (math.isfinite(at) and math.isfinite(seconds)) or at < 0 or seconds <= 0:
            raise ValueError(f"scene {item!r}: start >= 0 and seconds > 0")
        scenes.append(Scene(kind, at, seconds))
    return tuple(scenes)


def _window(scene: Scene, s: float) -> float:
    """0 outside the scene, 1 inside, with soft edges of ``_RAMP_S``."""
    up = (s - scene.at) / _RAMP_S
    down = (scene.at + scene.seconds - s) / _RAMP_S
    return max(0.0, min(1.0, up, down))


def _factor(scenes: tuple[Scene, ...], s: float, table: dict[str, float]) -> float:
    factor = 1.0
    for scene in scenes:
        if scene.kind in table:
            w = _window(scene, s)
            factor *= 1.0 + w * (table[scene.kind] - 1.0)
    return factor


def light_factor(scenes: tuple[Scene, ...], s: float) -> float:
    """Factor on the light at the sensor, ``s`` seconds after the start."""
    return _factor(scenes, s, _LIGHT)


def sun_factor(scenes: tuple[Scene, ...], s: float) -> float:
    """Factor on the sunlight reaching a solar cell."""
    return _factor(scenes, s, _SUN)


def temperature(scenes: tuple[Scene, ...], s: float, room: float) -> float:
    """The thermistor's temperature: the room, pulled towards ice water or warm fingers
    while a scene runs, and relaxing back to the room afterwards (first order)."""
    value = room
    for scene in scenes:
        if scene.kind not in _TEMPERATURES or s < scene.at:
            continue
        target, tau = _TEMPERATURES[scene.kind]
        inside = min(s, scene.at + scene.seconds) - scene.at
        reached = room + (target - room) * (1.0 - math.exp(-inside / tau))
        if s < scene.at + scene.seconds:
            value = reached
        else:
            after = s - scene.at - scene.seconds
            value = room + (reached - room) * math.exp(-after / _COOL_BACK_S)
    return value


#: Soil moisture (%) of the pot before and after watering, and how fast the water soaks in (s).
_DRY, _WET, _SOAK_S = 30.0, 75.0, 4.0


def moisture(scenes: tuple[Scene, ...], s: float, world: float) -> float:
    """Soil moisture in %: the world's pot, or, in a watering scene, a pot of dry soil that
    gets wet from the moment the water is poured (it soaks in within seconds)."""
    for scene in scenes:
        if scene.kind == "giessen":
            if s < scene.at:
                return _DRY
            return _DRY + (_WET - _DRY) * (1.0 - math.exp(-(s - scene.at) / _SOAK_S))
    return world


def motion(scenes: tuple[Scene, ...], s: float) -> str | None:
    """The motion (``"walk"``, ``"pendulum"``, ``"tilt"``) a scene imposes at ``s``, or None."""
    for scene in scenes:
        if scene.active(s):
            if scene.kind == "kippen":
                return "tilt"
            if scene.kind in _MOTIONS:
                return _MOTIONS[scene.kind]
    return None


def tilt_weight(scenes: tuple[Scene, ...], s: float) -> float:
    """How far the board is tilted (0 lying flat .. 1 fully in the tilting scene): the kid
    picks it up and puts it down within a fraction of a second, not in an instant."""
    return max((_window(sc, s) for sc in scenes if sc.kind == "kippen"), default=0.0)


def tilt(axis: str, s: float) -> float:
    """Acceleration in mg of a board slowly tilted left/right (x) and forward/back (y):
    gravity shared between the three axes, so x, y and z all change."""
    roll = math.radians(50.0) * math.sin(2 * math.pi * s / 4.0)
    pitch = math.radians(30.0) * math.sin(2 * math.pi * s / 6.5)
    g = 1024.0
    return {"x": g * math.sin(roll) * math.cos(pitch),
            "y": g * math.sin(pitch),
            "z": -g * math.cos(roll) * math.cos(pitch)}[axis]


def button_a(scenes: tuple[Scene, ...], s: float) -> bool:
    """Button A is held for the first :data:`MARK_S` of every scene: the kid's mark."""
    return any(scene.at <= s < scene.at + MARK_S for scene in scenes)
