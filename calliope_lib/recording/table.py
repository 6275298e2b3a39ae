"""A recording as one table: a row per moment, a column per channel (for CSV and pandas).

>>> from calliope_lib.recording import Recording
>>> rec = Recording()
>>> rec.add_row(0.0, ["temperature", "light"], [21.5, 130.0])
>>> rec.add("light", 0.5, 128.0)
>>> times, matrix = rows(rec)
>>> times
array([0. , 0.5])
>>> matrix
array([[ 21.5, 130. ],
       [  nan, 128. ]])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from calliope_lib.errors import InvalidParameter, require

if TYPE_CHECKING:
    import pandas

    from calliope_lib.recording.recording import Recording


def rows(rec: "Recording", channels: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The recording as a table: ``(times, matrix)``, one row per moment, NaN where empty.

    Values with exactly the same time share a row (our firmware sends several channels per
    line). A channel with two values at the same time gets two rows, so nothing is lost.
    """
    names = list(channels) if channels is not None else rec.channels
    chans = [rec[name] for name in names]
    if not chans:
        return np.zeros(0), np.zeros((0, 0))
    # Sort all values by (time, how often this time repeated in its channel): the k-th
    # repeat of a time goes to the k-th row of that time. Vectorised: a long recording has
    # millions of values.
    keys_t = []
    keys_k = []
    for ch in chans:
        times = ch.times
        occurrence = np.zeros(len(times), dtype=np.int64)
        if len(times) > 1:
            dup = np.concatenate(([False], np.diff(times) == 0))
            if dup.any():  # rare: count repeats so a repeated time gets its own row
                run = 0
                for i in range(len(times)):
                    run = run + 1 if dup[i] else 0
                    occurrence[i] = run
        keys_t.append(times)
        keys_k.append(occurrence)
    all_t = np.concatenate(keys_t)
    all_k = np.concatenate(keys_k)
    order = np.lexsort((all_k, all_t))
    sorted_t, sorted_k = all_t[order], all_k[order]
    new_row = np.ones(len(order), dtype=bool)
    new_row[1:] = (np.diff(sorted_t) != 0) | (np.diff(sorted_k) != 0)
    row_of_sorted = np.cumsum(new_row) - 1
    row_index = np.empty(len(order), dtype=np.int64)
    row_index[order] = row_of_sorted
    matrix = np.full((int(new_row.sum()), len(chans)), np.nan)
    row_times = sorted_t[new_row]
    start = 0
    for j, ch in enumerate(chans):
        stop = start + len(ch.times)
        matrix[row_index[start:stop], j] = ch.values
        start = stop
    return row_times, matrix


def to_pandas(rec: "Recording", form: str = "long") -> "pandas.DataFrame":
    """The recording as a pandas DataFrame (pandas is an optional extra).

    * ``form="long"``: one row per value, columns ``zeit_s`` (s), ``kanal``, ``wert``,
      ``einheit``; good for ``groupby("kanal")`` and seaborn.
    * ``form="wide"``: one row per moment (as in the CSV file), a column per channel, NaN
      where a channel has no value; the units are in ``frame.attrs["units"]``, the display
      names (``Temperatur``) in ``frame.attrs["labels"]``.

    The columns keep the channels' ids (``temperature``), as code names them; a CSV file
    read with ``pandas.read_csv(path, comment="#")`` has the display names instead.
    """
    pd = require("pandas", "calliope-lib[pandas]")
    if form == "long":
        frames = [pd.DataFrame({"zeit_s": ch.times, "kanal": ch.name, "wert": ch.values,
                                "einheit": ch.unit}) for ch in rec]
        if not frames:
            return pd.DataFrame(columns=["zeit_s", "kanal", "wert", "einheit"])
        return pd.concat(frames, ignore_index=True).sort_values("zeit_s", kind="stable",
                                                                ignore_index=True)
    if form == "wide":
        times, matrix = rows(rec)
        frame = pd.DataFrame(matrix, columns=rec.channels)
        frame.insert(0, "zeit_s", times)
        frame.attrs["units"] = rec.units
        frame.attrs["labels"] = rec.labels
        return frame
    raise InvalidParameter(key="bad_value.title", name="form", value=f"{form!r} (long, wide)")
