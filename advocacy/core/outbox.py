"""The outbox: work for Celery is kept in PostgreSQL until the broker has it.

`send_on_commit(task, args, kwargs)` writes one row in the current transaction and, once that commits,
publishes the task and deletes the row. When the broker (Redis) is down or hung, publishing gives up
within a second (settings: CELERY_BROKER_TRANSPORT_OPTIONS, no publish retry) and the row stays; the
request that asked for the work answers as usual. `dispatch()` (the beat task `outbox_dispatch`, every
few seconds) publishes the rows left behind, oldest first, once the broker answers again. A row is
deleted only after the broker accepted its task, so nothing is lost; a process killed between the two
may publish a task twice, which tasks tolerate (they are idempotent, DESIGN "Background work").

With CELERY_TASK_ALWAYS_EAGER (tests, some development runs) there is no broker: the task runs on commit
as before and no row is written.
"""

from __future__ import annotations

import json
import logging
import time

from celery import current_app
from django.apps import apps
from django.db import connection, transaction

log = logging.getLogger(__name__)

DISPATCH_BATCH = 100
# After the broker refused a task, this process leaves the next ones to the dispatcher for a moment
# (a request does not wait for a broker known to be down).
PAUSE_SECONDS = 1.0
_paused_until = 0.0


def _rows():
    """The outbox's model, looked up when used: this module is imported by the cache contract, which the
    tenant model base imports, which the core's models import (app loading)."""
    return apps.get_model("core", "Outbox")


def _task(task):
    if not isinstance(task, str):
        return task
    if task not in current_app.tasks:  # as a worker does when it starts: load every app's tasks
        current_app.loader.import_default_modules()
    return current_app.tasks.get(task)


def _publish(name: str, args, kwargs) -> None:
    task = _task(name)
    if task is not None:
        task.apply_async(args=list(args), kwargs=dict(kwargs))
    else:  # not known in this process: the broker knows it by name
        ignore_result = current_app.conf.task_ignore_result
        current_app.send_task(name, args=list(args), kwargs=dict(kwargs), ignore_result=ignore_result)


def send_on_commit(task, args=(), kwargs=None, *, dedupe_key: str | None = None) -> None:
    """Publish `task` (a task or its registered name) with `args`/`kwargs` once the current transaction
    commits; kept in the outbox until the broker has it. `dedupe_key`: at most one waiting row per key
    (a second request while one waits is the same work)."""
    kwargs = dict(kwargs or {})
    name = task if isinstance(task, str) else task.name
    if current_app.conf.task_always_eager:
        transaction.on_commit(lambda: _task(task).apply_async(args=list(args), kwargs=kwargs))
        return
    if dedupe_key is not None:
        keep(name, args, kwargs, dedupe_key=dedupe_key)
        return
    row = _rows().objects.create(task=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _send_now(row.pk, name, args, kwargs), robust=True)


def keep(name: str, args, kwargs, *, dedupe_key: str) -> None:
    """A row the dispatcher publishes (no attempt now): one per `dedupe_key`. A row being published right
    now (locked by the dispatcher) is waited for, then a new one is written: work asked for while the
    task was on its way is never taken as already sent."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_outbox (task, args, kwargs, dedupe_key, created_at, attempts, last_error) "
            "VALUES (%s, %s::jsonb, %s::jsonb, %s, now(), 0, '') "
            "ON CONFLICT (dedupe_key) DO UPDATE SET created_at = core_outbox.created_at",
            [name, json.dumps(list(args)), json.dumps(kwargs), dedupe_key],
        )


def _send_now(pk: int, name: str, args, kwargs) -> None:
    global _paused_until
    if _paused_until and time.monotonic() < _paused_until:
        log.warning("task %s kept in the outbox (#%s): the broker was down a moment ago", name, pk)
        return
    try:
        _publish(name, args, kwargs)
    except Exception as exc:  # noqa: BLE001 - the broker is down or hung: the row stays for the dispatcher
        _paused_until = time.monotonic() + PAUSE_SECONDS
        log.warning("task %s kept in the outbox (#%s): the broker did not take it (%s)", name, pk, type(exc).__name__)
        return
    _paused_until = 0.0
    _rows().objects.filter(pk=pk).delete()


def dispatch(*, limit: int = 10_000) -> int:
    """Publish what the outbox holds, oldest first; returns how many were sent. Stops at the first task the
    broker refuses (it is down: the next run tries again). Safe to run concurrently (rows are locked and
    skipped)."""
    sent = 0
    while sent < limit:
        with transaction.atomic():
            rows = list(_rows().objects.select_for_update(skip_locked=True).order_by("pk")[:DISPATCH_BATCH])
            if not rows:
                return sent
            done = []
            failed = None
            for row in rows:
                try:
                    _publish(row.task, row.args, row.kwargs)
                except Exception as exc:  # noqa: BLE001
                    failed = (row, exc)
                    break
                done.append(row.pk)
            _rows().objects.filter(pk__in=done).delete()
            sent += len(done)
            if failed is not None:
                row, exc = failed
                _rows().objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=repr(exc)[:300])
                log.warning("outbox: the broker refused %s (%s); %d sent this run", row.task, exc, sent)
                return sent
    return sent


def waiting() -> int:
    return _rows().objects.count()
