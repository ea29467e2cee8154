"""Celery tasks of the intake (imported by MonitoringConfig.ready, so workers register them): rescoring after a
lexicon change, and the engagement snapshots' monthly partitions."""

from celery import shared_task
from django.db import connection
from django.utils import timezone

from advocacy.core.partitioning import RetainedTable, drop_expired_partitions, ensure_partitions
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.jobs import tenant_task

from .services.rescoring import mentions_rescore_batch, posts_rescore_batch

SNAPSHOTS = RetainedTable("monitoring_engagementsnapshot")


@tenant_task(own_transactions=True)
def rescore(*, organization) -> int:
    """Posts and mentions scored with an older lexicon, batch after batch (each its own transaction)."""
    batches = 0
    for batch in (posts_rescore_batch, mentions_rescore_batch):
        after = 0
        while after is not None:
            with organization_scope(organization):
                after = batch(organization=organization, after_id=after)
            batches += after is not None
    return batches


@shared_task(acks_late=True)
def maintain_snapshot_partitions() -> dict:
    """Create the snapshots' months ahead and drop the expired ones (every organization at once: partitions
    are per retention class, not per organization)."""
    today = timezone.now().date()
    return {
        "created": ensure_partitions(connection, SNAPSHOTS, today=today),
        "dropped": drop_expired_partitions(connection, SNAPSHOTS, today=today),
    }
