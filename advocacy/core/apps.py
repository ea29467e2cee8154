from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "advocacy.core"
    label = "core"
