"""Recognition: the append-only points ledger, its rollups (points per member per day, and all-time totals), the
organization's points settings, the awarding watermark and each member's choice about the public boards. Every
table is tenant-owned and under row-level security; a PostgreSQL trigger rejects UPDATE and DELETE on the ledger."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import TenantModel


class Reason(models.TextChoices):
    SHARE_CONFIRMED = "share_confirmed", _("A confirmed share")
    SHARE_CLICKS = "share_clicks", _("Each unique human click on a share")
    POST_ENGAGEMENT = "post_engagement", _("Engagement on a post that carries a share")
    SUGGESTION_APPROVED = "suggestion_approved", _("An approved suggestion")
    POLICY_ON_TIME = "policy_on_time", _("A policy acknowledged on time")
    COURSE_COMPLETED = "course_completed", _("A training course completed")
    KUDOS_RECEIVED = "kudos_received", _("Kudos received")
    STORY_PUBLISHED = "story_published", _("A success story published")
    REDEMPTION = "redemption", _("A reward redeemed")


# The points a reason earns until the organization's admin sets its own (the reasons that earn: a redemption
# spends), and the daily cap per member
DEFAULT_POINTS = {
    Reason.SHARE_CONFIRMED: 10,
    Reason.SHARE_CLICKS: 1,
    Reason.POST_ENGAGEMENT: 5,
    Reason.SUGGESTION_APPROVED: 25,
    Reason.POLICY_ON_TIME: 5,
    Reason.COURSE_COMPLETED: 20,
    Reason.KUDOS_RECEIVED: 5,
    Reason.STORY_PUBLISHED: 30,
}
EARNING_REASONS = tuple(DEFAULT_POINTS)
DEFAULT_DAILY_CAP = 60
DEFAULT_CLICKS_PER_SHARE_PER_DAY = 20
# An attributed post earns its engagement points once, when its likes, reposts, replies and quotes reach this
ENGAGEMENT_THRESHOLD = 10


class RecognitionSettings(TenantModel):
    """One row per organization (absent: the defaults)."""

    leaderboards_enabled = models.BooleanField(default=True)
    points = models.JSONField(
        default=dict, blank=True, help_text="reason -> points; a missing reason earns its default"
    )
    daily_cap = models.PositiveIntegerField(default=DEFAULT_DAILY_CAP)
    clicks_per_share_per_day = models.PositiveIntegerField(
        default=DEFAULT_CLICKS_PER_SHARE_PER_DAY, help_text="unique human clicks counted per share and day"
    )
    # members holding any of these roles are left off the public boards (they still earn and see their own)
    excluded_roles = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="recognition_settings_one_per_org")]

    def __str__(self):
        return f"Recognition settings of organization {self.organization_id}"


class PointsEntry(TenantModel):
    """One line of the ledger: an award for (reason, source, day), the reversal of one, its restoration, or a
    redemption (points spent on a reward). Never changed or deleted.

    `generation` lets an award be reversed and restored more than once (a violation decision, an overturned
    appeal, a later decision): the n-th reversal and the n-th restoration of an award carry generation n-1, so
    the unique key still refuses a replayed one."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        REVERSAL = "reversal", _("Reversal")
        RESTORATION = "restoration", _("Restoration")
        REDEMPTION = "redemption", _("Redemption")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.AWARD)
    generation = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    # "content.share" (its confirmation, its clicks per day), "monitoring.post", "content.suggestion",
    # "policies.acknowledgement", "policies.completion", "recognition.kudos", "recognition.story",
    # "recognition.redemption"
    source_kind = models.CharField(max_length=32)
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
                fields=["organization", "user", "reason", "source_kind", "source_id", "day", "kind", "generation"],
                name="points_once_per_source_day",
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
    """Rollup: a member's net points of all time (what the boards rank), and the points spent on rewards
    (`points - spent` is what is left to spend)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    points = models.IntegerField(default=0)
    spent = models.IntegerField(default=0)

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
