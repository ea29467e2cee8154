"""Celery tasks of tenancy. The plumbing every app's tasks use (`tenant_task`, `enqueue`, `fan_out`)
lives in advocacy/tenancy/jobs.py and is importable from here too."""

from .jobs import enqueue as enqueue  # re-exported: the public place other apps import them from
from .jobs import fan_out as fan_out
from .jobs import tenant_task
from .services import roster_import_run

# --- people ----------------------------------------------------------------------------------------


@tenant_task(own_transactions=True)
def process_roster_import(roster_import_id, *, organization):
    """Invite the people of an uploaded roster, committing every few rows; safe to run again."""
    roster_import_run(organization=organization, roster_import_id=roster_import_id)
