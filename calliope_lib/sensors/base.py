"""What every DIY sensor shares: the 10-bit pin scale, NaN for unplugged parts, the error type.

The Calliope mini measures the voltage on an analog pin (P1, P2, C4 ... on 1.x/2.x; also P0 on
3.0) with a 10-bit converter: ``0`` is 0 V, ``1023`` is 3.3 V. Every sensor in this package is a
*callable* that turns such raw numbers into a physical value::

    >>> from calliope_lib.sensors import Thermistor
    >>> ntc = Thermistor()
    >>> round(ntc(700), 1), ntc.unit
    (8.6, '°C')

and back (``to_raw``), which the simulated board uses to make raw readings from its simulated
world. A raw value of exactly ``0`` or ``1023`` means the pin sits on a supply rail: a wire is
loose or two wires touch (short circuit). Then the sensor cannot say anything, so the result is
``NaN`` ("not a number"); it never raises, because a loose wire in the middle of a recording
must not destroy the other values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Union

import numpy as np

from calliope_lib.errors import InvalidParameter
from calliope_lib.messages import t
from calliope_lib.sensors import texts  # noqa: F401  (registers this package's sentences)

#: Highest raw value of the 10-bit converter (stands for the supply voltage).
ADC_MAX = 1023
#: Supply voltage of the Calliope mini's pins in volts (3.3 V on every version).
V_SUPPLY = 3.3

#: A raw reading: one number, a list, or a numpy array.
RawLike = Union[float, int, Iterable[float], np.ndarray]


class SensorParameterError(InvalidParameter):
    """A sensor parameter that cannot be right (negative resistance, wet equal to dry ...).

    It is a :class:`ValueError` too, so ``except ValueError`` catches it. The message comes in
    German and English: ``err.text("en")``.
    """

    reason = "sensor_parameter"

    def __init__(self, key: str, **fields: Any) -> None:
        self.message_key = key
        super().__init__(key=key, **fields)

    def text(self, lang: str | None = None) -> str:
        return t(self.message_key, lang, **self.fields)


def positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """``value`` as float, or :class:`SensorParameterError` if it is not a (strictly) positive
    finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SensorParameterError("sensor.not_a_number", name=name, value=value) from None
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise SensorParameterError("sensor.not_positive", name=name, value=value)
    return number


def finite(name: str, value: float) -> float:
    """``value`` as a finite float, or :class:`SensorParameterError`."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SensorParameterError("sensor.not_a_number", name=name, value=value) from None
    if not np.isfinite(number):
        raise SensorParameterError("sensor.not_a_number", name=name, value=value)
    return number


def as_array(raw: RawLike) -> np.ndarray:
    """Raw input as a float array (a scalar becomes a 0-d array). Strings and ``None`` give NaN
    rather than an exception, so that one garbled value cannot stop a conversion."""
    try:
        return np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        values = [_to_float(item) for item in np.ravel(np.asarray(raw, dtype=object))]
        return np.asarray(values, dtype=float).reshape(np.shape(raw))


def _to_float(item: object) -> float:
    try:
        return float(item)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def give_back(values: np.ndarray, like: RawLike) -> Any:
    """A plain ``float`` for a scalar input (so a kid sees ``8.56``, not ``np.float64(8.56)``),
    otherwise the array."""
    if np.ndim(like) == 0 and not isinstance(like, np.ndarray):
        return float(values)
    return values


def rails(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of readings that carry no information: ``(at_or_below_0, at_or_above_1023)``.

    Values outside 0..1023 or NaN cannot come from the converter; they count as at the rail
    they passed (NaN counts as "low": it says the same thing, *nothing was measured*).
    """
    low = ~(raw > 0)  # also catches NaN
    high = raw >= ADC_MAX
    return low, high


@dataclass(frozen=True)
class Converted:
    """A conversion together with what went wrong on the way (for notes in a recording).

    ``values``: the converted numbers (NaN where nothing could be measured),
    ``at_zero`` / ``at_max``: how many raw values sat at 0 or at 1023 (loose wire or short),
    ``clamped_low`` / ``clamped_high``: how many results were set to the lower/upper limit
    (only sensors with limits, e.g. the moisture probe's 0..100 %).
    """

    values: np.ndarray
    at_zero: int = 0
    at_max: int = 0
    clamped_low: int = 0
    clamped_high: int = 0

    @property
    def unplugged(self) -> int:
        """How many values became NaN because the sensor was unplugged or short-circuited."""
        return self.at_zero + self.at_max


class Sensor:
    """Base of the DIY sensors: a callable ``raw (0..1023) -> physical value`` with a unit.

    Subclasses implement :meth:`_convert` (raw array -> values, rails already NaN'ed) and
    :meth:`to_raw` (physical value -> unquantised raw float in 0..1023), and set ``unit``,
    ``quantity`` (German channel-name word) and ``parts`` (what to buy, with values).

    After ``__init__`` a sensor rejects attributes it does not have, so a typo such as
    ``ntc.beat = 3980`` fails loudly instead of being silently ignored.
    """

    unit: ClassVar[str] = ""
    #: a short German word for a channel name made from this sensor (``p1_temperatur``)
    quantity: ClassVar[str] = "wert"
    #: whether raw 0 is a real measurement (a solar cell in the dark) rather than a loose wire
    zero_is_valid: ClassVar[bool] = False

    _ready = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._ready and not hasattr(self, name):
            raise AttributeError(
                t("sensor.no_such_attribute", kind=type(self).__name__, name=name)
            )
        object.__setattr__(self, name, value)

    def _seal(self) -> None:
        object.__setattr__(self, "_ready", True)

    # --- the conversion -----------------------------------------------------------------------
    def convert(self, raw: RawLike) -> Converted:
        """Convert raw readings and report how many were unusable (see :class:`Converted`)."""
        arr = as_array(raw)
        low, high = rails(arr)
        if self.zero_is_valid:
            # Only values below 0 or NaN are nonsense; exactly 0 is a measurement.
            low = ~(arr >= 0)
        bad = low | high
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            values = self._convert(np.where(bad, 512.0, arr))
        values = np.where(bad, np.nan, values)
        return self._finish(values, int(np.count_nonzero(low)), int(np.count_nonzero(high)))

    def _finish(self, values: np.ndarray, at_zero: int, at_max: int) -> Converted:
        """Hook for limits (the moisture probe clamps here)."""
        return Converted(values, at_zero, at_max)

    def __call__(self, raw: RawLike) -> Any:
        """The physical value for ``raw`` (scalar in, float out; array in, array out)."""
        return give_back(self.convert(raw).values, raw)

    def _convert(self, raw: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_raw(self, quantity: RawLike) -> Any:  # pragma: no cover - abstract
        """The raw reading (unquantised float, clipped to 0..1023) this quantity would give."""
        raise NotImplementedError

    # --- description ----------------------------------------------------------------------------
    @property
    def parts(self) -> list[str]:
        """What to build this sensor from, with values (German, for worksheets)."""
        return []

    def to_dict(self) -> dict[str, Any]:
        """The sensor's settings as JSON-able data (stored with a converted recording)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items()
                           if k not in ("type", "model"))
        return f"{type(self).__name__}({fields})"


def clip_raw(raw: np.ndarray) -> np.ndarray:
    """Raw values limited to the converter's range 0..1023 (NaN stays NaN)."""
    return np.clip(raw, 0.0, float(ADC_MAX))
