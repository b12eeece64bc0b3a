"""What the register does so that it keeps up at a million applications: the queue's pages, the organ filter,
a fixed number of queries per page, tracking numbers taken last (and given back on failure), the duplicate and
volume checks in one query, the empty form rendered once per language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongkai.applications import outbox, services
from gongkai.applications.models import Application, Status
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.tests.factories import person_data, received
from gongkai.applications.validators import resident_id_check_digit
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db

QUEUE = "applications_ws:queue"


def person(n: int) -> str:
    first17 = f"44030019900101{n:03d}"
    return first17 + resident_id_check_digit(first17)


def rows(page: str) -> list[str]:
    return re.findall(r'<tr>\s*<td><a href="[^"]+">([^<]+)</a>', page)


@pytest.fixture
def many(organ, clerk, recent_workday):
    """25 running applications of 25 applicants."""
    return [received(organ, on=recent_workday, by=clerk, id_number=person(n), subject=f"第{n}号信息") for n in range(25)]


def test_queue_shows_twenty_applications_a_page(client, clerk, many):
    client.force_login(clerk)
    assert len(rows(client.get(reverse(QUEUE)).content.decode())) == 20


def test_queue_shows_more_a_page_on_request(client, clerk, many):
    client.force_login(clerk)
    assert len(rows(client.get(reverse(QUEUE) + "?per_page=50").content.decode())) == 25


def test_queue_page_size_outside_the_choices_is_twenty(client, clerk, many):
    client.force_login(clerk)
    assert len(rows(client.get(reverse(QUEUE) + "?per_page=100000").content.decode())) == 20


def test_queue_says_how_many_applications_the_view_holds(client, clerk, many):
    client.force_login(clerk)
    page = client.get(reverse(QUEUE)).content.decode()
    assert re.search(r'id="queue-count"[^>]*>[^<]*\b25\b', page)


def test_queue_second_page_shows_the_rest_in_deadline_order(client, clerk, many):
    client.force_login(clerk)
    first = rows(client.get(reverse(QUEUE)).content.decode())
    second = rows(client.get(reverse(QUEUE) + "?page=2").content.decode())
    expected = list(Application.objects.running().order_by("due_on", "id").values_list("tracking_number", flat=True))
    assert first + second == expected


def test_queue_page_links_keep_the_filters_and_name_the_page_once(client, clerk, many):
    client.force_login(clerk)
    page = client.get(reverse(QUEUE) + "?view=running&q=%E4%BF%A1%E6%81%AF&page=1").content.decode()
    link = re.search(r'<nav class="pagination">.*?href="\?([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "q=%E4%BF%A1%E6%81%AF" in link and link.count("page=") == 1


def test_queue_runs_as_many_queries_for_twenty_rows_as_for_one(client, organ, clerk, recent_workday):
    received(organ, on=recent_workday, by=clerk, id_number=person(900))
    client.force_login(clerk)
    client.get(reverse(QUEUE))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(QUEUE))
    for n in range(19):
        received(organ, on=recent_workday, by=clerk, id_number=person(n), subject=f"第{n}号信息")
    with CaptureQueriesContext(connection) as twenty:
        page = client.get(reverse(QUEUE)).content.decode()
    assert len(rows(page)) == 20 and len(twenty.captured_queries) == len(one.captured_queries)


def test_clerk_of_one_organ_is_not_offered_an_organ_filter(client, clerk, many):
    client.force_login(clerk)
    assert 'name="organ"' not in client.get(reverse(QUEUE)).content.decode()


def test_government_office_reads_and_filters_the_organs_below(client, recent_workday):
    government = GovernmentFactory()
    bureau = OrganFactory(parent=government)
    office = member(government, Role.DISCLOSURE_OFFICE)
    application = received(bureau, on=recent_workday, by=member(bureau, Role.CLERK))
    client.force_login(office)
    page = client.get(reverse(QUEUE)).content.decode()
    assert application.tracking_number in page
    assert f'<option value="{bureau.pk}">{bureau.name}</option>' in page
    assert f'<option value="{government.pk}">{government.name}</option>' in page
    assert application.tracking_number not in client.get(reverse(QUEUE) + f"?organ={government.pk}").content.decode()


def test_reply_waiting_for_my_signoff_is_in_my_queue_once(organ, clerk, chain_people, recent_workday):
    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    reply = services.draft_reply(application, outcome=Outcome.DISCLOSED, legal_basis="《条例》第三十六条", body="予以公开",
                                 documents_provided="报告", by=clerk)
    services.submit_reply(reply, by=clerk)
    head = chain_people[0]
    assert list(Application.objects.waiting_for(head).values_list("pk", flat=True)) == [application.pk]


# --- submissions -----------------------------------------------------------------


def submit(organ, **overrides):
    return services.submit_application(organ=organ, channel="web", data=person_data(**overrides)).application


def serial(application) -> int:
    return int(application.tracking_number.rsplit("-", 1)[1])


def test_tracking_numbers_are_consecutive_per_organ(organ):
    other = OrganFactory()
    numbers = [serial(submit(organ, id_number=person(n))) for n in range(3)]
    assert numbers == [1, 2, 3] and serial(submit(other)) == 1


def test_failed_submission_gives_its_tracking_number_back(organ, monkeypatch):
    def fail(application):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(outbox, "arrived", fail)
    with pytest.raises(RuntimeError):
        submit(organ)
    monkeypatch.undo()
    assert not Application.objects.exists() and serial(submit(organ)) == 1


def test_volume_counts_only_the_last_thirty_days(organ, settings):
    settings.APPLICATIONS_VOLUME_THRESHOLD = 1
    old = submit(organ, subject="去年的财政预算")
    Application.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=40))
    assert not submit(organ, subject="今年的政府采购目录").is_volume_flagged
    assert submit(organ, subject="今年的征地补偿方案").is_volume_flagged


def test_spam_is_not_suggested_as_a_repeat(organ, office):
    spam = submit(organ)
    services.mark_spam(spam, by=office, reason="广告")
    assert submit(organ).possible_duplicate_of is None


def test_applicant_with_many_earlier_applications_is_counted_in_full_and_compared_with_the_newest(organ, settings, monkeypatch):
    """More earlier applications than one query fetches: the volume counts every one of the last 30 days."""
    settings.APPLICATIONS_VOLUME_THRESHOLD = 3
    monkeypatch.setattr(services.intake, "DUPLICATE_CANDIDATES", 2)
    budget = {"subject": "2025年某市财政预算执行情况报告", "description": "预算执行的完整报告"}
    first = submit(organ, **budget)
    for n in range(3):
        submit(organ, subject=f"第{n}批道路建设项目清单", description=f"道路工程第{n}批")
    latest = submit(organ, **budget)
    assert latest.is_volume_flagged and latest.possible_duplicate_of is None  # only the 2 newest are compared
    monkeypatch.setattr(services.intake, "DUPLICATE_CANDIDATES", 50)
    assert submit(organ, **budget).possible_duplicate_of in (first, latest)


# --- the public form ----------------------------------------------------------------


def test_empty_form_is_shown_in_the_visitors_language(client, organ):
    url = reverse("applications_public:form", args=[organ.slug])
    chinese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "申请人类型" in chinese and "Applicant type" in english and "申请人类型" not in english


def test_form_sent_back_with_an_error_keeps_what_was_typed(client, organ):
    data = person_data(id_number="110105194912310021", subject="某某道路建设项目的环评报告")
    data["form_token"] = "k" * 32
    page = client.post(reverse("applications_public:form", args=[organ.slug]), data).content.decode()
    assert "某某道路建设项目的环评报告" in page and not Application.objects.exists()


def test_each_visitor_gets_a_form_token_of_their_own(client, organ):
    url = reverse("applications_public:form", args=[organ.slug])
    tokens = {re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode()).group(1) for _ in range(2)}
    assert len(tokens) == 2


def test_running_states_are_what_the_queue_index_covers():
    """The partial indexes serve the queue only while their condition is the running states the queries ask for."""
    from gongkai.applications.models import RUNNING_STATES

    conditions = {i.name: i.condition for i in Application._meta.indexes if i.name.startswith("app_running_")}
    assert set(conditions) == {"app_running_due", "app_running_due_all"}
    assert all(dict(c.children)["status__in"] == RUNNING_STATES for c in conditions.values())
    assert Status.AWAITING_CONFIRMATION not in RUNNING_STATES


def test_queue_marks_petitions_repeats_overdue_and_provisional_deadlines(client, organ, clerk, recent_workday, today):
    first = received(organ, on=recent_workday, by=clerk, description="我要举报某单位违规收费")
    repeat = received(organ, on=recent_workday, by=clerk, description="我要举报某单位违规收费")
    Application.objects.filter(pk=first.pk).update(due_on=today - dt.timedelta(days=1), due_explanation={"provisional": True})
    client.force_login(clerk)
    page = client.get(reverse(QUEUE)).content.decode()
    first_row, repeat_row = (re.search(rf"<tr><td><a[^>]*>{a.tracking_number}</a>.*?</tr>", page, re.S).group(0) for a in (first, repeat))
    assert '<span class="badge warn">信访？</span>' in first_row
    assert '<span class="badge bad">' in first_row and '<span class="badge warn" title="暂定">!</span>' in first_row
    assert '<span class="badge ok">' in repeat_row and '<span class="badge warn">重复？</span>' in repeat_row
    assert repeat.possible_duplicate_of_id == first.pk


def test_form_page_tokens_let_the_visitor_submit_with_csrf_checks_on(organ):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("applications_public:form", args=[organ.slug])
    client.get(url)  # another visitor's copy of the page may serve this one
    page = client.get(url).content.decode()
    data = person_data()
    data["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data["form_token"] = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    response = client.post(url, data)
    assert response.status_code == 302 and Application.objects.filter(form_token=data["form_token"]).exists()


def test_form_page_shows_the_organ_as_it_is_now(client, organ):
    url = reverse("applications_public:form", args=[organ.slug])
    client.get(url)
    organ.name = "某市改名后的测试局"
    organ.save()
    assert "某市改名后的测试局" in client.get(url).content.decode()


def test_form_page_shows_a_message_waiting_for_the_visitor(organ):
    from django.contrib import messages
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.middleware import MessageMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from gongkai.applications.views.public import apply

    request = RequestFactory().get(reverse("applications_public:form", args=[organ.slug]))
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    messages.info(request, "您的申请已撤回。")
    assert "您的申请已撤回。" in apply(request, organ.slug).content.decode()


def test_queue_escapes_what_applicants_typed(client, organ, clerk, recent_workday):
    received(organ, on=recent_workday, by=clerk, subject='<script>alert("x")</script>公开申请')
    client.force_login(clerk)
    page = client.get(reverse(QUEUE)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;公开申请" in page


def test_waiting_for_me_covers_my_department_and_what_the_office_confirms(organ, department, recent_workday):
    from gongkai.factories import DepartmentFactory

    other_department = DepartmentFactory(organ=organ, name="法制科")
    head = member(organ, Role.DEPARTMENT_HEAD, department=department)
    office = member(organ, Role.DISCLOSURE_OFFICE)
    mine = services.route(received(organ, on=recent_workday, by=office, id_number=person(1)), department=department, by=office)
    theirs = services.route(received(organ, on=recent_workday, by=office, id_number=person(2)), department=other_department, by=office)
    web = submit(organ, id_number=person(3))
    assert set(Application.objects.waiting_for(head)) == {mine}
    assert set(Application.objects.waiting_for(office)) == {mine, theirs, web}


def test_all_view_lists_the_newest_arrival_first(client, organ, clerk, recent_workday):
    older = received(organ, on=recent_workday, by=clerk, id_number=person(11), subject="较早收到的申请")
    newer = received(organ, on=recent_workday, by=clerk, id_number=person(12), subject="较晚收到的申请")
    client.force_login(clerk)
    assert rows(client.get(reverse(QUEUE) + "?view=all").content.decode()) == [newer.tracking_number, older.tracking_number]


# --- "waiting for me": a page read as ordered index ranges, the same rows as the whole list ordered ----------------


@pytest.fixture
def waiting(organ, department, chain_people, recent_workday):
    """An organ where an office member and a department head have work waiting in every way it can wait: assigned,
    unclaimed in the organ or the department, to confirm (no deadline yet), a reply to sign off that is also
    assigned; with deadlines repeated (the id breaks ties) and work of other people and organs that must not show."""
    office = member(organ, Role.DISCLOSURE_OFFICE)
    head = member(organ, Role.DEPARTMENT_HEAD, department=department)  # the department's work and the sign-off step
    other = member(organ, Role.CLERK)
    elsewhere = OrganFactory()
    made = [received(organ, on=recent_workday, by=office, id_number=person(100 + n)) for n in range(30)]
    for n, application in enumerate(made):
        Application.objects.filter(pk=application.pk).update(due_on=recent_workday + dt.timedelta(days=n % 7))
    for application in made[:6]:
        services.claim(application, by=office)
    for application in made[6:9]:
        services.claim(application, by=other)
    for application in made[9:13]:
        services.route(application, department=department, by=office)
    signed = services.claim(made[13], by=head)  # waits for the head twice: assigned, and at the head's sign-off step
    reply = services.draft_reply(signed, outcome=Outcome.DISCLOSED, legal_basis="《条例》第三十六条", body="予以公开",
                                 documents_provided="报告", by=head)
    services.submit_reply(reply, by=head)
    for n in range(3):
        submit(organ, id_number=person(200 + n))
    received(elsewhere, on=recent_workday, id_number=person(300))
    return {"office": office, "head": head, "organ": organ, "signed": signed}


def _whole_list(user, organ) -> list[str]:
    return list(Application.objects.filter(organ_id__in=[organ.pk]).waiting_for(user).order_by("due_on", "id")
                .values_list("tracking_number", flat=True))


def test_waiting_for_me_pages_list_the_whole_list_in_order(client, waiting):
    for user in (waiting["office"], waiting["head"]):
        expected = _whole_list(user, waiting["organ"])
        client.force_login(user)
        shown = []
        for number in range(1, (len(expected) + 19) // 20 + 1):
            page = client.get(reverse(QUEUE) + f"?view=mine&page={number}").content.decode()
            assert re.search(rf'id="queue-count"[^>]*>[^<]*\b{len(expected)}\b', page)
            shown += rows(page)
        assert shown == expected
    assert waiting["signed"].tracking_number in _whole_list(waiting["head"], waiting["organ"])
    assert len(_whole_list(waiting["office"], waiting["organ"])) > 20  # more than one page for the office


def test_a_waiting_for_me_page_past_the_end_shows_the_last_page(client, waiting):
    expected = _whole_list(waiting["office"], waiting["organ"])
    client.force_login(waiting["office"])
    page = client.get(reverse(QUEUE) + "?view=mine&page=99").content.decode()
    assert rows(page) == expected[(len(expected) - 1) // 20 * 20:]


def test_waiting_for_me_reads_its_total_and_its_page_in_one_query(client, waiting):
    client.force_login(waiting["office"])
    client.get(reverse(QUEUE) + "?view=mine")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(QUEUE) + "?view=mine&page=2")
    register = [q["sql"] for q in queries.captured_queries if 'FROM "applications_application"' in q["sql"]]
    assert len(register) == 1 and "OVER ()" in register[0]


def test_a_web_submission_tells_every_clerk_and_office_member_and_delivers_after_the_commit(
    client, organ, django_capture_on_commit_callbacks
):
    from gongkai.notify.models import Channel, Notification
    from gongkai.notify.models import Status as Sent

    people = [member(organ, Role.CLERK), member(organ, Role.CLERK), member(organ, Role.DISCLOSURE_OFFICE)]
    data = person_data()
    data["form_token"] = "n" * 32
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("applications_public:form", args=[organ.slug]), data).status_code == 302
    application = Application.objects.get()
    rows = Notification.objects.filter(reference=outbox.reference(application))
    for person in people:
        assert sorted(rows.filter(recipient=person).values_list("channel", flat=True)) == [Channel.CONSOLE, Channel.INAPP]
    assert set(rows.values_list("status", flat=True)) == {Sent.SENT}
