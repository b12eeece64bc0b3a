"""Forms of the catalogue's workspace pages. They only shape input: every
rule is checked by ``services.check_data`` and the services themselves, whose
DomainErrors are shown on the field they name."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue import services
from gongkai.catalogue.models import (
    Category,
    Disclosure,
    InterpretationKind,
    Item,
    ItemState,
    Scope,
    Topic,
    Validity,
    WithholdingReason,
)
from gongkai.catalogue.services.rules import MISSING, TITLE_LIMIT, TITLE_TOO_LONG
from gongkai.core.errors import DomainError
from gongkai.core.richtext import RichTextarea
from gongkai.core.uploads import CATALOGUE_ATTACHMENT, max_bytes_for
from gongkai.organs.models import Department, Organ
from gongkai.sensitive.models import FindingStatus
from gongkai.signoff.models import Decision


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"　{obj.name}" if obj.parent_id else obj.name


class PolicyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        # Titles repeat across organs and years: say whose, which number and when.
        parts = [obj.organ.display_name, obj.document_number, obj.date_formed.isoformat()]
        if obj.state != ItemState.PUBLISHED:
            parts.append(str(ItemState(obj.state).label))
        return f"{obj.title}（{' · '.join(p for p in parts if p)}）"


class ItemForm(forms.Form):
    # the fields' own checks speak with the catalogue's rules (services.rules), as the API and the importer do
    title = forms.CharField(label=_("title"), max_length=TITLE_LIMIT,
                            error_messages={"required": MISSING["title"], "max_length": TITLE_TOO_LONG})
    document_number = forms.CharField(label=_("document number (发文字号)"), max_length=100, required=False,
                                      help_text=_("e.g. 某政办发〔2026〕12号"))
    date_formed = forms.DateField(label=_("date formed (成文日期)"), widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"required": MISSING["date_formed"]})
    topic = TopicChoiceField(label=_("topic (主题分类)"), queryset=Topic.objects.none(), error_messages={"required": MISSING["topic"]})
    category = forms.ModelChoiceField(label=_("category (信息类别)"), queryset=Category.objects.none(),
                                      error_messages={"required": MISSING["category"]})
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none(), required=False)
    keywords = forms.CharField(label=_("keywords"), max_length=200, required=False, help_text=_("Separate with spaces."))
    summary = forms.CharField(label=_("summary"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label=_("body"), required=False, widget=RichTextarea(attrs={"rows": 14}),
        help_text=_(
            "Use the toolbar for headings, bold, lists, quotes and links; put files in the attachments below. "
            "Where no toolbar is shown, HTML may be typed. Scripts and styles are removed on saving."
        ),
    )
    disclosure = forms.ChoiceField(label=_("disclosure attribute"), choices=Disclosure.choices, widget=forms.RadioSelect,
                                   initial=Disclosure.ACTIVE)
    withholding_reason = forms.ModelChoiceField(
        label=_("legal reason"), queryset=WithholdingReason.objects.none(), required=False,
        help_text=_("Needed for 依申请公开 and 不予公开."),
    )
    withholding_note = forms.CharField(label=_("reason in detail"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    disclosure_channels = forms.CharField(label=_("disclosure method"), max_length=100, initial="政府网站")
    scope = forms.ChoiceField(label=_("disclosure scope"), choices=Scope.choices, initial=Scope.PUBLIC)
    validity = forms.ChoiceField(label=_("validity"), choices=Validity.choices, initial=Validity.IN_FORCE)
    validity_changed_on = forms.DateField(label=_("repealed or expired on"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}))
    validity_note = forms.CharField(label=_("explanation of repeal or expiry"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    important = forms.BooleanField(label=_("important matter (needs the principal leader)"), required=False)
    on_portal = forms.BooleanField(label=_("also publish in the government portal's column"), required=False, initial=True)
    interpretation_kind = forms.ChoiceField(
        label=_("interpretation form"), required=False, choices=[("", "—")] + list(InterpretationKind.choices),
        help_text=_("Only for items of the 政策解读 category."),
    )
    video_url = forms.URLField(label=_("video link"), required=False, assume_scheme="https")
    interprets = PolicyChoiceField(
        label=_("interprets these policy documents"), queryset=Item.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    attachments = MultipleFileField(
        label=_("add attachments"), required=False,
        help_text=_("PDF, Word (DOCX), Excel (XLSX), OFD or images; checked by content."),
    )

    def __init__(self, *args, organ: Organ, item: Item | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organ = organ
        self.item = item
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True).select_related("parent").order_by(
            "code"
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["department"].queryset = organ.departments.filter(is_active=True)
        self.fields["withholding_reason"].queryset = WithholdingReason.objects.filter(is_active=True)
        # Policies of this organ, and published ones of the organs above it (the rule is in the services).
        policies = services.interpretable_policies(organ).select_related("organ")
        if item is not None:
            policies = policies.exclude(pk=item.pk)
        self.fields["interprets"].queryset = policies.order_by("-date_formed")
        self.fields["attachments"].help_text = _(
            "PDF, Word (DOCX), Excel (XLSX), OFD or images, at most %(limit)s each; checked by content, not by name."
        ) % {"limit": filesizeformat(max_bytes_for(CATALOGUE_ATTACHMENT))}

    def content(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "attachments"}

    def clean(self):
        cleaned = super().clean()
        # Check the rules across fields even when some fields are already wrong,
        # so the clerk sees every problem at once (but each field's first error only).
        try:
            data = {**services.DEFAULTS, **services.normalize(self.content())}
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return cleaned
        for field, message in services.check_data(self.organ, data, item=self.item).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when returning: say what must change."))
    content_hash = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.RETURN and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what must change when returning it."))
        return cleaned


class ResolveFindingForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("resolution"),
        choices=[(FindingStatus.FALSE_POSITIVE, FindingStatus.FALSE_POSITIVE.label), (FindingStatus.REDACTION, FindingStatus.REDACTION.label)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Why it is harmless, or what the author must remove."))


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label=_("validity"), choices=Validity.choices)
    on = forms.DateField(label=_("effective date"), widget=forms.DateInput(attrs={"type": "date"}))
    explanation = forms.CharField(label=_("explanation"), widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("The public sees this explanation on the item."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note for the reviewers"), required=False, max_length=300)
