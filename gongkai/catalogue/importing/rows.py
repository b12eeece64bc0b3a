"""One row of a catalogue file: its cells read (dates as agencies write them, topics and categories by any of their
names, from look-ups loaded once), then the catalogue's shared rules (``services.rules.check_row``, the same the
form and the API ask), every problem named with its column."""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue import index_numbers
from gongkai.catalogue.importing.columns import (
    _LOOKUP,
    COLUMN_LABELS,
    REQUIRED,
    VALIDITY_WORDS,
    ImportFileError,
    ImportReport,
    normalise_header,
)
from gongkai.catalogue.importing.reading import body_to_html, parse_datetime
from gongkai.catalogue.models import Category, Item, Topic, Validity
from gongkai.catalogue.services.rules import check_row
from gongkai.core.richtext import html_to_text
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def index_pattern(organ: Organ) -> re.Pattern:
    """A regular expression reading year and serial out of an index number
    written with the organ's template, e.g. ``{organ_code}/{year}-{serial:05d}``."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(organ.index_template):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name == "organ_code":
            parts.append(re.escape(organ.code))
        elif name == "year":
            parts.append(r"(?P<year>\d{4})")
        elif name == "serial":
            parts.append(r"(?P<serial>\d+)")
        elif name == "month":
            parts.append(r"\d{1,2}")
        else:
            parts.append(r".+?")
    return re.compile("^" + "".join(parts) + "$")


def format_index_number(organ: Organ, *, year: int, month: int, category_code: str, serial: int) -> str:
    """The organ's template filled in, as publishing fills it in."""
    return index_numbers.render(organ.index_template, organ_code=organ.code, year=year, month=month, category=category_code, serial=serial)


class _Lookups:
    """Topics and categories by every name an agency might write."""

    def __init__(self) -> None:
        self.topics: dict[str, Topic] = {}
        for topic in Topic.objects.filter(is_active=True).select_related("parent"):
            for key in (topic.code, topic.name, str(topic)):
                self.topics.setdefault(key.strip().lower(), topic)
            if topic.parent_id:
                for sep in ("/", "-", ">", "›", "\\", "—"):
                    self.topics.setdefault(f"{topic.parent.name}{sep}{topic.name}".lower(), topic)
        self.categories: dict[str, Category] = {}
        for category in Category.objects.filter(is_active=True):
            for key in (category.code, category.name):
                self.categories.setdefault(key.strip().lower(), category)

    def topic(self, value: str) -> Topic | None:
        key = re.sub(r"\s*([/>›\\—-])\s*", r"\1", value.strip().lower())
        return self.topics.get(key) or self.topics.get(key.replace(" ", ""))

    def category(self, value: str) -> Category | None:
        return self.categories.get(value.strip().lower())


def _cell(row: list, position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    value = row[position]
    if value.__class__ is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _raw(row: list, position: int | None) -> Any:
    if position is None or position >= len(row):
        return None
    return row[position]


def _max_length(name: str) -> int:
    return Item._meta.get_field(name).max_length


MAX_SERIAL = 2_147_483_647  # the largest value of the serial column on PostgreSQL


SERIAL_SPAN = MAX_SERIAL + 1


class _Validator:
    def __init__(self, organ: Organ, header: list, report: ImportReport) -> None:
        self.organ = organ
        self.report = report
        self.positions: dict[str, int] = {}
        for position, value in enumerate(header):
            key = _LOOKUP.get(normalise_header(value))
            if key and key not in self.positions:
                self.positions[key] = position
                report.columns[key] = str(value).strip()
            elif str(value or "").strip():
                report.ignored_columns.append(str(value).strip())
        missing = [COLUMN_LABELS[k] for k in REQUIRED if k not in self.positions]
        if missing:
            raise ImportFileError(
                _("The file has no column for: %(columns)s. The first row must hold the column names.")
                % {"columns": "、".join(str(m) for m in missing)}
            )
        self.lookups = _Lookups()
        self.pattern = index_pattern(organ)
        self.seen_numbers: dict[str, int] = {}
        # (year, serial) of the kept numbers, as one int: "ORG/2024-7" and "ORG/2024-00007" differ as
        # strings but take the same serial, which the (organ, year, serial) constraint refuses.
        self.seen_serials: dict[int, int] = {}
        self.max_length = {name: _max_length(name) for name in ("document_number", "keywords", "index_number")}
        self.today = timezone.localdate()
        self.date_asked = "validity_changed_on" in self.positions

    def validate(self, number: int, row: list) -> tuple[dict | None, list[str]]:
        """The values for one row, or the reasons it is bad."""
        p = self.positions
        errors: list[str] = []
        values: dict = {}

        def label(key: str) -> StrOrPromise:
            return COLUMN_LABELS[key]

        values["title"] = _cell(row, p.get("title"))
        for key in ("document_number", "keywords"):
            text = _cell(row, p.get(key))
            if len(text) > self.max_length[key]:
                errors.append(
                    _("%(column)s is longer than %(limit)d characters.") % {"column": label(key), "limit": self.max_length[key]}
                )
            values[key] = text

        unreadable: set[str] = set()  # cells that are not what they should be: reported once, as such
        for key in ("date_formed", "published_at", "validity_changed_on"):
            raw = _raw(row, p.get(key))
            try:
                moment = parse_datetime(raw)
            except ValueError:
                unreadable.add(key)
                errors.append(
                    _("%(column)s “%(value)s” is not a date (write it as 2024-03-05 or 2024年3月5日).")
                    % {"column": label(key), "value": _cell(row, p.get(key))[:40]}
                )
                moment = None
            values[key] = moment

        topic_text = _cell(row, p.get("topic"))
        category_text = _cell(row, p.get("category"))
        values["topic"] = self.lookups.topic(topic_text) if topic_text else None
        values["category"] = self.lookups.category(category_text) if category_text else None

        validity_text = _cell(row, p.get("validity"))
        validity = VALIDITY_WORDS.get(validity_text.lower())
        if validity is None:
            unreadable.add("validity")
            errors.append(
                _("%(column)s “%(value)s” is not one of 有效, 废止, 失效.") % {"column": label("validity"), "value": validity_text[:20]}
            )
        values["validity"] = validity or Validity.IN_FORCE
        values["validity_note"] = _cell(row, p.get("validity_note"))

        formed, published, changed = values["date_formed"], values["published_at"], values["validity_changed_on"]
        rule = check_row(
            {
                "title": values["title"], "date_formed": formed.date() if formed else None,
                "published_at": published.date() if published else None,
                "topic": values["topic"], "topic_written": topic_text,
                "category": values["category"], "category_written": category_text,
                "validity": values["validity"], "validity_changed_on": changed, "validity_note": values["validity_note"],
            },
            today=self.today, date_asked=self.date_asked,
        )
        for field, message in rule.items():
            if field not in unreadable:
                errors.append(_("%(column)s: %(message)s") % {"column": label(field), "message": message})

        index_number = _cell(row, p.get("index_number"))
        values["index_number"] = index_number or None
        values["index_year"] = values["index_serial"] = None
        if index_number:
            if len(index_number) > self.max_length["index_number"]:
                errors.append(_("%(column)s is longer than %(limit)d characters.") % {"column": label("index_number"), "limit": self.max_length["index_number"]})
            earlier = self.seen_numbers.get(index_number)
            if earlier is not None:
                errors.append(_("The index number %(number)s is also used in row %(row)d.") % {"number": index_number, "row": earlier})
            else:
                self.seen_numbers[index_number] = number
            match = self.pattern.match(index_number)
            if match:
                values["index_year"] = int(match.group("year")) if "year" in match.groupdict() else None
                values["index_serial"] = int(match.group("serial")) if "serial" in match.groupdict() else None
                if values["index_year"] is None or values["index_serial"] is None:
                    values["index_year"] = values["index_serial"] = None
                elif values["index_serial"] > MAX_SERIAL:
                    errors.append(_("The serial in the index number %(number)s is too large.") % {"number": index_number})
                elif earlier is None:
                    key = values["index_year"] * SERIAL_SPAN + values["index_serial"]
                    same = self.seen_serials.setdefault(key, number)
                    if same != number:
                        errors.append(
                            _("The index number %(number)s has the same year and serial as the one in row %(row)d.")
                            % {"number": index_number, "row": same}
                        )

        body = _cell(row, p.get("body"))
        values["body"] = body_to_html(body) if body else ""
        values["body_text"] = html_to_text(values["body"]) if "<" in body else body
        if errors:
            return None, errors
        return values, []
