"""Every (state, verb, role) of the table of moves, walked through the service and the case page's buttons:
the service refuses exactly what the table refuses (the wrong role with NotAllowed, the wrong state with
InvalidTransition), and the page offers no button the table refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from gongkai.applications import services
from gongkai.applications.models import Application, Consultation, ReleasedFile, Reply, Status
from gongkai.applications.services import released
from gongkai.applications.tests.factories import received
from gongkai.applications.views.actions import ACTION_VERBS
from gongkai.applications.views.workspace import buttons
from gongkai.applications.workflow import APPEALS, MOVES, NEW, SYSTEM
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.factories import DepartmentFactory, member
from gongkai.organs.models import Role
from gongkai.sensitive.models import Finding

ROLES = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.DISCLOSURE_OFFICE, Role.DEPUTY_LEADER, None)


def _calls(world):
    """verb → the service doing it on ``application`` by ``user``, with input its own checks accept."""
    return {
        "confirm_receipt": lambda a, u: services.confirm_receipt(a, by=u),
        "mark_spam": lambda a, u: services.mark_spam(a, by=u, reason="广告"),
        "route": lambda a, u: services.route(a, department=world["department"], by=u),
        "claim": lambda a, u: services.claim(a, by=u),
        "assign": lambda a, u: services.assign(a, to=world["clerk"], by=u),
        "add_note": lambda a, u: services.add_note(a, text="备注", by=u),
        "set_flags": lambda a, u: services.set_flags(a, by=u, petition=True, volume=False),
        "merge": lambda a, u: services.merge(a, into=world["other"], by=u),
        "split": lambda a, u: services.split(a, parts=[{"subject": "另一事项"}], by=u),
        "request_correction": lambda a, u: services.request_correction(a, by=u, text="请补正"),
        "submit_correction": lambda a, u: services.submit_correction(a, text="补正内容", by=u),
        "close_uncorrected": lambda a, u: services.close_uncorrected(a, by=u),
        "start_consultation": lambda a, u: services.start_consultation(a, kind="third_party", party="某公司", by=u),
        "answer_consultation": lambda a, u: services.answer_consultation(world["consultation"], answer="agrees", by=u),
        "extend": lambda a, u: services.extend(a, days=5, reason="情况复杂", by=u),
        "charge_fee": lambda a, u: services.charge_fee(a, scheme="per_page", pages=50, by=u),
        "record_payment": lambda a, u: services.record_payment(a, by=u),
        "close_unpaid": lambda a, u: services.close_unpaid(a, by=u),
        "draft_reply": lambda a, u: services.draft_reply(a, outcome="disclosed", legal_basis="第二十七条", body="答复",
                                                         documents_provided="文件", by=u),
        "submit_reply": lambda a, u: services.submit_reply(world["reply"], by=u),
        "record_delivery": lambda a, u: services.record_delivery(a, via="online", by=u),
        "edit_released_files": lambda a, u: released.remove_file(world["released"], by=u, reason="有误"),
        "resolve_file_finding": lambda a, u: released.resolve_finding(world["finding"], by=u, resolution="false_positive",
                                                                      note="误报"),
        "withdraw": lambda a, u: services.withdraw(a, by=u),
    }


class _Undo(Exception):
    pass


def _outcome(call, application: Application, user) -> type | None:
    """What the service did about the table: NotAllowed, InvalidTransition (the table's own refusal) or None."""
    try:
        with transaction.atomic():
            call(application, user)
            raise _Undo
    except _Undo:
        return None
    except NotAllowed:
        return NotAllowed
    except InvalidTransition as error:
        table_says = MOVES.explain(Application.objects.get(pk=application.pk))
        return InvalidTransition if str(error.message) == table_says else None
    except (DomainError, ObjectDoesNotExist):
        return None  # a refusal of the service's own (a date, a missing fee…): the table let it through


def _expected(application: Application, user, verb: str) -> type | None:
    if not MOVES.role_allows(application, user, verb):
        return NotAllowed
    if not MOVES.state_allows(application, verb):
        return InvalidTransition
    return None


@pytest.fixture
def world(organ, clerk, department, recent_workday):
    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    other = received(organ, on=recent_workday, by=clerk)
    users = {role: member(organ, role) if role else member(DepartmentFactory().organ, Role.CLERK) for role in ROLES}
    consultation = Consultation.objects.create(
        application=application, kind="third_party", party="某公司", sent_on=recent_workday,
        answer_due_on=recent_workday + dt.timedelta(days=30), created_by=clerk,
    )
    reply = Reply.objects.create(application=application, version=1, created_by=clerk, content_hash="0" * 64,
                                 outcome="disclosed", legal_basis="第二十七条", body="答复")
    file = ReleasedFile.objects.create(application=application, name="预算表.docx", added_by=clerk, check_state="clean")
    finding = Finding.objects.create(subject_type=ContentType.objects.get_for_model(ReleasedFile), subject_id=str(file.pk),
                                     version=1, kind="secrecy_mark", where="预算表.docx", match="机密", context="机密")
    return {"application": application, "other": other, "users": users, "department": department, "clerk": clerk,
            "consultation": consultation, "reply": reply, "released": file, "finding": finding}


@pytest.mark.parametrize("state", Status.values)
def test_services_and_buttons_agree_with_the_table(world, state):
    Application.objects.filter(pk=world["application"].pk).update(status=state)
    calls = _calls(world)
    assert set(calls) == {verb for verb, move in MOVES.items() if move.roles != SYSTEM and NEW not in move.sources}
    for role, user in world["users"].items():
        application = Application.objects.select_related("organ").get(pk=world["application"].pk)
        shown = buttons(application, user, current_reply=world["reply"], waiting_signoff=None, fee=None)
        for action, verb in ACTION_VERBS.items():
            if shown[action]:
                assert MOVES.can(application, user, verb), (state, role, action)
        for verb, call in calls.items():
            got = _outcome(call, application, user)
            assert got == _expected(application, user, verb), (state, role, verb)


@pytest.mark.parametrize("role", ROLES)
def test_registering_needs_the_tables_role(organ, role):
    user = member(organ, role) if role else member(DepartmentFactory().organ, Role.CLERK)
    allowed = MOVES.can(Application(organ=organ, status=NEW), user, "register")
    try:
        services.register_application(organ=organ, channel="letter", data={}, received_on=None, by=user)
    except NotAllowed:
        refused = True
    except DomainError:
        refused = False
    assert refused != allowed


@pytest.mark.parametrize("role", ROLES)
def test_appeals_need_the_tables_role(organ, clerk, recent_workday, role):
    user = member(organ, role) if role else member(DepartmentFactory().organ, Role.CLERK)
    application = received(organ, on=recent_workday, by=clerk)
    allowed = role in APPEALS["record_appeal"].roles
    if allowed:
        appeal = services.record_appeal(organ=organ, application=application, kind="reconsideration",
                                        filed_on=recent_workday, by=user)
        services.decide_appeal(appeal, result="upheld", decided_on=recent_workday, by=user)
        with pytest.raises(InvalidTransition):
            services.decide_appeal(appeal, result="upheld", decided_on=recent_workday, by=user)
    else:
        with pytest.raises(NotAllowed):
            services.record_appeal(organ=organ, application=application, kind="reconsideration",
                                   filed_on=recent_workday, by=user)


def _bodies(world, today) -> dict:
    """A body per case-page action that its form accepts, so the table decides."""
    return {
        "confirm": {"received_on": today}, "spam": {"reason": "广告"}, "route": {"department": world["department"].pk},
        "claim": {}, "assign": {"assignee": world["clerk"].pk}, "note": {"text": "备注"},
        "correction": {"text": "请补正", "respond_within_days": "10"}, "corrected": {"text": "已补正"},
        "close_uncorrected": {}, "close_unpaid": {}, "consult": {"kind": "third_party", "party": "某公司"},
        "answer": {"consultation": world["consultation"].pk, "answer": "agrees"}, "extend": {"days": "5", "reason": "复杂"},
        "fee": {"scheme": "per_page", "pages": "50"}, "payment": {}, "draft": {"outcome": "disclosed", "legal_basis": "第二十七条",
                                                                             "body": "答复", "documents_provided": "文件"},
        "submit": {"reply": world["reply"].pk}, "deliver": {"via": "online"}, "withdraw": {"reason": "撤回"},
        "merge": {"into": world["other"].tracking_number}, "split": {"parts": "另一事项"}, "flags": {"petition": "1"},
    }


@pytest.mark.parametrize("state", [Status.WITHDRAWN, Status.AWAITING_CONFIRMATION, Status.APPROVED])
def test_the_case_page_refuses_what_the_table_refuses(client, world, state, today):
    """Through the view: the wrong role gets 403, the wrong state 409, and nothing changes."""
    from django.urls import reverse

    Application.objects.filter(pk=world["application"].pk).update(status=state)
    application = Application.objects.select_related("organ").get(pk=world["application"].pk)
    for role in (Role.DISCLOSURE_OFFICE, Role.DEPUTY_LEADER):
        user = world["users"][role]
        client.force_login(user)
        for action, body in _bodies(world, today).items():
            verb = ACTION_VERBS[action]
            expected = _expected(application, user, verb)
            if expected is None:
                continue
            response = client.post(reverse("applications_ws:action", args=[application.pk, action]), body)
            assert response.status_code == (403 if expected is NotAllowed else 409), (state, role, action)
            assert Application.objects.get(pk=application.pk).status == state
