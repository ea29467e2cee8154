"""The flagged-post review queue: one review item per post or reported thing, the signals that put it there,
its append-only history, decisions with their consequences, appeals, and employees' reports.

Every table is tenant-owned (row-level security, primary key (organization_id, id), composite foreign keys:
migration 0001). The item's state machine is `ReviewItem.state` (django-fsm-2); the transitions themselves
are methods of the model, called only by the services (services/workflow.py), which also bump `version`
under a row lock so two moderators can never both decide one item."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from advocacy.tenancy.models import TenantModel


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


PRIORITY_KEYS = {Priority.LOW: "low", Priority.MEDIUM: "medium", Priority.HIGH: "high", Priority.CRITICAL: "critical"}


class Source(models.TextChoices):
    RULE = "rule", _("Rule match")
    SENTIMENT = "sentiment", _("Negative sentiment with a rule")
    REPORT = "report", _("Employee report")
    SAMPLE = "sample", _("Random sample")
    VIRALITY = "virality", _("Virality")
    MANUAL = "manual", _("Added by a moderator")


class ReviewSettings(TenantModel):
    """The organization's service levels and queue settings (absent: the defaults below)."""

    critical_hours = models.PositiveSmallIntegerField(default=1)
    high_hours = models.PositiveSmallIntegerField(default=4)
    medium_hours = models.PositiveSmallIntegerField(default=24)
    low_hours = models.PositiveSmallIntegerField(default=72)
    claim_minutes = models.PositiveSmallIntegerField(default=30)  # a claim without activity this long expires
    precision_threshold = models.PositiveSmallIntegerField(default=30)  # % of a rule's flags judged violations
    legal_contact_name = models.CharField(max_length=120, blank=True)
    legal_contact_email = models.EmailField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="reviewsettings_one_per_org")]

    def __str__(self):
        return f"Review queue settings of organization {self.organization_id}"

    def hours_for(self, priority: int) -> int:
        return {
            Priority.CRITICAL: self.critical_hours,
            Priority.HIGH: self.high_hours,
            Priority.MEDIUM: self.medium_hours,
        }.get(priority, self.low_hours)


class ReviewItem(TenantModel):
    """One post (or reported thing) under review. `target_key` ("post:12", "share:7", "url:<sha1>") is unique
    per organization: a new signal joins the open item or reopens the closed one, never duplicates it."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")

    class EscalatedTo(models.TextChoices):
        HR = "hr", _("HR")
        LEGAL = "legal", _("Legal")
        ADMIN = "admin", _("An admin")

    class Outcome(models.TextChoices):
        NO_VIOLATION = "no_violation", _("No violation")
        IGNORE = "ignore", _("Ignored")
        VIOLATION = "violation", _("Violation")

    target_key = models.CharField(max_length=80)
    post = models.ForeignKey(
        "monitoring.Post", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    share = models.ForeignKey(
        "content_library.Share", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    url = models.URLField(max_length=1000, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # whose post it is (None: not known, e.g. a link nobody is attributed to)
    team_id_at_flag = models.BigIntegerField(null=True, blank=True)  # the member's team, for the team filter
    network = models.CharField(max_length=16, blank=True)
    # the snapshot of the post as it was: text, url, network, author, handle, posted_at, engagement [...]
    snapshot = models.JSONField(default=dict, blank=True)
    snapshot_text = models.TextField(blank=True)
    sources = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    rule_categories = ArrayField(models.CharField(max_length=24), default=list, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.LOW)
    priority_reasons = models.JSONField(default=list, blank=True)  # ["Rule “Leaks” is critical", ...]
    score = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    state = FSMField(max_length=12, choices=State.choices, default=State.OPEN, protected=False)
    version = models.PositiveIntegerField(default=0)  # bumped by every change of state, under a row lock
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.CharField(max_length=8, choices=EscalatedTo.choices, blank=True)
    escalation_contact = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    viral_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    ACTIVE_STATES = (State.OPEN, State.CLAIMED, State.ESCALATED, State.REOPENED)

    class Meta:
        ordering = ["-priority", "due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "target_key"], name="reviewitem_unique_target")]
        indexes = [
            # the queue: active items by priority then due time
            # the queue by priority then due time; waiting items are read off it in order (one in ten or so)
            models.Index(fields=["organization", "-priority", "due_at", "id"], name="reviewitem_org_order"),
            # the default view (waiting items only) read off a small index of its own, however many are resolved
            models.Index(
                fields=["organization", "-priority", "due_at", "id"],
                name="reviewitem_org_waiting",
                condition=Q(state__in=["open", "claimed", "escalated", "reopened"]),
            ),
            models.Index(fields=["organization", "state"], name="reviewitem_org_state"),
            models.Index(fields=["organization", "member", "-created_at"], name="reviewitem_org_member"),
            models.Index(fields=["organization", "post"], name="reviewitem_org_post"),
        ]

    def __str__(self):
        return f"Review item #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def network_label(self) -> str:
        from monitoring.models import Network

        return str(dict(Network.choices).get(self.network, self.network))

    @property
    def source_labels(self) -> list[str]:
        labels = dict(Source.choices)
        return [str(labels.get(source, source)) for source in self.sources]

    @property
    def priority_key(self) -> str:
        return PRIORITY_KEYS.get(self.priority, "low")

    @property
    def is_overdue(self) -> bool:
        return self.is_active and self.due_at < timezone.now()

    def claim_expired(self, minutes: int, now=None) -> bool:
        if self.state != self.State.CLAIMED or self.last_activity_at is None:
            return False
        return (now or timezone.now()) - self.last_activity_at > timezone.timedelta(minutes=minutes)

    # --- the transitions (the services call them under the item's row lock) -----------------------------

    @transition(field=state, source=[State.OPEN, State.REOPENED, State.CLAIMED, State.ESCALATED], target=State.CLAIMED)
    def claim(self, user, now):
        self.assignee, self.claimed_at, self.last_activity_at = user, now, now

    @transition(field=state, source=[State.CLAIMED, State.ESCALATED], target=State.OPEN)
    def release(self):
        self.assignee, self.claimed_at = None, None

    @transition(field=state, source=[State.OPEN, State.REOPENED, State.CLAIMED], target=State.ESCALATED)
    def escalate(self, to: str, contact: str, now):
        self.escalated_to, self.escalation_contact, self.last_activity_at = to, contact, now

    @transition(field=state, source=[State.OPEN, State.REOPENED, State.CLAIMED, State.ESCALATED], target=State.RESOLVED)
    def resolve(self, outcome: str, user, now):
        self.outcome, self.decided_by, self.decided_at = outcome, user, now
        self.assignee, self.claimed_at = None, None

    @transition(field=state, source=State.RESOLVED, target=State.REOPENED)
    def reopen(self):
        self.reopen_count += 1
        self.outcome, self.escalated_to, self.escalation_contact = "", "", ""


class ItemSignal(TenantModel):
    """Why an item is in the queue: one row per signal (a rule match, a report, the sample, virality), with
    its reason; `key` makes a replayed signal store nothing twice."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, db_constraint=False, related_name="signals")
    key = models.CharField(max_length=80)  # "match:<RuleMatch id>", "report:<id>", "sample", "viral:<run>"
    source = models.CharField(max_length=12, choices=Source.choices)
    rule = models.ForeignKey(
        "monitoring.Rule", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    rule_name = models.CharField(max_length=120, blank=True)
    rule_category = models.CharField(max_length=24, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    matched_text = models.CharField(max_length=500, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    growth = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    weight = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "item", "key"], name="itemsignal_unique_key")]
        indexes = [models.Index(fields=["organization", "rule", "created_at"], name="itemsignal_org_rule")]

    def __str__(self):
        return self.reason


class ItemEvent(TenantModel):
    """The item's append-only history (a database trigger refuses UPDATE and DELETE), notes included."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        SIGNAL = "signal", _("New signal")
        REOPENED = "reopened", _("Reopened")
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Released")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Escalated")
        NOTE = "note", _("Note")
        DECIDED = "decided", _("Decided")
        APPEALED = "appealed", _("Appealed")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        TASK = "task", _("Member's task")

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, db_constraint=False, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "item", "created_at"], name="itemevent_org_item")]

    def __str__(self):
        return f"{self.kind} on item #{self.item_id}"


class Decision(TenantModel):
    """A moderator's decision on an item, with the statement of reasons the member sees."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, db_constraint=False, related_name="decisions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=ReviewItem.Outcome.choices)
    reasons = models.TextField()  # the statement of reasons, shown to the member
    policy = models.ForeignKey(
        "policies.Policy", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    policy_section = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    appeal_until = models.DateTimeField(null=True, blank=True)  # violations: 14 days to appeal
    overturned_at = models.DateTimeField(null=True, blank=True)
    member_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "member", "-decided_at"], name="decision_org_member"),
            models.Index(fields=["organization", "item"], name="decision_org_item"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} on item #{self.item_id}"

    @property
    def may_appeal_now(self) -> bool:
        return (
            self.outcome == ReviewItem.Outcome.VIOLATION
            and self.overturned_at is None
            and self.appeal_until is not None
            and timezone.now() <= self.appeal_until
        )


class Consequence(TenantModel):
    """One consequence of a violation. Never deleted: an overturned appeal marks it overruled (a strike stays on
    the record as overruled); a suspension is lifted; a task for the member is done, missed or overruled."""

    class Kind(models.TextChoices):
        COACHING = "coaching", _("Coaching note")
        EDIT_REQUEST = "edit_request", _("Request to edit the post")
        DELETE_REQUEST = "delete_request", _("Request to delete the post")
        WARNING = "warning", _("Warning (a strike)")
        SUSPENSION = "suspension", _("Sharing suspended")
        TRAINING = "training", _("Training course")
        HR_REFERRAL = "hr_referral", _("Referral to HR")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        DONE = "done", _("Done")
        MISSED = "missed", _("Not done by the deadline")
        ENDED = "ended", _("Ended")
        OVERRULED = "overruled", _("Overruled on appeal")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, db_constraint=False, related_name="consequences")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.TextField(blank=True)
    days = models.PositiveSmallIntegerField(null=True, blank=True)  # suspension
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)  # suspension's end; a task's deadline
    course = models.ForeignKey(
        "policies.Course", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    overruled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["organization", "member", "kind", "status"], name="consequence_org_member"),
            models.Index(
                fields=["organization", "ends_at"],
                name="consequence_org_open_tasks",
                condition=Q(status="active", kind__in=["edit_request", "delete_request"]),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class Appeal(TenantModel):
    """The member's one appeal of a violation, decided by a different moderator or by HR."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, db_constraint=False, related_name="appeals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "decision"], name="appeal_once_per_decision")]
        indexes = [models.Index(fields=["organization", "state", "created_at"], name="appeal_org_state")]

    def __str__(self):
        return f"Appeal of decision #{self.decision_id}"


class Report(TenantModel):
    """An employee's report of a post (a link on a network, or a share in the product). `reporter` is kept so
    the reporter can see the outcome; when `anonymous`, moderators never see who reported."""

    class Category(models.TextChoices):
        CONFIDENTIAL = "confidential", _("Confidential information")
        HARASSMENT = "harassment", _("Harassment or insults")
        MISLEADING = "misleading", _("Misleading or false")
        DISCLOSURE = "disclosure", _("Missing disclosure")
        OFFENSIVE = "offensive", _("Offensive language")
        OTHER = "other", _("Something else")

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, db_constraint=False, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    anonymous = models.BooleanField(default=False)
    category = models.CharField(max_length=16, choices=Category.choices)
    description = models.TextField()
    url = models.URLField(max_length=1000, blank=True)
    share = models.ForeignKey(
        "content_library.Share", on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "reporter", "-created_at"], name="report_org_reporter")]

    def __str__(self):
        return f"Report #{self.pk}"
