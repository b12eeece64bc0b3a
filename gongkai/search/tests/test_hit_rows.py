"""The search page's hit rows and filter options (built in Python through core.htmlrows) escape everything that
comes from an item, an organ, a topic or a category."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from gongkai.catalogue.models import Validity
from gongkai.catalogue.tests.factories import CategoryFactory, ItemFactory
from gongkai.factories import OrganFactory
from gongkai.portal import selectors
from gongkai.search.views.public import _hit_rows, _options, _select

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"x\")</script> & 'q'\x00end"
HOSTILE_HTML = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;\x00end"
# What the database can hold (PostgreSQL refuses NUL in text; the input cleaning refuses it before that).
STORED = HOSTILE.replace("\x00", " ")
STORED_HTML = HOSTILE_HTML.replace("\x00", " ")


def test_a_hostile_hit_is_escaped_everywhere_it_shows():
    organ = OrganFactory(name=STORED)
    item = ItemFactory(organ=organ, category=CategoryFactory(name=STORED), title=STORED, document_number=STORED,
                       body_text=STORED, validity=Validity.EXPIRED)
    cache.clear()
    selectors.forget_local()
    results = SimpleNamespace(ids=[item.pk], hits=[SimpleNamespace(id=item.pk)], words=["alert"])
    [html] = _hit_rows(results)
    assert "<script>" not in html
    # title and snippet with the query word marked; organ, category and number plain
    assert html.count("&lt;script&gt;<mark>alert</mark>(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27; end") == 2
    assert html.count(STORED_HTML) == 3
    assert f'href="/{organ.slug}/items/{item.pk}/"' in html and '<span class="badge bad">' in html


def test_filter_options_escape_their_labels_and_values():
    options = _options([(1, HOSTILE), ('2" onfocus="x', "二")], None)
    assert "<script>" not in options
    assert f'<option value="1">{HOSTILE_HTML}</option>' in options
    assert '<option value="2&quot; onfocus=&quot;x">二</option>' in options
    assert '<option value="1" selected>' in _select(options, 1)
