"""Names and ids: make nbgrader-safe student ids, and find a kid's name in a file path.

Student ids become folder names and glob patterns inside nbgrader (``submitted/<id>/``;
``*`` means "all students"), so an id here is lower-case ASCII letters, digits, ``.``, ``_``
and ``-``, starting with a letter or digit::

    >>> make_id("Jörg-Özil", "Müller")
    'joerg-oezil.mueller'
    >>> fold("Ærø Straße")
    'aeroe strasse'
    >>> make_id("Ayşe", "Yılmaz")
    'ayse.yilmaz'

Matching a path to a kid works on *tokens*: folded words of each path part. Moodle delivers
``Ada Lovelace_123_assignsubmission_file_/01-hallo-calliope.ipynb``, IServ a folder per kid,
kids rename to ``Lovelace_Ada_01-hallo-calliope.ipynb``: in each case every word of the first
name and of the last name appears among the tokens of one path part.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

_SPECIAL = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "œ": "oe",
            "å": "aa", "đ": "d", "ł": "l", "þ": "th", "ð": "d",
            # letters that Unicode does not decompose to a Latin base letter
            "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "ng", "ĸ": "k", "ſ": "s", "ə": "e"}
_ID_BAD = re.compile(r"[^a-z0-9._-]+")
_TOKEN = re.compile(r"[a-z0-9]+")
#: what platforms and browsers append to a downloaded or copied notebook name
_COPY_SUFFIX = re.compile(r"(?:[-_ ]?copy\d*|[-_ ]?kopie\d*|\s*\(\d+\)|[-_]\d{1,2})$",
                          re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case ASCII: umlauts as ``ae``/``oe``/``ue``, ``ß`` as ``ss``, accents dropped."""
    lowered = "".join(_SPECIAL.get(ch, ch) for ch in text.lower())
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode(
        "ascii", "ignore").decode("ascii")


def tokens(text: str) -> list[str]:
    """The folded words in ``text`` (``"Lovelace_Ada (1)"`` -> ``["lovelace", "ada", "1"]``)."""
    return _TOKEN.findall(fold(text))


def valid_id(student_id: str) -> bool:
    """Whether ``student_id`` can be used by nbgrader as it is."""
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", student_id)) and ".." not in student_id


def clean_id(raw: str) -> str:
    """``raw`` made valid (may be empty if nothing usable is left)."""
    text = _ID_BAD.sub("_", fold(raw.strip()))
    text = re.sub(r"([._-])[._-]+", r"\1", text)
    return text.strip("._-")


def make_id(first: str, last: str = "") -> str:
    """An id from a name, in the ``vorname.nachname`` style of school platforms."""
    parts = [clean_id(p.replace(" ", "-")) for p in (first, last) if p.strip()]
    return ".".join(p for p in parts if p)


def split_full_name(full: str) -> tuple[str, str]:
    """``"Lovelace, Ada"`` or ``"Ada Lovelace"`` -> ``("Ada", "Lovelace")`` (first, last)."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    if " " in full:
        first, _, last = full.rpartition(" ")
        return first.strip(), last.strip()
    return full, ""


def strip_copy_suffix(stem: str) -> str:
    """``"01-hallo-calliope-Copy1"`` / ``"... (1)"`` -> ``"01-hallo-calliope"`` (repeatedly)."""
    previous = None
    while previous != stem:
        previous = stem
        stem = _COPY_SUFFIX.sub("", stem).rstrip()
    return stem


@dataclass(frozen=True)
class Person:
    """A kid as the matcher sees them: id and name tokens."""

    id: str
    first: tuple[str, ...]
    last: tuple[str, ...]

    @classmethod
    def of(cls, student_id: str, first_name: str, last_name: str) -> "Person":
        return cls(student_id, tuple(tokens(first_name)), tuple(tokens(last_name)))


@dataclass(frozen=True)
class Hit:
    """Who a path part names, and how sure that is (``how``: id, name or first_name)."""

    student: str
    how: str


def _contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(tuple(haystack[i:i + n]) == tuple(needle)
                         for i in range(len(haystack) - n + 1))


def _id_in(words: Sequence[str], student_id: str) -> bool:
    """Whether the id's words appear in a row (``lovelace_ada`` in ``Lovelace_Ada (1)``).

    A one-word id counts only if it is distinctive: at least 3 letters, or 4 digits (so the
    lesson number ``01`` or a Moodle counter never passes for a kid's id).
    """
    id_words = tokens(student_id)
    if len(id_words) == 1:
        word = id_words[0]
        if len(word) < 3 or (word.isdigit() and len(word) < 4):
            return False
    return _contains_run(words, id_words)


def who_is_named(part: str, people: Iterable[Person]) -> list[Hit]:
    """The kids that one path part (a folder or a file name) names, best evidence first."""
    people = list(people)
    words = tokens(part)
    folded = fold(part)
    exact = [p for p in people if folded == p.id]
    if exact:
        return [Hit(p.id, "id") for p in exact]
    # Score = how many words matched: "Anna Maria Schmidt" names am.schmidt (3 words), not
    # maria.schmidt (2), even though the id maria.schmidt appears in it too.
    scored: dict[str, tuple[int, str]] = {}
    for p in people:
        if _id_in(words, p.id):
            scored[p.id] = (len(tokens(p.id)), "id")
        if p.first and p.last and _contains_run(words, p.first) and _contains_run(words, p.last):
            score = len(p.first) + len(p.last)
            if score >= scored.get(p.id, (0, ""))[0]:
                scored[p.id] = (score, "name")
    if scored:
        best = max(score for score, _ in scored.values())
        return [Hit(sid, how) for sid, (score, how) in scored.items() if score == best]
    # Only a first name ("ada_01-hallo-calliope.ipynb"): good enough if no one else has it.
    first_names: dict[tuple[str, ...], list[Person]] = {}
    for p in people:
        first_names.setdefault(p.first, []).append(p)
    by_first = [p for p in people if p.first and len(first_names[p.first]) == 1
                and _contains_run(words, p.first)]
    return [Hit(p.id, "first_name") for p in by_first]


def who_is(parts: Sequence[str], people: Iterable[Person]) -> tuple[str | None, str]:
    """The kid a path names: ``(student_id, how)``, or ``(None, "none"|"ambiguous")``.

    ``parts`` are the path parts, outermost first; the innermost part that names exactly
    one kid decides (the file name beats the folder).
    """
    people = list(people)
    ambiguous = False
    for part in reversed(parts):
        hits = who_is_named(part, people)
        ids = {h.student for h in hits}
        if len(ids) == 1:
            return hits[0].student, hits[0].how
        if len(ids) > 1:
            ambiguous = True
    return None, "ambiguous" if ambiguous else "none"
