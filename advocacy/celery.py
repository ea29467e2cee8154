"""Celery app. Beat schedules are declared once here (BEAT_SCHEDULE) and stored in the database by
django-celery-beat's DatabaseScheduler, so admins can see them."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

app = Celery("advocacy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> {"task": ..., "schedule": seconds or crontab}; each app adds its jobs here.
BEAT_SCHEDULE: dict = {}

# content library: buffered tracked-link clicks -> PostgreSQL rollups; the weekly digest; expiry
BEAT_SCHEDULE["content-flush-clicks"] = {"task": "content_library.tasks.dispatch_click_flush", "schedule": 5.0}
BEAT_SCHEDULE["content-weekly-digest"] = {
    "task": "content_library.tasks.weekly_digest_all",
    "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
}
BEAT_SCHEDULE["content-expire"] = {"task": "content_library.tasks.expire_content_all", "schedule": crontab(minute=15)}
# policies: pending acknowledgements and due reviews, daily (a second run in the same interval sends nothing)
BEAT_SCHEDULE["policies-reminders"] = {
    "task": "policies.tasks.send_policy_reminders_all",
    "schedule": crontab(minute=30, hour=7),
}
app.conf.beat_schedule = BEAT_SCHEDULE
