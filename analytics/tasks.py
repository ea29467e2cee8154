"""Celery tasks of analytics: the rollups every minute (one run per organization, beat fan-out), their monthly
partitions, and the weekly summary email (one task per organization)."""

from celery import shared_task
from django.db import connection
from django.utils import timezone

from advocacy.core.partitioning import RetainedTable, drop_expired_partitions, ensure_partitions
from advocacy.tenancy.jobs import fan_out, tenant_task

from .services import rollup_refresh as refresh
from .summary import weekly_summary_send

ROLLUP_TABLES = (RetainedTable("analytics_activitydaily"), RetainedTable("analytics_mentiondaily"))


@tenant_task()
def rollup_refresh(*, organization) -> int:
    return refresh(organization=organization).written


@shared_task(acks_late=True)
def rollup_refresh_all() -> int:
    return fan_out(rollup_refresh)


@shared_task(acks_late=True)
def maintain_rollup_partitions() -> dict:
    """Create the rollups' months ahead and drop the expired ones (partitions are per retention class, not per
    organization: one task for all)."""
    today = timezone.now().date()
    result = {}
    for table in ROLLUP_TABLES:
        result[table.table] = {
            "created": ensure_partitions(connection, table, today=today),
            "dropped": drop_expired_partitions(connection, table, today=today),
        }
    return result


@tenant_task()
def weekly_summary(*, organization) -> int:
    return weekly_summary_send(organization=organization)


@shared_task(acks_late=True)
def weekly_summary_all() -> int:
    return fan_out(weekly_summary)
