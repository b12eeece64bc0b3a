"""The forms of the message box: they parse input; the rules are in ``interaction.services``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.forms import ContactDetailsForm
from gongkai.interaction.models import Channel, MessageType, Rating, RefusalReason
from gongkai.interaction.services import LIMITS, MAX_EXTENSION_DAYS

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongkai.accounts.models import User
    from gongkai.organs.models import Department, Organ


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class MessageForm(ContactDetailsForm):
    contact_max_length = {"phone": LIMITS["phone"], "email": LIMITS["email"]}
    field_order = ["type", "subject", "content", "name", "phone", "email"]

    type = forms.ChoiceField(label=_("Type"), choices=MessageType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=LIMITS["subject"])
    content = forms.CharField(label=_("Content"), max_length=LIMITS["content"], widget=forms.Textarea(attrs={"rows": 8}))
    name = forms.CharField(label=_("Name"), max_length=LIMITS["name"], required=False)
    publish_consent = forms.BooleanField(
        label=_("The message and its reply may be published (personal data is masked)"), required=False
    )
    attachments = MultipleFileField(label=_("Attachments (PDF, Word, Excel, OFD or images; at most 5)"), required=False)
    # A field people never see: a robot filling in every field fills this one too.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))


class RegisterForm(MessageForm):
    """A message that came by the hotline, by letter or by a visit, registered by staff."""

    organ: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Organ"), queryset=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.WEB])
    received_on = forms.DateField(label=_("Date of receipt"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["organ", "channel", "received_on", *MessageForm.field_order]

    def __init__(self, *args: Any, organs: QuerySet[Organ] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        del self.fields["attachments"]
        self.fields["organ"].queryset = organs  # type: ignore[attr-defined]


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Message number"), max_length=40)
    code = forms.CharField(label=_("Query code"), max_length=20, widget=forms.PasswordInput)


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Your rating"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    note = forms.CharField(label=_("Explanation to the citizen"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    duplicate_of = forms.CharField(label=_("Number of the earlier message"), max_length=40, required=False)


class TransferForm(forms.Form):
    to: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Transfer to"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, organs: QuerySet[Organ] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = organs  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    department: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Handler"), queryset=None, required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, people: QuerySet[User] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class QueueFilterForm(forms.Form):
    status = forms.CharField(required=False)
    due = forms.ChoiceField(required=False, choices=[("", ""), ("soon", _("Due soon")), ("overdue", _("Overdue"))])
