"""The authorisation matrix: every URL pattern of the URLconf × every actor (each role in the own, a sibling and the
parent organ, the supervising office, an unrelated organ's office, a person with no role, the superuser and the three
platform administrators — each also once without the second factor confirmed —, an applicant with a case session, an
anonymous visitor) × GET and, where the view takes one, POST — each answer
checked against the classification in policies.py. A refused POST must change nothing (row counts of every table,
the audit trail, the state of the records probed).

A URL missing from policies.POLICIES fails test_every_url_is_classified, naming it."""

from __future__ import annotations

import copy
import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import override_settings

from . import policies
from . import world as world_module
from .policies import ADMIN_LOGIN, ALLOW, APPLICANT_LOGIN, CASE_LOOKUP, LOGIN, SECOND_FACTOR
from .urlconf import all_patterns

# The second factor is enforced, as in production: the superuser and the administrators confirmed theirs.
pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]

PATTERNS = all_patterns()
ADMIN_ACTORS = {"anonymous", "applicant", "applicant_account", "no_role", "superuser", "own:disclosure_office", "own:web_admin",
                "parent:disclosure_office", *(a.key for a in world_module.ACTORS if a.platform_admin)}
# Where accounts.middleware lets a signed-in person who has not confirmed the second factor go.
SECOND_FACTOR_OPEN = ("/accounts/login/", "/accounts/logout/", "/accounts/second-factor/", "/accounts/password/reset/",
                      "/i18n/")
# Where accounts.middleware refuses an applicant account (403), whatever the page's own rule says.
APPLICANT_ACCOUNT_REFUSED = ("/workspace/", "/admin/", "/api/", "/accounts/")
# Rate limits high enough that no probe meets one (the matrix checks who may, not how often).
NO_RATE_LIMITS = {name: "100000/min" for name in ("apply", "correct", "case_login", "register", "report_check", "search", "api",
                                                   "api_user")}
OUR_APPS = {"accounts", "api", "applications", "catalogue", "core", "credentials", "letters", "notify", "organs", "reports",
            "search", "sensitive", "signoff", "workdays", "sessions", "webhealth"}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("authz-media")
    settings = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                                 SECOND_FACTOR_ENFORCED=True)
    with django_db_blocker.unblock(), settings:
        with transaction.atomic():
            from gongkai.factories import reseed_if_flushed

            reseed_if_flushed()
            built = world_module.build()
            built.media = media
            yield built
            transaction.set_rollback(True)


CASES_RUN: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    print(f"\nauthorisation matrix: {sum(CASES_RUN.values())} cases over {len(CASES_RUN)} URL patterns")


@pytest.fixture(autouse=True)
def _world_files(world, _isolated_files, settings):
    """The world's files (letters, attachments) stay where it stored them; no rate limit answers 429; /metrics is
    open to 127.0.0.1 (the test client's address, the default outside production) and has no token."""
    settings.MEDIA_ROOT = world.media
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **NO_RATE_LIMITS}
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "::1"]
    settings.METRICS_TOKEN = ""
    # The sessions of the world's actors are written once; a case's session update is rolled back with the case, so on
    # a slow machine a run longer than the idle time would sign every actor out (the matrix checks who, not how long).
    settings.SESSION_IDLE_MINUTES = 24 * 60
    from gongkai.search import index as search_index

    search_index.forget_handles()
    search_index.get_index()  # an (empty) index in the test's folder, so /readyz finds one


def test_metrics_from_elsewhere(world, client):
    """/metrics from an address not in METRICS_ALLOWED_IPS: 403 without the token, allowed with it."""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    from django.test import override_settings as settings_for

    with settings_for(METRICS_TOKEN="authz-metrics-token"):
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer authz-metrics-token").status_code == 200


def expectation(rule, actor, path):
    """The policy's answer, except that a platform administrator who has not confirmed the second factor is sent to
    confirm it wherever accounts.middleware does not let them go."""
    if actor.platform_admin and not actor.verified and not path.startswith(SECOND_FACTOR_OPEN):
        return SECOND_FACTOR
    if actor.relation == "applicant_account" and path.startswith(APPLICANT_ACCOUNT_REFUSED) and path != "/accounts/logout/":
        return 403
    return rule(actor)


def _path(route: str, kwargs: dict) -> str:
    if route.endswith("(?P<url>.*)$"):
        return "/" + route.replace("(?P<url>.*)$", "no-such-page/")
    if "(?P<app_label>" in route:
        return "/admin/catalogue/"
    return "/" + PARAMETER.sub(lambda m: str(kwargs[m.group("name")]), route) + kwargs.get("_query", "")


def _admin_kwargs(pattern, world) -> dict:
    """URL arguments for an admin pattern: the first record of its model, the catalogue app, a published item."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    from gongkai.catalogue.models import Item

    kwargs: dict = {"app_label": "catalogue"}
    match = re.match(r"admin/(\w+)/(\w+)/", pattern.route)
    if match:
        model = next((m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == match.groups()), None)
        records = model._default_manager.order_by("pk") if model else None
        if model is not None and model._meta.label == "accounts.User":
            records = records.filter(is_superuser=False)  # a superuser's account is in no administrator's list
        first = records.first() if records is not None else None
        if model is not None:
            assert first is not None, f"the world has no {model._meta.label} to probe {pattern.name} with"
        kwargs["object_id"] = kwargs["id"] = kwargs["pk"] = first.pk if first else 1
    if "content_type_id" in pattern.route:
        item = Item.objects.filter(pk=world.kwargs["item.published"]["pk"]).first()
        kwargs.update(content_type_id=ContentType.objects.get_for_model(Item).pk, object_id=item.pk)
    return kwargs


def _tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if m._meta.app_label in OUR_APPS and m._meta.managed})


def _snapshot(world) -> tuple:
    """What a refused request must leave as it was."""
    from gongkai.applications.models import Application, Reply
    from gongkai.catalogue.models import Item
    from gongkai.reports.models import AnnualReport

    with connection.cursor() as cursor:  # every table's row count in one query
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in _tables()))
        counts = cursor.fetchone()
    gxj = world.organs["gxj"]
    return (
        counts,
        tuple(Item.objects.filter(organ=gxj).order_by("pk").values_list("pk", "state", "revision_state", "validity", "title")),
        tuple(Application.objects.filter(organ=gxj).order_by("pk").values_list(
            "pk", "status", "assignee_id", "department_id", "due_on", "is_petition_suspected", "merged_into_id")),
        tuple(Reply.objects.filter(application__organ=gxj).order_by("pk").values_list("pk", "status")),
        tuple(AnnualReport.objects.filter(organ=gxj).order_by("pk").values_list(
            "pk", "status", "cells", "overview", "problems", "other_matters", "override_reason", "return_comment")),
    )


def _refusal_matches(response, expected) -> bool:
    location = response.get("Location", "")
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith("/accounts/login/")
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith("/admin/login/")
    if expected == SECOND_FACTOR:
        return response.status_code == 302 and location.startswith("/accounts/second-factor/?next=")
    if expected == CASE_LOOKUP:
        return response.status_code == 302 and location.startswith("/apply/case/?number=")
    if expected == APPLICANT_LOGIN:
        return response.status_code == 302 and location.startswith("/apply/account/login/?next=")
    return response.status_code == expected


def _looks_refused(response) -> bool:
    location = response.get("Location", "")
    return response.status_code in (401, 403, 404) or (
        response.status_code == 302
        and location.startswith(("/accounts/login/", "/admin/login/", "/accounts/second-factor/?", "/apply/case/?number=",
                                 "/apply/account/login/?"))
    )


def _probes(pattern, policy, world):
    """(label, path, POST body, expectation function) for every object probed with this pattern."""
    has_parameters = bool(PARAMETER.search(pattern.route)) or pattern.route.endswith("(?P<url>.*)$")
    if pattern.route.startswith("admin/"):
        query = "?app_label=organs&model_name=membership&field_name=user&term=a" if pattern.name == "admin:autocomplete" else ""
        yield "", _path(pattern.route, _admin_kwargs(pattern, world)) + query, {}, policy.expect
        return
    if policy.actions:
        for action, roles in policy.actions.items():
            application, body = world.actions[action]
            path = _path(pattern.route, {"pk": application.pk, "action": action})
            rule = policies.role_in_organ("application", *roles).expect
            yield f"action={action}", path, body, rule
        return
    body = world.data.get(policy.data, {}) if policy.data else {}
    if policy.obj is not None or not has_parameters:
        kwargs = world.kwargs[policy.obj] if policy.obj else {}
        yield (policy.obj or ""), _path(pattern.route, kwargs), body, None
    if policy.hidden is not None:
        yield f"hidden {policy.hidden}", _path(pattern.route, world.kwargs[policy.hidden]), body, lambda actor: policy.refused


def run_pattern(pattern, policy, world) -> tuple[int, list[str]]:
    actors = [a for a in world_module.ACTORS if not pattern.route.startswith("admin/") or a.key in ADMIN_ACTORS]
    violations, count = [], 0
    for label, path, body, expect in _probes(pattern, policy, world):
        for method in policy.methods:
            for actor in actors:
                expected = expectation(expect or policy.for_method(method).expect, actor, path)
                client = world.clients[actor.key]
                cookies = copy.deepcopy(client.cookies)  # a logout or login answer must not sign the actor out for good
                with transaction.atomic():
                    before = _snapshot(world) if method == "POST" and expected != ALLOW else None
                    if method == "GET":
                        response = client.get(path)
                    else:
                        response = client.post(path, body)
                    after = _snapshot(world) if before is not None else None
                    transaction.set_rollback(True)
                client.cookies = cookies
                count += 1
                where = f"{method} {path} {label} as {actor.key}"
                if response.status_code >= 500:
                    violations.append(f"{where}: server error {response.status_code}")
                elif expected == ALLOW:
                    if _looks_refused(response):
                        violations.append(f"{where}: expected allowed, got {response.status_code} {response.get('Location', '')}")
                elif not _refusal_matches(response, expected):
                    violations.append(f"{where}: expected refusal {expected}, got {response.status_code} {response.get('Location', '')}")
                if before is not None and before != after:
                    violations.append(f"{where}: a refused POST changed data")
    return count, violations



@pytest.mark.parametrize("pattern", [p for p in PATTERNS if policies.policy_for(p.name, p.route)], ids=str)
def test_authorisation(pattern, world):
    policy = policies.policy_for(pattern.name, pattern.route)
    if policy.expect(world_module.ACTORS[0]) is None and not policy.actions:
        pytest.skip(policy.note)
    count, violations = run_pattern(pattern, policy, world)
    CASES_RUN[pattern.name] = count
    assert count > 0, f"{pattern.name}: no case was run"
    assert not violations, f"{pattern.name}: {len(violations)} of {count} cases violate the policy:\n  " + "\n  ".join(violations)
