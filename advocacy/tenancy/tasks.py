"""Celery plumbing for tenant work: tasks take `organization_id` explicitly and run inside that
organization's scope; beat jobs that touch every organization fan out one task per organization."""

from functools import wraps

from celery import shared_task
from django.db import transaction

from .context import organization_scope
from .models import Organization


def tenant_task(**options):
    """Declare a task whose first argument is `organization_id`; the function receives the
    organization (keyword `organization`) and runs inside its scope."""
    options.setdefault("acks_late", True)

    def decorator(fn):
        @shared_task(**options)
        @wraps(fn)
        def task(organization_id, *args, **kwargs):
            organization = Organization.objects.get(pk=organization_id)
            with organization_scope(organization):
                return fn(*args, organization=organization, **kwargs)

        return task

    return decorator


def enqueue(task, organization, *args, **kwargs) -> None:
    """Send `task` for `organization` once the current transaction commits."""
    organization_id = organization.pk
    transaction.on_commit(lambda: task.delay(organization_id, *args, **kwargs))


def fan_out(task, *args, **kwargs) -> int:
    """One task per organization (beat jobs)."""
    ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in ids:
        task.delay(organization_id, *args, **kwargs)
    return len(ids)
