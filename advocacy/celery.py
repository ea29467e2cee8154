"""Celery app. Beat schedules are declared by each app in its registration (`AppRegistration.beat`,
advocacy/core/registry.py) and stored in the database by django-celery-beat's DatabaseScheduler, so
admins can see them.

Queues by kind (registry.QUEUES: default, rollups, mail, pulls), so the workers of each kind scale out on their
own (Procfile, docker-compose.yml) and clicks never wait behind mail. A task goes to the queue its app's
registration names for it (`AppRegistration.task_queues`: a task name or an fnmatch pattern), else to "mail"
when its registered name contains "mail" (the mail outbox's tasks, and any app's mail task by naming alone),
else to "default". Every sender (apply_async, send_task, the outbox, beat) goes through `route_task`; an explicit
`queue=` still wins. A worker started without -Q consumes every queue (`make run`'s one worker)."""

import os
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings
from kombu import Queue

from advocacy.core import registry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

app = Celery("advocacy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

MAIL_QUEUE = "mail"


def task_queue(name: str) -> str:
    """The queue of the task registered as `name`: its app's declaration, else the mail rule, else default."""
    for pattern, queue in registry.task_queue_rules():
        if fnmatchcase(name, pattern):
            return queue
    return MAIL_QUEUE if "mail" in name else registry.DEFAULT_QUEUE


def route_task(name, args, kwargs, options, task=None, **kw) -> dict:
    """Celery's router (task_routes): the queue of every task sent, by its registered name."""
    return {"queue": task_queue(name)}


app.conf.task_queues = tuple(Queue(name, routing_key=name) for name in registry.QUEUES)
app.conf.task_default_queue = registry.DEFAULT_QUEUE
app.conf.task_routes = (route_task,)


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
