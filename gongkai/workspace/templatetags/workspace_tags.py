from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from gongkai.catalogue.models import ItemState, RevisionState
from gongkai.organs.models import Role

register = template.Library()

TONES = {
    ItemState.DRAFT: "", ItemState.IN_REVIEW: "warn", ItemState.RETURNED: "bad", ItemState.APPROVED: "ok",
    ItemState.PUBLISHED: "ok", ItemState.WITHDRAWN: "muted", ItemState.DISCARDED: "muted",
}


@register.simple_tag
def state_badge(item):
    """The item's state as a badge; a revision under way is shown next to 'published'."""
    badge = format_html('<span class="badge {}">{}</span>', TONES.get(item.state, ""), item.state_label)
    if item.state == ItemState.PUBLISHED and item.revision_state:
        tone = "bad" if item.revision_state == RevisionState.RETURNED else "warn"
        badge += format_html(' <span class="badge {}">{}</span>', tone, RevisionState(item.revision_state).label)
    return badge


@register.filter
def role_label(value):
    try:
        return Role(value).label
    except ValueError:
        return value or _("—")


@register.simple_tag
def holds_role(user, *roles):
    """True when the user holds any of ``roles`` in some organ (for showing menu entries)."""
    from gongkai.organs.permissions import holds_any_role

    return getattr(user, "is_authenticated", False) and holds_any_role(user, *roles)
