"""Celery tasks of the content library: load by id, call the service."""

from celery import shared_task
from django.utils import timezone

from advocacy.tenancy.tasks import fan_out, tenant_task

from . import digest, links
from .services import content_expire_due, share_days


@shared_task(acks_late=True, ignore_result=True)
def dispatch_click_flush() -> int:
    """Beat, every few seconds: one flush task per organization with buffered clicks."""
    organization_ids = links.pending_organizations()
    for organization_id in organization_ids:
        flush_org_clicks.delay(organization_id)
    return len(organization_ids)


# Retried: the flush the outbox sends for clicks spooled while Redis was down is sent once.
@tenant_task(own_transactions=True, ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=10)
def flush_org_clicks(*, organization) -> int:
    return links.flush_clicks(organization=organization)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=20)
def forget_tracked_links(codes: list[str]) -> None:
    """Cached links a service could not drop while Redis was down (kept in the outbox), dropped now."""
    for start in range(0, len(codes), 1000):
        links.client().delete(*(links.link_key(code) for code in codes[start : start + 1000]))


@shared_task(acks_late=True, ignore_result=True)
def maintain_click_partitions() -> dict:
    """Beat, daily: the click rollup's months ahead are created, expired months dropped (DDL, for every
    organization at once: partitions are per retention class, not per organization)."""
    return links.maintain_partitions(today=timezone.now().date())


@shared_task(acks_late=True, ignore_result=True)
def maintain_share_partitions() -> dict:
    """Beat, daily: the same for the share rollup (content_library_sharedaily)."""
    return share_days.maintain_share_partitions(today=timezone.now().date())


@shared_task(acks_late=True, ignore_result=True)
def weekly_digest_all() -> int:
    return fan_out(send_weekly_digest)


@tenant_task(own_transactions=True)
def send_weekly_digest(*, organization) -> int:
    return digest.send_weekly_digest(organization=organization)


@shared_task(acks_late=True, ignore_result=True)
def expire_content_all() -> int:
    return fan_out(expire_content)


@tenant_task()
def expire_content(*, organization) -> int:
    return content_expire_due(organization=organization)
