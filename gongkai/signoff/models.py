"""Sign-off chains (先审核后公开, 谁审核谁负责), shared by catalogue items,
replies to applications and annual reports.

An organ configures one chain per kind of subject. Submitting a subject opens a
``Signoff`` for one exact version of it (its content hash): the chain's steps
are copied onto it, so changing the chain later never changes a running review.
Each step is decided by a person holding that step's role in the organ."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet
from gongkai.organs.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User


class SubjectKind(models.TextChoices):
    ITEM = "item", _("Government information item")
    REPLY = "reply", _("Reply to an application")
    REPORT = "report", _("Annual report")
    MESSAGE = "message", _("Reply to a public message")


class Chain(NoDeleteModel):
    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="chains")
    kind = models.CharField(_("used for"), max_length=20, choices=SubjectKind.choices)

    class Meta:
        verbose_name = _("sign-off chain")
        verbose_name_plural = _("sign-off chains")
        constraints = [models.UniqueConstraint(fields=["organ", "kind"], name="chain_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.organ.display_name} · {self.get_kind_display()}"


class ChainStep(models.Model):
    """Configuration, not a record: replacing steps is allowed and audited (running sign-offs keep their copy)."""

    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    only_if_important = models.BooleanField(_("only for important matters"), default=False)

    class Meta:
        verbose_name = _("sign-off step")
        verbose_name_plural = _("sign-off steps")
        ordering = ["chain", "position"]
        constraints = [models.UniqueConstraint(fields=["chain", "position"], name="chainstep_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_role_display()}"


class SignoffStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for sign-off")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SignoffQuerySet(NoDeleteQuerySet):
    def pending(self) -> SignoffQuerySet:
        return self.filter(status=SignoffStatus.PENDING)

    def waiting_for(self, user: User | AnonymousUser) -> SignoffQuerySet:
        """Pending sign-offs whose current step needs a role this user holds in that organ."""
        from gongkai.organs.permissions import memberships

        pairs = [(m.organ_id, m.role) for m in memberships(user)]  # read once per request
        condition = Q(pk__in=[])
        for organ_id, role in pairs:
            condition |= Q(organ_id=organ_id, current_role=role)
        return self.pending().filter(condition)

    def for_subject(self, subject: models.Model) -> SignoffQuerySet:
        return self.filter(subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=str(subject.pk))


class Signoff(NoDeleteModel):
    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=SubjectKind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject type"))
    subject_id = models.CharField(max_length=64, verbose_name=_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_title = models.CharField(_("title"), max_length=300)
    version = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("content fingerprint"), max_length=64)
    important = models.BooleanField(_("important matter"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=SignoffStatus.choices, default=SignoffStatus.PENDING)
    current_position = models.PositiveSmallIntegerField(default=0, verbose_name=_("current step number"))
    current_role = models.CharField(max_length=30, choices=Role.choices, blank=True, db_index=True, verbose_name=_("current role"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SignoffQuerySet.as_manager()  # type: ignore[misc]  # see core.models.NoDeleteModel

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "organ", "current_role"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_title} " + _("v%(n)s") % {"n": self.version}


class SignoffStepState(NoDeleteModel):
    """The chain's steps as they stood when the sign-off was opened."""

    signoff = models.ForeignKey(Signoff, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["signoff", "position"]


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return with comments")


class SignoffDecision(NoDeleteModel):
    """One person's decision on one step: the record of 谁审核谁负责."""

    signoff = models.ForeignKey(Signoff, on_delete=models.PROTECT, related_name="decisions")
    position = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    content_hash = models.CharField(_("version approved"), max_length=64)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-off decision")
        verbose_name_plural = _("sign-off decisions")
        ordering = ["signoff", "decided_at", "id"]
