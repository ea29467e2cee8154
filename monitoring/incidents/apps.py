from celery.schedules import crontab
from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
from advocacy.permissions import Role


class IncidentsConfig(AppConfig):
    """The incident response plan, incidents, their timelines and responders' notifications."""

    name = "monitoring.incidents"
    label = "monitoring_incidents"
    verbose_name = "Incidents"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration(
        # moderators, admins and HR declare and run incidents and read the plan; admins and HR edit the plan
        # (responders who hold none of these roles still open the incidents they respond to: views/common.py)
        actions={
            "monitoring.incidents": {Role.MODERATOR, Role.ADMIN, Role.HR},
            "monitoring.plan": {Role.ADMIN, Role.HR},
        },
        nav=(
            NavItem(
                "Monitoring",
                "Incidents",
                "incidents_list",
                "monitoring.incidents",
                "target",
                description="Incidents in progress, their checklists, timelines and responders.",
                position=470,
            ),
            NavItem(
                "Monitoring",
                "Response plan",
                "incidents_plan",
                "monitoring.incidents",
                "shield",
                description="Who responds, who to call, what to say and in what order when a post goes wrong.",
                position=480,
            ),
        ),
        url_prefix="monitoring/incidents/",
        urls="monitoring.incidents.urls",
        api_urls="monitoring.incidents.api_urls",
        url_kwargs="tests.monitoring_incidents.url_kwargs.MAKERS",
        beat={
            # the plan's annual review: its owner hears a month ahead, once per due date
            "incidents-plan-review-reminders": {
                "task": "monitoring.incidents.tasks.send_plan_review_reminders_all",
                "schedule": crontab(minute=10, hour=8),
            },
            # webhook deliveries whose retry message was lost, or queued while the broker was down
            "incidents-webhook-sweep": {
                "task": "monitoring.incidents.tasks.sweep_webhooks_all",
                "schedule": crontab(minute="*/5"),
            },
        },
        task_queues={"monitoring.incidents.tasks.send_plan_review_reminder": "mail"},
        seeders=("monitoring.incidents.demo.seed",),
    )

    def ready(self):
        from . import receivers

        receivers.connect()
