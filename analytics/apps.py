from django.apps import AppConfig

from advocacy.core.registry import AppRegistration


class AnalyticsConfig(AppConfig):
    """Engagement dashboards, compliance and moderation figures, exports and the weekly summary."""

    name = "analytics"
    label = "analytics"
    verbose_name = "Analytics"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration()
