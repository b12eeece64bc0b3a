from django import forms
from django.utils.translation import gettext_lazy as _


class OneTimeCodeForm(forms.Form):
    token = forms.CharField(
        label=_("One-time code"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").lower()


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"), max_length=6, min_length=6, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
