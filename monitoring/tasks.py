"""Celery tasks of the pulls: beat -> one task per organization -> one task per account (queue "pulls"), the
organization's brand mentions, and the expiry warnings. Tasks load by id and call the pull services
(monitoring/services/pulls.py); a rate-limited account is sent again at the time the network named, a transient
failure with backoff, and nothing ever sleeps in a worker."""

import datetime

from celery import shared_task
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.jobs import enqueue, fan_out, tenant_task

from .services import notices, pulls


@shared_task(acks_late=True)
def pull_all() -> int:
    """Every minute: one task per organization."""
    return fan_out(pull_organization)


@tenant_task()
def pull_organization(*, organization) -> int:
    """The organization's due accounts, one task each (sent when the claim commits), and its mentions when due."""
    ids = pulls.accounts_claim_due(organization=organization)
    for account_id in ids:
        enqueue(pull_account, organization, account_id)
    if pulls.mentions_due(organization=organization):
        enqueue(pull_mentions, organization)
    return len(ids)


def _backoff(attempt: int) -> int:
    return 30 * 4**attempt  # 30 s, 2 min, 8 min


@tenant_task(own_transactions=True)
def pull_account(account_id: int, *, organization, attempt: int = 0, scheduled: bool = False) -> str:
    if scheduled and not _still_due(organization, account_id):
        return "skipped"  # pulled in the meantime (the beat's claim took it)
    outcome = pulls.account_pull(organization=organization, account_id=account_id, attempt=attempt)
    now = timezone.now()
    if outcome.status == "rate_limited" and outcome.retry_at and outcome.retry_at - now < pulls.PULL_INTERVAL:
        # later resets are left to the beat's claim (it honours next_pull_at): no long eta held by a worker
        pull_account.apply_async((organization.pk, account_id), {"scheduled": True}, eta=outcome.retry_at)
    elif outcome.status == "transient":
        pull_account.apply_async((organization.pk, account_id), {"attempt": attempt + 1}, countdown=_backoff(attempt))
    return outcome.status


def _still_due(organization, account_id: int) -> bool:
    from .models import ConnectedAccount

    with organization_scope(organization):
        due = ConnectedAccount.objects.filter(organization=organization, pk=account_id).values_list(
            "next_pull_at", flat=True
        )
        next_pull_at = due.first()
    return next_pull_at is None or next_pull_at <= timezone.now() + datetime.timedelta(seconds=5)


@tenant_task(own_transactions=True)
def pull_mentions(*, organization) -> str:
    with pulls.held(pulls.lock_key("monitoring.pull-mentions", organization.pk)) as mine:
        if not mine:
            return "busy"
        with organization_scope(organization):
            due = pulls.mentions_due(organization=organization)
        if not due:
            return "skipped"
        return pulls.mentions_pull(organization=organization).status


@shared_task(acks_late=True)
def warn_expiring_all() -> int:
    return fan_out(warn_expiring)


@tenant_task()
def warn_expiring(*, organization) -> int:
    return notices.expiry_warnings_send(organization=organization)
