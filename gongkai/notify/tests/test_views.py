import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.notify.models import Channel, Notification, Status
from gongkai.organs.models import Role


def inbox_row(user, subject="待办", link=""):
    return Notification.objects.create(
        recipient=user, channel=Channel.INAPP, event="message", subject=subject, body="正文", status=Status.SENT, link=link
    )


@pytest.fixture
def organ(db):
    return OrganFactory()


@pytest.fixture
def clerk(organ):
    return member(organ, Role.CLERK)


@pytest.fixture
def office(organ):
    return member(organ, Role.DISCLOSURE_OFFICE)


def test_the_inbox_shows_my_notifications_only(client, clerk):
    inbox_row(clerk, "给我的")
    inbox_row(UserFactory(), "给别人的")
    client.force_login(clerk)

    page = client.get(reverse("notify:inbox")).content.decode()

    assert "给我的" in page
    assert "给别人的" not in page


def test_someone_without_a_role_is_refused_the_inbox(client, db):
    client.force_login(UserFactory())

    assert client.get(reverse("notify:inbox")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("notify:inbox"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_marking_as_read(client, clerk):
    row = inbox_row(clerk)
    client.force_login(clerk)

    client.post(reverse("notify:read", args=[row.pk]))

    row.refresh_from_db()
    assert row.read_at is not None


def test_opening_follows_the_link(client, clerk):
    row = inbox_row(clerk, link="/workspace/applications/1/")
    client.force_login(clerk)

    response = client.post(reverse("notify:read", args=[row.pk]), {"follow": "1"})

    assert response["Location"] == "/workspace/applications/1/"


def test_i_cannot_mark_someone_elses_notification(client, clerk):
    row = inbox_row(UserFactory())
    client.force_login(clerk)

    assert client.post(reverse("notify:read", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def failed_row(organ):
    return Notification.objects.create(
        channel=Channel.SMS, event="message", subject="发送失败的短信", body="b", organ=organ, status=Status.FAILED,
        attempts=8, last_error="SMS gateway answered 500",
    )


def test_the_disclosure_office_sees_failed_messages_of_its_organ(client, office, organ):
    failed_row(organ)
    other = failed_row(OrganFactory())
    other.subject = "别的机关"
    other.save()
    client.force_login(office)

    page = client.get(reverse("notify:delivery")).content.decode()

    assert "发送失败的短信" in page and "SMS gateway answered 500" in page
    assert "别的机关" not in page


def test_a_clerk_is_refused_the_delivery_log(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("notify:delivery")).status_code == 403


def test_the_disclosure_office_can_send_a_failed_message_again(client, office, organ, django_capture_on_commit_callbacks, settings):
    settings.SMS_GATEWAY_URL = ""
    row = failed_row(organ)
    client.force_login(office)

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("notify:retry", args=[row.pk]))

    row.refresh_from_db()
    assert row.status == Status.QUEUED
    assert row.next_attempt_at <= timezone.now()


def test_another_organs_office_cannot_retry(client, organ):
    row = failed_row(organ)
    client.force_login(member(OrganFactory(), Role.DISCLOSURE_OFFICE))

    assert client.post(reverse("notify:retry", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.status == Status.FAILED
