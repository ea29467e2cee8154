"""The organization's incident response plan: one per organization, its roles, escalation contacts, holding
statements and checklist, every saved state kept as a version, and the annual review reminders."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import TenantModel


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, on the last day of the month when it is shorter (29 February + 12 -> 28)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


class ResponsePlan(TenantModel):
    """What the organization does when a post goes wrong: who responds, who to call, what to say, in what
    order. The webhook (URL and encrypted secret) that tells a chat channel about incidents lives here too."""

    class WebhookFormat(models.TextChoices):
        SLACK = "slack", _("Slack (or Mattermost, Rocket.Chat)")
        TEAMS = "teams", _("Microsoft Teams")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    protocol = models.TextField(blank=True)  # Markdown: who speaks, through which channels, what never to say
    review_interval_months = models.PositiveSmallIntegerField(default=12)
    last_reviewed_on = models.DateField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)  # the number of the latest PlanVersion
    webhook_url = models.URLField(max_length=500, blank=True)
    webhook_secret_encrypted = models.TextField(blank=True)  # advocacy.core.secrets; never shown
    webhook_format = models.CharField(max_length=8, choices=WebhookFormat.choices, default=WebhookFormat.SLACK)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="incident_plan_one_per_org")]

    def __str__(self):
        return f"Incident response plan of {self.organization_id}"

    @property
    def review_due_on(self) -> date:
        start = self.last_reviewed_on or timezone.localtime(self.created_at).date()
        return add_months(start, self.review_interval_months)


class PlanPart(TenantModel):
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class PlanRole(PlanPart):
    """A role in the response (incident lead, communications, legal liaison) with a named responder and a
    deputy, both members of the organization."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, db_constraint=False, related_name="roles")
    name = models.CharField(max_length=120)
    duties = models.CharField(max_length=500, blank=True)
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(PlanPart.Meta):
        pass

    def __str__(self):
        return self.name


class EscalationContact(PlanPart):
    """Someone to call, maybe outside the organization (legal counsel, the press office's agency)."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, db_constraint=False, related_name="contacts")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta(PlanPart.Meta):
        pass

    def __str__(self):
        return self.name


class HoldingStatement(PlanPart):
    """A statement ready to publish while the facts are established."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, db_constraint=False, related_name="statements")
    title = models.CharField(max_length=150)
    text = models.TextField(max_length=2000)

    class Meta(PlanPart.Meta):
        pass

    def __str__(self):
        return self.title


class PlanStep(PlanPart):
    """A step of the checklist; each incident gets its own copy."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, db_constraint=False, related_name="steps")
    text = models.CharField(max_length=300)

    class Meta(PlanPart.Meta):
        pass

    def __str__(self):
        return self.text


class PlanVersion(TenantModel):
    """The plan as saved, whole (append-only): who changed it, when, and what it said."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, db_constraint=False, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    summary = models.CharField(max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "plan", "number"], name="incident_plan_version_number")
        ]

    def __str__(self):
        return f"Plan version {self.number}"


class PlanReviewReminder(TenantModel):
    """The owner was reminded to review the plan for this due date (once per due date)."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    due_on = models.DateField()
    sent_to = models.EmailField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "plan", "due_on"], name="incident_plan_reminder_once")
        ]

    def __str__(self):
        return f"Plan review reminder for {self.due_on}"
