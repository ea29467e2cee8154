from django.apps import AppConfig

from advocacy.core.registry import AppRegistration


class IncidentsConfig(AppConfig):
    """The incident response plan, incidents, their timelines and responders' notifications."""

    name = "monitoring.incidents"
    label = "monitoring_incidents"
    verbose_name = "Incidents"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration()
