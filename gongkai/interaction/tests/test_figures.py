"""The figures per organ, type and month, and the veto watch."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from gongkai.factories import UserFactory
from gongkai.interaction import figures, services
from gongkai.interaction.models import Message
from gongkai.interaction.tests.conftest import DATA


def test_figures_count_received_valid_answered_and_satisfaction(organ, office, answered):
    services.refuse(services.submit_message(organ=organ, data=dict(DATA)).message, by=office, reason="spam")
    services.rate(answered, rating="fairly")
    (row,) = figures.rows(Message.objects.filter(organ=organ))
    assert (row.received, row.valid, row.answered, row.on_time, row.rated, row.satisfied) == (2, 1, 1, 1, 1, 1)
    assert row.answered_rate == 1.0 and row.satisfaction_rate == 1.0 and row.average_working_days == 0
    assert row.type_label == "咨询"


def test_the_veto_watch_flags_two_months_and_vetoes_three(organ):
    today = dt.date(2026, 12, 7)
    for days in (30, 70, 100):
        services.submit_message(organ=organ, data=dict(DATA), received_on=today - dt.timedelta(days=days))
    watch = figures.veto_watch(Message.objects.all(), today)
    assert [m.received_on for m in watch.flagged] == [today - dt.timedelta(days=70)]
    assert [m.received_on for m in watch.vetoes] == [today - dt.timedelta(days=100)]


def test_the_months_before_a_day_at_the_end_of_a_month():
    assert figures.months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert figures.months_before(dt.date(2026, 1, 15), 2) == dt.date(2025, 11, 15)


def test_the_statistics_page_shows_the_own_organ_only(client, clerk, message, other_organ):
    elsewhere = services.submit_message(organ=other_organ, data={**DATA, "subject": "别处的留言"}).message
    client.force_login(clerk)
    response = client.get(reverse("interaction_ws:statistics"))
    assert response.status_code == 200
    assert [r.organ for r in response.context["rows"]] == [message.organ.name]
    assert elsewhere.organ.name not in [r.organ for r in response.context["rows"]]


def test_the_statistics_page_is_refused_without_a_role(client, db):
    assert client.get(reverse("interaction_ws:statistics")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("interaction_ws:statistics")).status_code == 403


def test_unanswered_by_organ_counts_valid_messages_over_three_months_and_the_next_to_cross(organ, other_organ, office):
    today = dt.date(2026, 12, 7)
    old = [services.submit_message(organ=organ, data=dict(DATA), received_on=today - dt.timedelta(days=days)).message
           for days in (120, 95, 60, 20)]
    services.refuse(old[0], by=office, reason="spam")  # not valid: not counted
    found = figures.unanswered_by_organ([organ.pk, other_organ.pk], today)
    assert (found[organ.pk].over, found[organ.pk].next_received_on) == (1, today - dt.timedelta(days=60))
    assert (found[other_organ.pk].over, found[other_organ.pk].next_received_on) == (0, None)
