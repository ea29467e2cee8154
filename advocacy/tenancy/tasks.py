"""Celery tasks of tenancy. The plumbing every app's tasks use (`tenant_task`, `enqueue`, `fan_out`)
lives in advocacy/tenancy/jobs.py and is importable from here too."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .jobs import enqueue as enqueue  # re-exported: the public place other apps import them from
from .jobs import fan_out as fan_out
from .jobs import tenant_task
from .models import ROSTER_STALL_AFTER
from .services import organizations_with_stalled_imports, roster_import_resume_stalled, roster_import_run

# --- people ----------------------------------------------------------------------------------------


@tenant_task(own_transactions=True)
def process_roster_import(roster_import_id, *, organization):
    """Invite the people of an uploaded roster, committing every few rows; safe to run again."""
    roster_import_run(organization=organization, roster_import_id=roster_import_id)


@shared_task(acks_late=True, ignore_result=True)
def resume_stalled_roster_imports(stalled_after_seconds: float | None = None) -> int:
    """Beat, every minute: one task per organization with an unfinished roster import whose progress has not
    moved for `stalled_after_seconds` (default ROSTER_STALL_AFTER: three minutes)."""
    stalled_after = ROSTER_STALL_AFTER if stalled_after_seconds is None else timedelta(seconds=stalled_after_seconds)
    stalled_before = timezone.now() - stalled_after
    organization_ids = organizations_with_stalled_imports(stalled_before=stalled_before)
    for organization_id in organization_ids:
        resume_stalled_imports.delay(organization_id, stalled_before.isoformat())
    return len(organization_ids)


@tenant_task(ignore_result=True)
def resume_stalled_imports(stalled_before, *, organization):
    """Resume the organization's imports silent since before `stalled_before` (an ISO time)."""
    return roster_import_resume_stalled(organization=organization, stalled_before=parse_datetime(stalled_before))
