from django import forms
from django.contrib.auth.forms import AuthenticationForm
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


class StaffAuthenticationForm(AuthenticationForm):
    """The staff sign-in: an applicant account (``User.is_applicant``) is refused here as if the password were wrong,
    so the page says nothing about which accounts exist; applicants sign in on their own page."""

    def confirm_login_allowed(self, user):
        if getattr(user, "is_applicant", False):
            raise self.get_invalid_login_error()
        super().confirm_login_allowed(user)


class ApplicantAuthenticationForm(AuthenticationForm):
    """The applicant sign-in: only applicant accounts; a staff account is refused as if the password were wrong."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")

    def confirm_login_allowed(self, user):
        if not getattr(user, "is_applicant", False):
            raise self.get_invalid_login_error()
        super().confirm_login_allowed(user)
