"""The analytics rollups and settings. Every table is tenant-owned and under row-level security.

`ActivityDaily` is the one daily rollup the dashboards read: per organization x day x member x content item x
network, with the member's team and the item's campaign copied in, so every figure and breakdown is a sum over
small rows (no join, no scan of shares, clicks, posts or snapshots). `MentionDaily` holds brand mentions per
day and network by sentiment. Both are partitioned by the organization's retention class and month, like the
click rollup (advocacy.core.partitioning; created by migration 0001, kept by the partition beat task), and are
written only by the rollup service (services/rollups.py), which is idempotent: a day's rows are recomputed from
the sources and only the differences written."""

from django.conf import settings
from django.db import models

from advocacy.core.partitioning import DEFAULT_RETENTION
from advocacy.tenancy.models import TenantModel


class ActivityDaily(TenantModel):
    day = models.DateField()  # in the organization's time zone (clicks: the day content_library stored them)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    team = models.ForeignKey(  # the member's team when the day was rolled up
        "tenancy.Team", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    content = models.ForeignKey(
        "content_library.ContentItem",
        on_delete=models.CASCADE,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "content_library.Campaign",
        on_delete=models.SET_NULL,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    network = models.CharField(max_length=16)
    shares = models.PositiveIntegerField(default=0)  # confirmed shares (exact)
    clicks = models.PositiveIntegerField(default=0)  # human clicks on their tracked links (exact; bots never counted)
    reach = models.PositiveBigIntegerField(default=0)  # followers of the accounts that shared (an estimate)
    posts = models.PositiveIntegerField(default=0)  # members' pulled public posts
    engagement = models.PositiveIntegerField(default=0)  # likes, reposts, replies, quotes on posts carrying a share
    positive = models.PositiveIntegerField(default=0)  # posts by sentiment (scored ones)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    keep_months = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day", "user", "content", "network", "keep_months"],
                name="activitydaily_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["organization", "day"], name="activitydaily_org_day"),
            models.Index(fields=["organization", "user", "day"], name="activitydaily_org_user_day"),
        ]

    def __str__(self) -> str:
        return f"Activity of member #{self.user_id} on {self.day}"


class MentionDaily(TenantModel):
    day = models.DateField()
    network = models.CharField(max_length=16)
    mentions = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    keep_months = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day", "network", "keep_months"], name="mentiondaily_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Mentions on {self.network} on {self.day}"


class RollupState(TenantModel):
    """How far the rollups are current: sources changed after `watermark` are rolled up on the next run."""

    watermark = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    days_rebuilt = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="analytics_state_one_per_org")]

    def __str__(self) -> str:
        return f"Analytics rollups current to {self.watermark}"


class AnalyticsSettings(TenantModel):
    """What the admin sets for the estimates: the cost per thousand impressions and per click that earned media
    value is priced at, and the currency they are in."""

    cpm = models.DecimalField(max_digits=8, decimal_places=2, default=10, help_text="Cost per 1,000 impressions.")
    cpc = models.DecimalField(max_digits=8, decimal_places=2, default=1, help_text="Cost per click.")
    currency = models.CharField(max_length=3, default="USD")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="analytics_settings_one_per_org")]

    def __str__(self) -> str:
        return "Analytics settings"


class SummarySubscription(TenantModel):
    """An admin who asked for the weekly summary email; `last_week` is the Monday of the last one sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_week = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="analytics_summary_one_per_user")]

    def __str__(self) -> str:
        return f"Weekly summary for user #{self.user_id}"


class ModerationDaily(TenantModel):
    """The review queue per day: items flagged (by their creation day), items decided (by their decision day),
    how many of those were decided by their due time, the minutes they waited, and violations. Partitioned like
    the other rollups; written only by the rollup service."""

    day = models.DateField()
    raised = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    decided_in_time = models.PositiveIntegerField(default=0)
    decision_minutes = models.PositiveBigIntegerField(default=0)  # summed over the decided items
    violations = models.PositiveIntegerField(default=0)
    keep_months = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "day", "keep_months"], name="moderationdaily_unique")
        ]

    def __str__(self) -> str:
        return f"Review queue on {self.day}"
