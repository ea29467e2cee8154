"""Logging filters named by settings.LOGGING: the log says what needs a person's attention, once.

- `ExpectedDenials` (on `django.request` and `django.server`): a 403 is the permission map doing its
  job, not an error. Its record becomes one line at INFO, without the traceback Django attaches to a
  PermissionDenied.
- `RoutineTicks` (on `celery.beat` and the worker's task loggers): a beat entry that runs more often than
  once a minute (the tracked-link click flush runs every five seconds) logs its "sending", "received"
  and "succeeded" lines at DEBUG. Its warnings and errors, and every other task, still log at INFO.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from functools import cache

from django.apps import apps

from advocacy.core.registry import beat_schedule  # imports no model: safe while settings configure logging

ROUTINE_SECONDS = 60  # a beat entry running at least this often is a routine tick


def _quiet(record: logging.LogRecord, level: int = logging.DEBUG) -> None:
    record.levelno = level
    record.levelname = logging.getLevelName(level)


class ExpectedDenials(logging.Filter):
    """A 403 logs one line at INFO, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.levelno > logging.INFO:
            _quiet(record, logging.INFO)
            record.exc_info = None
            record.exc_text = None
        return True


@cache
def routine_tasks() -> frozenset[str]:
    """Task names of the beat entries that run at least once a minute (from every app's registration; the
    apps are loaded once a task is logged)."""
    names = set()
    for entry in beat_schedule().values():
        schedule = entry.get("schedule")
        seconds = schedule.total_seconds() if isinstance(schedule, timedelta) else schedule
        if isinstance(seconds, int | float) and seconds < ROUTINE_SECONDS:
            names.add(entry["task"])
    return frozenset(names)


def _task_name(record: logging.LogRecord) -> str | None:
    args = record.args
    if isinstance(args, Mapping):  # the worker: "Task %(name)s[%(id)s] received / succeeded in ..."
        return args.get("name")
    if isinstance(args, tuple) and len(args) == 2 and isinstance(args[1], str):  # beat: "Sending due task %s (%s)"
        return args[1]
    return None


class RoutineTicks(logging.Filter):
    """A routine beat tick logs at DEBUG: hidden at INFO, there when someone asks for DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        if not apps.ready:
            return True
        if _task_name(record) in routine_tasks():
            _quiet(record)
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True
