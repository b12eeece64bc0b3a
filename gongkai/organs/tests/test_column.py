"""An organ's own column pages edited in the workspace (政府信息公开制度, 机构信息, 领导信息): who may, what is kept,
what the audit trail says, and that bad input is refused naming the field with nothing saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError
from gongkai.factories import DepartmentFactory, GovernmentFactory, OrganFactory, member
from gongkai.organs import column
from gongkai.organs.models import ColumnText, ColumnTextKind, Leader, Organ, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def organ():
    return OrganFactory(name="某市教育局", slug="edu", parent=GovernmentFactory(slug="city"))


@pytest.fixture
def office(organ):
    return member(organ, Role.DISCLOSURE_OFFICE)


@pytest.fixture
def webadmin(organ):
    return member(organ, Role.WEB_ADMIN)


# --- services -----------------------------------------------------------------------------------------------


def test_each_save_of_the_rules_adds_a_version_and_keeps_the_older_ones(organ, office):
    first = column.save_text(organ=organ, kind=ColumnTextKind.RULES, body="<p>第一版</p>", by=office, reason="首次发布")
    second = column.save_text(organ=organ, kind=ColumnTextKind.RULES, body="<p>第二版</p>", by=office, reason="修订")
    assert list(ColumnText.objects.filter(organ=organ).values_list("pk", flat=True)) == [second.pk, first.pk]
    assert column.current_text(organ, ColumnTextKind.RULES) == second
    event = trail_for(second).get()
    assert (event.action, event.actor, event.reason) == ("organs.column_text_saved", office, "修订")
    assert event.data == {"kind": "rules", "before": first.pk, "after": second.pk}


def test_the_rules_text_is_cleaned_like_an_item_body(organ, office):
    saved = column.save_text(organ=organ, kind=ColumnTextKind.RULES, by=office,
                             body='<p style="color:red" onclick="x()">制度<script>alert(1)</script></p><iframe src="//x"></iframe>')
    assert saved.body == "<p>制度</p>"


@pytest.mark.parametrize("body", ["", "   ", "<script>alert(1)</script>", "<p> </p>"])
def test_an_empty_rules_text_is_refused_naming_the_field(organ, office, body):
    with pytest.raises(DomainError) as refused:
        column.save_text(organ=organ, kind=ColumnTextKind.RULES, body=body, by=office)
    assert refused.value.field == "body"
    assert not ColumnText.objects.exists()


def test_saving_the_same_rules_text_again_is_refused(organ, office):
    column.save_text(organ=organ, kind=ColumnTextKind.RULES, body="<p>制度</p>", by=office)
    with pytest.raises(DomainError):
        column.save_text(organ=organ, kind=ColumnTextKind.RULES, body="<p>制度</p>", by=office)
    assert ColumnText.objects.count() == 1


def test_the_profile_change_is_audited_field_by_field(organ, webadmin):
    old_phone = organ.phone
    column.save_profile(organ=organ, values={"phone": "0755-87654321", "office_hours": "工作日9:00-17:00"}, by=webadmin,
                        reason="电话变更")
    organ.refresh_from_db()
    assert organ.phone == "0755-87654321" and organ.office_hours == "工作日9:00-17:00"
    event = trail_for(organ).get(action="organs.profile_saved")
    assert event.data["changes"]["phone"] == [old_phone, "0755-87654321"] and event.reason == "电话变更"


@pytest.mark.parametrize("field, value", [("phone", "电话号码"), ("fax", "12"), ("postcode", "5180")])
def test_a_bad_contact_is_refused_naming_the_field_and_nothing_saved(organ, office, field, value):
    before = Organ.objects.get(pk=organ.pk)
    with pytest.raises(DomainError) as refused:
        column.save_profile(organ=organ, values={field: value, "functions": "新的职能"}, by=office)
    assert refused.value.field == field
    after = Organ.objects.get(pk=organ.pk)
    assert (after.functions, getattr(after, field)) == (before.functions, getattr(before, field))


def test_a_leader_is_added_changed_and_taken_off_never_deleted(organ, office):
    leader = column.add_leader(organ=organ, values={"name": "王五", "post": "局长", "duties": "主持全面工作"}, by=office)
    column.change_leader(leader=leader, values={"name": "王五", "post": "局长", "duties": "主持局全面工作"}, by=office)
    column.remove_leader(leader=leader, by=office, reason="职务调整")
    leader.refresh_from_db()
    assert leader.is_active is False and leader.duties == "主持局全面工作"
    assert [e.action for e in trail_for(leader).order_by("seq")] == [
        "organs.leader_added", "organs.leader_changed", "organs.leader_removed"]
    assert Leader.objects.count() == 1


def test_taking_a_leader_off_needs_a_reason(organ, office):
    leader = column.add_leader(organ=organ, values={"name": "王五", "post": "局长"}, by=office)
    with pytest.raises(DomainError) as refused:
        column.remove_leader(leader=leader, by=office, reason=" ")
    assert refused.value.field == "reason"
    assert Leader.objects.get(pk=leader.pk).is_active


@pytest.mark.parametrize("values, field", [({"name": "", "post": "局长"}, "name"), ({"name": "王五", "post": ""}, "post")])
def test_a_leader_without_name_or_post_is_refused(organ, office, values, field):
    with pytest.raises(DomainError) as refused:
        column.add_leader(organ=organ, values=values, by=office)
    assert refused.value.field == field and not Leader.objects.exists()


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPARTMENT_HEAD, Role.PRINCIPAL_LEADER, Role.CONFIDENTIALITY_REVIEWER])
def test_other_roles_may_not_edit_the_column(organ, role):
    person = member(organ, role)
    with pytest.raises(PermissionDenied):
        column.save_text(organ=organ, kind=ColumnTextKind.RULES, body="<p>制度</p>", by=person)
    with pytest.raises(PermissionDenied):
        column.add_leader(organ=organ, values={"name": "王五", "post": "局长"}, by=person)


def test_an_editor_of_another_organ_may_not_edit_this_one(organ):
    elsewhere = member(OrganFactory(slug="other"), Role.DISCLOSURE_OFFICE)
    with pytest.raises(PermissionDenied):
        column.save_profile(organ=organ, values={"phone": "0755-12345678"}, by=elsewhere)


# --- workspace pages ------------------------------------------------------------------------------------------


def test_the_office_edits_the_rules_in_the_workspace(client, organ, office):
    client.force_login(office)
    assert client.get(reverse("column_ws:index")).status_code == 200
    response = client.post(reverse("column_ws:rules", args=["edu"]), {"body": "<p>保密审查制度</p>", "reason": "首次发布"})
    assert response.status_code == 302
    assert column.current_text(organ, ColumnTextKind.RULES).body == "<p>保密审查制度</p>"
    page = client.get(reverse("column_ws:index")).content.decode()
    assert "首次发布" in page


def test_the_workspace_form_shows_a_refusal_next_to_the_field(client, organ, office):
    client.force_login(office)
    response = client.post(reverse("column_ws:profile", args=["edu"]), {
        "functions": "职能", "office_name": "", "address": "", "postcode": "51", "office_hours": "", "phone": "",
        "fax": "", "email": "", "website": "", "reason": ""})
    assert response.status_code == 200
    assert "邮政编码为6位数字" in response.content.decode() or response.context["form"].errors["postcode"]
    assert Organ.objects.get(pk=organ.pk).functions != "职能"


def test_the_web_administrator_adds_changes_and_removes_a_leader(client, organ, webadmin):
    client.force_login(webadmin)
    assert client.post(reverse("column_ws:leader_new", args=["edu"]), {"name": "李四", "post": "副局长", "duties": "", "sort": 1}).status_code == 302
    leader = Leader.objects.get()
    assert client.get(reverse("column_ws:leader", args=["edu", leader.pk])).status_code == 200
    client.post(reverse("column_ws:leader", args=["edu", leader.pk]), {"name": "李四", "post": "局长", "duties": "", "sort": 1})
    client.post(reverse("column_ws:leader_remove", args=["edu", leader.pk]), {"reason": "退休"})
    leader.refresh_from_db()
    assert (leader.post, leader.is_active) == ("局长", False)


def test_the_office_writes_the_duties_of_an_internal_body(client, organ, office):
    body = DepartmentFactory(organ=organ, name="基础教育科")
    client.force_login(office)
    client.post(reverse("column_ws:department", args=["edu", body.pk]), {"duties": "负责基础教育管理。", "reason": ""})
    body.refresh_from_db()
    assert body.duties == "负责基础教育管理。"


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPARTMENT_HEAD, Role.DEPUTY_LEADER])
def test_the_workspace_pages_refuse_other_roles(client, organ, role):
    leader = Leader.objects.create(organ=organ, name="王五", post="局长")
    body = DepartmentFactory(organ=organ)
    client.force_login(member(organ, role))
    assert client.get(reverse("column_ws:index")).status_code == 403
    for name, args in [("rules", ["edu"]), ("profile", ["edu"]), ("leader_new", ["edu"]), ("leader", ["edu", leader.pk]),
                       ("department", ["edu", body.pk])]:
        assert client.get(reverse(f"column_ws:{name}", args=args)).status_code == 403, name
    response = client.post(reverse("column_ws:leader_remove", args=["edu", leader.pk]), {"reason": "x"})
    assert response.status_code == 403 and Leader.objects.get(pk=leader.pk).is_active
    assert client.post(reverse("column_ws:rules", args=["edu"]), {"body": "<p>x</p>"}).status_code == 403
    assert not ColumnText.objects.exists()


def test_the_supervising_office_may_not_edit_an_organ_below(client, organ):
    supervisor = member(organ.parent, Role.DISCLOSURE_OFFICE)
    client.force_login(supervisor)
    assert client.get(reverse("column_ws:rules", args=["edu"])).status_code == 403


def test_the_workspace_pages_send_visitors_to_sign_in(client, organ):
    response = client.get(reverse("column_ws:rules", args=["edu"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_leader_of_another_organ_is_not_found(client, organ, office):
    elsewhere = Leader.objects.create(organ=OrganFactory(slug="other"), name="王五", post="局长")
    client.force_login(office)
    assert client.get(reverse("column_ws:leader", args=["edu", elsewhere.pk])).status_code == 404
