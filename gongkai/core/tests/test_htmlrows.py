import pytest
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.htmlrows import Row, join, text

ROW = Row('<tr><td><a href="{url}" title="{title}">{title}</a>{badge}</td><td>{number}</td></tr>')


def test_every_value_is_escaped_in_text_and_in_attributes():
    row = ROW(url='/x/?a=1&b="2"', title="<script>alert('x')</script>", badge="", number="某府办〔2024〕1号")
    assert row == (
        '<tr><td><a href="/x/?a=1&amp;b=&quot;2&quot;" title="&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;">'
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</a></td><td>某府办〔2024〕1号</td></tr>"
    )
    assert isinstance(row, SafeString)


def test_markup_already_made_safe_is_kept():
    badge = format_html(' <span class="badge bad">{}</span>', "废止")
    row = ROW(url="/a/", title="通知", badge=badge, number=mark_safe("&mdash;"))
    assert '<span class="badge bad">废止</span>' in row and "<td>&mdash;</td>" in row


def test_none_is_empty_and_lazy_text_is_translated_then_escaped():
    with translation.override("zh-hans"):
        row = Row("<td>{a}</td><td>{b}</td>")(a=None, b=gettext_lazy("Provisional"))
    assert row == "<td></td><td>暂定</td>"


def test_braces_in_a_value_stay_text():
    assert Row("<td>{a}</td>")(a="{b} {0} {a!r}") == "<td>{b} {0} {a!r}</td>"


def test_a_missing_field_fails_loudly():
    with pytest.raises(KeyError):
        Row("<td>{a}</td><td>{b}</td>")(a="x")


def test_join_takes_only_rows_made_safe():
    rows = [Row("<li>{a}</li>")(a=n) for n in ("<1>", "2")]
    assert join(rows) == "<li>&lt;1&gt;</li><li>2</li>"
    with pytest.raises(TypeError):
        join([*rows, "<li>unescaped</li>"])


@given(st.text())
def test_text_escapes_as_django_does(value):
    assert text(value) == escape(value)


HOSTILE = "<script>alert(\"x\")</script> & 'q'\x00end"
HOSTILE_HTML = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;\x00end"


def test_a_nul_neither_stops_nor_shifts_the_escaping():
    assert Row('<td title="{a}">{a}</td>')(a=HOSTILE) == f'<td title="{HOSTILE_HTML}">{HOSTILE_HTML}</td>'
    assert text(HOSTILE) == HOSTILE_HTML
    assert Row("<td>{a}</td>")(a=7) == "<td>7</td>"
