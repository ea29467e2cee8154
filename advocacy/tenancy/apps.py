from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "advocacy.tenancy"
    label = "tenancy"

    def ready(self):
        from .caching import connect_signals

        connect_signals()
