"""Incidents: declared from a review item, from scratch, or opened by the virality trigger; their states (open
-> contained -> resolved -> reviewed, django-fsm-2), checklist, responders, timeline and webhook deliveries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from advocacy.tenancy.models import TenantModel


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


class Incident(TenantModel):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CONTAINED = "contained", _("Contained")
        RESOLVED = "resolved", _("Resolved")
        REVIEWED = "reviewed", _("Reviewed")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Declared")
        ITEM = "item", _("Declared from a review item")
        VIRALITY = "virality", _("Opened by the virality trigger")

    ACTIVE = (State.OPEN, State.CONTAINED)

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, max_length=5000)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    state = FSMField(max_length=10, choices=State.choices, default=State.OPEN)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    # the review queue's item (monitoring.review), checked against the organization when it is set
    review_item_id = models.BigIntegerField(null=True, blank=True)
    post = models.ForeignKey(
        "monitoring.Post", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    contained_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # the post-incident review
    what_happened = models.TextField(blank=True, max_length=10000)
    what_worked = models.TextField(blank=True, max_length=10000)
    what_to_change = models.TextField(blank=True, max_length=10000)
    follow_ups = models.TextField(blank=True, max_length=10000)
    review_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-declared_at", "-id"]
        constraints = [
            # one incident in progress per post and per review item: the trigger and a second click join it
            models.UniqueConstraint(
                fields=["organization", "post"],
                condition=models.Q(post__isnull=False, state__in=["open", "contained"]),
                name="incident_one_active_per_post",
            ),
            models.UniqueConstraint(
                fields=["organization", "review_item_id"],
                condition=models.Q(review_item_id__isnull=False, state__in=["open", "contained"]),
                name="incident_one_active_per_item",
            ),
        ]
        indexes = [models.Index(fields=["organization", "state", "-declared_at"], name="incident_org_state")]

    def __str__(self):
        return self.title

    @property
    def reference(self) -> str:
        return f"INC-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    def review_complete(self) -> bool:
        return all((value or "").strip() for value in (self.what_happened, self.what_worked, self.what_to_change))

    # --- transitions: the services call them under a row lock, then write the timeline and the audit -----

    @transition(field=state, source=State.OPEN, target=State.CONTAINED)
    def contain(self):
        self.contained_at = timezone.now()

    @transition(field=state, source=[State.OPEN, State.CONTAINED], target=State.RESOLVED)
    def resolve(self):
        self.resolved_at = timezone.now()

    @transition(field=state, source=[State.CONTAINED, State.RESOLVED], target=State.OPEN)
    def reopen(self):
        self.resolved_at = None

    @transition(field=state, source=State.RESOLVED, target=State.REVIEWED, conditions=[review_complete])
    def complete_review(self):
        self.reviewed_at = timezone.now()


class IncidentResponder(TenantModel):
    """A member responding to an incident, in a role of the plan (or added for this incident)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, db_constraint=False, related_name="responders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=120, blank=True)
    is_deputy = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["is_deputy", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "incident", "user"], name="incident_responder_once")
        ]
        indexes = [models.Index(fields=["organization", "user"], name="incident_responder_user")]

    def __str__(self):
        return f"Responder {self.user_id} of incident {self.incident_id}"


class IncidentStep(TenantModel):
    """A step of the incident's checklist, copied from the plan when it was declared."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, db_constraint=False, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class TimelineEntry(TenantModel):
    """What happened, when, by whom: written by the services (and the receivers of the intake's and the review
    queue's signals). An entry with a `key` is written once (a replayed pull or signal adds nothing)."""

    class Kind(models.TextChoices):
        DECLARED = "declared", _("Declared")
        STATE = "state", _("Status")
        STEP = "step", _("Checklist")
        NOTE = "note", _("Note")
        MESSAGE = "message", _("Message sent")
        DECISION = "decision", _("Decision")
        ITEM = "item", _("Review item")
        ENGAGEMENT = "engagement", _("Engagement")
        RESPONDER = "responder", _("Responders")
        REVIEW = "review", _("Review")
        SEVERITY = "severity", _("Severity")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, db_constraint=False, related_name="timeline")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=2000)
    data = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "incident", "key"], condition=~models.Q(key=""), name="incident_timeline_key"
            )
        ]
        indexes = [models.Index(fields=["organization", "incident", "at"], name="incident_timeline_at")]

    def __str__(self):
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class WebhookDelivery(TenantModel):
    """One message to the organization's webhook: the exact body signed (so a retry sends the same bytes), its
    status and every attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, db_constraint=False, null=True, blank=True, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    url = models.URLField(max_length=500)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_log = models.JSONField(default=list, blank=True)  # [{"at", "status_code", "error"}]
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status", "next_attempt_at"], name="incident_webhook_due")]

    def __str__(self):
        return f"Webhook {self.event} ({self.status})"
