"""Recognition: the append-only points ledger, its rollups (points per member per day, and all-time totals), the
organization's points settings, the awarding watermark and each member's choice about the public boards. Every
table is tenant-owned and under row-level security; a PostgreSQL trigger rejects UPDATE and DELETE on the ledger."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import TenantModel


class Reason(models.TextChoices):
    SHARE_CONFIRMED = "share_confirmed", _("A confirmed share")
    SUGGESTION_APPROVED = "suggestion_approved", _("An approved suggestion")
    POLICY_ON_TIME = "policy_on_time", _("A policy acknowledged on time")


# The points a reason earns until the organization's admin sets its own, and the daily cap per member
DEFAULT_POINTS = {
    Reason.SHARE_CONFIRMED: 10,
    Reason.SUGGESTION_APPROVED: 25,
    Reason.POLICY_ON_TIME: 5,
}
DEFAULT_DAILY_CAP = 60


class RecognitionSettings(TenantModel):
    """One row per organization (absent: the defaults)."""

    leaderboards_enabled = models.BooleanField(default=True)
    points = models.JSONField(
        default=dict, blank=True, help_text="reason -> points; a missing reason earns its default"
    )
    daily_cap = models.PositiveIntegerField(default=DEFAULT_DAILY_CAP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="recognition_settings_one_per_org")]

    def __str__(self):
        return f"Recognition settings of organization {self.organization_id}"


class PointsEntry(TenantModel):
    """One line of the ledger: an award for (reason, source), or the reversal of one. Never changed or deleted."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        REVERSAL = "reversal", _("Reversal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.AWARD)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    source_kind = models.CharField(max_length=32)  # "content.share", "content.suggestion", "policies.acknowledgement"
    source_id = models.BigIntegerField()
    points = models.IntegerField()  # after the daily cap (0 when the cap was reached); negative for a reversal
    occurred_at = models.DateTimeField()  # when the thing that earned them happened
    day = models.DateField()  # occurred_at's day: the rollup bucket and the daily cap's day
    note = models.CharField(max_length=240, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "reason", "source_kind", "source_id", "kind"],
                name="points_once_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "user", "day"], name="points_org_user_day"),
            models.Index(fields=["organization", "source_kind", "source_id"], name="points_org_source"),
        ]

    def __str__(self):
        return f"{self.points:+d} for {self.reason} ({self.source_kind} {self.source_id}), member {self.user_id}"


class PointsDaily(TenantModel):
    """Rollup: a member's net points on one day (the weekly, monthly and quarterly boards sum these)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user", "day"], name="points_daily_unique")]
        indexes = [models.Index(fields=["organization", "day"], name="points_daily_org_day")]

    def __str__(self):
        return f"{self.points} points on {self.day}, member {self.user_id}"


class PointsTotal(TenantModel):
    """Rollup: a member's net points of all time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="points_total_unique")]

    def __str__(self):
        return f"{self.points} points in all, member {self.user_id}"


class AwardState(TenantModel):
    """The awarding task's watermark (one row per organization); its row lock keeps two runs apart."""

    watermark = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="award_state_one_per_org")]

    def __str__(self):
        return f"Points awarded up to {self.watermark}"


class BoardPreference(TenantModel):
    """How a member appears on the public boards (absent: shown by name)."""

    class Visibility(models.TextChoices):
        SHOWN = "shown", _("Show my name")
        ANONYMOUS = "anonymous", _("Show me as “a colleague”")
        HIDDEN = "hidden", _("Leave me off the boards")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.SHOWN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="board_preference_one_per_member")]

    def __str__(self):
        return f"{self.get_visibility_display()}, member {self.user_id}"
