"""``messages|unique_messages``: each flash message once, in order, however many times a request added it."""

from collections.abc import Iterable
from typing import Any

from django import template

register = template.Library()


@register.filter
def unique_messages(messages: Iterable[Any]) -> list[Any]:
    seen: set[tuple[int, str]] = set()
    unique = []
    for message in messages:
        key = (message.level, str(message))
        if key not in seen:
            seen.add(key)
            unique.append(message)
    return unique
