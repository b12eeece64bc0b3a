"""Applicant accounts (申请人账号): a member of the public opens an account with an e-mail address, confirms it from
a link sent there, and follows every application filed while signed in — or claimed later with its tracking number
and secret. An application is never linked by matching an e-mail address or a name: only the secret proves it is
one's own. Applicant accounts are kept apart from staff accounts (``accounts.User.is_applicant``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.applications.models import Application
from gongkai.applications.services.intake import secret_matches
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError

VERIFY_SALT = "gongkai.applications.applicant-email"


def verify_days() -> int:
    """How long the confirmation link of a new account is valid (``APPLICANT_VERIFY_DAYS``, default 3)."""
    return int(getattr(settings, "APPLICANT_VERIFY_DAYS", 3))


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def register_applicant(*, email: str, password: str, full_name: str, phone: str = "") -> User | None:
    """Open an applicant account, inactive until its e-mail address is confirmed. None when an account already uses
    the address (the page says the same either way, so it tells nobody which addresses have accounts).
    Raises ``DomainError`` on ``password1`` when the password breaks the password policy."""
    email = email.strip().lower()
    model = get_user_model()
    if model.objects.filter(username__iexact=email).exists() or model.objects.filter(email__iexact=email).exists():
        return None
    user = model(username=email, email=email, full_name=full_name.strip()[:100], phone=phone.strip()[:20],
                 is_active=False, is_applicant=True)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password1") from error
    user.set_password(password)
    with transaction.atomic():
        user.save()
        log_action(user, "accounts.applicant_registered", by=user)
    return user


def send_verification(user: User, *, url: str) -> None:
    """The confirmation link, by e-mail (queued and kept in the delivery log like every message)."""
    from gongkai.notify.services import Recipient, notify

    notify(Recipient(name=user.get_full_name(), email=user.email), "applicant.verify_email",
           {"applicant": user.get_full_name(), "url": url, "days": verify_days()}, channels=["email"], link=url,
           reference=f"user:{user.pk}")


def verify_applicant(*, token: str) -> User:
    """Activate the account the link names. Raises ``DomainError`` for a link that is wrong, expired, or names an
    address the account no longer has."""
    try:
        value = signing.loads(token, salt=VERIFY_SALT, max_age=dt.timedelta(days=verify_days()))
    except signing.BadSignature as error:  # SignatureExpired is one
        raise DomainError(_("This confirmation link is not valid or has expired. Open an account again.")) from error
    model = get_user_model()
    user = model.objects.filter(pk=value.get("u"), is_applicant=True).first() if isinstance(value, dict) else None
    if user is None or user.email != value.get("e"):
        raise DomainError(_("This confirmation link is not valid or has expired. Open an account again."))
    if not user.is_active:
        with transaction.atomic():
            model.objects.filter(pk=user.pk).update(is_active=True)
            user.is_active = True
            log_action(user, "accounts.applicant_verified", by=user)
    return user


def link_application(*, tracking_number: str, secret: str, user: User) -> Application:
    """Link an application to the signed-in applicant's account, proved by its tracking number and secret. An
    application already linked to another account, an unknown number and a wrong secret give the same refusal."""
    refused = DomainError(_("The tracking number and secret do not match any application."), field="secret")
    if not getattr(user, "is_applicant", False):
        raise refused
    application = Application.objects.filter(tracking_number=tracking_number.strip()).first()
    if not secret_matches(application, secret.strip()):
        raise refused
    assert application is not None
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.user_id == user.pk:
            return application
        if application.user_id is not None:
            raise refused
        application.user = user
        application.save(update_fields=["user", "updated_at"])
        log_action(application, "applications.linked_to_account", by=user, organ=application.organ,
                   data={"account": user.pk})
    return application
