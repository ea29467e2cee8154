from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "advocacy.tenancy"
    label = "tenancy"
