"""Wiring pictures for the lessons and worksheets, drawn from code (schemdraw, black lines).

One function per lesson sensor returns a :class:`schemdraw.Drawing`; the lesson notebooks and the
printed worksheets call the *same* functions, so the picture on paper and on screen cannot drift
apart. What goes where (which pin, which resistor) is not decided here: it is read from
:data:`calliope_lib.teach.wiring.WIRING`, the data the parts lists use too::

    >>> from calliope_lib.teach.diagrams import show
    >>> show("thermistor")          # in a notebook: the wiring picture  # doctest: +SKIP
    >>> thermistor_divider().save("thermistor.svg")                      # doctest: +SKIP

The wiring names (``WIRING``, ``Part``, ``resistor_bands``...) can still be imported from here,
as older lessons do.

schemdraw is imported only inside the functions: ``import calliope_lib`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from calliope_lib.teach.wiring import (LESSON_DIAGRAMS, PAD_3V, PAD_GND, WIRING, Part, Wiring,
                                       format_ohms, resistor_bands)

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import schemdraw

__all__ = [
    "Part",
    "Wiring",
    "WIRING",
    "DIAGRAMS",
    "LESSON_DIAGRAMS",
    "resistor_bands",
    "format_ohms",
    "thermistor_divider",
    "ldr_divider",
    "moisture_probe",
    "solar_cell",
    "accelerometer",
    "builtin_sensors",
    "drawing",
    "save",
    "svg",
    "show",
]

# --------------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------------
_FONT = "DejaVu Sans"
_FONTSIZE = 12
_LW = 1.6
_PITCH = 2.5  # distance between the board's pads in the drawing = one resistor's length


def _new_drawing() -> "schemdraw.Drawing":
    """A black-on-white drawing with the course's font and line width."""
    import schemdraw

    # The matplotlib backend writes text as paths in SVG (rcParams svg.fonttype = 'path'),
    # so the PDF builder needs no fonts to embed the picture, and PNG output works too.
    d = schemdraw.Drawing(canvas="matplotlib", show=False)
    d.config(unit=_PITCH, fontsize=_FONTSIZE, font=_FONT, color="black", lw=_LW, bgcolor="white")
    return d


def _board_block(d: "schemdraw.Drawing", pins: list[tuple[str, str]]):
    """The Calliope mini as a box with its pads on the right side, top to bottom.

    ``pins`` are (label, anchor) pairs; the anchors let wires start at the pads.
    """
    from schemdraw import elements as elm

    n = len(pins)
    ic_pins = [
        elm.IcPin(name=label, side="right", slot=f"{n - i}/{n}", anchorname=anchor)
        for i, (label, anchor) in enumerate(pins)
    ]
    board = elm.Ic(pins=ic_pins, pinspacing=_PITCH, edgepadH=0.7, w=3.6, lsize=11, plblsize=12)
    d.add(board)
    # The board's name at the left inside the box, away from the pin labels on the right.
    d.add(elm.Label().at((board.get_bbox(transform=True).xmin + 0.3, (board.V3[1] + board.GND[1]) / 2 if hasattr(board, 'V3') else board.P1[1] - 1.5)).label("Calliope\nmini", fontsize=13, halign="left"))
    return board


def _divider(sensor_factory: Callable, sensor_label: str, series_label: str, wiring: str) -> "schemdraw.Drawing":
    """A voltage divider between 3V and GND with P1 in the middle.

    ``wiring="to_ground"``: fixed resistor 3V->P1, sensor P1->GND.
    ``wiring="to_supply"``: sensor 3V->P1, fixed resistor P1->GND.
    """
    from schemdraw import elements as elm

    d = _new_drawing()
    board = _board_block(d, [(PAD_3V, "V3"), ("P1", "P1"), (PAD_GND, "GND")])
    x = board.V3[0] + 2.5
    upper = (elm.Resistor(), series_label) if wiring == "to_ground" else (sensor_factory(), sensor_label)
    lower = (sensor_factory(), sensor_label) if wiring == "to_ground" else (elm.Resistor(), series_label)
    d.add(elm.Line().at(board.V3).to((x, board.V3[1])))
    d.add(upper[0].at((x, board.V3[1])).to((x, board.P1[1])).label(upper[1], loc="bottom", ofst=0.25))
    node = d.add(elm.Dot().at((x, board.P1[1])))
    d.add(lower[0].at(node.center).to((x, board.GND[1])).label(lower[1], loc="bottom", ofst=0.25))
    d.add(elm.Line().at((x, board.GND[1])).to(board.GND))
    d.add(elm.Line().at(board.P1).to(node.center))
    return d


def _hatch(poly: list[tuple[float, float]], spacing: float) -> list[list[tuple[float, float]]]:
    """45° hatch lines clipped to a convex polygon (Cyrus-Beck clipping)."""
    xs = [p[0] for p in poly]
    lines = []
    # lines y = x + c, c from the lowest to the highest value of y - x over the polygon
    c_min = min(y - x for x, y in poly)
    c_max = max(y - x for x, y in poly)
    n_poly = len(poly)
    # orientation, so the inward normal points inside
    area = sum(poly[i][0] * poly[(i + 1) % n_poly][1] - poly[(i + 1) % n_poly][0] * poly[i][1] for i in range(n_poly))
    sign = 1 if area > 0 else -1
    c = c_min + spacing / 2
    while c < c_max:
        p0 = (min(xs) - 1, min(xs) - 1 + c)
        p1 = (max(xs) + 1, max(xs) + 1 + c)
        d = (p1[0] - p0[0], p1[1] - p0[1])
        t0, t1 = 0.0, 1.0
        for i in range(n_poly):
            a, b = poly[i], poly[(i + 1) % n_poly]
            normal = (-(b[1] - a[1]) * sign, (b[0] - a[0]) * sign)  # inward
            num = normal[0] * (p0[0] - a[0]) + normal[1] * (p0[1] - a[1])
            den = normal[0] * d[0] + normal[1] * d[1]
            if den == 0:
                if num < 0:
                    t0, t1 = 1.0, 0.0
                continue
            t = -num / den
            if den > 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
        if t1 > t0:
            lines.append([(p0[0] + d[0] * t0, p0[1] + d[1] * t0), (p0[0] + d[0] * t1, p0[1] + d[1] * t1)])
        c += spacing
    return lines


def _series_label(ohms: float) -> str:
    """``10 kΩ`` and its three value bands under it: the kid finds the part by its colours."""
    return f"{format_ohms(ohms)}\n{'-'.join(resistor_bands(ohms)[:3])}"


# --------------------------------------------------------------------------------------------
# One function per lesson sensor
# --------------------------------------------------------------------------------------------
def thermistor_divider() -> "schemdraw.Drawing":
    """Lesson 2: NTC thermistor (10 kΩ, B3950) from P1 to GND, 10 kΩ from 3V to P1.

    Warm thermistor -> smaller resistance -> lower voltage at P1 -> smaller raw value.
    """
    from schemdraw import elements as elm

    w = WIRING["thermistor"]
    return _divider(elm.Thermistor, "NTC\n10 kΩ", _series_label(w.series_ohms or 10_000), w.wiring or "to_ground")


def ldr_divider() -> "schemdraw.Drawing":
    """Lesson 3: light-dependent resistor GL5528 from 3V to P1, 10 kΩ from P1 to GND.

    Bright -> the LDR's resistance falls -> higher voltage at P1 -> larger raw value
    (the wiring of :class:`calliope_lib.sensors.LightSensor` and the simulator).
    """
    from schemdraw import elements as elm

    w = WIRING["ldr"]
    return _divider(elm.PhotoresistorBox, "LDR\nGL5528", _series_label(w.series_ohms or 10_000), w.wiring or "to_supply")


def moisture_probe() -> "schemdraw.Drawing":
    """Lesson 4: two galvanised nails about 5 cm apart in the soil; 3V -> nail 1, nail 2 -> P1,
    10 kΩ from P1 to GND. Wet soil conducts better -> higher voltage at P1.
    """
    from schemdraw import elements as elm
    from schemdraw import segments as seg

    w = WIRING["moisture"]
    d = _new_drawing()
    board = _board_block(d, [(PAD_3V, "V3"), ("P1", "P1"), (PAD_GND, "GND")])
    x0 = board.V3[0] + 3.8
    y3, y1, y0 = board.V3[1], board.P1[1], board.GND[1]

    # The pot of soil right of the P1 node; two nails stick into it from above.
    # The left nail goes back to P1, the right nail gets 3V: no wires cross.
    nail_p1_x, nail_3v_x = x0 + 1.7, x0 + 3.7
    head_y = y1 + 1.45
    soil_top, soil_bottom = y1 + 0.4, y1 - 1.35
    pot = elm.Element()
    outline = [(x0 + 0.9, soil_top), (x0 + 4.5, soil_top), (x0 + 4.2, soil_bottom), (x0 + 1.2, soil_bottom)]
    pot.segments.append(seg.SegmentPoly(outline, fill="white", lw=1.0, zorder=1))
    # Hatching as plain lines (not an SVG pattern), so it survives every SVG/PDF converter.
    for line in _hatch(outline, spacing=0.28):
        pot.segments.append(seg.Segment(line, lw=0.6, zorder=2))
    for nx in (nail_p1_x, nail_3v_x):
        tip = soil_bottom + 0.3
        pot.segments.append(seg.Segment([(nx, head_y), (nx, tip + 0.25)], lw=3.2, zorder=3))
        pot.segments.append(
            seg.SegmentPoly([(nx - 0.08, tip + 0.25), (nx + 0.08, tip + 0.25), (nx, tip)], fill="black", zorder=3)
        )
        pot.segments.append(seg.Segment([(nx - 0.25, head_y), (nx + 0.25, head_y)], lw=3.2, zorder=3))
        # white under the nail so the hatching does not hide it
    pot.segments.append(seg.SegmentText((nail_p1_x + 0.35, head_y - 0.35), "Nagel\nan P1", fontsize=10, align=("left", "center")))
    pot.segments.append(seg.SegmentText((nail_3v_x + 0.35, head_y - 0.35), "Nagel\nan 3,3 V", fontsize=10, align=("left", "center")))
    pot.segments.append(
        seg.Segment([(nail_p1_x, soil_bottom - 0.3), (nail_3v_x, soil_bottom - 0.3)], arrow="<->", lw=1.0,
                    arrowwidth=0.15, arrowlength=0.25)
    )
    pot.segments.append(
        seg.SegmentText(((nail_p1_x + nail_3v_x) / 2, soil_bottom - 0.45), "ca. 5 cm", fontsize=10, align=("center", "top"))
    )
    pot.segments.append(
        seg.SegmentText((x0 + 4.6, soil_bottom + 0.4), "Erde", fontsize=10, align=("left", "center"))
    )
    d.add(pot)

    # 3V over the top to the head of the right nail
    d.add(elm.Line().at(board.V3).to((nail_3v_x, y3)))
    d.add(elm.Line().at((nail_3v_x, y3)).to((nail_3v_x, head_y)))
    # left nail's head back to the P1 node
    d.add(elm.Line().at((nail_p1_x, head_y)).to((nail_p1_x, y1 + 1.95)))
    d.add(elm.Line().at((nail_p1_x, y1 + 1.95)).to((x0, y1 + 1.95)))
    d.add(elm.Line().at((x0, y1 + 1.95)).to((x0, y1)))
    node = d.add(elm.Dot().at((x0, y1)))
    d.add(elm.Line().at(board.P1).to(node.center))
    d.add(
        elm.Resistor().at(node.center).to((x0, y0))
        .label(_series_label(w.series_ohms or 10_000), loc="top", ofst=0.25)
    )
    d.add(elm.Line().at((x0, y0)).to(board.GND))
    return d


def solar_cell(divider: bool = False) -> "schemdraw.Drawing":
    """Lesson 6: small solar cell (~2 V, 100 mA) with a 100 Ω load across it.

    ``divider=False``: cell + straight to P1 (fine while the cell stays below 3.3 V).
    ``divider=True``: cell + to P1 through two 10 kΩ (2:1): P1 sees half the cell voltage,
    for cells that can exceed 3.3 V. Cell - always to GND.
    """
    from schemdraw import elements as elm

    w = WIRING["solar"]
    load = w.extra["load_ohms"]
    d = _new_drawing()
    board = _board_block(d, [("P1", "P1"), (PAD_GND, "GND")])
    x_load = board.P1[0] + 3.0
    x_cell = x_load + 3.0
    y_top, y_bot = board.P1[1], board.GND[1]
    if divider:
        # The 2:1 divider sits between the cell's + line and GND; P1 taps its middle.
        y_top = board.P1[1] + _PITCH
        x_div = board.P1[0] + 2.0
        x_load = x_div + 3.0
        x_cell = x_load + 3.0
        d.add(elm.Line().at((x_div, y_top)).to((x_cell, y_top)))
        d.add(elm.Resistor().at((x_div, y_top)).down().to((x_div, board.P1[1])).label("10 kΩ", loc="top", ofst=0.25))
        node = d.add(elm.Dot().at((x_div, board.P1[1])))
        d.add(elm.Resistor().at(node.center).down().to((x_div, y_bot)).label("10 kΩ", loc="top", ofst=0.25))
        d.add(elm.Line().at(board.P1).to(node.center))
        d.add(elm.Dot().at((x_load, y_top)))
        d.add(elm.Dot().at((x_load, y_bot)))
    else:
        d.add(elm.Line().at(board.P1).to((x_cell, y_top)))
        d.add(elm.Dot().at((x_load, y_top)))
        d.add(elm.Dot().at((x_load, y_bot)))
    d.add(
        elm.Resistor().at((x_load, y_top)).down().to((x_load, y_bot))
        .label(f"{format_ohms(load)}\nLast", loc="bottom", ofst=0.25)
    )
    d.add(
        elm.Solar().at((x_cell, y_bot)).up().to((x_cell, y_top))
        .label("Solarzelle\n+ oben", loc="bottom", ofst=0.35)
    )
    d.add(elm.Line().at((x_cell, y_bot)).to(board.GND))
    return d


def _board_outline(cx: float, cy: float, scale: float = 1.0):
    """A simplified top view of the star-shaped Calliope mini: outline, 5×5 LEDs, buttons A/B, USB."""
    import math

    from schemdraw import elements as elm
    from schemdraw import segments as seg

    el = elm.Element()
    # A smooth six-lobed outline (the star shape); the lobes at 0°, 60°, 120°... carry the
    # ring pads, the top edge between two lobes carries the USB socket.
    r_mid, bulge = 2.7 * scale, 0.35 * scale
    verts = []
    for k in range(120):
        ang = 2 * math.pi * k / 120
        r = r_mid + bulge * math.cos(6 * ang)
        verts.append((cx + r * math.cos(ang), cy + r * math.sin(ang)))
    el.segments.append(seg.SegmentPoly(verts, lw=1.8))
    for k in range(6):
        ang = math.radians(60 * k)
        pad = (cx + (r_mid - 0.15 * scale) * math.cos(ang), cy + (r_mid - 0.15 * scale) * math.sin(ang))
        el.segments.append(seg.SegmentCircle(pad, 0.38 * scale, lw=1.4))
        el.segments.append(seg.SegmentCircle(pad, 0.15 * scale, lw=1.0))
    # 5×5 LED field
    step = 0.32 * scale
    for i in range(5):
        for j in range(5):
            x = cx + (i - 2) * step
            y = cy + (j - 2) * step
            el.segments.append(seg.SegmentPoly(
                [(x - 0.07 * scale, y - 0.1 * scale), (x + 0.07 * scale, y - 0.1 * scale),
                 (x + 0.07 * scale, y + 0.1 * scale), (x - 0.07 * scale, y + 0.1 * scale)],
                lw=0.8))
    # Buttons A (left) and B (right)
    for sx, name in ((-1, "A"), (1, "B")):
        bx = cx + sx * 1.2 * scale
        el.segments.append(seg.SegmentCircle((bx, cy), 0.22 * scale, lw=1.2))
        el.segments.append(seg.SegmentText((bx, cy - 0.42 * scale), name, fontsize=10, align=("center", "top")))
    # USB socket on the top edge
    ux, uy = cx, cy + r_mid - bulge - 0.05
    el.segments.append(seg.SegmentPoly(
        [(ux - 0.35 * scale, uy - 0.35 * scale), (ux + 0.35 * scale, uy - 0.35 * scale),
         (ux + 0.35 * scale, uy + 0.05 * scale), (ux - 0.35 * scale, uy + 0.05 * scale)], lw=1.2))
    el.segments.append(seg.SegmentText((ux, uy - 0.45 * scale), "USB", fontsize=9, align=("center", "top")))
    return el


def accelerometer() -> "schemdraw.Drawing":
    """Lesson 5: the built-in accelerometer and its three axes, on a top view of the board.

    x runs from button A to button B, y along the board towards the USB socket, z through the
    board. Which way counts as plus depends on the board version: the worksheet lets the kids
    find out by tilting (lying flat, about 1000 mg = 1 g shows on z).
    """
    from schemdraw import elements as elm
    from schemdraw import segments as seg

    d = _new_drawing()
    d.add(_board_outline(0, 0))
    axes = elm.Element()
    ox, oy = 4.6, -0.6
    axes.segments.append(seg.Segment([(ox, oy), (ox + 1.6, oy)], arrow="->", lw=2, arrowwidth=0.25, arrowlength=0.35))
    axes.segments.append(seg.Segment([(ox, oy), (ox, oy + 1.6)], arrow="->", lw=2, arrowwidth=0.25, arrowlength=0.35))
    # z out of the paper: a circle with a dot
    axes.segments.append(seg.SegmentCircle((ox, oy), 0.22, lw=1.6))
    axes.segments.append(seg.SegmentCircle((ox, oy), 0.05, fill="black"))
    axes.segments.append(seg.SegmentText((ox + 1.75, oy), "x", fontsize=14, align=("left", "center")))
    axes.segments.append(seg.SegmentText((ox, oy + 1.75), "y", fontsize=14, align=("center", "bottom")))
    axes.segments.append(seg.SegmentText((ox - 0.35, oy - 0.35), "z", fontsize=14, align=("right", "top")))
    axes.segments.append(seg.SegmentText((ox - 0.2, oy - 1.2), "x: von A nach B\ny: zur USB-Buchse\nz: aus dem Blatt heraus", fontsize=12, align=("left", "top")))
    d.add(axes)
    return d


def builtin_sensors() -> "schemdraw.Drawing":
    """Lesson 1: where the built-in temperature and light sensors are. No parts to wire."""
    from schemdraw import elements as elm
    from schemdraw import segments as seg

    d = _new_drawing()
    d.add(_board_outline(0, 0))
    notes = elm.Element()
    notes.segments.append(seg.Segment([(0.75, 0.55), (3.4, 1.4)], arrow="<-", lw=1.2))
    notes.segments.append(seg.SegmentText((3.55, 1.4), "Licht: Das LED-Feld misst\nauch die Helligkeit (0 bis 255).", fontsize=12, align=("left", "center")))
    notes.segments.append(seg.SegmentText((3.55, -0.6), "Temperatur: Der Sensor steckt\nim Prozessor-Chip. Er zeigt oft\nein paar Grad zu viel an.", fontsize=12, align=("left", "center")))
    notes.segments.append(seg.Segment([(0, 2.35), (0, 3.9)], lw=4))
    notes.segments.append(seg.SegmentText((0.3, 3.5), "USB-Kabel zum Laptop", fontsize=12, align=("left", "center")))
    d.add(notes)
    return d


#: name -> drawing function; the names lessons and worksheets use
DIAGRAMS: dict[str, Callable[[], "schemdraw.Drawing"]] = {
    "builtin": builtin_sensors,
    "thermistor": thermistor_divider,
    "ldr": ldr_divider,
    "moisture": moisture_probe,
    "accelerometer": accelerometer,
    "solar": solar_cell,
    "solar_divider": lambda: solar_cell(divider=True),
}

def drawing(name: str) -> "schemdraw.Drawing":
    """The drawing called ``name`` (a key of :data:`DIAGRAMS`, or a lesson number as text)."""
    key = LESSON_DIAGRAMS.get(int(name), name) if str(name).isdigit() else name
    try:
        factory = DIAGRAMS[key]
    except KeyError:
        raise ValueError(f"unknown diagram {name!r}; known: {', '.join(DIAGRAMS)}") from None
    return factory()


def svg(name: str) -> bytes:
    """The picture as SVG bytes (text as outlines, black lines on white)."""
    d = drawing(name)
    try:
        return d.get_imagedata("svg")
    finally:
        _close(d)


def _close(d: "schemdraw.Drawing") -> None:
    """Free the matplotlib figure behind a drawing (pyplot keeps every figure otherwise)."""
    figure = getattr(getattr(d, "fig", None), "fig", None)
    if figure is not None:
        import matplotlib.pyplot as plt

        plt.close(figure)


def save(name: str, path: str | Path, dpi: float = 300) -> Path:
    """Save the picture ``name`` to ``path`` (``.svg``, ``.png`` or ``.pdf``); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    d = drawing(name)
    try:
        d.save(str(path), transparent=False, dpi=dpi)
    finally:
        _close(d)
    return path


class _SVGPicture:
    """Shows an SVG in Jupyter without importing IPython (Jupyter calls ``_repr_svg_``)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def _repr_svg_(self) -> str:
        return self.data.decode("utf-8")


def show(name: str):
    """Something a notebook displays: ``show("thermistor")`` as the last line of a cell.

    Returns an ``IPython.display.SVG`` when IPython is there, otherwise a small object with
    ``_repr_svg_`` that Jupyter shows just the same.
    """
    data = svg(name)
    try:
        from IPython.display import SVG
    except ImportError:
        return _SVGPicture(data)
    return SVG(data=data)
