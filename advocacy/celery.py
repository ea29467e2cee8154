"""Celery app. Beat schedules are declared by each app in its registration (`AppRegistration.beat`,
advocacy/core/registry.py) and stored in the database by django-celery-beat's DatabaseScheduler, so
admins can see them."""

import os
from collections.abc import Iterator, Mapping
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings

from advocacy.core import registry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

app = Celery("advocacy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Worker and beat log through settings.LOGGING (one handler, the quiet routine ticks), not Celery's own."""
    dictConfig(settings.LOGGING)


class BeatSchedule(Mapping):
    """name -> {"task": ..., "schedule": ...} of every installed app. This module is imported with the
    settings, before the apps are loaded; the entries are collected when beat first reads them."""

    def __getitem__(self, name: str) -> dict:
        return registry.beat_schedule()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(registry.beat_schedule())

    def __len__(self) -> int:
        return len(registry.beat_schedule())


app.conf.beat_schedule = BeatSchedule()
