from django.apps import AppConfig

from advocacy.core.registry import AppRegistration


class MonitoringConfig(AppConfig):
    """Connected accounts, network adapters, scheduled pulls, sentiment, rules and brand mentions."""

    name = "monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration()
