"""Celery app. Beat schedules are declared once here (BEAT_SCHEDULE) and stored in the database by
django-celery-beat's DatabaseScheduler, so admins can see them."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

app = Celery("advocacy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> {"task": ..., "schedule": seconds or crontab}; each app adds its jobs here.
BEAT_SCHEDULE: dict = {}
app.conf.beat_schedule = BEAT_SCHEDULE
