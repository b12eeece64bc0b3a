"""Separation of duties (三员分立): what each platform administrator may do in the admin site, and nothing else.

The system administrator configures (organs, departments, sign-off chains, the calendar, vocabularies, letter
templates); the security administrator manages accounts (people, their roles in organs, API keys, lockouts, second
factors); the audit administrator reads the audit trail and the sign-in records. None of them holds a role in an
organ, so none sees an organ's records in the workspace, and none can do another's work. Daily operation needs no
superuser: a superuser is the installer's break-glass account."""

from __future__ import annotations

from gongkai.accounts.models import AdminRole

VIEW = frozenset({"view"})
EDIT = frozenset({"view", "add", "change"})

# admin role → {"app_label.model": actions}
DUTIES: dict[str, dict[str, frozenset[str]]] = {
    AdminRole.SYSTEM: {
        "organs.organ": EDIT,
        "organs.department": EDIT,
        "signoff.chain": EDIT,
        "workdays.calendaryear": EDIT,
        "workdays.dayoverride": VIEW,
        "catalogue.topic": EDIT,
        "catalogue.category": EDIT,
        "catalogue.withholdingreason": EDIT,
        "catalogue.indexcounter": VIEW,
        "sensitive.sensitiveword": EDIT,
        "letters.lettertemplate": EDIT,
    },
    AdminRole.SECURITY: {
        "accounts.user": EDIT,
        "organs.membership": EDIT,
        "credentials.credential": EDIT,  # API keys: OA push keys and intake channels
        "axes.accessattempt": frozenset({"view", "delete"}),  # deleting an attempt record lifts a lockout
        "otp_totp.totpdevice": frozenset({"view", "delete"}),  # deleting a device makes the person enrol again
        "otp_static.staticdevice": frozenset({"view", "delete"}),
    },
    AdminRole.AUDIT: {
        "core.auditevent": VIEW,
        "axes.accesslog": VIEW,
        "axes.accessfailurelog": VIEW,
    },
}


def allowed(admin_role: str, perm: str) -> bool:
    """Whether an administrator with ``admin_role`` holds the Django permission ``perm`` ("app.action_model")."""
    app_label, _dot, codename = perm.partition(".")
    action, _sep, model = codename.partition("_")
    return action in DUTIES.get(admin_role, {}).get(f"{app_label}.{model}", frozenset())


def allowed_module(admin_role: str, app_label: str) -> bool:
    return any(key.split(".")[0] == app_label for key in DUTIES.get(admin_role, {}))


def is_audit_reader(user) -> bool:
    """Who may read and export the whole audit trail: the audit administrator (and a superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.admin_role == AdminRole.AUDIT


def is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or getattr(user, "admin_role", "")))
