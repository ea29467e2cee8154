"""Celery tasks of the core: the outbox's dispatcher, the cache contract's re-applied invalidations, and the
mail outbox's sender and sweeps (advocacy.core.mail; their names contain "mail": they go to the mail queue)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import mail
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


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def send_outgoing_mail(self, organization_id: int, mail_ids: list[int] | None = None, due_before: str | None = None):
    """Send an organization's queued mail: the rows `mail_ids`, or (from the sweep) those due before
    `due_before`. What the server could not take is tried again after a backoff (a retry of this task; the
    sweep sends it if that retry is lost with its worker). Idempotent: a row is sent under its lock and marked
    sent in the same transaction, so a second delivery of this task finds nothing to send."""
    result = mail.deliver(
        organization_id=organization_id, ids=mail_ids, due_before=parse_datetime(due_before) if due_before else None
    )
    if result.deferred and not self.request.is_eager:  # eager: no broker to wait on; the sweep sends them
        raise self.retry(args=[organization_id, result.deferred], kwargs={}, countdown=result.retry_in)
    return len(result.sent)


@shared_task(acks_late=True, ignore_result=True)
def sweep_outgoing_mail(grace_seconds: float | None = None) -> int:
    """Beat, every minute: one send task per organization with mail more than `grace_seconds` (default two
    minutes) past its attempt: queued by a process that died before sending it, or whose retry was lost."""
    grace = mail.SWEEP_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
    due_before = timezone.now() - grace
    organization_ids = mail.organizations_with_mail(due_before=due_before)
    for organization_id in organization_ids:
        send_outgoing_mail.delay(organization_id, None, due_before.isoformat())
    return len(organization_ids)


@shared_task(acks_late=True, ignore_result=True)
def purge_outgoing_mail() -> int:
    """Beat, daily: one task per organization with sent or failed mail older than 30 days."""
    before = timezone.now() - mail.KEEP_FOR
    organization_ids = mail.organizations_with_mail(due_before=None, purge_before=before)
    for organization_id in organization_ids:
        purge_organization_mail.delay(organization_id, before.isoformat())
    return len(organization_ids)


@shared_task(acks_late=True, ignore_result=True)
def purge_organization_mail(organization_id: int, before: str) -> int:
    return mail.purge(organization_id=organization_id, before=parse_datetime(before))
