from celery.schedules import crontab
from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
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
        nav=(
            NavItem(
                "Monitoring",
                "Members' posts",
                "monitoring_posts",
                "monitoring.view",
                "chart",
                description="What members posted on their connected accounts, with engagement and matched rules.",
                position=400,
            ),
            NavItem(
                "Monitoring",
                "Brand mentions",
                "monitoring_mentions",
                "monitoring.view",
                "hash",
                description="What people outside the organization say about it, and the sentiment trend.",
                position=410,
            ),
            NavItem(
                "Monitoring",
                "Rules",
                "monitoring_rules",
                "monitoring.view",
                "flag",
                description="Phrases, hashtags, domains and expressions posts are checked against, with a test box.",
                position=420,
            ),
            NavItem(
                "Monitoring",
                "Monitoring settings",
                "monitoring_settings",
                "monitoring.settings",
                "settings",
                description="Brand terms, hashtags, competitors, disclosure tags and the sentiment lexicon.",
                position=430,
            ),
        ),
        url_prefix="monitoring/",
        urls="monitoring.urls",
        url_kwargs="tests.monitoring.url_kwargs.MAKERS",
        beat={
            # the engagement snapshots' monthly partitions: created ahead, expired ones dropped
            "monitoring-snapshot-partitions": {
                "task": "monitoring.intake_tasks.maintain_snapshot_partitions",
                "schedule": crontab(minute=50, hour=3),
            },
        },
        task_queues={
            "monitoring.intake_tasks.rescore": "pulls",
            "monitoring.intake_tasks.maintain_snapshot_partitions": "rollups",
        },
        seeders=("monitoring.demo.seed_rules",),
    )

    def ready(self):
        from . import intake_tasks  # noqa: F401 - registers the intake's Celery tasks with the worker
