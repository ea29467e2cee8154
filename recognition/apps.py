from django.apps import AppConfig

from advocacy.core.registry import AppRegistration
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
        # a point is on the boards within a minute: one awarding run per organization, every minute
        beat={"recognition-award": {"task": "recognition.tasks.award_points_all", "schedule": 60.0}},
        task_queues={"recognition.tasks.award_points": "rollups"},
        seeders=("recognition.demo.seed",),
        scale_steps=("recognition.scale.generate_points",),
    )
