"""Content items, their revisions, topics, hashtags, campaigns, shares (each with its tracked link),
click rollups and per-member preferences. Every table is tenant-owned and under row-level security."""

import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone

from advocacy.core.partitioning import DEFAULT_RETENTION
from advocacy.tenancy.models import TenantModel

from .networks import ALL_NETWORKS, Network


def _image_path(instance, filename):
    ext = (filename.rsplit(".", 1)[-1] if "." in filename else "bin").lower()[:5]
    return f"content/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


class ContentSettings(TenantModel):
    """One row per organization: sharing rules."""

    daily_share_cap = models.PositiveIntegerField(
        default=10, help_text="Most shares one employee may record per day (0 = no limit)."
    )
    sharing_start = models.TimeField(null=True, blank=True, help_text="Sharing opens at (organization time).")
    sharing_end = models.TimeField(null=True, blank=True, help_text="Sharing closes at (organization time).")
    timezone = models.CharField(max_length=64, default="UTC")
    networks_enabled = ArrayField(models.CharField(max_length=16, choices=Network.choices), default=list)
    moderators_may_approve = models.BooleanField(
        default=False, help_text="Moderators may approve suggestions and revisions, not only admins."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="content_settings_one_per_org")]

    def enabled_networks(self) -> list[str]:
        return [n for n in ALL_NETWORKS if n in (self.networks_enabled or ALL_NETWORKS)]

    def __str__(self) -> str:
        return "Content settings"


class Topic(TenantModel):
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="topic_unique_slug")]

    def __str__(self):
        return self.name


class Hashtag(TenantModel):
    name = models.CharField(max_length=100, help_text="Without the #, as it should be written.")
    key = models.CharField(max_length=100, help_text="Lower-case name, unique per organization.")
    description = models.CharField(max_length=240, blank=True)
    is_campaign = models.BooleanField(default=False, help_text="A designated campaign hashtag.")
    item_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="hashtag_unique_key")]

    def __str__(self):
        return f"#{self.name}"

    @property
    def tag(self) -> str:
        return f"#{self.name}"


class Campaign(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    name = models.CharField(max_length=120)
    goal = models.CharField(max_length=240, blank=True)
    description = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="campaigns", through="CampaignHashtag")
    target_teams = models.ManyToManyField("tenancy.Team", blank=True, related_name="+", through="CampaignTeam")
    share_goal = models.PositiveIntegerField(default=0, help_text="Target number of shares (0 = none).")
    launched_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    share_count = models.PositiveIntegerField(default=0)
    click_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "status"], name="campaign_org_status")]

    def __str__(self):
        return self.name


class ContentItem(TenantModel):
    class Kind(models.TextChoices):
        LINK = "link", "Link"
        FILE = "file", "Graphic"
        TEXT = "text", "Text post"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        PUBLISHED = "published", "Published"
        EXPIRED = "expired", "Expired"
        ARCHIVED = "archived", "Archived"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.LINK)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    image = models.ImageField(upload_to=_image_path, blank=True)
    image_url = models.URLField(max_length=1000, blank=True, help_text="Preview image found on the linked page.")
    captions = models.JSONField(default=dict, blank=True, help_text="network -> suggested caption")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # When it first went out; never cleared. From then on its words and picture change only by approval.
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="items"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="items", through="ContentTopic")
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="items", through="ContentHashtag")
    target_teams = models.ManyToManyField("tenancy.Team", blank=True, related_name="+", through="ContentTeam")
    # Teams that see the item (its own and its campaign's); empty = everyone. Kept by the services.
    audience_team_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    is_suggestion = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    rejection_reason = models.TextField(blank=True)
    share_count = models.PositiveIntegerField(default=0)
    click_count = models.PositiveIntegerField(default=0)
    search_text = models.TextField(blank=True, help_text="Hashtags, topics and captions, for search.")
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("search_text", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "-publish_at"], name="content_org_status_pub"),
            models.Index(fields=["organization", "campaign"], name="content_org_campaign"),
            GinIndex(fields=["search_vector"], name="content_search"),
            GinIndex(fields=["audience_team_ids"], name="content_audience"),
        ]

    def __str__(self):
        return self.title

    @property
    def effective_status(self) -> str:
        if self.status == self.Status.PUBLISHED and self.expires_at and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        if self.status == self.Status.PUBLISHED and self.publish_at and self.publish_at > timezone.now():
            return "scheduled"
        return self.status

    @property
    def effective_status_label(self) -> str:
        """What the status badge reads ("Awaiting approval", "Scheduled")."""
        status = self.effective_status
        return "Scheduled" if status == "scheduled" else self.Status(status).label

    @property
    def is_live(self) -> bool:
        return self.effective_status == self.Status.PUBLISHED

    @property
    def preview_image(self) -> str:
        return self.image_url


def _link(name, left, right, left_field, right_field):
    """A many-to-many link table that carries the organization (it leads the unique constraint)."""
    attrs = {
        "__module__": __name__,
        "__str__": lambda self: f"{name} {getattr(self, left_field + '_id')} · {getattr(self, right_field + '_id')}",
        left_field: models.ForeignKey(left, on_delete=models.CASCADE, db_constraint=False, related_name="+"),
        right_field: models.ForeignKey(right, on_delete=models.CASCADE, db_constraint=False, related_name="+"),
        "Meta": type(
            "Meta",
            (),
            {
                "constraints": [
                    models.UniqueConstraint(
                        fields=["organization", left_field, right_field], name=f"{name.lower()}_unique"
                    )
                ]
            },
        ),
    }
    return type(name, (TenantModel,), attrs)


ContentTopic = _link("ContentTopic", ContentItem, Topic, "content", "topic")
ContentHashtag = _link("ContentHashtag", ContentItem, Hashtag, "content", "hashtag")
ContentTeam = _link("ContentTeam", ContentItem, "tenancy.Team", "content", "team")
CampaignHashtag = _link("CampaignHashtag", Campaign, Hashtag, "campaign", "hashtag")
CampaignTeam = _link("CampaignTeam", Campaign, "tenancy.Team", "campaign", "team")


class ContentRevision(TenantModel):
    """Every edit of an item. Edits of published items wait here for approval by someone other than
    their author; earlier revisions stay readable."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"  # edit of an unpublished item, applied at once
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, db_constraint=False, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    captions = models.JSONField(default=dict, blank=True)
    # A new picture proposed with an edit of a published item: an uploaded image, and/or the preview
    # image address (None: the edit leaves the address as it is).
    image = models.ImageField(upload_to=_image_path, blank=True)
    image_url = models.URLField(max_length=1000, blank=True, null=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "content", "number"], name="revision_unique_number"),
            models.UniqueConstraint(
                fields=["organization", "content"],
                condition=models.Q(status="pending"),
                name="revision_one_pending_per_item",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="revision_org_status")]

    def __str__(self):
        return f"{self.content_id} r{self.number}"


def new_link_code() -> str:
    return secrets.token_urlsafe(6)  # 8 URL-safe characters


class Share(TenantModel):
    """One employee's share of one item on one network, with its tracked short link (`code`).
    Prepared when the employee opens the network's share page; recorded (confirmed) when they say
    they posted it."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "Prepared"
        CONFIRMED = "confirmed", "Shared"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, db_constraint=False, related_name="shares")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="shares"
    )
    network = models.CharField(max_length=16, choices=Network.choices)
    caption = models.TextField(blank=True)
    # Unique platform-wide through LinkRoute (a trigger keeps it), unique per organization here.
    code = models.CharField(max_length=16, null=True, blank=True)
    destination = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    click_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "content", "network"], name="share_unique_link"),
            models.UniqueConstraint(fields=["organization", "code"], name="share_unique_code"),
        ]
        indexes = [
            models.Index(fields=["organization", "user", "-confirmed_at"], name="share_org_user_conf"),
            models.Index(fields=["organization", "content", "status"], name="share_org_content"),
            models.Index(fields=["organization", "campaign", "status"], name="share_org_campaign"),
            models.Index(fields=["organization", "confirmed_at"], name="share_org_confirmed"),
        ]

    def __str__(self):
        return f"{self.get_network_display()} share of {self.content_id}"

    @property
    def short_url(self) -> str:
        return f"{settings.SITE_URL}/l/{self.code}" if self.code else ""


class LinkRoute(models.Model):
    """The routing table of tracked links: code -> organization, for the redirect that starts knowing only
    the code. Not tenant-owned (no row-level security; it says nothing but which organization a public
    link belongs to); distributed by `code` under Citus. A trigger on the share table keeps it (insert,
    change of code, delete), so every writer of shares keeps it without knowing; its primary key keeps
    codes unique platform-wide."""

    # a routing table (advocacy.core.distribution): its key, and why
    routing_key = ("code", "tracked-link code -> organization, for the /l/<code> redirect")

    code = models.CharField(max_length=16, primary_key=True)
    organization = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return self.code


class ClickDaily(TenantModel):
    """Countable clicks per share and day, with the share's employee, item, campaign and network copied in so
    results group without joins. Written only by the click flush (upserts). Partitioned by the organization's
    retention class, then by month: an expired month is dropped whole."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    day = models.DateField()
    clicks = models.PositiveIntegerField(default=0)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    network = models.CharField(max_length=16, choices=Network.choices)
    # The organization's retention when the row was written: the table is partitioned by it, then by month
    # (advocacy.core.partitioning; created by migration 0009, kept by the partition beat task).
    keep_months = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "share", "day", "keep_months"], name="clickdaily_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "content", "day"], name="clickdaily_content_day"),
            models.Index(fields=["organization", "campaign", "day"], name="clickdaily_campaign_day"),
        ]

    def __str__(self) -> str:
        return f"Clicks of share #{self.share_id} on {self.day}"


class ShareDaily(TenantModel):
    """Confirmed shares per item and day, kept by `share_confirm` (an upsert in its transaction), so the
    feed's "most shared this week" sums at most seven small rows per item instead of counting shares.
    Partitioned like ClickDaily, by the organization's retention class, then by month (migration 0011,
    services/share_days.py): an expired month is dropped whole; the totals (`share_count`) stay."""

    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    day = models.DateField()
    shares = models.PositiveIntegerField(default=0)
    # The organization's retention (click_retention_months) when the row was written: the partition class.
    keep_months = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "content", "day", "keep_months"], name="sharedaily_unique")
        ]
        indexes = [models.Index(fields=["organization", "day"], name="sharedaily_org_day")]

    def __str__(self) -> str:
        return f"Shares of item #{self.content_id} on {self.day}"


class ClickFlushState(TenantModel):
    """The last Redis stream entry whose clicks are stored, per organization. Written in the same
    transaction as the rollups it covers, so a flush that fails or runs twice counts each click once."""

    last_entry_id = models.CharField(max_length=40, default="0-0")
    flushed_clicks = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="clickflush_one_per_org")]

    def __str__(self) -> str:
        return f"Click flush at {self.last_entry_id}"


class ClickSpool(TenantModel):
    """A countable click taken while Redis could not buffer it (down or hung): appended by the redirect,
    merged into the rollups by the organization's click flush, which deletes the rows it adds in the same
    transaction, so each spooled click is counted exactly once. Append-only for the redirect; empty while
    Redis answers."""

    code = models.CharField(max_length=16)
    fingerprint = models.CharField(max_length=24)  # the repeat-click window, as in Redis
    clicked_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["organization", "code", "fingerprint", "clicked_at"], name="clickspool_repeat")]

    def __str__(self) -> str:
        return f"Spooled click on {self.code} at {self.clicked_at:%Y-%m-%d %H:%M:%S}"


class MemberPreference(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weekly_digest = models.BooleanField(default=True)
    mastodon_instance = models.CharField(max_length=253, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="preference_one_per_member")]

    def __str__(self) -> str:
        return f"Preferences of user #{self.user_id}"


class DigestSend(TenantModel):
    """One weekly digest per member and week: a re-run of the task sends nobody a second copy."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="Monday of the digest's week.")
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user", "week"], name="digest_one_per_week")]

    def __str__(self) -> str:
        return f"Weekly digest of {self.week} for user #{self.user_id}"
