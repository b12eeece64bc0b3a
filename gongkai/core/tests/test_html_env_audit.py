import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.core.audit import log_action, trail_for
from gongkai.core.richtext import clean_html, html_to_text
from gongkai.env import env_bool, env_int, env_list
from gongkai.factories import OrganFactory, UserFactory
from gongkai.organs.models import Organ


def test_scripts_and_event_handlers_are_removed():
    cleaned = clean_html('<p onclick="x()">通知<script>alert(1)</script></p><a href="javascript:evil()">链接</a>')
    assert "script" not in cleaned and "onclick" not in cleaned and "javascript" not in cleaned
    assert "通知" in cleaned


def test_tables_survive_cleaning():
    assert "<td colspan=\"2\">" in clean_html('<table><tr><td colspan="2" style="x">一</td></tr></table>')


def test_text_of_html_unescapes_entities():
    assert html_to_text("<p>甲&amp;乙</p>") == "甲&乙"


def test_a_malformed_boolean_setting_stops_the_process(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_a_malformed_number_setting_stops_the_process(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)


def test_a_number_below_its_minimum_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 1, minimum=0)


def test_lists_are_split_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.gov.cn, b.gov.cn,")
    assert env_list("HOSTS") == ["a.gov.cn", "b.gov.cn"]


@pytest.mark.django_db
def test_audit_rows_record_who_what_and_why():
    organ = OrganFactory()
    user = UserFactory(full_name="张三")
    log_action(organ, "organ.renamed", by=user, reason="机构改革", data={"old": "甲"})
    event = trail_for(organ).get()
    assert (event.actor, event.actor_name, event.action, event.reason, event.organ) == (user, "张三", "organ.renamed", "机构改革", organ)


@pytest.mark.django_db
def test_a_job_without_a_person_is_recorded_as_the_system():
    organ = OrganFactory()
    assert log_action(organ, "organ.checked").actor_name == "system"


@pytest.mark.django_db
def test_records_are_never_hard_deleted():
    organ = OrganFactory()
    with pytest.raises(RuntimeError):
        organ.delete()
    with pytest.raises(RuntimeError):
        Organ.objects.all().delete()
    assert Organ.objects.filter(pk=organ.pk).exists()


def test_every_never_deleted_model_refuses_bulk_deletion_too():
    from django.apps import apps

    from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet

    leaky = [
        m.__name__
        for m in apps.get_models()
        if issubclass(m, NoDeleteModel) and not isinstance(m._default_manager.all(), NoDeleteQuerySet)
    ]
    assert leaky == []
