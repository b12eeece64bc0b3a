"""What a user types, brought to the form the index holds.

* Traditional characters become simplified ones (OpenCC's ``t2s`` tables,
  phrase-aware: 乾淨 → 干净 but 乾坤 stays), full-width letters and digits
  become half-width (Unicode NFKC), Latin letters lower-case.
* 索引号 and 文号 are identifiers: they are indexed as one exact term each
  (``identifiers``) and a query that *is* one is looked up exactly
  (``query_identifiers``), whichever brackets or dashes were typed:
  某政办发〔2020〕43号, 某政办发[2020]43号, 某政办发(2020)43号 and
  某政办发【2020】43号 are one 文号.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

_converter = None
_converter_lock = threading.Lock()


def _t2s() -> Any:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def to_simplified(text: str) -> str:
    """Traditional Chinese → simplified (環境保護 → 环境保护); simplified text is left as it is."""
    return _t2s().convert(text) if text else ""


def query_text(text: str) -> str:
    """A query as the index's words are written: simplified, half-width, lower-case."""
    return unicodedata.normalize("NFKC", to_simplified(text or "")).lower()


# --- identifiers (索引号, 文号) -------------------------------------------------------

# Every bracket a 文号's year is typed in: 〔〕 (the standard's), [] ［］ () （） 【】 〖〗 ｛｝ {}.
_OPEN = "〔[（(【〖{［｛"
_CLOSE = "〕]）)】〗}］｝"
_DOCNO = re.compile(rf"^(?P<prefix>.*?)[{re.escape(_OPEN)}](?P<year>\d{{4}})[{re.escape(_CLOSE)}](?P<serial>\d+)号?$")
_DASHES = re.compile(r"[‐‑‒–—―−－﹣]")
_SPACES = re.compile(r"\s+")
# An index number: letters, digits and at least one / or -, nothing else (11350100-0-01/2026-00008).
_INDEX_NUMBER = re.compile(r"^[0-9a-z]+(?:[/\-][0-9a-z]+)+$")


def _compact(text: str) -> str:
    return _SPACES.sub("", _DASHES.sub("-", unicodedata.normalize("NFKC", to_simplified(text or "")).lower()))


def document_number_key(text: str) -> str:
    """The one form of a 文号: 某政办发[2020]43号 → 某政办发〔2020〕43号; "" when it is not one."""
    match = _DOCNO.match(_compact(text))
    if not match or not match["prefix"]:
        return ""
    return f"{match['prefix']}〔{match['year']}〕{int(match['serial'])}号"


def index_number_key(text: str) -> str:
    """The one form of a 索引号 (lower-case, half-width, one kind of dash, no spaces); "" when it is not one."""
    compact = _compact(text)
    return compact if _INDEX_NUMBER.match(compact) and any(c.isdigit() for c in compact) else ""


def identifiers(*, index_number: str, document_number: str) -> list[str]:
    """The exact terms an item is found by: its 索引号 and its 文号 (as typed, compacted, when it is
    not of the usual form)."""
    keys = []
    if index_number:
        keys.append(index_number_key(index_number) or _compact(index_number))
    if document_number:
        keys.append(document_number_key(document_number) or _compact(document_number))
    return [k for k in keys if k]


def query_identifiers(query: str) -> list[str]:
    """The identifier terms a whole query may be (none for ordinary words)."""
    keys = [document_number_key(query), index_number_key(query)]
    return [k for k in dict.fromkeys(keys) if k]
