"""The pieces of rows the portal's page kit builds (facets, validity badge, time) escape what they show."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from gongkai.catalogue.models import Validity
from gongkai.portal.facets import catalogue_facets
from gongkai.portal.views import time_element, validity_badge

HOSTILE = "<script>alert(\"x\")</script> & 'q'\x00end"
HOSTILE_HTML = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;\x00end"


def test_facets_escape_topic_and_category_names():
    topic = SimpleNamespace(pk=101, parent_id=None, name=HOSTILE)
    category = SimpleNamespace(pk=202, name=HOSTILE)
    html = catalogue_facets(topics=[topic], categories=[category], years=[2024], topic=topic, category=None, year=2024)
    assert "<script>" not in html
    assert f'<li><a href="?topic=101&amp;year=2024" aria-current="true">{HOSTILE_HTML}</a></li>' in html
    assert f'<li><a href="?topic=101&amp;category=202&amp;year=2024">{HOSTILE_HTML}</a></li>' in html


def test_the_validity_badge_and_the_time_are_markup_of_their_own():
    assert validity_badge(Validity.IN_FORCE) == ""
    assert validity_badge(Validity.REPEALED).startswith(' <span class="badge bad">')
    moment = timezone.make_aware(dt.datetime(2024, 3, 5, 9, 0))
    assert time_element(moment) == '<time datetime="2024-03-05T09:00:00+08:00">2024-03-05</time>'
    assert time_element(None) == '<time datetime=""></time>'
