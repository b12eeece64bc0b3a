"""The contact-details fields every form that asks how to reach someone shares (core.forms.ContactDetailsForm)."""

from django import forms

from gongkai.core.forms import ContactDetailsForm


class Short(ContactDetailsForm):
    contact_max_length = {"phone": 20, "email": 100}
    name = forms.CharField(required=False)
    field_order = ["name", "phone", "email"]


def test_the_fields_are_optional_and_as_long_as_the_form_says():
    form = Short({"phone": "1" * 20, "email": ""})
    assert form.is_valid()
    assert 'maxlength="20"' in str(form["phone"]) and 'maxlength="100"' in str(form["email"])
    assert 'maxlength="254"' in str(ContactDetailsForm()["email"])


def test_a_value_longer_than_the_form_allows_is_refused_on_its_field():
    form = Short({"phone": "1" * 21, "email": "a" * 101})
    assert not form.is_valid()
    assert set(form.errors) == {"phone", "email"}


def test_a_form_puts_the_fields_where_it_lists_them():
    assert list(Short().fields) == ["name", "phone", "email"]
