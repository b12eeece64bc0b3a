from django.apps import AppConfig


class SignoffConfig(AppConfig):
    name = "gongkai.signoff"
    label = "signoff"
