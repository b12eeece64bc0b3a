from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "gongkai.notify"
    label = "notify"
