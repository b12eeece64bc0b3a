"""Every URL of the URLconf has an authorisation policy (policies.POLICIES), and no policy outlives its URL."""

from __future__ import annotations

from . import policies
from .urlconf import all_patterns

PATTERNS = all_patterns()


def test_every_url_is_classified():
    missing = [f"{p.name}  (route {p.route!r})" for p in PATTERNS if policies.policy_for(p.name, p.route) is None]
    assert not missing, (
        "These URLs have no authorisation policy. Add one line per URL to POLICIES in "
        "gongkai/core/tests/authz/policies.py (see docs/security/authz.md):\n  " + "\n  ".join(missing)
    )


def test_no_policy_names_a_url_that_is_gone():
    names = {p.name for p in PATTERNS}
    stale = sorted(set(policies.POLICIES) - names)
    assert not stale, f"Policies for URLs that no longer exist (remove them): {stale}"
