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
            "recognition.participate": EVERYONE,  # give kudos, request a reward, submit a story
            "recognition.manage": ADMIN,  # points, badges, rewards, approvals, milestones, reported kudos
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
                "Kudos wall",
                "recognition_wall",
                "recognition.view",
                "users",
                description="Thank a colleague, and see who was thanked for what.",
                position=302,
            ),
            NavItem(
                "Recognition",
                "Wins",
                "recognition_wins",
                "recognition.view",
                "target",
                description="Success stories and the milestones we reached together.",
                position=304,
            ),
            NavItem(
                "Recognition",
                "Rewards",
                "recognition_rewards",
                "recognition.view",
                "check",
                description="What your points can be spent on.",
                position=306,
            ),
            NavItem(
                "Recognition",
                "Badges",
                "recognition_badges",
                "recognition.manage",
                "star",
                description="Badges members earn, your own badges, and giving one by hand.",
                position=308,
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
        api_urls="recognition.api_urls",
        # a point is on the boards within a minute: one awarding run per organization, every minute
        beat={"recognition-award": {"task": "recognition.tasks.award_points_all", "schedule": 60.0}},
        task_queues={"recognition.tasks.award_points": "rollups"},
        seeders=("recognition.demo.seed",),
        url_kwargs="tests.recognition.url_kwargs.MAKERS",
        scale_steps=("recognition.scale.generate_points",),
    )

    def ready(self):
        # the weekly digest (content_library) announces new badges: a section it calls, registered by name
        from content_library import digest

        digest.register_section("recognition.digest.badges_section")
