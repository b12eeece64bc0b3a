"""The public annual-report check under the web hardening: rate limited per address (a refused check gives back
the pasted page), and the tables styled from the stylesheet, not style attributes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_checks_beyond_the_limit_are_refused_with_429_and_the_paste_kept(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report_check": "1/h"}
    client.post("/annual-reports/check/", {"html": "<p>第一份</p>"})
    response = client.post("/annual-reports/check/", {"html": "<p>第二份年度报告</p>"})
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 3600
    assert "&lt;p&gt;第二份年度报告&lt;/p&gt;" in response.content.decode()
    assert "本次没有提交任何内容" in response.context["form"].non_field_errors()[0]


def test_opening_the_check_page_is_not_counted(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report_check": "1/h"}
    assert all(client.get("/annual-reports/check/").status_code == 200 for _ in range(3))


def test_the_table_column_widths_in_the_stylesheet_match_the_layout():
    """The widths live in static/css/reports.css (no style attributes under the Content Security Policy)."""
    import re

    from gongkai.reports import exports, layout

    css = exports.CSS_PATH.read_text(encoding="utf-8")
    in_css = {(m[0], int(m[1])): m[2] for m in re.findall(r"\.report-table\.(t\d) col:nth-child\((\d+)\) \{ width: ([\d.]+)%; \}", css)}
    expected = {(name, i): w for name, widths in layout.column_percentages().items() for i, w in enumerate(widths, 1)}
    assert in_css == expected
