from django.apps import AppConfig


class WebhealthConfig(AppConfig):
    name = "gongkai.webhealth"
    verbose_name = "网站健康"
