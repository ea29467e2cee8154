"""Celery plumbing for tenant work: tasks take `organization_id` explicitly and run inside that
organization's scope; beat jobs that touch every organization fan out one task per organization.

It sits below every app's services and tasks: a service queues a task by its registered name
(`enqueue("app.tasks.name", organization, ...)`), so services never import the tasks that call them."""

from functools import wraps

from celery import current_app, shared_task

from advocacy.core.outbox import send_on_commit

from .context import organization_scope
from .models import Organization


def tenant_task(*, own_transactions: bool = False, **options):
    """Declare a task whose first argument is `organization_id`; the function receives the
    organization (keyword `organization`) and runs inside its scope (one transaction).

    `own_transactions=True` is for long tasks that commit as they go (progress others can see, a
    worker killed midway keeps the finished chunks): the function receives the organization and
    enters `organization_scope(organization)` itself for each unit of work."""
    options.setdefault("acks_late", True)

    def decorator(fn):
        @shared_task(**options)
        @wraps(fn)
        def task(organization_id, *args, **kwargs):
            organization = Organization.objects.get(pk=organization_id)
            if own_transactions:
                return fn(*args, organization=organization, **kwargs)
            with organization_scope(organization):
                return fn(*args, organization=organization, **kwargs)

        return task

    return decorator


def task_named(name: str):
    """The task registered under `name`. A process that has not loaded every app's tasks (a web
    process) runs Celery's autodiscovery once, as a worker does when it starts, so the task runs as
    configured (in process when CELERY_TASK_ALWAYS_EAGER is set). An unknown name raises KeyError."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task, organization, *args, **kwargs) -> None:
    """Send `task` for `organization` once the current transaction commits. `task` is a task or the
    name it is registered under ("newsletter.tasks.send_issue"): services name the tasks that call
    them, and never import them. It goes through the outbox (advocacy.core.outbox): written in this
    transaction, kept in PostgreSQL while the broker is down, sent when it is back."""
    if isinstance(task, str):
        task = task_named(task)
    send_on_commit(task, (organization.pk, *args), kwargs)


def fan_out(task, *args, **kwargs) -> int:
    """One task per organization (beat jobs)."""
    ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in ids:
        task.delay(organization_id, *args, **kwargs)
    return len(ids)
