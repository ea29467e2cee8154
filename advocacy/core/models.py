"""The outbox: work for Celery kept in PostgreSQL until the broker has it (advocacy/core/outbox.py)."""

from django.db import models
from django.utils import timezone


class Outbox(models.Model):
    """One task to publish. Written in the transaction of the work it follows (so it exists exactly when
    that work committed), deleted once the broker has accepted it. Rows left behind (the broker was down or
    hung) are published by `advocacy.core.tasks.outbox_dispatch` when it is back. Not tenant data: it holds
    a task name and its arguments (a tenant task's first argument is its organization id), read only by
    the dispatcher, on the coordinator."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # Work that needs sending once however often it is asked for (a flush of an organization's spooled
    # clicks): a second request while one waits only touches it.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="outbox_created")]

    def __str__(self) -> str:
        return f"Outbox #{self.pk}: {self.task}"
