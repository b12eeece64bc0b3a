"""Model fields for personal data: encrypted at rest, with a blind index for lookups."""

from __future__ import annotations

from django.db import models

from gongkai.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (gongkai.core.crypto); read back as plain text.

    The stored value changes at every save (a random nonce), so the database
    can compare nothing but emptiness: every lookup other than ``isnull`` is
    refused (use the field's blind index). An empty value stays empty."""

    description = "Encrypted text"

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # FieldError: "Unsupported lookup … for EncryptedTextField"

    def get_transform(self, lookup_name):
        return None


class BlindIndexField(models.CharField):
    """HMAC-SHA256 of another field's value (``source``), kept up to date on
    every save and insert (including bulk_create); compare with
    ``crypto.blind_index(value, purpose=field.purpose)``."""

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs):
        self.source, self.purpose = source, purpose or source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["purpose"] = self.source, self.purpose
        for key, value in (("max_length", 64), ("blank", True), ("editable", False), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = crypto.blind_index(getattr(model_instance, self.source) or "", purpose=self.purpose)
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields():
    """(model, [encrypted field names]) for every installed model that has them."""
    from django.apps import apps

    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names
