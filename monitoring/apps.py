from celery.schedules import crontab
from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem, Route
from advocacy.permissions import EVERYONE, Role

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
            # every member connects their own accounts (Connected accounts)
            "monitoring.accounts": EVERYONE,
        },
        nav=(
            NavItem(
                "Content",
                "Connected accounts",
                "monitoring_accounts",
                "monitoring.accounts",
                "share",
                description="Connect Mastodon and Bluesky so your public posts and their engagement count.",
                position=125,
            ),
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
        api_urls="monitoring.api_urls",
        url_kwargs="tests.monitoring.url_kwargs.MAKERS",
        # Mastodon's OAuth comes back here for every organization (our app on an instance is shared)
        root_routes=(
            Route(
                "monitoring/mastodon/return/", "monitoring.views.accounts.mastodon_return", "monitoring_mastodon_return"
            ),
        ),
        beat={
            # pulls: every minute one task per organization, which sends its due accounts (one task each)
            "monitoring-pull": {"task": "monitoring.tasks.pull_all", "schedule": 60.0},
            "monitoring-expiry-warnings": {
                "task": "monitoring.tasks.warn_expiring_all",
                "schedule": crontab(minute=20),
            },
            # the engagement snapshots' monthly partitions: created ahead, expired ones dropped
            "monitoring-snapshot-partitions": {
                "task": "monitoring.intake_tasks.maintain_snapshot_partitions",
                "schedule": crontab(minute=50, hour=3),
            },
        },
        task_queues={
            "monitoring.tasks.*": "pulls",
            # the beat's fan-outs are one small task per organization, like every app's (docs/scaling.md)
            "monitoring.tasks.pull_all": "default",
            "monitoring.tasks.warn_expiring_all": "default",
            "monitoring.intake_tasks.rescore": "pulls",
            "monitoring.intake_tasks.maintain_snapshot_partitions": "rollups",
        },
        # the rules first; then the demo employees' accounts on the `make run` Mastodon sandbox
        seeders=("monitoring.demo.seed_rules", "monitoring.demo_accounts.seed"),
    )

    def ready(self):
        from . import intake_tasks  # noqa: F401 - registers the intake's Celery tasks with the worker
