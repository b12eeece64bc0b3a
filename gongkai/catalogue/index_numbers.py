"""索引号 templates. An organ's template is a Python format string over a
fixed set of fields, e.g. ``{organ_code}/{year}-{serial:05d}`` or
``{organ_code}-{category}-{year}{month:02d}-{serial:04d}``."""

from __future__ import annotations

import string

from django.utils.translation import gettext as _

from gongkai.core.errors import DomainError

FIELDS = ("organ_code", "year", "month", "category", "serial")


def render(template: str, *, organ_code: str, year: int, month: int, category: str, serial: int) -> str:
    return template.format(organ_code=organ_code, year=year, month=month, category=category, serial=serial)


def validate_template(template: str) -> None:
    """Raise DomainError(field="index_template") unless the template can give unique numbers."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        raise DomainError(_("The index number template is malformed: %(error)s.") % {"error": error}, field="index_template")
    names = [name for _literal, name, _spec, _conv in parts if name is not None]
    unknown = sorted({n for n in names if n not in FIELDS})
    if unknown:
        raise DomainError(
            _("Unknown field in the index number template: %(fields)s. Allowed: %(allowed)s.")
            % {"fields": ", ".join("{" + n + "}" for n in unknown), "allowed": ", ".join("{" + f + "}" for f in FIELDS)},
            field="index_template",
        )
    if "serial" not in names:
        raise DomainError(_("The index number template needs {serial}, or numbers would repeat."), field="index_template")
    if "organ_code" not in names:
        raise DomainError(
            _("The index number template needs {organ_code}: index numbers are unique across all organs."),
            field="index_template",
        )
    if "year" not in names:
        raise DomainError(_("The index number template needs {year}: serials start again every year."), field="index_template")
    try:
        sample = render(template, organ_code="ORG", year=2026, month=1, category="GZ", serial=1)
    except (ValueError, TypeError, IndexError, KeyError) as error:
        raise DomainError(
            _("The index number template cannot be filled in: %(error)s.") % {"error": error}, field="index_template"
        )
    if len(render(template, organ_code="X" * 40, year=2026, month=12, category="X" * 20, serial=999999)) > 80:
        raise DomainError(_("Index numbers from this template would be longer than 80 characters."), field="index_template")
    if not sample.strip():
        raise DomainError(_("The index number template gives empty numbers."), field="index_template")
