"""Forms only parse and render; the rules live in ``services`` (a DomainError
from a service is put back on the form under the field it names)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.applications.models import Channel, ConsultationKind, DeliveryMethod, FormWanted, IdType
from gongkai.applications.taxonomy import AppealKind, AppealResult, ApplicantType, Outcome
from gongkai.core.errors import DomainError


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


APPLICANT_TYPE_CHOICES = [
    (ApplicantType.NATURAL_PERSON.value, _("Natural person")),
    (_("Legal person or other organisation"), [
        (ApplicantType.COMMERCIAL.value, _("Commercial enterprise")),
        (ApplicantType.RESEARCH.value, _("Research institution")),
        (ApplicantType.SOCIAL_WELFARE.value, _("Social welfare organisation")),
        (ApplicantType.LEGAL_SERVICE.value, _("Legal service organisation")),
        (ApplicantType.OTHER_ORG.value, _("Other organisation")),
    ]),
]


class ApplicationForm(forms.Form):
    """政府信息公开申请表 (Art. 29)."""

    applicant_type = forms.ChoiceField(label=_("Applicant type"), choices=APPLICANT_TYPE_CHOICES)
    applicant_name = forms.CharField(label=_("Name (person or organisation)"), max_length=200)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40,
                                help_text=_("Resident identity number (18 characters) or unified social credit code."))
    contact_person = forms.CharField(label=_("Contact person (organisations)"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    subject = forms.CharField(label=_("Information sought (title)"), max_length=300)
    document_number = forms.CharField(label=_("Document number (发文字号)"), max_length=100, required=False)
    description = forms.CharField(label=_("Description of the information"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    purpose = forms.CharField(label=_("Purpose (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    form_wanted = forms.ChoiceField(label=_("Form wanted"), choices=FormWanted.choices, widget=forms.RadioSelect)
    delivery_method = forms.ChoiceField(label=_("Delivery wanted"), choices=DeliveryMethod.choices, widget=forms.RadioSelect)
    attachments = MultipleFileField(label=_("Attachments (copy of ID etc.)"), required=False,
                                    help_text=_("PDF, Word, Excel, OFD, PNG, JPEG or GIF; checked by content."))

    def apply_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))


class StaffRegisterForm(ApplicationForm):
    """Staff register a letter, fax, in-person, oral or e-mail application."""

    organ = forms.ModelChoiceField(label=_("Organ"), queryset=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] not in (Channel.WEB, Channel.API)])
    received_on = forms.DateField(
        label=_("Date of receipt"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Letter: the day it was signed for. In person / oral: the day handed in. Fax and e-mail: leave empty; "
                    "the date is set when receipt is confirmed with the applicant."),
    )
    receipt_note = forms.CharField(label=_("Note on receipt (e.g. registered-mail number)"), max_length=200, required=False)

    def __init__(self, *args, organs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organ"].queryset = organs
        if organs is not None and len(organs[:2]) == 1:  # one organ: nothing to choose
            self.fields["organ"].initial = organs[0].pk
            self.fields["organ"].empty_label = None
        self.order_fields(["organ", "channel", "received_on", "receipt_note"])


class CaseLoginForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60)
    secret = forms.CharField(label=_("Secret"), max_length=60, widget=forms.PasswordInput)


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("Your correction"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False,
        choices=[("", "—")] + [c for c in Outcome.choices if c[0] not in (Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_UNPAID_FEE)],
    )
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    body = forms.CharField(label=_("Reply text"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    documents_provided = forms.CharField(label=_("Documents or excerpts provided"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    other_organ = forms.CharField(label=_("Organ that holds the information (if known)"), max_length=200, required=False)


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Consult"), choices=ConsultationKind.choices)
    party = forms.CharField(label=_("Party consulted"), max_length=200)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AppealKind.choices)
    filed_on = forms.DateField(label=_("Filed on"), widget=forms.DateInput(attrs={"type": "date"}))
    case_number = forms.CharField(label=_("Case number"), max_length=100, required=False)
    body = forms.CharField(label=_("Reviewing body or court"), max_length=200, required=False)


class AppealDecisionForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[c for c in AppealResult.choices if c[0] != AppealResult.PENDING])
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))

