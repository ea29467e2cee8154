"""Policies: versioned, published texts people acknowledge; reviews, quizzes, reminders, questions.

A policy has versions. A version is a draft until published; publishing freezes its Markdown source and
the exact HTML employees see, with the SHA-256 of that HTML. A *material* publish starts a new
acknowledgement cycle (`ack_anchor` = itself); an *editorial* one carries the previous anchor over, so
acknowledgements of the earlier text still count.
"""

from django.conf import settings
from django.db import models

from advocacy.tenancy.models import TenantModel

# A policy is reviewed a year after publication or its last review, unless HR chooses a date.
DEFAULT_REVIEW_MONTHS = 12


class PolicyKind(models.TextChoices):
    SOCIAL_MEDIA = "social_media", "Social media policy"
    BRAND = "brand", "Brand guidelines"
    DISCLOSURE = "disclosure", "Disclosure rules"
    INCIDENT = "incident", "Incident response plan"
    OTHER = "other", "Other"


class Policy(TenantModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=PolicyKind.choices, default=PolicyKind.OTHER)
    summary = models.CharField(max_length=280, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    audience_all = models.BooleanField(default=True, help_text="Everyone in the organization must acknowledge.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_version = models.ForeignKey(
        "PolicyVersion", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    review_due_on = models.DateField(null=True, blank=True)
    review_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Review every N months (empty: the organization's default)."
    )
    refresh_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Ask people to acknowledge again every N months."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["organization", "status", "kind"], name="policy_org_status_kind"),
        ]

    def __str__(self):
        return self.title


class PolicyTeam(TenantModel):
    """A team in a policy's audience (when the audience is not the whole organization)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, db_constraint=False, related_name="audience_teams")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, db_constraint=False, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "policy", "team"], name="policyteam_unique"),
        ]

    def __str__(self) -> str:
        return f"Team #{self.team_id} in the audience of policy #{self.policy_id}"


class PolicyVersion(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    class ChangeKind(models.TextChoices):
        MATERIAL = "material", "Material change — everyone acknowledges again"
        EDITORIAL = "editorial", "Editorial fix — acknowledgements carry over"

    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
    OPEN = ("draft", "in_review", "changes_requested", "approved")

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, db_constraint=False, related_name="versions")
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Assigned at publish: v1, v2, ...")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=160)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Frozen at publish: exactly what employees see.")
    content_sha256 = models.CharField(max_length=64, blank=True)
    change_summary = models.CharField(max_length=280, blank=True)
    change_kind = models.CharField(max_length=10, choices=ChangeKind.choices, blank=True)
    ack_anchor = models.ForeignKey(
        "self", on_delete=models.PROTECT, db_constraint=False, null=True, blank=True, related_name="+"
    )
    quiz_source = models.TextField(blank=True, help_text="The quiz as HR typed it (see the editor's help).")
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Percent needed to pass.")
    due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Everyone besides `created_by` who saved this draft's text: its authors too, so none of them reviews it.
    edited_by_ids = models.JSONField(default=list, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "policy", "number"],
                condition=models.Q(number__isnull=False),
                name="policyversion_unique_number",
            ),
            models.UniqueConstraint(
                fields=["organization", "policy"],
                condition=models.Q(status__in=["draft", "in_review", "changes_requested", "approved"]),
                name="policyversion_one_open_draft",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "policy", "status"], name="policyversion_org_pol_status"),
            models.Index(fields=["organization", "ack_anchor"], name="policyversion_org_anchor"),
        ]

    def __str__(self):
        return f"{self.title} v{self.number}" if self.number else f"{self.title} (draft)"

    @property
    def label(self) -> str:
        return f"v{self.number}" if self.number else "Draft"

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.SUPERSEDED)

    @property
    def has_quiz(self) -> bool:
        return bool(self.quiz_source.strip()) and self.pass_mark is not None


class VersionReview(TenantModel):
    """One step of the review workflow: sent for review, approved, changes requested."""

    class Decision(models.TextChoices):
        REQUESTED = "requested", "Sent for review"
        APPROVED = "approved", "Approved"
        CHANGES = "changes", "Changes requested"

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, db_constraint=False, related_name="reviews")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "version"], name="versionreview_org_version")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} (version #{self.version_id})"


class QuizAttempt(TenantModel):
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, db_constraint=False, related_name="quiz_attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    answers = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField(help_text="Percent of correct answers.")
    passed = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "version", "user"], name="quizattempt_org_ver_user")]

    def __str__(self) -> str:
        return f"Quiz attempt on version #{self.version_id}: {self.score}%"


class Acknowledgement(TenantModel):
    """Append-only proof that a person accepted an exact text. A PostgreSQL trigger rejects UPDATE and DELETE."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, db_constraint=False, related_name="+")
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, db_constraint=False, related_name="acknowledgements"
    )
    anchor = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
        help_text="The version that started this acknowledgement cycle (material publish).",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    user_email = models.CharField(max_length=254)
    user_name = models.CharField(max_length=150, blank=True)
    content_sha256 = models.CharField(max_length=64)
    acknowledged_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    quiz_attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.PROTECT, db_constraint=False, null=True, blank=True, related_name="+"
    )
    cycle = models.PositiveIntegerField(default=0, help_text="0 for the first acknowledgement, 1 after a refresh...")
    valid_until = models.DateTimeField(null=True, blank=True, help_text="Set when the policy asks for a refresh.")

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version", "user", "cycle"], name="acknowledgement_once_per_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "user", "anchor"], name="ack_org_user_anchor"),
            models.Index(fields=["organization", "anchor", "user"], name="ack_org_anchor_user"),
            models.Index(fields=["organization", "version", "acknowledged_at"], name="ack_org_version_time"),
        ]

    def __str__(self):
        return f"{self.user_email} acknowledged {self.version_id}"


class ReminderLog(TenantModel):
    """Inserted *before* a reminder is sent; the unique key makes a second run of the same job a no-op."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    interval_key = models.CharField(max_length=64)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version", "user", "interval_key"], name="reminderlog_once_per_interval"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.interval_key} of version #{self.version_id} to user #{self.user_id}"


class PolicyQuestion(TenantModel):
    """A question or feedback on a policy version. Anonymous ones store nothing about the asker: no user,
    no IP, a creation time rounded to the day; the asker keeps a one-time code (only its SHA-256 is stored)
    to read the answer."""

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        FEEDBACK = "feedback", "Feedback"

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, db_constraint=False, related_name="questions")
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    body = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_anonymous = models.BooleanField(default=False)
    followup_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_seen_at = models.DateTimeField(null=True, blank=True)
    faq_published = models.BooleanField(default=False)
    faq_question = models.CharField(max_length=300, blank=True, help_text="The question as shown in the FAQ.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "policy", "faq_published"], name="pq_org_policy_faq"),
            models.Index(fields=["organization", "asked_by"], name="pq_org_asker"),
            models.Index(fields=["organization", "answered_at"], name="pq_org_answered"),
        ]

    def __str__(self):
        return self.body[:60]


class PolicyReview(TenantModel):
    """A policy's periodic review, recorded: who reviewed it and when, what they noted, whether it led to a
    new version (the draft it started), and the next review date it set. Kept as history; never edited."""

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "Still right, no change"
        NEW_VERSION = "new_version", "Needs changes, new version started"

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, db_constraint=False, related_name="periodic_reviews")
    reviewed_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.SET_NULL,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version in force when the policy was reviewed.",
    )
    new_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.SET_NULL,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="The draft the review started (outcome: new version).",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    notes = models.TextField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    previous_due_on = models.DateField(null=True, blank=True, help_text="The review date this review answered.")
    next_review_on = models.DateField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        indexes = [models.Index(fields=["organization", "policy", "reviewed_at"], name="policyreview_org_pol_at")]

    def __str__(self) -> str:
        return f"Review of policy #{self.policy_id} on {self.reviewed_at:%Y-%m-%d}"


class FeedbackRound(TenantModel):
    """Before a review, HR asks the policy's audience what they think of it: a short prompt and a closing date.
    Members answer once (and may change their answer until it closes); HR sees only a summary."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, db_constraint=False, related_name="feedback_rounds")
    version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.SET_NULL,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version in force when the round opened.",
    )
    prompt = models.CharField(max_length=280)
    closes_on = models.DateField(help_text="Answers are taken until the end of this day.")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["organization", "policy", "closes_on"], name="feedbackround_org_pol_close")]

    def __str__(self) -> str:
        return f"Feedback round on policy #{self.policy_id} until {self.closes_on:%Y-%m-%d}"


class FeedbackAnswer(TenantModel):
    """One member's answer to a feedback round. The member is kept only so they can change their answer and
    answer once; HR never sees who answered (selectors.feedback_summary gives counts and comments alone)."""

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, db_constraint=False, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "round", "user"], name="feedbackanswer_once"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedbackanswer_rating"),
        ]

    def __str__(self) -> str:
        return f"Answer to feedback round #{self.round_id}"
