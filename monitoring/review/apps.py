from celery.schedules import crontab
from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
from advocacy.permissions import EVERYONE, Role

STAFF = {Role.MODERATOR, Role.ADMIN}


class ReviewConfig(AppConfig):
    """The flagged-post review queue: review items, claims, decisions, consequences, appeals and reports."""

    name = "monitoring.review"
    label = "monitoring_review"
    verbose_name = "Review queue"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration(
        actions={
            # moderators and admins work the queue; HR reads it (items are escalated to HR) and decides appeals
            "monitoring.queue": {*STAFF, Role.HR},
            "monitoring.triage": STAFF,  # claim, release, assign, escalate
            "monitoring.decide": STAFF,
            "monitoring.appeals": {*STAFF, Role.HR},
            "monitoring.queue_settings": {Role.ADMIN},  # service levels, precision threshold, legal contact
            "monitoring.report": EVERYONE,  # report a post; see the outcome of one's reports
            "monitoring.record": EVERYONE,  # one's own record: decisions, tasks, appeals
        },
        nav=(
            NavItem(
                "Monitoring",
                "Review queue",
                "review_queue",
                "monitoring.queue",
                "inbox",
                description="Flagged and reported posts by priority and due time: claim, decide, escalate.",
                position=395,
            ),
            NavItem(
                "Monitoring",
                "Report a post",
                "review_report",
                "monitoring.report",
                "flag",
                description="Tell the moderators about a post that breaks the social media policy.",
                position=440,
            ),
            NavItem(
                "Monitoring",
                "My record",
                "review_my_record",
                "monitoring.record",
                "check",
                description="Decisions about your posts, what you were asked to do, and your reports' outcomes.",
                position=445,
            ),
        ),
        url_prefix="monitoring/",
        urls="monitoring.review.urls",
        api_urls="monitoring.review.api_urls",
        url_kwargs="tests.monitoring_review.url_kwargs.MAKERS",
        beat={
            "review-expire-consequences": {
                "task": "monitoring.review.tasks.expire_consequences_all",
                "schedule": crontab(minute=7),
            },
        },
        seeders=("monitoring.review.demo.seed",),
        scale_steps=("monitoring.review.scale.generate_items",),
    )

    def ready(self):
        from . import receivers, tasks  # noqa: F401 - tasks register with the worker

        receivers.connect()
