from django import forms
from django.utils.translation import pgettext_lazy


class HolidayFileForm(forms.Form):
    file = forms.FileField(
        label=pgettext_lazy("calendar", "holiday-cn year file (JSON)"),
        required=False,
        help_text=pgettext_lazy("calendar", "The file {year}.json of the NateScarlet/holiday-cn data set, made from the State Council notice."),
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=pgettext_lazy("calendar", "Reason"), max_length=300, required=False, help_text=pgettext_lazy("calendar", "E.g. the State Council notice and its date."),
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )


class DayForm(forms.Form):
    date = forms.DateField(label=pgettext_lazy("calendar", "Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working = forms.TypedChoiceField(
        label=pgettext_lazy("calendar", "The day is"),
        choices=[("1", pgettext_lazy("calendar", "a working day")), ("0", pgettext_lazy("calendar", "a day off"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=pgettext_lazy("calendar", "Name"), max_length=60, required=False, help_text=pgettext_lazy("calendar", "E.g. 春节 or 国庆节调休."))
    reason = forms.CharField(label=pgettext_lazy("calendar", "Reason"), max_length=300)
