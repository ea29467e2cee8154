"""The core's tables: the task outbox (advocacy/core/outbox.py) and the mail outbox (advocacy/core/mail.py)."""

from django.db import models
from django.utils import timezone

from advocacy.tenancy.models import TenantModel


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


class OutgoingMail(TenantModel):
    """One email to one address, written in the transaction of what it announces (an invitation, a
    reminder's claim, a digest's weekly record), so it exists exactly when that committed. Sent after the
    commit and marked sent in the transaction that holds its row lock; retried while the mail server is
    unreachable; a row whose sending never happened (a killed worker) is picked up by the sweep
    (advocacy.core.mail). Its body is dropped once it has left: an invitation's link is only ever in the
    email."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40)  # invitation, policy_reminder, policy_notification, digest
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # dotted path of f(*, organization, mail, reason) run in the transaction that records a refusal (the
    # server refused the address, or the mail could not be delivered for days): an invitation is withdrawn,
    # a reminder's claim given back
    on_refused = models.CharField(max_length=200, blank=True)
    refs = models.JSONField(default=dict, blank=True)  # what the mail is about, for `on_refused`
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "next_attempt_at"],
                name="outgoingmail_due",
                condition=models.Q(status="queued"),
            ),
        ]

    def __str__(self) -> str:
        return f"Mail #{self.pk} to {self.to}: {self.subject}"
