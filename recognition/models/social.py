"""Recognition beyond points: badges (definitions and awards), kudos (and reports of them), rewards and their
redemptions, success stories and announced milestones. Tenant tables under row-level security; foreign keys
between tenant tables are declared without a database constraint and made composite by the migration."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import TenantModel


def _picture_path(instance, filename):
    ext = (filename.rsplit(".", 1)[-1] if "." in filename else "bin").lower()[:5]
    return f"recognition/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


class Badge(TenantModel):
    """A badge and the rule that earns it: a count of something reaching a threshold, or given by hand.
    Built-in badges carry a `key` (one per organization); an admin's own have none."""

    class Rule(models.TextChoices):
        SHARES = "shares", _("Confirmed shares")
        CLICKS = "clicks", _("Clicks on their shares")
        SHARE_STREAK = "share_streak", _("Weeks in a row with a share")
        POLICIES_ON_TIME = "policies_on_time", _("Every policy acknowledged on time")
        SUGGESTIONS = "suggestions", _("Approved suggestions")
        KUDOS_GIVEN = "kudos_given", _("Kudos given")
        KUDOS_RECEIVED = "kudos_received", _("Kudos received")
        POINTS = "points", _("Points of all time")
        MANUAL = "manual", _("Given by an admin")

    key = models.CharField(max_length=40, null=True, blank=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=240, blank=True)
    picture = models.ImageField(upload_to=_picture_path, blank=True)
    symbol = models.CharField(max_length=8, blank=True, help_text="shown when there is no picture")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    threshold = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["rule", "threshold", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="badge_unique_key"),
            models.UniqueConstraint(fields=["organization", "name"], name="badge_unique_name"),
        ]

    def __str__(self):
        return self.name


class BadgeAward(TenantModel):
    """A member holds a badge (once). `seen_at` is empty until they have seen the notice that announced it in the
    product, `digest_announced_at` until a weekly digest announced it."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, db_constraint=False, related_name="awards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=240, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)
    # when the weekly digest announced it (empty: not yet); a digest announces each award once
    digest_announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "badge", "user"], name="badge_award_once")]
        indexes = [models.Index(fields=["organization", "user", "-awarded_at"], name="badge_award_org_user")]

    def __str__(self):
        return f"Badge {self.badge_id} of member {self.user_id}"


class Kudos(TenantModel):
    """A member thanks another, optionally for one of their shares. Hidden by an admin after a report."""

    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=500)
    share = models.ForeignKey(
        "content_library.Share", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "kudos"
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="kudos_org_created"),
            models.Index(fields=["organization", "giver", "created_at"], name="kudos_org_giver"),
            models.Index(fields=["organization", "receiver", "-created_at"], name="kudos_org_receiver"),
        ]

    def __str__(self):
        return f"Kudos from {self.giver_id} to {self.receiver_id}"


class KudosReport(TenantModel):
    """A member reports a kudos (once each); an admin keeps or hides it."""

    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, db_constraint=False, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, blank=True)  # "kept" or "hidden"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kudos", "reporter"], name="kudos_report_once")]

    def __str__(self):
        return f"Report of kudos {self.kudos_id}"


class Reward(TenantModel):
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    cost = models.PositiveIntegerField()
    stock = models.PositiveIntegerField(default=0)  # the database keeps it at zero or above
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cost", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="reward_unique_name")]

    def __str__(self):
        return self.name


class Redemption(TenantModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, db_constraint=False, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cost = models.PositiveIntegerField()  # the reward's cost when requested
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "requested_at"], name="redemption_org_status"),
            models.Index(fields=["organization", "user", "-requested_at"], name="redemption_org_user"),
        ]

    def __str__(self):
        return f"Redemption of {self.reward_id} by {self.user_id}"


class Story(TenantModel):
    """A member's success story (approved by an admin before it shows on the Wins page), or a milestone an
    admin announces (shown at once)."""

    class Kind(models.TextChoices):
        STORY = "story", _("Success story")
        MILESTONE = "milestone", _("Milestone")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Published")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STORY)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=160)
    what_happened = models.TextField(max_length=4000)
    result = models.TextField(max_length=2000, blank=True)
    picture = models.ImageField(upload_to=_picture_path, blank=True)
    share_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)  # the author's related shares
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    content_item_id = models.BigIntegerField(null=True, blank=True)  # the library draft made from it

    class Meta:
        ordering = ["-published_at", "-submitted_at", "-id"]
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["organization", "status", "-published_at"], name="story_org_status"),
            models.Index(fields=["organization", "author", "-submitted_at"], name="story_org_author"),
        ]

    def __str__(self):
        return self.title
