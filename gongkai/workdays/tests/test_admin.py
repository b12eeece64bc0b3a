import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Role
from gongkai.workdays import calendar
from gongkai.workdays.models import CalendarYear, DayOverride

FILE = {"year": 2030, "days": [{"name": "春节", "date": "2030-02-04", "isOffDay": True}, {"name": "春节", "date": "2030-02-09", "isOffDay": False}]}


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def upload(name="2030.json", data=FILE):
    return SimpleUploadedFile(name, json.dumps(data, ensure_ascii=False).encode("utf-8"), content_type="application/json")


def test_the_upload_page_previews_the_changes_without_saving(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse("admin:workdays_calendaryear_upload"), {"file": upload(), "reason": "notice", "preview": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2030-02-04" in page and "2030-02-09" in page
    assert not CalendarYear.objects.exists()


def test_confirming_the_preview_loads_the_year(client, superuser):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:workdays_calendaryear_upload"), {"content": json.dumps(FILE), "reason": "notice", "apply": "1"}
    )

    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2030).loaded_by == superuser
    assert not calendar.is_working_day(dt.date(2030, 2, 4))


def test_loading_without_a_reason_is_refused(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse("admin:workdays_calendaryear_upload"), {"content": json.dumps(FILE), "reason": "", "apply": "1"})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not CalendarYear.objects.exists()


def test_a_bad_file_shows_the_error_on_the_file_field(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse("admin:workdays_calendaryear_upload"), {"file": upload(data={"year": 2030}), "preview": "1"})

    assert response.status_code == 200
    assert "days" in str(response.context["form"].errors["file"])


def test_a_staff_user_who_is_not_superuser_is_refused(client, db):
    organ = OrganFactory()
    staff = member(organ, Role.DISCLOSURE_OFFICE, user=UserFactory(is_staff=True))
    client.force_login(staff)

    upload_page = client.get(reverse("admin:workdays_calendaryear_upload"))
    day_page = client.post(reverse("admin:workdays_calendaryear_day"), {"date": "2030-02-04", "is_working": "0", "reason": "x"})

    assert upload_page.status_code == 403
    assert day_page.status_code == 403
    assert not DayOverride.objects.exists()


def test_the_day_form_overrides_a_day(client, superuser):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:workdays_calendaryear_day"), {"date": "2030-02-04", "is_working": "0", "name": "春节", "reason": "notice"}
    )

    assert response.status_code == 302
    assert not calendar.is_working_day(dt.date(2030, 2, 4))


def test_the_years_list_warns_about_missing_years(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:workdays_calendaryear_changelist"), follow=True)

    missing = calendar.missing_years(1)
    warnings = [str(m) for m in response.context["messages"]]
    assert missing  # the package ends in 2026; next year is never known
    assert any(str(missing[-1]) in w for w in warnings)


def test_the_reason_typed_at_upload_is_stored_and_shown_in_the_years_list(client, superuser):
    client.force_login(superuser)
    client.post(
        reverse("admin:workdays_calendaryear_upload"),
        {"content": json.dumps(FILE), "reason": "国务院办公厅关于2030年部分节假日安排的通知", "apply": "1"},
    )
    assert CalendarYear.objects.get(year=2030).reason == "国务院办公厅关于2030年部分节假日安排的通知"
    page = client.get(reverse("admin:workdays_calendaryear_changelist")).content.decode()
    assert "国务院办公厅关于2030年部分节假日安排的通知" in page


def test_the_reason_for_one_day_is_stored_and_shown_in_the_days_list(client, superuser):
    from gongkai.workdays.models import DayOverride

    client.force_login(superuser)
    client.post(reverse("admin:workdays_calendaryear_day"), {"date": "2030-02-04", "is_working": "0", "name": "春节", "reason": "补录春节假期"})
    assert DayOverride.objects.get(date=dt.date(2030, 2, 4)).reason == "补录春节假期"
    assert "补录春节假期" in client.get(reverse("admin:workdays_dayoverride_changelist")).content.decode()
