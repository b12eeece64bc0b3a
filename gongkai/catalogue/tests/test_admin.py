import pytest
from django.contrib import admin
from django.urls import reverse

from gongkai.catalogue.models import Category, Item, Topic, WithholdingReason
from gongkai.factories import OrganFactory, UserFactory
from gongkai.organs.models import Department, Membership, Organ
from gongkai.sensitive.models import SensitiveWord
from gongkai.signoff.models import Chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", [Organ, Department, Membership, Chain, Topic, Category, WithholdingReason, SensitiveWord, Item])
def test_no_admin_may_delete(model, rf, superuser):
    request = rf.get("/")
    request.user = superuser
    assert admin.site._registry[model].has_delete_permission(request) is False


def test_items_are_read_only_in_the_admin(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[Item]
    assert not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request)


@pytest.mark.parametrize("name", ["catalogue_topic", "catalogue_category", "catalogue_withholdingreason", "sensitive_sensitiveword", "organs_organ", "signoff_chain", "organs_membership"])
def test_the_admin_lists_open(client, superuser, name):
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_bad_index_template_is_refused_in_the_organ_admin(client, superuser):
    organ = OrganFactory()
    url = reverse("admin:organs_organ_change", args=[organ.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({
        "index_template": "{organ_code}/{serial:05d}", "parent": "", "kind": organ.kind,
        "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    response = client.post(url, data)
    assert response.status_code == 200
    assert "index_template" in response.context["adminform"].form.errors
    organ.refresh_from_db()
    assert organ.index_template != "{organ_code}/{serial:05d}"


def test_a_staff_user_without_model_permissions_is_refused(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:catalogue_topic_changelist")).status_code == 403


def test_seeded_topics_form_a_tree():
    top = Topic.objects.get(name="综合政务")
    assert top.children.filter(name="政务公开").exists()
    assert Topic.objects.filter(parent=None).count() >= 20


def test_seeded_categories_mark_policies_and_interpretations():
    assert set(Category.objects.filter(is_policy=True).values_list("name", flat=True)) == {"规章", "行政规范性文件"}
    assert Category.objects.get(name="政策解读").is_interpretation
    assert Category.objects.get(name="行政规范性文件").annual_report_row == "normative"
