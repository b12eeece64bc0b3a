from django import forms
from django.utils.translation import gettext_lazy as _


class HolidayFileForm(forms.Form):
    file = forms.FileField(
        label=_("holiday-cn year file (JSON)"),
        required=False,
        help_text=_("The file {year}.json of the NateScarlet/holiday-cn data set, made from the State Council notice."),
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False, help_text=_("E.g. the State Council notice and its date."))


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("1", _("a working day")), ("0", _("a day off"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=_("Name"), max_length=60, required=False, help_text=_("E.g. 春节 or 国庆节调休."))
    reason = forms.CharField(label=_("Reason"), max_length=300)
