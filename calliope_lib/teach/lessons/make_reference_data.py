"""Make the reference data files of the lessons (``lessons/NN-.../beispiel_*.csv``).

Every file is a real recording of the *simulated* board (``sim://``), made through exactly the
code a kid's notebook uses (``connect`` -> ``board.record`` -> ``rec.save``). Some lessons need a
small scene the plain simulated world does not have (somebody covers the light sensor, the
classroom lights go out, a whole day of sun from midnight): this script then swaps the simulated
board's world (:class:`~calliope_lib.simulator.environment.Environment`) for a subclass that
adds the scene. The board, its noise and the sensor physics stay the simulator's own.

The data are simulated, and each file says so in its header (``# title`` and ``# source``),
as does the lesson text. Run from the repository root::

    .venv/bin/python calliope_lib/teach/lessons/make_reference_data.py  # writes all files
    .venv/bin/python calliope_lib/teach/lessons/make_reference_data.py --check  # exit 1 if a file would change

Same seeds + same commands -> byte-identical files (the start time is fixed, too).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import calliope_lib as cl
from calliope_lib.simulator import Environment
#: The lesson folders this script sits among: it writes next to its own sources, whichever
#: copy of calliope_lib happens to be installed.
HERE = Path(__file__).resolve().parent
#: A fixed start time: files do not change when the script runs again.
START = "2025-06-02T10:00:00+02:00"
SOURCE = ("simuliert mit calliope_lib (sim://), lessons/make_reference_data.py -- "
          "keine echte Messung")


# -- scenes -----------------------------------------------------------------------------------
class HandOverSensor(Environment):
    """Lesson 1: someone holds a hand over the board from 20 s to 30 s (light drops)."""

    def illuminance(self, t: float) -> float:
        lux = super().illuminance(t)
        return lux * 0.08 if 20.0 <= t < 30.0 else lux


class LightsOut(Environment):
    """Lesson 3: a shadow at 60-70 s (not dark), the classroom lights go out at 187 s."""

    SHADOW = (60.0, 70.0)
    LIGHTS_OUT_S = 187.0

    def illuminance(self, t: float) -> float:
        lux = super().illuminance(t)
        if t >= self.LIGHTS_OUT_S:
            # Only a little light from the corridor is left; it flickers slightly.
            return 4.0 + 0.5 * math.sin(t / 3.0)
        if self.SHADOW[0] <= t < self.SHADOW[1]:
            return lux * 0.25
        return lux


class WholeDay(Environment):
    """Lesson 6: the day starts at midnight (the simulated world's default is 10 o'clock)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.start_hour = 0.0


@dataclass(frozen=True)
class Reference:
    """One reference file: where it goes and how it is recorded."""

    path: str
    title: str
    url: str
    channels: tuple[str, ...]
    seconds: float
    every: float
    scene: Callable[..., Environment] | None = None


REFERENCES: tuple[Reference, ...] = (
    Reference("01-hallo-calliope/beispiel_messung.csv",
              "Lektion 1: Temperatur und Licht, 60 s, zwischendurch eine Hand über dem Board",
              "sim://?seed=11&speed=2000", ("temperature", "light"), 60, 0.5, HandOverSensor),
    Reference("02-thermistor/beispiel_thermistor.csv",
              "Lektion 2: eingebauter Sensor und NTC-Thermistor an P1, 2 Minuten im Klassenraum",
              "sim://?seed=12&speed=2000&p1=thermistor", ("temperature", "p1"), 120, 1.0),
    Reference("03-licht/beispiel_licht.csv",
              "Lektion 3: Fotowiderstand an P1, 5 Minuten im Klassenraum",
              "sim://?seed=13&speed=2000&p1=ldr", ("light", "p1"), 300, 1.0, LightsOut),
    Reference("04-bodenfeuchte/beispiel_sensorgarten_woche.csv",
              "Lektion 4: Nagel-Feuchtesensor an P1 in einem Beet eines Park-Sensorgartens, "
              "eine Woche alle 30 Minuten, gegossen am Anfang (SIMULIERT)",
              "sim://?seed=14&speed=400000&p1=moisture", ("p1",), 7 * 86400, 1800),
    Reference("05-bewegung/beispiel_schritte.csv",
              "Lektion 5: Board in der Hosentasche beim Gehen, 20 s",
              "sim://?seed=15&speed=500&motion=walk",
              ("acceleration_x", "acceleration_y", "acceleration_z"), 20, 0.02),
    Reference("05-bewegung/beispiel_pendel.csv",
              "Lektion 5: Board als Pendel an einer 50 cm langen Schnur, 20 s",
              "sim://?seed=15&speed=500&motion=pendulum",
              ("acceleration_x", "acceleration_y", "acceleration_z"), 20, 0.05),
    Reference("06-solarbank/beispiel_solartag.csv",
              "Lektion 6: Mini-Solarzelle (2 V, 100 mA) mit 100 Ohm an P1, ein Tag von "
              "0 bis 24 Uhr, alle 5 Minuten",
              "sim://?seed=16&speed=200000&p1=solar", ("p1",), 86400, 300, WholeDay),
    Reference("07-sensorgarten/beispiel_topf.csv",
              "Lektion 7: Nagel-Feuchtesensor an P1 in einem frisch gegossenen Blumentopf, "
              "60 s, einmal pro Sekunde",
              "sim://?seed=17&speed=2000&p1=moisture", ("p1",), 60, 1),
)


def record(ref: Reference) -> "cl.Recording":
    """Record one reference file from the simulated board."""
    with cl.connect(ref.url) as board:
        sim = board.transport.simulator
        if ref.scene is not None:
            sim.env = ref.scene(seed=sim.seed)
        rec = board.record(list(ref.channels), seconds=ref.seconds, every=ref.every,
                           progress=False)
    # Exactly seconds/every + 1 rows, whatever the host's timing did at the very end.
    rows = int(round(ref.seconds / ref.every)) + 1
    out = cl.Recording(metadata={"start": START, "title": ref.title, "source": SOURCE,
                                 "board": "simulated", "url": ref.url})
    for name in ref.channels:
        ch = rec[name]
        if len(ch) < rows:
            raise RuntimeError(f"{ref.path}: only {len(ch)} rows of {name}, expected {rows}")
        out.add_channel(name, ch.times[:rows], ch.values[:rows], ch.unit)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare with the files in lessons/; exit 1 on a difference")
    args = parser.parse_args(argv)
    changed = []
    with tempfile.TemporaryDirectory() as tmp:
        for ref in REFERENCES:
            fresh = Path(tmp) / Path(ref.path).name
            record(ref).save(fresh)
            target = HERE / ref.path
            same = target.exists() and target.read_bytes() == fresh.read_bytes()
            if not same:
                changed.append(ref.path)
                if not args.check:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(fresh.read_bytes())
            print(f"{'=' if same else ('!' if args.check else '+')} {ref.path}")
    if args.check and changed:
        print("different:", ", ".join(changed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
