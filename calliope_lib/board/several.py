"""Several boards at once: one Recording with every board's channels side by side.

>>> with cl.connect_all(names=["kim", "ali"]) as boards:      # doctest: +SKIP
...     rec = boards.record(["temperature"], seconds=30)
>>> rec.channels                                             # doctest: +SKIP
['kim.temperature', 'ali.temperature']

Each board records in its own thread (reading a port mostly waits), so all start together
and a slow board does not hold up the others.

Marks (``rec.mark("Hand drüber")``, set while a board records) come along into the combined
recording, its CSV and its plot: a mark every board has at the same time once as it is, a
mark of one board with that board's name in front (``"kim: Hand drüber"``).
"""

from __future__ import annotations

import threading
from typing import Any, Sequence

from calliope_lib import messages
from calliope_lib.board.board import Board
from calliope_lib.board.opening import boards_with_port, open_found, open_port
from calliope_lib.errors import InvalidParameter, NoBoardFound
from calliope_lib.recording.recording import Recording

#: How many characters of the serial number make a board's short name.
SHORT_NAME_CHARS = 4


class Boards(list):
    """Several boards at once (from :func:`connect_all`): record them side by side.

    ``boards.record(...)`` returns one Recording whose channels are prefixed with each
    board's short name (``"kim.temperature"``, ``"ali.temperature"``), with every board's
    marks (:func:`combine_marks`).
    """

    def record(self, channels: Sequence[str] | str | None = None, seconds: float | None = None,
               **kwargs: Any) -> Recording:
        """Record from every board at once (one thread per board) into one Recording."""
        if seconds is None:
            raise InvalidParameter(messages.t("bad_args.seconds"))
        # One entry per board, written by its own thread (a dict store is atomic).
        results: dict[int, tuple[Recording | None, BaseException | None]] = {}
        kwargs = {**kwargs, "progress": False}
        save_to = kwargs.pop("save_to", None)
        overwrite = kwargs.pop("overwrite", False)
        dialect = kwargs.get("dialect", "default")

        def work(board: Board) -> None:
            try:
                results[id(board)] = (board.record(channels, seconds, **kwargs), None)
            except BaseException as exc:  # reported below, with the board's name
                results[id(board)] = (None, exc)

        threads = [threading.Thread(target=work, args=(b,), daemon=True) for b in self]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        combined = Recording(metadata={"boards": [b.info.name for b in self]})
        errors = []
        marks: dict[str, list[tuple[float, str]]] = {}
        for board in self:  # channels in the boards' order, whichever finished first
            rec, exc = results[id(board)]
            if exc is not None or rec is None:
                errors.append((board, exc))
                continue
            prefix = board.info.name
            for ch in rec:
                combined.add_channel(f"{prefix}.{ch.name}", ch.times, ch.values, ch.unit)
            combined.gaps.extend(rec.gaps)
            combined.notes.extend(f"{prefix}: {note}" for note in rec.notes)
            combined.bad_lines += rec.bad_lines
            combined.lost_lines += rec.lost_lines
            marks[prefix] = list(rec.marks)
        if errors and len(errors) == len(self):
            raise errors[0][1]  # type: ignore[misc]
        for when, text in combine_marks(marks):
            combined.mark(text, time=when)
        for board, exc in errors:
            messages.warn("board_error.warn", text=f"{board.info.name}: {exc}")
        if save_to is not None:
            from calliope_lib.recording.files import save_new

            # Like one board's save_to: an existing file is kept unless overwrite=True.
            combined.saved_to = save_new(combined, save_to, dialect, overwrite=overwrite)
        return combined

    def close(self) -> None:
        """Close every board."""
        for board in self:
            board.close()

    def __enter__(self) -> "Boards":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def combine_marks(marks: dict[str, list[tuple[float, str]]]) -> list[tuple[float, str]]:
    """Every board's marks ``{board name: [(time_s, text), ...]}`` for one recording, in time
    order: a mark all boards have (the same text at the same time) once as it is, any other
    with its board's name in front.

    >>> combine_marks({"kim": [(2.0, "Eis"), (5.0, "Hand")], "ali": [(2.0, "Eis")]})
    [(2.0, 'Eis'), (5.0, 'kim: Hand')]
    """
    if not marks:
        return []
    shared = set.intersection(*(set(found) for found in marks.values()))
    out = sorted(shared)
    for prefix, found in marks.items():
        out.extend((when, f"{prefix}: {text}") for when, text in found
                   if (when, text) not in shared)
    return sorted(out, key=lambda mark: mark[0])


def connect_all(ports: Sequence[str] | None = None,
                names: Sequence[str] | None = None) -> Boards:
    """Connect to every board found (or to each of ``ports``) and return them as :class:`Boards`.

    Short names (for channel prefixes) are ``names`` if given, else the last four characters
    of each board's serial number, else ``board1``, ``board2``…
    """
    targets: list[Any]
    if ports is None:
        targets = boards_with_port()
        if not targets:
            raise NoBoardFound()
    else:
        targets = list(ports)
    boards = Boards()
    try:
        for index, target in enumerate(targets):
            board = open_port(target) if isinstance(target, str) else open_found(target)
            if names is not None and index < len(names):
                board.info.name = names[index]
            else:
                board.info.name = _short_name(board.info.serial_number) or f"board{index + 1}"
            boards.append(board)
    except BaseException:
        boards.close()
        raise
    used = [b.info.name for b in boards]
    if len(set(used)) != len(used):  # two boards with the same short name: number them
        for index, board in enumerate(boards, start=1):
            board.info.name = f"board{index}"
    return boards


def _short_name(serial_number: str | None) -> str | None:
    """The serial number's end, which tells boards apart; simulated ones all look alike."""
    if not serial_number or serial_number.startswith("SIM"):
        return None
    return serial_number[-SHORT_NAME_CHARS:]
