from django.apps import AppConfig

from advocacy.core.registry import AppRegistration
from advocacy.permissions import Role

STAFF = {Role.MODERATOR, Role.ADMIN}


class MonitoringConfig(AppConfig):
    """Connected accounts, network adapters, scheduled pulls, sentiment, rules and brand mentions."""

    name = "monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration(
        # moderators and admins read members' posts and brand mentions and keep the rules; admins alone set
        # the organization's monitoring settings (brand terms, competitors, disclosure tags, lexicon)
        actions={
            "monitoring.view": STAFF,
            "monitoring.rules": STAFF,
            "monitoring.settings": {Role.ADMIN},
        },
        seeders=("monitoring.demo.seed_rules",),
    )
