"""``{% scan_of subject version as scan %}``: the last sensitive-content scan of a subject (of one version when
given), so a page says "not checked yet" rather than "nothing found" for a text nobody scanned."""

from typing import Any

from django import template

from gongkai.sensitive.models import Scan
from gongkai.sensitive.services import last_scan

register = template.Library()


@register.simple_tag
def scan_of(subject: Any, version: Any = None) -> Scan | None:
    if subject is None or getattr(subject, "pk", None) is None:
        return None
    number = getattr(version, "number", version)
    return last_scan(subject, None if number in (None, "") else int(number))
