from celery.schedules import crontab
from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
from advocacy.permissions import ADMIN, EVERYONE, Role

COMPLIANCE_ROLES = {Role.HR, Role.ADMIN}
MODERATION_ROLES = {Role.MODERATOR, Role.ADMIN}


class AnalyticsConfig(AppConfig):
    """Engagement dashboards, compliance and moderation figures, exports and the weekly summary."""

    name = "analytics"
    label = "analytics"
    verbose_name = "Analytics"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration(
        # admins see the whole dashboard and set its prices; HR the compliance part; everyone their own impact
        actions={
            "analytics.view": ADMIN,
            "analytics.compliance": COMPLIANCE_ROLES,
            "analytics.moderation": MODERATION_ROLES,
            "analytics.export": {Role.HR, Role.MODERATOR, Role.ADMIN},
            "analytics.settings": ADMIN,
            "analytics.impact": EVERYONE,
        },
        nav=(
            NavItem(
                "Analytics",
                "Dashboard",
                "analytics_dashboard",
                "analytics.view",
                "chart",
                description="What the program achieves, where it is weak and what is at risk, with exports.",
                position=800,
            ),
            NavItem(
                "Analytics",
                "Compliance",
                "analytics_compliance",
                "analytics.compliance",
                "check",
                description="Policy acknowledgements by policy and team, overdue people, training completion.",
                position=810,
            ),
            NavItem(
                "Analytics",
                "Moderation",
                "analytics_moderation",
                "analytics.moderation",
                "flag",
                description="Flags raised and decided, time to decision, what is overdue and each rule's precision.",
                position=815,
            ),
            NavItem(
                "Analytics",
                "My impact",
                "analytics_impact",
                "analytics.impact",
                "star",
                description="Your shares, clicks, engagement and points over time, and your rank.",
                position=820,
            ),
            NavItem(
                "Analytics",
                "Analytics settings",
                "analytics_settings",
                "analytics.settings",
                "settings",
                description="The cost per thousand impressions and per click that earned media value uses.",
                position=830,
            ),
        ),
        url_prefix="analytics/",
        urls="analytics.urls",
        api_urls="analytics.api_urls",
        beat={
            # the rollups are current within a minute: one incremental run per organization
            "analytics-rollups": {"task": "analytics.tasks.rollup_refresh_all", "schedule": 60.0},
            "analytics-partitions": {
                "task": "analytics.tasks.maintain_rollup_partitions",
                "schedule": crontab(minute=20, hour=2),
            },
            "analytics-weekly-summary": {
                "task": "analytics.tasks.weekly_summary_all",
                "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
            },
        },
        task_queues={
            "analytics.tasks.rollup_refresh": "rollups",
            "analytics.tasks.rollup_refresh_all": "rollups",
            "analytics.tasks.maintain_rollup_partitions": "rollups",
            "analytics.tasks.weekly_summary": "mail",
        },
        seeders=("analytics.demo.seed",),
        scale_steps=("analytics.scale.generate_rollups",),
    )
