import datetime as dt

import pytest

from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db


def test_a_superuser_is_warned_of_an_unloaded_calendar_year(client, monkeypatch):
    from gongkai.workdays import calendar

    monkeypatch.setattr(calendar, "missing_years", lambda *a, **k: [2031])
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get("/workspace/").content.decode()
    assert "2031" in page and "暂定期限" in page


def test_a_clerk_is_not_shown_the_calendar_warning(client, monkeypatch):
    from gongkai.workdays import calendar

    monkeypatch.setattr(calendar, "missing_years", lambda *a, **k: [2031])
    client.force_login(member(OrganFactory(), Role.CLERK))
    assert "暂定期限" not in client.get("/workspace/").content.decode()


def test_only_the_disclosure_office_sees_the_letter_templates_entry(client):
    organ = OrganFactory()
    client.force_login(member(organ, Role.CLERK))
    assert "文书模板" not in client.get("/workspace/").content.decode()
    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    assert "文书模板" in client.get("/workspace/").content.decode()


def test_the_real_calendar_names_the_first_year_it_lacks():
    from gongkai.workdays import calendar

    missing = calendar.missing_years(horizon=1, today=dt.date(2026, 11, 28))
    assert missing == [2027]
