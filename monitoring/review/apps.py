from django.apps import AppConfig

from advocacy.core.registry import AppRegistration


class ReviewConfig(AppConfig):
    """The flagged-post review queue: review items, claims, decisions, consequences, appeals and reports."""

    name = "monitoring.review"
    label = "monitoring_review"
    verbose_name = "Review queue"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration()
