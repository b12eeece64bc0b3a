"""``{{ item.body|shown_body }}``: a stored body, safe to show (see
``core.richtext.safe_for_display``)."""

from django import template
from django.utils.safestring import mark_safe

from gongkai.core.richtext import safe_for_display

register = template.Library()


@register.filter
def shown_body(value) -> str:
    return mark_safe(safe_for_display(str(value or "")))  # noqa: S308 - cleaned by nh3 just above
