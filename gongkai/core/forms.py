"""Form parts shared by the subjects' forms. Forms only parse and render; the rules live in the services."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class ContactDetailsForm(forms.Form):
    """The phone number and e-mail address a person gives to be reached (an application, a message), both optional
    here: what makes one valid is ``core.contacts``, checked by the service, which names the field at fault.
    ``contact_max_length`` is as long as each may be where the form's records keep it. A form listing its own fields
    around these two puts them in place with ``field_order``."""

    contact_max_length: ClassVar[dict[str, int]] = {"phone": 40, "email": 254}

    phone = forms.CharField(label=_("Phone"), required=False)
    email = forms.CharField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, limit in self.contact_max_length.items():
            field = cast(forms.CharField, self.fields[name])
            field.max_length = limit
            field.validators.insert(0, MaxLengthValidator(limit))
            field.widget.attrs.update(field.widget_attrs(field.widget))
