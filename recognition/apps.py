from django.apps import AppConfig

from advocacy.core.registry import AppRegistration, NavItem
from advocacy.permissions import ADMIN, EVERYONE


class RecognitionConfig(AppConfig):
    name = "recognition"
    label = "recognition"
    verbose_name = "Recognition"
    default_auto_field = "django.db.models.BigAutoField"
    registration = AppRegistration(
        # everyone sees the boards and their own points and chooses how they appear; admins set the rules
        actions={
            "recognition.view": EVERYONE,
            "recognition.manage": ADMIN,
        },
        nav=(
            # a section of its own, between Policies and Administration
            NavItem(
                "Recognition",
                "Leaderboards",
                "recognition_board",
                "recognition.view",
                "star",
                description="Your points and where they place you this week, month and quarter.",
                position=300,
            ),
            NavItem(
                "Recognition",
                "Recognition settings",
                "recognition_settings",
                "recognition.manage",
                "settings",
                description="Points per action, the daily cap and whether the leaderboards show.",
                position=310,
            ),
        ),
        url_prefix="recognition/",
        urls="recognition.urls",
        # a point is on the boards within a minute: one awarding run per organization, every minute
        beat={"recognition-award": {"task": "recognition.tasks.award_points_all", "schedule": 60.0}},
        task_queues={"recognition.tasks.award_points": "rollups"},
        seeders=("recognition.demo.seed",),
        scale_steps=("recognition.scale.generate_points",),
    )
