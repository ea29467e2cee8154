"""Organizations (tenants), teams, memberships with roles, invitations; the tenant model base."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from advocacy.core.cache import rows_written
from advocacy.core.distribution import install_group_by_rule
from advocacy.core.partitioning import DEFAULT_RETENTION, RETENTION_CHOICES
from advocacy.permissions import Role, allowed_actions

from .context import NoActiveOrganization, current_organization

install_group_by_rule()  # tenant tables' primary key is (organization_id, id): see advocacy.core.distribution


class Organization(models.Model):
    """The tenant. Not itself tenant-owned: it is what the other rows belong to."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    require_mfa_for_staff = models.BooleanField(
        default=False, help_text="Admins, HR and moderators must use two-factor authentication."
    )
    settings = models.JSONField(default=dict, blank=True)
    click_retention_months = models.PositiveSmallIntegerField(
        choices=[(m, f"{m} months") for m in RETENTION_CHOICES],
        default=DEFAULT_RETENTION,
        help_text=(
            "How long daily click and share counts are kept (totals per item, campaign and share are kept for good)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TenantQuerySet(models.QuerySet):
    """Bulk writes tell the cache contract which rows they touch (the ORM sends no signal for them)."""

    def update(self, **kwargs):
        organization = current_organization()
        organization_id = organization.pk if organization is not None else None
        rows_written(self.model, queryset=self, fields=kwargs, organization_id=organization_id)
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        rows_written(self.model, objs=objs)
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        rows_written(self.model, objs=objs, fields=fields)
        return super().bulk_update(objs, fields, *args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Fail-closed: raises when no organization is active, else filters to the active one."""

    def get_queryset(self):
        qs = super().get_queryset()
        org = current_organization()
        if org is None:
            raise NoActiveOrganization(
                f"{self.model.__name__} queried with no organization active; use organization_scope()"
            )
        return qs.filter(organization_id=org.pk)

    def unscoped(self):
        """Every organization's rows as far as the ORM goes (row-level security still applies)."""
        return super().get_queryset()

    def none(self):
        """An empty queryset needs no organization (form fields declare one at import time and get
        their organization's rows in __init__)."""
        return super().get_queryset().none()


class TenantModel(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.organization_id is None:
            org = current_organization()
            if org is None:
                raise NoActiveOrganization(f"{type(self).__name__} saved with no organization")
            self.organization = org
        super().save(*args, **kwargs)


class Team(TenantModel):
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=240, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name_per_org"),
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_role(self, role):
        return self.filter(roles__contains=[role])


class MembershipManager(TenantManager.from_queryset(MembershipQuerySet)):
    def for_user(self, user):
        """A user's own memberships in every organization (row-level security admits a user's own
        rows when `user_scope(user)` is active)."""
        return self.unscoped().filter(user=user)


class Membership(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    roles = ArrayField(models.CharField(max_length=16, choices=Role.choices), default=list)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="members"
    )
    title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipManager()

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "team"], name="membership_org_team"),
            models.Index(fields=["organization", "is_active"], name="membership_org_active"),
            models.Index(fields=["user"], name="membership_user"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization_id}"

    @property
    def actions(self) -> frozenset[str]:
        return allowed_actions(self.roles) if self.is_active else frozenset()

    def may(self, action: str) -> bool:
        return action in self.actions

    def get_roles_display(self) -> str:
        labels = dict(Role.choices)
        return ", ".join(labels.get(r, r) for r in self.roles)


def invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(TenantModel):
    get_roles_display = Membership.get_roles_display

    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    roles = ArrayField(models.CharField(max_length=16, choices=Role.choices), default=list)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, db_constraint=False, null=True, blank=True, related_name="+"
    )
    # Unique platform-wide through InvitationRoute (a trigger keeps it), unique per organization here.
    token_hash = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.UniqueConstraint(fields=["organization", "token_hash"], name="invitation_unique_token"),
        ]

    def __str__(self):
        return f"Invitation for {self.email}"

    @staticmethod
    def hash_token(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class InvitationRoute(models.Model):
    """The routing table of invitation links: token hash -> organization, for the accept page that starts
    knowing only the token. Not tenant-owned; distributed by `token_hash` under Citus. A trigger on the
    invitation table keeps it; its primary key keeps token hashes unique platform-wide."""

    # a routing table (advocacy.core.distribution): its key, and why
    routing_key = ("token_hash", "invitation token hash -> organization, for the accept link")

    token_hash = models.CharField(max_length=64, primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"invitation route to {self.organization_id}"


# An unfinished import whose progress has not moved for this long is stalled (its worker was killed, its task
# message lost): the beat task `advocacy.tenancy.tasks.resume_stalled_roster_imports` resumes it, up to
# ROSTER_MAX_AUTO_RESUMES times in a row without progress, and its page offers Resume to an admin.
ROSTER_STALL_AFTER = timedelta(minutes=3)
ROSTER_MAX_AUTO_RESUMES = 3


class RosterImport(TenantModel):
    """A CSV roster uploaded for bulk invitation; processed by a Celery task with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.TextField(help_text="The CSV text as uploaded, kept so a retried task loses nothing.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # when it last showed life: queued, started, a chunk committed, resumed
    heartbeat_at = models.DateTimeField(default=timezone.now)
    # resumed by the stall check since its progress last moved
    auto_resumes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "heartbeat_at"],
                name="rosterimport_unfinished",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self):
        return f"Roster import {self.filename}"

    @property
    def is_stalled(self) -> bool:
        return (
            self.status in (self.Status.QUEUED, self.Status.RUNNING)
            and self.heartbeat_at < timezone.now() - ROSTER_STALL_AFTER
        )

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return int(100 * self.processed_rows / self.total_rows)
