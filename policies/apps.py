from celery.schedules import crontab
from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
from advocacy.permissions import EVERYONE, Role

HR = frozenset({Role.HR})


class PoliciesConfig(AppConfig):
    name = "policies"
    label = "policies"
    verbose_name = "Policies"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration(
        # HR writes, reviews and publishes; admins review and follow the tracking; everyone reads and acknowledges
        actions={
            "policies.view": EVERYONE,
            "policies.author": HR,
            # an admin may review too, so an organization with a single HR member can still have drafts approved
            "policies.review": {Role.HR, Role.ADMIN},
            "policies.publish": HR,
            "policies.track": {Role.HR, Role.ADMIN},
            "policies.remind": HR,
            "policies.answer": HR,
            "policies.settings": {Role.HR, Role.ADMIN},
            # training (issue #15): HR writes courses, assigns them, schedules workshops and check-ins; admins
            # follow completion too
            "policies.train": HR,
            "policies.train_report": {Role.HR, Role.ADMIN},
        },
        nav=(
            NavItem(
                "Policies",
                "Policies",
                "policies_list",
                "policies.view",
                "file",
                description="Read the policies that apply to you and acknowledge them.",
                position=200,
            ),
            NavItem(
                "Policies",
                "Questions",
                "policies_questions",
                "policies.answer",
                "help",
                description="Questions and feedback from employees, waiting for an answer.",
                position=210,
            ),
            NavItem(
                "Policies",
                "Policy settings",
                "policies_settings",
                "policies.settings",
                "settings",
                description="Sharing gate, reminders and review rules for policies.",
                position=220,
            ),
            NavItem(
                "Policies",
                "Training",
                "policies_training",
                "policies.view",
                "book",
                description="Your courses, workshops to sign up for and check-ins to answer.",
                position=205,
            ),
            NavItem(
                "Policies",
                "Training admin",
                "policies_training_admin",
                "policies.train",
                "chart",
                description="Write and assign courses, follow completion, schedule workshops and check-ins.",
                position=215,
            ),
        ),
        url_prefix="policies/",
        urls="policies.urls",
        api_urls="policies.api_urls",
        # pending acknowledgements and due reviews, daily (a second run in the same interval sends nothing)
        beat={
            "policies-reminders": {
                "task": "policies.tasks.send_policy_reminders_all",
                "schedule": crontab(minute=30, hour=7),
            },
            # owners of policies whose review is due within two weeks, once per review date
            "policies-review-reminders": {
                "task": "policies.tasks.send_review_reminders_all",
                "schedule": crontab(minute=40, hour=7),
            },
            # training: new members' courses, refreshers, reminders before and after due dates, workshop reminders
            "policies-training": {
                "task": "policies.tasks.run_training_all",
                "schedule": crontab(minute=50, hour=7),
            },
        },
        # Celery queues (advocacy/celery.py): reminders are mail; the daily fan-out goes to the default queue
        task_queues={
            "policies.tasks.send_policy_reminders": "mail",
            "policies.tasks.send_publish_reminders": "mail",
            "policies.tasks.send_team_reminder": "mail",
            "policies.tasks.send_review_reminders": "mail",
            "policies.tasks.run_training": "mail",
        },
        seeders=("policies.demo.seed", "policies.training_demo.seed"),
        scale_steps=(
            "policies.scale.generate_policy_acknowledgements",
            "policies.training_scale.generate_course_completions",
        ),
        url_kwargs="tests.policies.url_kwargs.MAKERS",
    )
