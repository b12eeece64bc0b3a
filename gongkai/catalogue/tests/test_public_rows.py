"""The catalogue list's rows (built in Python through core.htmlrows) escape everything that comes from an item, an
organ or a category."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from gongkai.catalogue.models import Validity
from gongkai.catalogue.tests.factories import CategoryFactory
from gongkai.catalogue.views.public import _catalogue_rows
from gongkai.factories import OrganFactory
from gongkai.portal import selectors

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"x\")</script> & 'q'\x00end"
HOSTILE_HTML = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;\x00end"
# What the database can hold (PostgreSQL refuses NUL in text; the input cleaning refuses it before that).
STORED = HOSTILE.replace("\x00", " ")
STORED_HTML = HOSTILE_HTML.replace("\x00", " ")


def test_a_hostile_title_number_organ_and_category_are_escaped():
    organ = OrganFactory(short_name=STORED)
    category = CategoryFactory(name=STORED)
    cache.clear()  # the organ and category look-ups are cached
    selectors.forget_local()
    published = timezone.make_aware(dt.datetime(2024, 3, 5, 9, 0))
    html = _catalogue_rows([(7, HOSTILE, Validity.REPEALED, HOSTILE, HOSTILE, published, organ.pk, category.pk)])
    assert "<script>" not in html
    assert html.count(HOSTILE_HTML) == 3  # title, index number, document number (values of the row)
    assert html.count(STORED_HTML) == 2  # organ and category (looked up from the database)
    assert f'href="/{organ.slug}/items/7/"' in html
    assert '<span class="badge bad">' in html and '<time datetime="2024-03-05T09:00:00+08:00">2024-03-05</time>' in html


def test_a_row_without_a_number_or_date_shows_a_dash_and_an_empty_time():
    organ = OrganFactory()
    cache.clear()
    selectors.forget_local()
    html = _catalogue_rows([(8, "通知", Validity.IN_FORCE, None, "", None, organ.pk, None)])
    assert "<td>—</td>" in html and '<time datetime=""></time>' in html and "badge" not in html
