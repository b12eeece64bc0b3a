import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError
from gongkai.factories import OrganFactory, UserFactory
from gongkai.notify import services
from gongkai.notify.models import Channel, Notification, Status
from gongkai.notify.services import Recipient, notify

CASE = {"tracking_number": "T-2026-00001", "organ": "某市测试局", "subject": "2026年预算", "due_on": dt.date(2026, 12, 28)}


class Gateway:
    """A tiny SMS gateway on localhost: records requests, answers with the next status."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append({"headers": dict(self.headers), "json": json.loads(body)})
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"gateway down")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_settings(settings):
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    return settings


def test_a_user_gets_a_console_message_and_an_inbox_entry(db, django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(user, "application.new", CASE)

    assert sorted(r.channel for r in rows) == [Channel.CONSOLE, Channel.INAPP]
    assert {r.status for r in Notification.objects.all()} == {Status.SENT}
    assert Notification.objects.inbox(user).get().subject == "新申请 T-2026-00001"


def test_the_message_is_rendered_in_chinese_with_its_values(db):
    (row, *_rest) = notify(UserFactory(), "deadline.approaching", {**CASE, "days": 3}, channels=["inapp"])

    assert "T-2026-00001" in row.subject and "3" in row.subject
    assert "2026年12月28日" in row.body


def test_a_missing_value_is_refused_and_nothing_saved(db):
    with pytest.raises(DomainError) as error:
        notify(UserFactory(), "application.new", {"tracking_number": "x"})

    assert "due_on" in str(error.value.message)
    assert not Notification.objects.exists()


def test_an_unknown_event_is_refused(db):
    with pytest.raises(DomainError):
        notify(UserFactory(), "no.such.event", {})


def test_an_applicant_is_emailed(db, django_capture_on_commit_callbacks):
    applicant = Recipient(name="张三", email="zhang@example.com", phone="13800138000")
    context = {**CASE, "applicant": "张三", "received_on": dt.date(2026, 11, 27)}

    with django_capture_on_commit_callbacks(execute=True):
        notify(applicant, "applicant.receipt", context, channels=["email"])

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhang@example.com"]
    assert "T-2026-00001" in mail.outbox[0].subject
    assert Notification.objects.get().status == Status.SENT


def test_the_sms_gateway_receives_the_documented_json_with_the_token(db, sms_settings, django_capture_on_commit_callbacks):
    with Gateway([200]) as gateway:
        sms_settings.SMS_GATEWAY_URL = gateway.url
        with django_capture_on_commit_callbacks(execute=True):
            (row,) = notify("13800138000", "application.new", CASE, channels=["sms"])

    request = gateway.requests[0]
    assert request["json"]["phone"] == "13800138000"
    assert "T-2026-00001" in request["json"]["text"]
    assert request["json"]["id"] == str(row.pk)
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 1


def test_a_failed_send_is_kept_with_its_error_and_retried_later(db, sms_settings, django_capture_on_commit_callbacks):
    with Gateway([500, 200]) as gateway:
        sms_settings.SMS_GATEWAY_URL = gateway.url
        with django_capture_on_commit_callbacks(execute=True):
            (row,) = notify("13800138000", "application.new", CASE, channels=["sms"])
        row.refresh_from_db()
        assert row.status == Status.RETRYING
        assert row.attempts == 1
        assert "500" in row.last_error
        assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)

        assert services.send_pending() == {"released": 0}  # not due yet: nothing happens
        counts = services.send_pending(now=row.next_attempt_at + dt.timedelta(seconds=1))

    row.refresh_from_db()
    assert counts[Status.SENT] == 1
    assert row.status == Status.SENT and row.attempts == 2
    assert len(gateway.requests) == 2


def test_an_unreachable_gateway_is_a_retryable_failure(db, sms_settings, django_capture_on_commit_callbacks):
    sms_settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/unreachable"
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify("13800138000", "application.new", CASE, channels=["sms"])

    row.refresh_from_db()
    assert row.status == Status.RETRYING
    assert "unreachable" in row.last_error


def test_the_backoff_doubles(db):
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert services.backoff(30) == dt.timedelta(hours=6)


def test_after_the_last_attempt_the_row_stays_failed_and_visible(db, settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify("13800138000", "application.new", CASE, channels=["sms"])
    later = timezone.now()
    for _attempt in range(services.MAX_ATTEMPTS):
        later += dt.timedelta(hours=7)  # past the longest backoff
        services.send_pending(now=later)

    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == services.MAX_ATTEMPTS
    assert "SMS_GATEWAY_URL" in row.last_error
    assert list(Notification.objects.problems()) == [row]


def test_requeue_sends_a_failed_row_again_and_is_audited(db, settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""
    row = Notification.objects.create(channel=Channel.CONSOLE, event="message", subject="s", body="b", status=Status.FAILED, attempts=8)
    admin = UserFactory(is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.requeue(row, by=admin, reason="gateway fixed")

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert trail_for(row).get().action == "notify.requeued"


def test_only_one_of_two_claims_wins(db):
    row = Notification.objects.create(
        channel=Channel.CONSOLE, event="message", subject="s", body="b", next_attempt_at=timezone.now()
    )

    assert services.claim(row.pk) is True
    assert services.claim(row.pk) is False
    assert services.deliver(row.pk) == "skipped"


def test_a_row_claimed_by_a_dead_worker_is_released_and_sent(db):
    old = timezone.now() - dt.timedelta(hours=1)
    row = Notification.objects.create(channel=Channel.CONSOLE, event="message", subject="s", body="b", status=Status.SENDING, claimed_at=old)

    counts = services.send_pending()

    row.refresh_from_db()
    assert counts["released"] == 1
    assert row.status == Status.SENT


def test_the_command_sends_due_rows_and_a_rerun_does_nothing(db, capsys):
    Notification.objects.create(channel=Channel.CONSOLE, event="message", subject="s", body="b", next_attempt_at=timezone.now())

    call_command("send_pending_notifications")
    call_command("send_pending_notifications")

    out = capsys.readouterr().out.splitlines()
    assert out == ["released: 0, sent: 1", "released: 0"]


def test_a_recipient_without_any_address_leaves_a_failed_row(db):
    (row,) = notify(Recipient(name="李四"), "application.new", CASE, channels=["email", "sms"])

    assert row.status == Status.FAILED
    assert "no address" in row.last_error
    assert row.recipient_name == "李四"


def test_a_channel_without_an_address_is_skipped_when_another_works(db):
    rows = notify(Recipient(name="李四", phone="13800138000"), "application.new", CASE, channels=["email", "sms"])

    assert [r.channel for r in rows] == [Channel.SMS]


def test_the_organ_is_recorded_for_the_delivery_log(db):
    organ = OrganFactory()

    (row,) = notify("a@example.com", "application.new", CASE, channels=["email"], organ=organ, link="/x/")

    assert row.organ == organ and row.link == "/x/"


def test_an_email_carries_the_stored_file_it_names_and_other_channels_do_not(db, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("letters/reply.pdf", ContentFile(b"%PDF-1.7 test"))
    applicant = Recipient(name="张三", email="zhang@example.com", phone="13800138000")
    context = {**CASE, "applicant": "张三"}

    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(applicant, "applicant.reply_email", context, channels=["email", "console"], attachment=name,
                      reference="application:7")

    assert mail.outbox[0].attachments == [("reply.pdf", b"%PDF-1.7 test", "application/pdf")]
    assert {(r.channel, bool(r.attachment), r.reference) for r in rows} == {("email", True, "application:7"), ("console", False, "application:7")}


# --- several recipients: one INSERT, delivered together after the commit ------------------------------------------


def test_a_message_to_several_people_is_written_in_one_insert_and_each_gets_their_rows(db, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [UserFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = services.notify_all(people, "application.new", CASE)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "notify_notification"')]
    assert len(inserts) == 1 and len(callbacks) == 1
    assert all(row.pk for row in rows)
    for person in people:
        assert sorted(Notification.objects.filter(recipient=person).values_list("channel", flat=True)) == [Channel.CONSOLE, Channel.INAPP]
    # no broker: written claimed by this process, which sends them once the change is committed
    assert set(Notification.objects.filter(channel=Channel.CONSOLE).values_list("status", flat=True)) == {Status.SENDING}
    callbacks[0]()
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert set(Notification.objects.filter(channel=Channel.CONSOLE).values_list("attempts", flat=True)) == {1}


def test_nothing_is_delivered_when_the_change_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.notify_all([UserFactory()], "application.new", CASE)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == [] and not Notification.objects.exists()


def test_an_in_process_delivery_that_fails_leaves_the_row_to_be_retried(db, monkeypatch, django_capture_on_commit_callbacks):
    from gongkai.notify import backends

    def broken(notification):
        raise backends.DeliveryError("log server gone")

    monkeypatch.setitem(backends.BACKENDS, "console", broken)
    with django_capture_on_commit_callbacks(execute=True):
        (console, _inbox) = services.notify_all([UserFactory()], "application.new", CASE)
    console.refresh_from_db()
    assert console.status == Status.RETRYING and console.attempts == 1 and "log server gone" in console.last_error
    assert console.next_attempt_at > timezone.now()


def test_a_sweep_between_the_commit_and_the_in_process_delivery_leaves_the_rows_alone(db, monkeypatch,
                                                                                       django_capture_on_commit_callbacks):
    from gongkai.notify import backends

    sent = []
    monkeypatch.setitem(backends.BACKENDS, "console", lambda notification: sent.append(notification.pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (console, _inbox) = services.notify_all([UserFactory()], "application.new", CASE)

    assert services.send_pending() == {"released": 0} and sent == []
    callbacks[0]()
    console.refresh_from_db()
    assert sent == [console.pk] and console.status == Status.SENT


def test_rows_left_claimed_by_a_process_that_died_before_sending_are_sent_by_the_sweep(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        (console, _inbox) = services.notify_all([UserFactory()], "application.new", CASE)
    # the process died: its delivery after the commit never ran

    counts = services.send_pending(now=timezone.now() + services.STALE_CLAIM + dt.timedelta(seconds=1))

    console.refresh_from_db()
    assert counts["released"] == 1 and console.status == Status.SENT
