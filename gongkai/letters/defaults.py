"""The default text of each kind of letter, supplied by the subject apps that send letters.

Letters is a rendering service below the subjects: it knows no subject's kinds. A subject registers its
default letters (``register``) when its app is ready; an organ may replace any of them (``LetterTemplate``),
and falls back to the default otherwise. Placeholders are ``{{name}}`` (``gongkai.letters.rendering``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

REPLY_PREFIX = "reply."


@dataclass(frozen=True)
class DefaultLetter:
    kind: str
    title: str
    body: str
    article: str  # the article cited, for lists and docs
    label: str | Promise = ""  # what the letter is called on the screens that list kinds


# kind → default letter, in the order registered (one dict, filled in place: importers hold the same object)
DEFAULTS: dict[str, DefaultLetter] = {}


def register(letters: Iterable[DefaultLetter]) -> None:
    """Add a subject's default letters (a kind registered twice keeps the last text)."""
    for letter in letters:
        DEFAULTS[letter.kind] = letter


def all_kinds() -> tuple[str, ...]:
    return tuple(DEFAULTS)


def label(kind: str) -> str:
    letter = DEFAULTS.get(kind)
    return str(letter.label or kind) if letter is not None else kind
