"""The applicant's side: the case page's timeline and plain-words time limit, the printable receipt, the receipt
by e-mail/SMS, and the optional applicant account (open, confirm, sign in, my applications, claim)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gongkai.accounts.models import User
from gongkai.applications import services, timeline
from gongkai.applications.models import Application
from gongkai.applications.services import accounts
from gongkai.applications.tests.factories import person_data
from gongkai.core.models import AuditEvent
from gongkai.notify.models import Notification
from gongkai.workdays.calendar import PROVISIONAL_WARNING

pytestmark = pytest.mark.django_db

TOKEN = "r" * 32
PASSWORD = "Gk-申请人-2026-secure!"


def _file(client, organ, **overrides):
    data = person_data(**overrides)
    data["form_token"] = TOKEN
    client.post(reverse("applications_public:form", args=[organ.slug]), data)
    return Application.objects.get(form_token=TOKEN)


def _open_case(client, application, secret):
    return client.post(reverse("applications_public:case_login"),
                       {"tracking_number": application.tracking_number, "secret": secret})


# --- timeline and time limit ------------------------------------------------------------------------------------


def test_the_timeline_lists_the_applicant_visible_steps_with_dates(organ, clerk, recent_workday):
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    application = result.application
    services.claim(application, by=clerk)
    services.add_note(application, text="内部意见：此件敏感", by=clerk)
    services.request_correction(application, by=clerk, text="请补充年份")
    services.submit_correction(application, text="2025年")
    titles = [step.title for step in timeline.steps(application)]
    assert titles == [str(timeline.PUBLIC_STEPS[a]) for a in (
        "applications.submitted", "applications.correction_requested", "applications.corrected")]
    assert all(step.day is not None for step in timeline.steps(application))


def test_the_case_page_never_shows_staff_names_notes_or_internal_steps(client, organ, clerk, recent_workday):
    clerk.full_name = "赵承办"
    clerk.save()
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    services.claim(result.application, by=clerk)
    services.add_note(result.application, text="内部意见：此件敏感", by=clerk)
    _open_case(client, result.application, result.secret)
    page = client.get(reverse("applications_public:case", args=[result.application.tracking_number])).content.decode()
    progress = page.split('id="progress"')[1].split("</section>")[0]
    assert "赵承办" not in page and "内部意见" not in page
    assert progress.count("<li>") == 1  # filed; the claim and the note are internal


def test_the_time_limit_is_explained_from_the_case_facts(organ, clerk, office, recent_workday):
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    application = services.extend(result.application, days=10, reason="需要检索档案", by=office)
    sentences = [s for s in timeline.deadline_sentences(application) if s != str(PROVISIONAL_WARNING)]
    assert len(sentences) == 3  # the 20 working days and their start, the extension, the date due
    assert "20" in sentences[0] and "10" in sentences[1]
    assert str(application.due_on.day) in sentences[-1]
    assert "需要检索档案" not in " ".join(sentences)


def test_while_a_correction_is_awaited_the_time_limit_says_the_days_start_again(organ, clerk, recent_workday):
    application = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday,
                                                 by=clerk).application
    application = services.request_correction(application, by=clerk, text="请补充年份")
    sentences = timeline.deadline_sentences(application)
    assert len(sentences) == 2
    assert timeline._day(application.correction_deadline) in sentences[1]


def test_the_time_limit_of_an_unconfirmed_application_waits_for_the_date_of_receipt(organ):
    application = services.submit_application(organ=organ, channel="web", data=person_data()).application
    assert len(timeline.deadline_sentences(application)) == 1


# --- receipt ------------------------------------------------------------------------------------------------------


def test_the_browser_that_filed_prints_the_receipt_with_the_secret(client, organ):
    application = _file(client, organ)
    response = client.get(reverse("applications_public:receipt", args=[application.tracking_number]))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="receipt-secret"' in page and application.tracking_number in page
    assert "no-store" in response["Cache-Control"]
    assert "css/applications.css" in page and "js/print.js" in page


def test_the_receipt_of_a_case_opened_with_its_secret_omits_the_secret(client, organ):
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    _open_case(client, result.application, result.secret)
    page = client.get(reverse("applications_public:receipt", args=[result.application.tracking_number])).content.decode()
    assert result.application.tracking_number in page and result.secret not in page and 'id="receipt-secret"' not in page


def test_the_receipt_of_another_applicants_case_is_not_found(client, organ):
    _file(client, organ)
    other = services.submit_application(organ=organ, channel="web", data=person_data(applicant_name="李四"))
    response = client.get(reverse("applications_public:receipt", args=[other.application.tracking_number]))
    assert response.status_code == 404


def test_the_case_page_links_the_receipt(client, organ):
    application = _file(client, organ)
    page = client.get(reverse("applications_public:case", args=[application.tracking_number])).content.decode()
    assert reverse("applications_public:receipt", args=[application.tracking_number]) in page


def test_filing_online_sends_the_receipt_by_email_and_sms_without_the_secret(organ, settings):
    settings.NOTIFY_BACKENDS = ["email", "sms"]
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    sent = Notification.objects.filter(event="applicant.submitted", reference=f"application:{result.application.pk}")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    assert all(result.secret not in n.body and result.application.tracking_number in n.body for n in sent)


def test_no_receipt_message_without_an_email_or_phone(organ):
    result = services.submit_application(organ=organ, channel="web", data=person_data(phone="", email="", delivery_method="post"))
    assert not Notification.objects.filter(event="applicant.submitted", reference=f"application:{result.application.pk}").exists()


# --- applicant account ----------------------------------------------------------------------------------------------


def _register(client, email="wang@example.com"):
    return client.post(reverse("applications_public:account_register"), {
        "full_name": "王五", "email": email, "phone": "", "password1": PASSWORD, "password2": PASSWORD,
    })


def _verified_applicant(client, email="wang@example.com") -> User:
    _register(client, email)
    user = User.objects.get(username=email)
    client.get(reverse("applications_public:account_verify", args=[accounts.verification_token(user)]))
    user.refresh_from_db()
    return user


def _sign_in(client, email="wang@example.com", password=PASSWORD):
    return client.post(reverse("applications_public:account_login"), {"username": email, "password": password})


def test_opening_an_account_sends_a_confirmation_link_and_the_account_waits_for_it(client):
    response = _register(client)
    user = User.objects.get(username="wang@example.com")
    assert response.status_code == 302 and user.is_applicant and not user.is_active
    message = Notification.objects.get(event="applicant.verify_email")
    link = re.search(r"http\S+/apply/account/verify/\S+/", message.body).group(0)
    assert _sign_in(client).status_code == 400  # not confirmed yet
    client.get(link)
    user.refresh_from_db()
    assert user.is_active
    assert _sign_in(client).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.applicant_verified", target_id=str(user.pk)).exists()


def test_a_forged_confirmation_link_is_refused(client):
    _register(client)
    client.get(reverse("applications_public:account_verify", args=["forged:token"]))
    assert not User.objects.get(username="wang@example.com").is_active


def test_an_address_already_used_opens_no_second_account(client):
    _register(client)
    _register(client)
    assert User.objects.filter(email="wang@example.com").count() == 1
    assert Notification.objects.filter(event="applicant.verify_email").count() == 1


def test_a_weak_password_is_refused_on_its_field(client):
    response = client.post(reverse("applications_public:account_register"), {
        "full_name": "王五", "email": "w@example.com", "password1": "123", "password2": "123"})
    assert response.status_code == 400 and not User.objects.filter(email="w@example.com").exists()
    assert response.context["form"].errors.get("password1")


def test_applications_filed_while_signed_in_are_listed_in_my_applications(client, organ):
    _verified_applicant(client)
    _sign_in(client)
    application = _file(client, organ)
    page = client.get(reverse("applications_public:account")).content.decode()
    assert application.user.username == "wang@example.com" and application.tracking_number in page


def test_an_application_is_claimed_with_its_number_and_secret(client, organ):
    user = _verified_applicant(client)
    _sign_in(client)
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    response = client.post(reverse("applications_public:account_claim"),
                           {"tracking_number": result.application.tracking_number, "secret": result.secret})
    result.application.refresh_from_db()
    assert response.status_code == 302 and result.application.user_id == user.pk
    assert AuditEvent.objects.filter(action="applications.linked_to_account").count() == 1


def test_a_wrong_secret_claims_nothing(client, organ):
    _verified_applicant(client)
    _sign_in(client)
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    response = client.post(reverse("applications_public:account_claim"),
                           {"tracking_number": result.application.tracking_number, "secret": "wrong"})
    result.application.refresh_from_db()
    assert response.status_code == 400 and result.application.user_id is None


def test_an_application_is_never_linked_by_its_email_address(client, organ):
    result = services.submit_application(organ=organ, channel="web", data=person_data(email="wang@example.com"))
    _verified_applicant(client, "wang@example.com")
    _sign_in(client)
    page = client.get(reverse("applications_public:account")).content.decode()
    result.application.refresh_from_db()
    assert result.application.user_id is None and result.application.tracking_number not in page


def test_an_application_of_another_account_cannot_be_claimed(client, organ):
    _verified_applicant(client, "first@example.com")
    _sign_in(client, "first@example.com")
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    client.post(reverse("applications_public:account_claim"),
                {"tracking_number": result.application.tracking_number, "secret": result.secret})
    client.logout()
    _verified_applicant(client, "second@example.com")
    _sign_in(client, "second@example.com")
    response = client.post(reverse("applications_public:account_claim"),
                           {"tracking_number": result.application.tracking_number, "secret": result.secret})
    result.application.refresh_from_db()
    assert response.status_code == 400 and result.application.user.username == "first@example.com"


def test_another_accounts_case_page_is_not_opened(client, organ):
    _verified_applicant(client, "first@example.com")
    _sign_in(client, "first@example.com")
    mine = _file(client, organ)
    client.logout()
    client.cookies.clear()
    _verified_applicant(client, "second@example.com")
    _sign_in(client, "second@example.com")
    response = client.get(reverse("applications_public:case", args=[mine.tracking_number]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("applications_public:case_login"))
    assert client.get(reverse("applications_public:receipt", args=[mine.tracking_number])).status_code == 404


@pytest.mark.parametrize("path", ["/workspace/", "/workspace/applications/", "/workspace/notifications/", "/admin/",
                                  "/api/items/", "/accounts/start/", "/accounts/security/"])
def test_an_applicant_account_never_reaches_staff_pages(client, path):
    _verified_applicant(client)
    _sign_in(client)
    assert client.get(path).status_code == 403


def test_the_staff_sign_in_refuses_an_applicant_account(client):
    _verified_applicant(client)
    response = client.post(reverse("accounts:login"), {"username": "wang@example.com", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_applicant_sign_in_refuses_a_staff_account(client, clerk):
    clerk.set_password(PASSWORD)
    clerk.save()
    response = _sign_in(client, clerk.username)
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_staff_get_403_on_my_applications(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("applications_public:account")).status_code == 403
    assert client.post(reverse("applications_public:account_claim"), {"tracking_number": "x", "secret": "y"}).status_code == 403


def test_my_applications_sends_a_visitor_to_the_applicant_sign_in(client):
    response = client.get(reverse("applications_public:account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("applications_public:account_login"))


def test_the_applicant_sign_in_locks_out_like_the_staff_one(client, settings):
    _verified_applicant(client)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, password="wrong")
    assert _sign_in(client).status_code == 429
