"""Celery tasks of the core: the outbox's dispatcher and the cache contract's re-applied invalidations."""

import logging

from celery import shared_task

from .cache import renew_generations
from .cache_backend import REDIS_ERRORS, delete_keys
from .outbox import dispatch

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def outbox_dispatch() -> int:
    """Beat, every few seconds: publish the tasks the outbox kept while the broker was down."""
    return dispatch()


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def cache_renew_generations(self, keys: list[str]) -> None:
    """Generations a write could not replace while Redis was down, replaced now (advocacy.core.cache)."""
    try:
        renew_generations(keys)
    except REDIS_ERRORS as exc:
        if self.request.is_eager:  # no broker to retry through: the writing process still holds them
            log.warning("cache generations not renewed (%s); this process renews them before its next read", exc)
            return
        raise self.retry(exc=exc, countdown=min(60, 2 ** min(self.request.retries, 6))) from exc


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def cache_delete_keys(self, keys: list[str]) -> None:
    """Session cache keys a sign-out or a save could not delete while Redis was down, deleted now
    (advocacy.accounts.sessions)."""
    try:
        delete_keys(keys)
    except REDIS_ERRORS as exc:
        if self.request.is_eager:
            log.warning("session cache keys not deleted (%s); this process deletes them before reading them", exc)
            return
        raise self.retry(exc=exc, countdown=min(60, 2 ** min(self.request.retries, 6))) from exc
