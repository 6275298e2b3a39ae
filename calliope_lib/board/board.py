"""The board a kid holds in Python: connect, read, record, stream.

>>> import calliope_lib as cl
>>> with cl.connect("sim://?speed=100") as board:
...     rec = board.record(["temperature", "light"], seconds=5, every=0.5, progress=False)
>>> rec.channels
['temperature', 'light']

A board is in one of two modes (``board.info.mode``):

* ``"firmware"``: it runs our measuring firmware (``calliope-mini firmware``); the host asks
  for channels and a rate, and every line carries the board's clock and a sequence number.
* ``"listen"``: it runs the kid's own program (MakeCode, MicroPython); the host reads what it
  prints, in any of the formats :mod:`calliope_lib.protocol` knows.

Pulling the cable during a recording keeps everything recorded so far, marks a gap and
continues when the board is back. Ctrl-C (or the notebook's stop button) ends a recording
cleanly and returns what was recorded.

Where the rest lives: opening a port or URL (:mod:`~calliope_lib.board.opening`), the
recording loop (:mod:`~calliope_lib.board.session`), the wire to the board
(:mod:`~calliope_lib.board.link`), several boards at once (:mod:`~calliope_lib.board.several`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from calliope_lib import messages
from calliope_lib.board.info import BoardInfo, Sample
from calliope_lib.board.link import BoardLink
from calliope_lib.board.session import Session
from calliope_lib.errors import InvalidParameter, NoDataYet, UnknownChannel
from calliope_lib.protocol import Row, Rows
from calliope_lib.recording.recording import Recording
from calliope_lib.transports.contract import Transport

#: How a recording counts as complete for the progress bar: 90 % of the asked-for time.
COMPLETE_SHARE = 0.9


class Board:
    """A connected Calliope mini (or micro:bit, or the simulated board).

    Get one with :func:`~calliope_lib.connect`. Use it in a ``with`` block or call
    :meth:`close` at the end, so other programs can use the port again.

    >>> with cl.connect("sim") as board:        # doctest: +SKIP
    ...     print(board.read("temperature"))
    23.5
    """

    def __init__(self, transport: Transport, url: str, *, serial_number: str | None = None,
                 kind: str = "unknown", product: str | None = None, name: str = "") -> None:
        self.info = BoardInfo(kind=kind, port=url, serial_number=serial_number,
                              product=product, name=name)
        self._link = BoardLink(transport, url, self.info)
        self._link.handshake()

    # -- what kids use ----------------------------------------------------------------------
    @property
    def channels(self) -> list[str]:
        """Names of the channels the board offers (firmware) or has printed so far (listen)."""
        return self._link.channels

    @property
    def transport(self) -> Any:
        """The pyserial port object (for experts and tests; e.g. ``.simulator``)."""
        return self._link.transport

    @property
    def messages(self) -> list[str]:
        """Error reports the program on the board printed (e.g. a MicroPython traceback)."""
        return self._link.messages

    def read(self, channel: str, timeout: float = 3.0) -> float:
        """One current value of ``channel``.

        >>> board.read("temperature")   # doctest: +SKIP
        23.5
        """
        link = self._link
        if self.info.mode == "firmware":
            link.check_channels([channel])
            answer = link.command("read", [channel])
            _ms, _, values = answer.text.partition(" ")
            return float(values.split(",")[0])
        # Listen mode: wait for the kid's program to print the channel (real time).
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in link.read_events():
                for row in event.rows() if isinstance(event, Rows) else (event,):
                    if not isinstance(row, Row):
                        break
                    for name, value in zip(row.names, row.values):
                        link.note_channels((name,))
                        if name == channel:
                            return value
        if link.seen_channels:
            raise UnknownChannel(channel, link.seen_channels)
        raise NoDataYet(channel=channel, seconds=timeout)

    def send(self, command: str) -> str:
        """Send a raw firmware command (``"info"``) and return the text of its answer."""
        name, _, argument = command.strip().partition(" ")
        return self._link.command(name, argument or None).text

    # -- recording --------------------------------------------------------------------------
    def stream(self, channels: Sequence[str] | str | None = None,
               every: float | None = None) -> Iterator[Sample]:
        """Values as they arrive, endlessly (stop with ``break``).

        >>> for sample in board.stream(["light"]):   # doctest: +SKIP
        ...     print(sample.time, sample.value)
        ...     if sample.value < 50:
        ...         break
        """
        session = Session(self._link, _channel_list(channels), every)
        self.__dict__.pop("_next_recording", None)  # it was meant for this measurement
        try:
            for when, names, values, _ms in session.rows():
                for name, value in zip(names, values):
                    yield Sample(when, name, value)
        finally:
            session.finish()

    def record(
        self,
        channels: Sequence[str] | str | None = None,
        seconds: float | None = None,
        *,
        samples: int | None = None,
        every: float | None = None,
        save_to: str | Path | None = None,
        dialect: str = "default",
        progress: bool = True,
        live: bool = False,
        ylim: tuple[float, float] | None = None,
        until_interrupted: bool = False,
        overwrite: bool = False,
        other_board: str = "stop",
    ) -> Recording:
        """Record ``channels`` for ``seconds`` (or ``samples`` rows), one value every ``every`` s.

        * ``channels``: names (``["temperature", "light"]``); ``None``: the standard set of
          the firmware, or everything a kid's program prints.
        * ``save_to``: a CSV file written while recording (at least once a second), so a
          crash loses at most the last second. An existing file is never replaced: the
          recording goes to a numbered name (``messung_2.csv``, see ``rec.saved_to``)
          unless ``overwrite=True``.
        * ``other_board``: what to do when another board appears on the port (unplugged,
          another plugged in): ``"stop"`` ends the recording with what it has;
          ``"continue"`` goes on with the new board and notes the change.
        * ``live=True``: a plot that grows while recording (see :mod:`calliope_lib.plotting`).
        * ``until_interrupted=True``: record until Ctrl-C / the stop button.

        Always returns the recording, also after Ctrl-C or a board that did not come back.
        """
        if seconds is None and samples is None and not until_interrupted:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        if seconds is not None and not seconds > 0:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        names = _channel_list(channels)
        show_progress = progress and not messages.grading()
        if show_progress:
            # Import the progress bar (and a live plot's matplotlib) before the board starts:
            # a slow first import must not eat the recording's time (a simulated board at
            # speed=100 would otherwise be finished before the first row is read).
            import tqdm.auto  # noqa: F401
        if live:
            from calliope_lib import plotting  # noqa: F401
        session = Session(self._link, names, every, other_board=other_board)
        rec = session.recording
        prepare = self.__dict__.pop("_next_recording", None)  # see before_next_recording
        if prepare is not None:
            prepare(rec)
        writer = None
        live_plot = None
        bar = None
        try:
            if save_to is not None:
                from calliope_lib.recording.files import RecordingWriter

                writer = RecordingWriter(rec, save_to, dialect=dialect, channels=names or [],
                                         overwrite=overwrite)
                session.writer = writer
            if live:
                from calliope_lib.plotting import LivePlot

                live_plot = LivePlot(rec, names or None, ylim=ylim, seconds=seconds)
            if show_progress:
                from calliope_lib.progress import RecordingProgress

                bar = RecordingProgress(seconds, samples, names)
            rows_done = 0
            for when, _names, _values, _ms in session.rows(seconds):
                rows_done += 1
                if bar is not None:
                    bar.update(when, rec)
                if live_plot is not None:
                    live_plot.update()
                if writer is not None:
                    writer.tick()
                if samples is not None and rows_done >= samples:
                    break
        except KeyboardInterrupt:
            messages.note("interrupted.note", count=len(rec))
        finally:
            session.finish()
            if bar is not None:
                bar.close(rec, completed=seconds is not None
                          and rec.duration > COMPLETE_SHARE * seconds)
            if live_plot is not None:
                live_plot.update(force=True)
                live_plot.close()
            if writer is not None:
                writer.close()
                rec.saved_to = None if writer.failed else writer.path
                rec.save_error = writer.failed
        for name in names or ():
            if name not in rec:
                messages.warn("no_data_yet.detail", channel=name,
                              seconds=seconds if seconds is not None else 0.0)
        return rec

    def before_next_recording(self, prepare: Callable[[Recording], None]) -> None:
        """Call ``prepare(rec)`` with the next :meth:`record`'s recording as it starts
        (``lesson.act`` adds a listener that sets a worded mark as each action begins).

        Like the simulated board's scenes it belongs to the next measurement only: a
        :meth:`stream` uses it up without a recording, and a newer one replaces it."""
        self.__dict__["_next_recording"] = prepare

    # -- closing ----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop streaming and free the port for other programs."""
        self._link.close()

    def __enter__(self) -> "Board":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        info = self.info
        t = messages.t
        what = (t("repr.firmware", version=info.firmware) if info.mode == "firmware"
                else t("repr.own_program"))
        kind = t("repr.simulated") if info.kind == "simulated" else info.kind
        return t("repr.board", kind=kind, port=info.port, what=what)


def _channel_list(channels: Sequence[str] | str | None) -> list[str] | None:
    if channels is None:
        return None
    if isinstance(channels, str):
        return [channels]
    return list(channels)

