"""The public form, the applicant's case page and the staff workspace."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, Status
from gongkai.applications.tests.factories import VALID_CREDIT_CODE, organisation_data, person_data, received
from gongkai.factories import member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db

TOKEN = "t" * 32


def post_form(client, organ, token=TOKEN, **overrides):
    data = {k: v for k, v in person_data(**overrides).items()}
    data["form_token"] = token
    return client.post(reverse("applications_public:form", args=[organ.slug]), data)


def test_form_page_shows_every_applicant_type(client, organ):
    page = client.get(reverse("applications_public:form", args=[organ.slug])).content.decode()
    assert all(value in page for value in ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"))


def test_submission_shows_tracking_number_and_secret(client, organ):
    response = post_form(client, organ)
    page = client.get(response["Location"]).content.decode()
    application = Application.objects.get()
    assert application.tracking_number in page and 'id="secret"' in page


def test_double_submission_creates_one_application(client, organ):
    first = post_form(client, organ)
    second = post_form(client, organ)
    assert Application.objects.count() == 1 and first["Location"] == second["Location"]


def test_invalid_resident_id_is_refused_with_the_field_named(client, organ):
    response = post_form(client, organ, id_number="110105194912310021")
    assert response.status_code == 200 and not Application.objects.exists()
    assert "id_number" in response.context["form"].errors


def test_invalid_credit_code_is_refused(client, organ):
    data = organisation_data(id_number=VALID_CREDIT_CODE[:-1] + "0")
    data["form_token"] = TOKEN
    response = client.post(reverse("applications_public:form", args=[organ.slug]), data)
    assert "id_number" in response.context["form"].errors and not Application.objects.exists()


def test_missing_subject_is_refused(client, organ):
    response = post_form(client, organ, subject="")
    assert "subject" in response.context["form"].errors and not Application.objects.exists()


def test_disguised_attachment_is_refused(client, organ):
    data = person_data()
    data["form_token"] = TOKEN
    data["attachments"] = SimpleUploadedFile("id.png", b"#!/bin/sh\nrm -rf /\n")
    response = client.post(reverse("applications_public:form", args=[organ.slug]), data)
    assert "attachments" in response.context["form"].errors and not Application.objects.exists()


def test_oversized_attachment_is_refused_and_nothing_saved(client, organ, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    data = person_data()
    data["form_token"] = TOKEN
    data["attachments"] = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    response = client.post(reverse("applications_public:form", args=[organ.slug]), data)
    assert "attachments" in response.context["form"].errors and not Application.objects.exists()
    assert response.context["form"]["applicant_name"].value() == "张三"  # what was typed is kept


def test_attachments_together_beyond_the_total_limit_are_refused(client, organ, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    data = person_data()
    data["form_token"] = TOKEN
    data["attachments"] = [SimpleUploadedFile(f"p{n}.pdf", b"%PDF-1.4\n" + b"0" * 3000) for n in range(4)]
    response = client.post(reverse("applications_public:form", args=[organ.slug]), data)
    assert "attachments" in response.context["form"].errors and not Application.objects.exists()


def test_eleven_attachments_are_refused(client, organ):
    data = person_data()
    data["form_token"] = TOKEN
    data["attachments"] = [SimpleUploadedFile(f"p{n}.pdf", b"%PDF-1.4\n%%EOF\n") for n in range(11)]
    response = client.post(reverse("applications_public:form", args=[organ.slug]), data)
    assert "attachments" in response.context["form"].errors and not Application.objects.exists()


def test_missing_contact_and_bad_email_are_named(client, organ):
    none = post_form(client, organ, phone="", email="", address="", delivery_method="online")
    bad = post_form(client, organ, token="u" * 32, email="not-an-address")
    assert "phone" in none.context["form"].errors and "email" in bad.context["form"].errors
    assert not Application.objects.exists()


def test_an_organisation_without_a_contact_person_is_refused(client, organ):
    data = organisation_data(contact_person="")
    data["form_token"] = TOKEN
    response = client.post(reverse("applications_public:form", args=[organ.slug]), data)
    assert "contact_person" in response.context["form"].errors and not Application.objects.exists()


def test_a_stale_form_token_is_refused_without_saving(client, organ):
    response = post_form(client, organ, token="short")
    assert response.context["form"].non_field_errors() and not Application.objects.exists()


def test_real_pdf_attachment_is_kept(client, organ):
    data = person_data()
    data["form_token"] = TOKEN
    data["attachments"] = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post(reverse("applications_public:form", args=[organ.slug]), data)
    assert Application.objects.get().attachments.get().kind == "pdf"


def _open_case(client, application, secret):
    return client.post(reverse("applications_public:case_login"), {"tracking_number": application.tracking_number, "secret": secret})


def test_case_page_opens_with_number_and_secret_and_masks_personal_data(client, organ):
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    response = _open_case(client, result.application, result.secret)
    page = client.get(response["Location"]).content.decode()
    assert "1101****" in page and "11010519491231002X" not in page and "138****5678" in page


def test_wrong_secret_and_unknown_number_get_the_same_message(client, organ):
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    wrong = _open_case(client, result.application, "nope").context["form"].non_field_errors()
    unknown = client.post(reverse("applications_public:case_login"), {"tracking_number": "X-1", "secret": "nope"}).context[
        "form"].non_field_errors()
    assert wrong == unknown


def test_case_login_is_rate_limited(client, organ, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "case_login": "3/15min"}
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    for _ in range(3):
        _open_case(client, result.application, "wrong")
    response = _open_case(client, result.application, result.secret)  # even the right secret waits now
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.context["form"].non_field_errors()[0].startswith(("Too many", "尝试次数过多"))


def test_behind_a_proxy_one_visitors_failures_do_not_lock_out_another(client, organ, settings):
    settings.RATE_LIMITS, settings.NUM_PROXIES = {**settings.RATE_LIMITS, "case_login": "3/15min"}, 1
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    url = reverse("applications_public:case_login")
    for _ in range(3):
        client.post(url, {"tracking_number": result.application.tracking_number, "secret": "wrong"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    blocked = client.post(url, {"tracking_number": "X", "secret": "y"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = client.post(url, {"tracking_number": result.application.tracking_number, "secret": result.secret},
                        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert blocked.context["form"].non_field_errors()[0].startswith(("Too many", "尝试次数过多"))
    assert other.status_code == 302


def test_case_page_without_the_secret_shows_the_lookup_form_with_the_number_filled_in(client, organ):
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    number = result.application.tracking_number
    response = client.get(reverse("applications_public:case", args=[number]))
    assert response.status_code == 302 and response["Location"] == reverse("applications_public:case_login") + f"?number={number}"
    page = client.get(response["Location"])
    assert page.status_code == 200 and f'value="{number}"' in page.content.decode()
    assert result.application.subject not in page.content.decode()
    # a number that does not exist gets the very same answer
    missing = client.get(reverse("applications_public:case", args=["NO-SUCH-1"]))
    assert missing.status_code == 302 and missing["Location"].endswith("?number=NO-SUCH-1")


def test_applicant_corrects_on_the_case_page(client, organ, clerk, recent_workday):
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    services.request_correction(result.application, by=clerk, text="请补充年份")
    _open_case(client, result.application, result.secret)
    client.post(reverse("applications_public:correct", args=[result.application.tracking_number]), {"text": "2025年"})
    result.application.refresh_from_db()
    assert (result.application.status, result.application.correction_response) == (Status.IN_PROGRESS, "2025年")


def test_a_correction_after_its_deadline_is_refused_on_the_case_page_and_nothing_saved(client, organ, clerk, recent_workday, today):
    import datetime as dt

    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    services.request_correction(result.application, by=clerk, text="请补充年份")
    Application.objects.filter(pk=result.application.pk).update(correction_deadline=today - dt.timedelta(days=1))
    _open_case(client, result.application, result.secret)
    page = client.get(reverse("applications_public:case", args=[result.application.tracking_number])).content.decode()
    response = client.post(reverse("applications_public:correct", args=[result.application.tracking_number]), {"text": "2025年"})
    result.application.refresh_from_db()
    assert 'action="/apply/case/' not in page.split('id="correction"')[1].split("</section>")[0]  # no form offered any more
    assert response.status_code == 400 and "2025年" not in result.application.correction_response
    assert result.application.status == Status.CORRECTION_REQUESTED and not result.application.attachments.exists()


def test_an_empty_correction_keeps_the_page_and_says_why(client, organ, clerk, recent_workday):
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    services.request_correction(result.application, by=clerk, text="请补充年份")
    _open_case(client, result.application, result.secret)
    response = client.post(reverse("applications_public:correct", args=[result.application.tracking_number]), {"text": "  "})
    assert response.status_code == 400 and response.context["correction_form"].non_field_errors()


def test_while_a_correction_is_awaited_the_case_page_says_the_clock_waits(client, organ, clerk, recent_workday):
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    services.request_correction(result.application, by=clerk, text="请补充年份")
    _open_case(client, result.application, result.secret)
    page = client.get(reverse("applications_public:case", args=[result.application.tracking_number])).content.decode()
    result.application.refresh_from_db()
    assert 'id="correction-wait"' in page and result.application.correction_deadline.isoformat() in page


def test_a_letter_of_another_case_is_not_found(client, organ, clerk, recent_workday):
    mine = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    other = services.register_application(organ=organ, channel="letter", data=person_data(subject="另一件申请的信息"),
                                          received_on=recent_workday, by=clerk)
    services.request_correction(other.application, by=clerk, text="请补充年份")
    _open_case(client, mine.application, mine.secret)
    letter = other.application.letters.get()
    for number in (mine.application.tracking_number, other.application.tracking_number):
        assert client.get(reverse("applications_public:letter", args=[number, letter.pk, "pdf"])).status_code == 404


def test_the_reply_letter_is_not_downloadable_before_it_is_sent(client, organ, clerk, recent_workday):
    from gongkai.applications import letters
    from gongkai.applications.models import LetterKind

    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    reply = services.draft_reply(result.application, outcome="disclosed", legal_basis="第三十六条", body="公开", documents_provided="报告", by=clerk)
    letter = letters.make_letter(result.application, LetterKind.REPLY, extra={"reply": reply})
    _open_case(client, result.application, result.secret)
    assert client.get(reverse("applications_public:letter", args=[result.application.tracking_number, letter.pk, "pdf"])).status_code == 404


def test_applicant_downloads_the_correction_notice(client, organ, clerk, recent_workday):
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    services.request_correction(result.application, by=clerk, text="请补充年份")
    _open_case(client, result.application, result.secret)
    letter = result.application.letters.get()
    response = client.get(reverse("applications_public:letter", args=[result.application.tracking_number, letter.pk, "pdf"]))
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


# --- workspace ---------------------------------------------------------------------


def test_queue_lists_the_organs_applications(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    assert application.tracking_number in client.get(reverse("applications_ws:queue")).content.decode()


def test_queue_is_refused_to_people_without_a_role(client, db):
    from gongkai.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("applications_ws:queue")).status_code == 403


def test_queue_of_another_organ_does_not_show(client, organ, clerk, outsider, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(outsider)
    assert application.tracking_number not in client.get(reverse("applications_ws:queue") + "?view=all").content.decode()


def test_case_detail_of_another_organ_is_refused(client, organ, clerk, outsider, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(outsider)
    assert client.get(reverse("applications_ws:detail", args=[application.pk])).status_code == 403


def test_case_detail_explains_the_deadline(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    page = client.get(reverse("applications_ws:detail", args=[application.pk])).content.decode()
    assert application.due_on.isoformat() in page and "国务院节假日安排" in page and "chinesecalendar" not in page


def test_action_by_the_wrong_role_is_refused(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "extend"]), {"days": "5", "reason": "x"})
    application.refresh_from_db()
    assert response.status_code == 403 and application.extension_days == 0


def test_decision_without_legal_basis_keeps_the_draft_and_names_the_field(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "draft"]),
                           {"outcome": "disclosed", "legal_basis": "", "body": "经审查，予以公开。附件为报告全文。", "documents_provided": "报告"})
    form = response.context["reply_form"]
    assert response.status_code == 400 and not application.replies.exists()
    assert "法律依据" in " ".join(form.errors["legal_basis"])
    assert "经审查，予以公开。附件为报告全文。" in response.content.decode()


def test_a_refused_correction_request_keeps_what_was_typed(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "correction"]),
                           {"text": "请说明所需文件的名称和文号。", "respond_within_days": "45"})
    page = response.content.decode()
    application.refresh_from_db()
    assert response.status_code == 400 and application.correction_requested_on is None
    assert "请说明所需文件的名称和文号。" in page and 'id="action-error"' in page


def test_an_action_in_the_wrong_state_is_a_conflict(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    services.withdraw(application, by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "note"]), {"text": ""})
    assert response.status_code == 400
    response = client.post(reverse("applications_ws:action", args=[application.pk, "claim"]))
    assert response.status_code == 409


def test_staff_register_a_letter(client, organ, clerk):
    client.force_login(clerk)
    data = person_data(organ=organ.pk, channel="letter", received_on="2026-11-27")
    response = client.post(reverse("applications_ws:register"), data)
    application = Application.objects.get()
    assert response.status_code == 302 and (application.channel, str(application.received_on)) == ("letter", "2026-11-27")


def test_staff_register_needs_a_clerk_or_office(client, organ):
    client.force_login(member(organ, Role.DEPUTY_LEADER))
    assert client.get(reverse("applications_ws:register")).status_code == 403


def test_excel_export_is_refused_to_people_without_a_role(client, db):
    from gongkai.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("applications_ws:export")).status_code == 403


def test_excel_export_leaves_out_other_organs(client, organ, clerk, outsider, recent_workday):
    import openpyxl

    received(organ, on=recent_workday, by=clerk)
    client.force_login(outsider)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("applications_ws:export") + "?view=all").content))
    assert book.active.max_row == 1  # the header only


def test_letters_and_attachments_of_another_organ_are_refused(client, organ, clerk, outsider, recent_workday):
    result = services.register_application(
        organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk,
        attachments=[SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n")])
    application = services.request_correction(result.application, by=clerk, text="请补充年份")
    letter, attachment = application.letters.get(), application.attachments.get()
    client.force_login(outsider)
    assert client.get(reverse("applications_ws:letter", args=[application.pk, letter.pk, "pdf"])).status_code == 403
    assert client.get(reverse("applications_ws:attachment", args=[application.pk, attachment.pk])).status_code == 403
    client.force_login(clerk)
    assert client.get(reverse("applications_ws:attachment", args=[application.pk, attachment.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    for url in (reverse("applications_ws:queue"), reverse("applications_ws:detail", args=[application.pk]),
                reverse("applications_ws:export"), reverse("applications_ws:register")):
        assert client.get(url).status_code == 302
    response = client.post(reverse("applications_ws:action", args=[application.pk, "claim"]))
    application.refresh_from_db()
    assert response.status_code == 302 and application.assignee_id is None


def test_an_unknown_action_is_not_found(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    assert client.post(reverse("applications_ws:action", args=[application.pk, "delete"])).status_code == 404


def test_actions_of_staff_of_another_organ_are_refused(client, organ, clerk, outsider, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(outsider)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "claim"]))
    application.refresh_from_db()
    assert response.status_code == 403 and application.assignee_id is None


def test_excel_export_of_the_register(client, organ, clerk, recent_workday):
    import openpyxl

    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    response = client.get(reverse("applications_ws:export") + "?view=all")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active.cell(row=2, column=1).value == application.tracking_number


def test_waiting_for_me_queue(client, organ, clerk, recent_workday):
    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    client.force_login(clerk)
    assert application.tracking_number in client.get(reverse("applications_ws:queue") + "?view=mine").content.decode()


def test_applicant_withdraws_on_the_case_page(client, organ, clerk, recent_workday):
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    _open_case(client, result.application, result.secret)
    client.post(reverse("applications_public:withdraw", args=[result.application.tracking_number]), {"reason": "已自行获取"})
    result.application.refresh_from_db()
    assert result.application.status == Status.WITHDRAWN


def _correction_requested(organ, clerk, day):
    application = services.claim(received(organ, on=day, by=clerk), by=clerk)
    return services.request_correction(application, by=clerk, text="请说明所需文件的文号。")


def test_staff_record_a_correction_that_came_by_letter(client, organ, clerk, recent_workday, today):
    application = _correction_requested(organ, clerk, recent_workday)
    client.force_login(clerk)
    scan = SimpleUploadedFile("补正.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = client.post(reverse("applications_ws:action", args=[application.pk, "corrected"]),
                           {"text": "文号为某工信〔2025〕3号", "on": today.isoformat(), "attachments": scan})
    application.refresh_from_db()
    assert response.status_code == 302
    assert (application.status, application.clock_start, application.correction_response) == (
        Status.IN_PROGRESS, today, "文号为某工信〔2025〕3号")
    assert application.attachments.get().purpose == "correction"


def test_recording_a_correction_needs_a_handling_role(client, organ, clerk, recent_workday):
    application = _correction_requested(organ, clerk, recent_workday)
    client.force_login(member(organ, Role.DEPUTY_LEADER))
    response = client.post(reverse("applications_ws:action", args=[application.pk, "corrected"]), {"text": "补正"})
    application.refresh_from_db()
    assert response.status_code == 403 and application.status == Status.CORRECTION_REQUESTED


def test_a_correction_dated_in_the_future_is_refused_and_kept_on_the_form(client, organ, clerk, recent_workday, today):
    import datetime as dt

    application = _correction_requested(organ, clerk, recent_workday)
    client.force_login(clerk)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "corrected"]),
                           {"text": "文号为某工信〔2025〕3号", "on": (today + dt.timedelta(days=3)).isoformat()})
    application.refresh_from_db()
    assert response.status_code == 400 and application.status == Status.CORRECTION_REQUESTED
    assert "文号为某工信〔2025〕3号" in response.content.decode()


def test_staff_close_a_case_whose_correction_did_not_arrive(client, organ, clerk, recent_workday, today):
    import datetime as dt

    application = _correction_requested(organ, clerk, recent_workday)
    Application.objects.filter(pk=application.pk).update(correction_deadline=today - dt.timedelta(days=1))
    client.force_login(clerk)
    assert "close_uncorrected" in client.get(reverse("applications_ws:detail", args=[application.pk])).content.decode()
    client.post(reverse("applications_ws:action", args=[application.pk, "close_uncorrected"]))
    application.refresh_from_db()
    assert (application.status, application.outcome) == (Status.CLOSED, "other_no_correction")


def test_closing_before_the_correction_deadline_is_refused(client, organ, clerk, recent_workday):
    application = _correction_requested(organ, clerk, recent_workday)
    client.force_login(clerk)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "close_uncorrected"]))
    application.refresh_from_db()
    assert response.status_code == 409 and application.status == Status.CORRECTION_REQUESTED


def test_closing_by_a_leader_is_refused(client, organ, clerk, recent_workday, today):
    import datetime as dt

    application = _correction_requested(organ, clerk, recent_workday)
    Application.objects.filter(pk=application.pk).update(correction_deadline=today - dt.timedelta(days=1))
    client.force_login(member(organ, Role.PRINCIPAL_LEADER))
    response = client.post(reverse("applications_ws:action", args=[application.pk, "close_uncorrected"]))
    application.refresh_from_db()
    assert response.status_code == 403 and application.status == Status.CORRECTION_REQUESTED


def test_the_reply_form_does_not_offer_the_closing_outcomes(client, organ, clerk, recent_workday):
    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    client.force_login(clerk)
    page = client.get(reverse("applications_ws:detail", args=[application.pk])).content.decode()
    assert 'value="partial"' in page and 'value="other_no_correction"' not in page and 'value="other_unpaid_fee"' not in page


def test_the_history_on_the_detail_page_is_in_words(client, organ, clerk, recent_workday):
    from gongkai.applications.history import ACTION_LABELS

    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    client.force_login(clerk)
    page = client.get(reverse("applications_ws:detail", args=[application.pk])).content.decode()
    assert str(ACTION_LABELS["applications.claimed"]) in page and str(ACTION_LABELS["applications.submitted"]) in page


def test_every_audit_action_of_the_services_has_words():
    import re
    from pathlib import Path

    from gongkai.applications.history import ACTION_LABELS

    source = "\n".join(path.read_text(encoding="utf-8") for path in Path(services.__file__).parent.glob("*.py"))
    moved = {f"applications.{verb}" for verb in re.findall(r'\b_move\(\s*\w+, "(\w+)"', source)}
    logged = set(re.findall(r'"(applications\.\w+)"', source)) - {"applications.api_key_issued"}
    assert (moved | logged) - set(ACTION_LABELS) == set()


def test_the_detail_page_lists_the_messages_sent_about_the_case(client, organ, clerk, recent_workday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
        services.request_correction(application, by=clerk, text="请补充年份")
    client.force_login(clerk)
    page = client.get(reverse("applications_ws:detail", args=[application.pk])).content.decode()
    section = page.split('id="messages"')[1].split("</section>")[0]
    # the applicant's address masked like the rest of the personal data
    assert "z***@example.com" in section and "zhangsan@example.com" not in section and application.tracking_number in section


def test_the_register_form_preselects_the_clerks_only_organ(client, organ, clerk):
    client.force_login(clerk)
    form = client.get(reverse("applications_ws:register")).context["form"]
    assert form["organ"].value() == organ.pk


@pytest.mark.parametrize("query", ["organ=²", "organ=99999999999999999999", "year=٢٠٢٥", "year=99999999999999999999", "page=²"])
def test_malformed_queue_filters_give_the_queue_not_an_error(client, organ, clerk, query):
    client.force_login(clerk)
    assert client.get(reverse("applications_ws:queue") + "?" + query).status_code == 200


# --- the receipt: a signed cookie of the browser that filed, no session --------------------------------------------


def test_the_receipt_needs_no_session_and_its_cookie_is_httponly_and_kept_to_the_form_pages(client, organ):
    from django.contrib.sessions.models import Session

    response = post_form(client, organ)
    cookie = response.cookies["gongkai_receipts"]
    assert cookie["httponly"] and cookie["path"] == reverse("applications_public:apply") and cookie["samesite"] == "Lax"
    assert "sessionid" not in response.cookies and not Session.objects.exists()
    assert 'id="secret"' in client.get(response["Location"]).content.decode()


def test_the_receipt_page_is_not_found_in_another_browser(client, organ):
    from django.test import Client

    response = post_form(client, organ)
    assert Client().get(response["Location"]).status_code == 404


def test_a_changed_receipt_cookie_is_ignored(client, organ):
    response = post_form(client, organ)
    value = response.cookies["gongkai_receipts"].value
    client.cookies["gongkai_receipts"] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    assert client.get(response["Location"]).status_code == 404


def test_the_receipt_page_is_never_cached(client, organ):
    response = client.get(post_form(client, organ)["Location"])
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_filing_browser_opens_the_case_page_and_another_needs_the_secret(client, organ):
    from django.test import Client

    post_form(client, organ)
    url = reverse("applications_public:case", args=[Application.objects.get().tracking_number])
    assert client.get(url).status_code == 200
    other = Client().get(url)
    assert other.status_code == 302 and other["Location"].startswith(reverse("applications_public:case_login") + "?number=")


def test_a_receipt_older_than_its_lifetime_opens_nothing(client, organ, settings, monkeypatch):
    import time

    from gongkai.applications.views import public as views_public

    settings.APPLICATIONS_RECEIPT_SECONDS = 3600
    response = post_form(client, organ)
    later = time.time() + 3601
    monkeypatch.setattr(views_public.time, "time", lambda: later)
    assert client.get(response["Location"]).status_code == 404
    expired = client.get(reverse("applications_public:case", args=[Application.objects.get().tracking_number]))
    assert expired.status_code == 302 and expired["Location"].startswith(reverse("applications_public:case_login"))


def test_a_browser_keeps_the_receipts_of_its_last_five_applications(client, organ):
    locations = [post_form(client, organ, token=f"{n}" * 32, subject=f"申请事项{n}")["Location"] for n in range(1, 7)]
    assert client.get(locations[0]).status_code == 404
    assert all('id="secret"' in client.get(location).content.decode() for location in locations[1:])


@pytest.mark.parametrize("field, value, message", [
    ("phone", "138", "电话号码格式不正确"),
    ("postcode", "5180", "邮政编码应为六位数字"),
    ("description", "很" * 5001, "5000"),
    ("purpose", "很" * 1001, "1000"),
])
def test_the_form_refuses_a_bad_contact_or_an_overlong_text_on_its_field_and_keeps_what_was_typed(client, organ, field, value, message):
    response = post_form(client, organ, **{field: value})
    assert response.status_code == 200 and not Application.objects.exists()
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, (field, response.context["form"].errors)
    assert 'value="张三"' in response.content.decode()  # what was typed is still in the form


def test_the_form_takes_a_phone_number_however_it_is_grouped(client, organ):
    response = post_form(client, organ, phone="+86 138-1234-5678", postcode="５１８０００")
    assert response.status_code == 302 and Application.objects.get().phone == "+86 138-1234-5678"
