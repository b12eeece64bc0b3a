"""Forms only parse and render; the rules live in ``services`` (a DomainError
from a service is put back on the form under the field it names)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.applications.models import Application, Channel, ConsultationKind, DeliveryMethod, FormWanted, IdType
from gongkai.applications.taxonomy import AppealKind, AppealResult, ApplicantType, Outcome
from gongkai.applications.workflow import people_who_may
from gongkai.core.errors import DomainError
from gongkai.core.forms import ContactDetailsForm
from gongkai.organs.models import Department


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


class ApplicationForm(ContactDetailsForm):
    """政府信息公开申请表 (Art. 29)."""

    field_order = ["applicant_type", "applicant_name", "id_type", "id_number", "contact_person", "phone", "email"]

    applicant_type = forms.ChoiceField(label=_("Applicant type"), choices=APPLICANT_TYPE_CHOICES)
    applicant_name = forms.CharField(label=_("Name (person or organisation)"), max_length=200)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40,
                                help_text=_("Resident identity number (18 characters) or unified social credit code."))
    contact_person = forms.CharField(label=_("Contact person (organisations)"), max_length=100, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    subject = forms.CharField(label=_("Information sought (title)"), max_length=300)
    document_number = forms.CharField(label=_("Document number (发文字号)"), max_length=100, required=False)
    description = forms.CharField(label=_("Description of the information"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False, max_length=5000)
    purpose = forms.CharField(label=_("Purpose (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=1000)
    form_wanted = forms.ChoiceField(label=_("Form wanted"), choices=FormWanted.choices, widget=forms.RadioSelect)
    delivery_method = forms.ChoiceField(label=_("Delivery wanted"), choices=DeliveryMethod.choices, widget=forms.RadioSelect)
    attachments = MultipleFileField(label=_("Attachments (copy of ID etc.)"), required=False,
                                    help_text=_("PDF, Word, Excel, OFD, PNG, JPEG or GIF; checked by content."))


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


class ApplicantRegisterForm(forms.Form):
    """Opening an applicant account (申请人账号): the address is confirmed by a link sent to it."""

    full_name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=254, help_text=_("A link to confirm the account is sent here."))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_phone(self):
        from gongkai.core.contacts import is_phone, phone_digits

        value = self.cleaned_data["phone"].strip()
        if value and not is_phone(value):
            raise forms.ValidationError(_("This phone number is not valid: give a mobile number or a landline with its area code."))
        return phone_digits(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class ClaimForm(forms.Form):
    """Adding an application filed without the account: its tracking number and secret prove it is one's own."""

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



# --- the case page's actions: each parses its POST into the arguments of one service ---------------------


class WholeNumber(forms.IntegerField):
    """A whole number, or ``default`` when left empty."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, *, default: int | None = None, **kwargs) -> None:
        self.default = default
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.default if value is None else value


class Day(forms.DateField):
    default_error_messages = {"invalid": _("Enter a valid date (YYYY-MM-DD).")}

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, input_formats=["%Y-%m-%d"], **kwargs)


def text() -> forms.CharField:
    """Free text, passed to the service as typed (the service strips and checks it)."""
    return forms.CharField(required=False, strip=False)


class ActionForm(forms.Form):
    """The input of one action on the case page. ``incomplete`` (message, field): what a form not filled in
    says, for the fields ``incomplete_fields``; any other field at fault says its own message."""

    incomplete: tuple[str, str] | None = None
    incomplete_fields: tuple[str, ...] = ()

    def __init__(self, data, *, application: Application) -> None:
        super().__init__(data)
        self.application = application

    def domain_error(self) -> DomainError:
        name = next(name for name in self.fields if name in self.errors) if set(self.errors) & set(self.fields) else None
        if self.incomplete and name in self.incomplete_fields:
            return DomainError(self.incomplete[0], field=self.incomplete[1])
        message = self.errors[name][0] if name else self.non_field_errors()[0]
        return DomainError(message, field=name)


class NoInput(ActionForm):
    pass


class ConfirmForm(ActionForm):
    received_on = Day()


class ReasonForm(ActionForm):
    reason = text()


class RouteForm(ActionForm):
    department = WholeNumber()

    def clean_department(self) -> Department:
        department = Department.objects.filter(pk=self.cleaned_data["department"] or 0, organ=self.application.organ).first()
        if department is None:
            raise forms.ValidationError(_("Choose a department."))
        return department


class AssignForm(ActionForm):
    assignee = WholeNumber()

    def clean_assignee(self):
        person = people_who_may(self.application.organ, "claim").filter(pk=self.cleaned_data["assignee"] or 0).first()
        if person is None:
            raise forms.ValidationError(_("Choose a handler."))
        return person


class TextForm(ActionForm):
    text = text()


class CorrectionRequestForm(ActionForm):
    text = text()
    respond_within_days = WholeNumber(default=10)


class CorrectedForm(ActionForm):
    text = text()
    on = Day()


class ConsultActionForm(ConsultationForm, ActionForm):
    incomplete = (_("Fill in the consultation: kind and party."), "party")
    incomplete_fields = ("kind", "party", "question")


class AnswerForm(ActionForm):
    consultation = WholeNumber()
    answer = text()
    text = text()


class ExtendForm(ActionForm):
    days = WholeNumber(default=0)
    reason = text()


class FeeForm(ActionForm):
    scheme = text()
    pages = WholeNumber()


class PaymentForm(ActionForm):
    paid_on = Day()
    reference = text()


class DraftForm(ActionForm):
    outcome = text()
    legal_basis = text()
    body = text()
    documents_provided = text()
    other_organ = text()


class SubmitReplyForm(ActionForm):
    reply = WholeNumber()
    important = forms.BooleanField(required=False)


class DecideForm(ActionForm):
    reply = WholeNumber()
    decision = text()
    comment = text()


class DeliverForm(ActionForm):
    via = text()
    delivered_on = Day()
    reference = text()


class ReleasedFileForm(ActionForm):
    needs_redaction = forms.BooleanField(required=False)


class RedactedCopyForm(ActionForm):
    released = WholeNumber()


class PickItemForm(ActionForm):
    item = text()


class RemoveReleasedForm(ActionForm):
    released = WholeNumber()
    reason = text()


class ResolveFileFindingForm(ActionForm):
    finding = WholeNumber()
    resolution = text()
    note = text()


class MergeForm(ActionForm):
    into = text()
    reason = text()

    def clean_into(self) -> Application:
        into = Application.objects.filter(tracking_number=self.cleaned_data["into"].strip()).first()
        if into is None:
            raise forms.ValidationError(_("No application has that tracking number."))
        return into


class SplitForm(ActionForm):
    parts = text()

    def clean_parts(self) -> list[dict]:
        return [{"subject": line} for line in self.cleaned_data["parts"].splitlines() if line.strip()]


class FlagsForm(ActionForm):
    petition = forms.BooleanField(required=False)
    volume = forms.BooleanField(required=False)


class AppealActionForm(AppealForm, ActionForm):
    incomplete = (_("Fill in the kind and the filing date."), "filed_on")
    incomplete_fields = ("kind", "filed_on", "case_number", "body")


class AppealDecideActionForm(AppealDecisionForm, ActionForm):
    appeal = WholeNumber()
    incomplete = (_("Fill in the result and the decision date."), "decided_on")
    incomplete_fields = ("result", "decided_on")

    field_order = ("appeal", "result", "decided_on")
