"""Letter numbers (文号): per organ and year, gap-free (``organs.serials.take``), in the organ's format
(``Organ.letter_number_format``, e.g. ``某政信公〔{year}〕{serial}号`` → 某政信公〔2026〕12号)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gongkai.letters.models import LetterCounter
from gongkai.organs import serials

if TYPE_CHECKING:
    from gongkai.organs.models import Organ


def format_number(organ: Organ, year: int, serial: int) -> str:
    return organ.letter_number_format.format(organ=organ.display_name, year=year, serial=serial)


def take_number(organ: Organ, *, on: dt.date) -> str:
    """The organ's next letter number of ``on``'s year. Call inside the transaction that stores the letter: a
    rolled-back letter gives its number back."""
    return format_number(organ, on.year, serials.take(LetterCounter, organ.pk, on.year))
