"""The ``$HELLO`` line: how our firmware says who it is, written and read in one place.

Our firmware announces itself at start and answers the ``hello`` command with one line::

    $HELLO calliope-lab proto=1 fw=0.1.0 board=calliope-mini-1

``calliope-lab`` (:data:`MAGIC`) marks *our* program among everything else a board may print;
after it come ``key=value`` words (``proto``, ``fw``, ``board``, sometimes ``id``; a host
ignores keys it does not know). See ``PROTOCOL.md`` beside this module.

Three kinds of code read this line, and all of them use this module, so they agree on what
counts as a hello:

* the stream parser (one complete line at a time): :func:`parse_hello`, also behind the
  broken start of a line the board never finished (it was reset mid-line);
* flash verification and ``calliope-mini boards --probe``, which look through whatever a
  port gave so far: :func:`find_hello`;
* installing over serial, which waits for the hello after the board's restart: :func:`find_hello`.

>>> hello = parse_hello("$HELLO calliope-lab proto=1 fw=0.1.0 board=calliope-mini-3")
>>> hello.firmware, hello.board, hello.proto
('0.1.0', 'calliope-mini-3', 1)
>>> find_hello(b"MPY: soft reboot\\r\\n$HELLO calliope-lab proto=1 fw=0.1.0 board=microbit-v1\\r\\n").board
'microbit-v1'
>>> parse_hello("$HELLO someone-else v=2") is None
True
"""

from __future__ import annotations

from calliope_lib.protocol.events import Hello
from calliope_lib.protocol.version import FIRMWARE_VERSION, PROTOCOL_VERSION

#: The word after ``$HELLO`` that marks our firmware among other programs' output.
MAGIC = "calliope-lab"
#: What every hello line of ours starts with.
PREFIX = f"$HELLO {MAGIC}"

_LINE_ENDS = "\r\n"


def format_hello(board: str, fw: str = FIRMWARE_VERSION, **extra: str) -> str:
    """The ``$HELLO`` line as a board sends it (without line end).

    The simulated board uses this; the on-board program writes the same line itself (it
    cannot import the host library).

    >>> format_hello("simulated", id="ab12")
    '$HELLO calliope-lab proto=1 fw=0.1.0 board=simulated id=ab12'
    """
    fields = " ".join(f"{k}={v}" for k, v in extra.items())
    line = f"{PREFIX} proto={PROTOCOL_VERSION} fw={fw} board={board}"
    return f"{line} {fields}" if fields else line


def parse_fields(text: str) -> dict[str, str]:
    """``"proto=1 fw=0.1.0 board=x"`` -> ``{"proto": "1", "fw": "0.1.0", "board": "x"}``.

    Words without ``=`` are skipped, so a future field of another shape does not break an
    older host.
    """
    fields: dict[str, str] = {}
    for word in text.split():
        key, sep, value = word.partition("=")
        if sep:
            fields[key] = value
    return fields


def _text(data: str | bytes) -> str:
    # Hello lines are ASCII; anything else around them must not make reading fail.
    return data.decode("utf-8", "replace") if isinstance(data, (bytes, bytearray)) else data


def parse_hello(line: str | bytes) -> Hello | None:
    """Read one line (line end allowed): the :class:`Hello` in it, or None if it is not ours.

    The line must *start* with ``$HELLO calliope-lab``: this is what the stream parser sees,
    one line at a time. Fields may be missing (``$HELLO calliope-lab`` alone is still our
    firmware, just an uninformative one); :attr:`Hello.firmware` is then None.
    """
    text = _text(line).rstrip(_LINE_ENDS)
    word, _, rest = text.partition(" ")
    if word != "$HELLO":
        return None
    magic, _, fields = rest.partition(" ")
    if magic != MAGIC:
        return None
    return Hello(parse_fields(fields))


def find_hello(received: str | bytes) -> Hello | None:
    """The first *complete* hello line anywhere in what a port gave so far, or None.

    Unlike :func:`parse_hello` the hello may follow other text on its line (a prompt or the
    rest of a kid's output that had no line end yet). It counts only once its line end has
    arrived: a line cut short after ``fw=0.1`` must not be read as version 0.1.
    """
    text = _text(received)
    start = text.find(PREFIX)
    while start >= 0:
        end = min((i for i in (text.find(c, start) for c in _LINE_ENDS) if i >= 0), default=-1)
        if end < 0:
            return None  # the rest of this line has not arrived yet
        hello = parse_hello(text[start:end])
        if hello is not None:
            return hello
        start = text.find(PREFIX, end)  # "$HELLO calliope-labX": not ours, look further
    return None
