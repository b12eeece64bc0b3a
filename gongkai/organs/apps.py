from django.apps import AppConfig


class OrgansConfig(AppConfig):
    name = "gongkai.organs"
    label = "organs"
