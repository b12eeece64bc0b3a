from django.apps import AppConfig


class SensitiveConfig(AppConfig):
    name = "gongkai.sensitive"
    label = "sensitive"
