from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import DomainError
from gongkai.core.uploads import REPORT_FIGURES, REPORT_IMPORT, check_size
from gongkai.reports import structure
from gongkai.reports.services import parse_figure
from gongkai.signoff.models import Decision


class FiguresForm(forms.Form):
    """Table 二 figures the platform does not hold. Blank means 'not reported' (not 0)."""

    licensing = forms.CharField(label=_("Administrative licensing decisions (行政许可)"), required=False, max_length=20)
    penalty = forms.CharField(label=_("Administrative penalty decisions (行政处罚)"), required=False, max_length=20)
    enforcement = forms.CharField(label=_("Administrative enforcement decisions (行政强制)"), required=False, max_length=20)
    fees = forms.CharField(
        label=_("Administrative fees collected, in 万元 (行政事业性收费)"),
        required=False,
        max_length=24,
        help_text=_("At most 4 decimals. Leave blank if not reported; enter 0 for none."),
    )
    note = forms.CharField(label=_("Where the figures come from"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        for code in structure.MANUAL_FIGURES:
            try:
                cleaned[f"{code}_value"] = parse_figure(code, cleaned.get(code))
            except DomainError as error:
                self.add_error(code, str(error.message))
        return cleaned


def _file_within(form, purpose: str):
    """The uploaded file, refused before it is read when it is over its purpose's size limit."""
    upload = form.cleaned_data.get("file")
    if upload:
        try:
            check_size(upload, purpose=purpose, field="file")
        except DomainError as error:
            raise forms.ValidationError(str(error.message)) from None
    return upload


class SpreadsheetForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))

    def clean_file(self):
        return _file_within(self, REPORT_FIGURES)


class TextsForm(forms.Form):
    overview = forms.CharField(label="一、总体情况", widget=forms.Textarea(attrs={"rows": 10}), required=False, max_length=50000)
    problems = forms.CharField(label="五、存在的主要问题及改进情况", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=50000)
    other_matters = forms.CharField(label="六、其他需要报告的事项", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=50000)


class OverrideForm(forms.Form):
    reason = forms.CharField(label=_("Written reason for publishing despite failing checks"), widget=forms.Textarea(attrs={"rows": 3}), min_length=10, max_length=2000)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


def year_choices():
    this_year = datetime.date.today().year
    return [(y, str(y)) for y in range(this_year, 2018, -1)]


class ImportForm(forms.Form):
    organ = forms.ModelChoiceField(label=_("Organ"), queryset=None)
    year = forms.TypedChoiceField(label=_("Year reported on"), coerce=int, choices=year_choices)
    file = forms.FileField(label=_("Published report (HTML page or DOCX)"), required=False)
    html = forms.CharField(label=_("…or paste the HTML of the page"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    source = forms.CharField(label=_("Where it was published (address)"), required=False, max_length=400)

    def __init__(self, *args, organs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organ"].queryset = organs

    def clean_file(self):
        return _file_within(self, REPORT_IMPORT)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not (cleaned.get("html") or "").strip():
            raise forms.ValidationError(_("Upload the report file or paste the HTML of the page."))
        return cleaned


class PublicCheckForm(forms.Form):
    """Anyone may have a published report read and checked; nothing is stored."""

    file = forms.FileField(label=_("Published report (HTML page or DOCX)"), required=False)
    html = forms.CharField(label=_("…or paste the HTML of the page"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2_000_000)

    def clean_file(self):
        return _file_within(self, REPORT_IMPORT)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not (cleaned.get("html") or "").strip():
            raise forms.ValidationError(_("Upload the report file or paste the HTML of the page."))
        return cleaned
