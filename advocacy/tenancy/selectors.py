"""Reads of organizations, memberships, teams and invitations. `organization` always comes first."""

from allauth.mfa.models import Authenticator
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from advocacy.permissions import Role

from .caching import membership_cache, stats_cache, switcher_cache
from .context import user_scope
from .models import Invitation, Membership, Organization, RosterImport, Team

STAFF_ROLES = {Role.ADMIN, Role.HR, Role.MODERATOR}


def membership_for_request(*, organization: Organization, user) -> Membership | None:
    """The caller's active membership in the active organization, or None (-> 404).

    Served from the cache; any write of a membership or a team of the organization makes the copy stale
    (tenancy.caching), so a deactivation or a role change applies on the very next request."""
    membership = membership_cache.get_or_compute(
        (organization.pk, user.pk),
        compute=lambda: (
            Membership.objects.select_related("team")
            .filter(organization=organization, user=user, is_active=True)
            .first()
        ),
    )
    if membership is None:
        return None
    membership.organization = organization  # already loaded: no query when it is read (staff_needs_mfa)
    return membership


def staff_needs_mfa(*, membership: Membership, user) -> bool:
    organization = membership.organization
    if not organization.require_mfa_for_staff or not (STAFF_ROLES & set(membership.roles)):
        return False
    return not user_has_mfa(user=user)


def user_has_mfa(*, user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def memberships_for_user(*, user, fresh: bool = False) -> list[Membership]:
    """The organizations a user belongs to, for the switcher: one deliberate cross-organization read
    that row-level security admits because the rows are the user's own. Cached per user for display;
    `fresh=True` reads the database (decisions that grant something)."""
    if not user.is_authenticated:
        return []

    def load():
        with user_scope(user):
            return list(
                Membership.objects.for_user(user)
                .filter(is_active=True)
                .select_related("organization")
                .order_by("organization__name")
            )

    if fresh:
        return load()
    return switcher_cache.get_or_compute((user.pk,), compute=load)


def get_membership_for_org(organization: Organization, membership_id) -> Membership:
    try:
        return Membership.objects.select_related("user", "team").get(organization=organization, pk=int(membership_id))
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404("No such member")


def get_team_for_org(organization: Organization, team_id) -> Team:
    try:
        return Team.objects.get(organization=organization, pk=int(team_id))
    except (Team.DoesNotExist, ValueError, TypeError):
        raise Http404("No such team")


def get_invitation_for_org(organization: Organization, invitation_id) -> Invitation:
    try:
        return Invitation.objects.select_related("team").get(organization=organization, pk=int(invitation_id))
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such invitation")


def get_roster_import_for_org(organization: Organization, import_id, *, light: bool = False) -> RosterImport:
    """`light` leaves out the uploaded text and the report (the status page polls every second)."""
    qs = RosterImport.objects.select_related("uploaded_by")
    if light:
        qs = qs.defer("content", "report")
    try:
        return qs.get(organization=organization, pk=int(import_id))
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import")


def member_list(
    *,
    organization: Organization,
    search: str = "",
    role: str = "",
    team_id=None,
    no_team: bool = False,
    status: str = "active",
):
    """Members with their user and team (one query per page whatever the size). `team_id` must
    already be checked against the organization (forms limit it to the organization's teams)."""
    qs = Membership.objects.filter(organization=organization).select_related("user", "team")
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(user__email__icontains=search) | Q(user__full_name__icontains=search))
    if role:
        qs = qs.filter(roles__contains=[role])
    if no_team:
        qs = qs.filter(team__isnull=True)
    elif team_id:
        qs = qs.filter(team_id=team_id)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status in ("inactive", "deactivated"):
        qs = qs.filter(is_active=False)
    return qs.order_by("user__email", "pk")


def team_list(*, organization: Organization):
    return (
        Team.objects.filter(organization=organization)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )


def invitation_list(*, organization: Organization, status: str = "pending"):
    """Invitations, newest first; status pending / accepted / revoked / expired / "" (all)."""
    now = timezone.now()
    qs = Invitation.objects.filter(organization=organization).select_related("team", "invited_by")
    if status == "pending":
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
    elif status == "accepted":
        qs = qs.filter(accepted_at__isnull=False)
    elif status == "revoked":
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=False)
    elif status == "expired":
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now)
    return qs.order_by("-created_at", "-pk")


def invitation_counts(*, organization: Organization) -> dict:
    """Invitations by status, in one query."""
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return Invitation.objects.filter(organization=organization).aggregate(
        pending=Count("id", filter=open_ & Q(expires_at__gt=now)),
        expired=Count("id", filter=open_ & Q(expires_at__lte=now)),
        accepted=Count("id", filter=Q(accepted_at__isnull=False)),
        revoked=Count("id", filter=Q(accepted_at__isnull=True, revoked_at__isnull=False)),
        all=Count("id"),
    )


def roster_import_report(*, organization: Organization, roster_import: RosterImport) -> list[dict]:
    """The per-row report of an import (loaded on its own: it can hold 10,000 rows)."""
    report = (
        RosterImport.objects.filter(organization=organization, pk=roster_import.pk)
        .values_list("report", flat=True)
        .first()
    )
    return report or []


def roster_import_list(*, organization: Organization, limit: int = 10):
    """Recent roster imports, without their (large) content and report."""
    return (
        RosterImport.objects.filter(organization=organization)
        .select_related("uploaded_by")
        .defer("content", "report")
        .order_by("-created_at", "-pk")[:limit]
    )


def member_counts(*, organization: Organization) -> dict:
    """Active / deactivated member counts in one query (the members page's tabs)."""
    return Membership.objects.filter(organization=organization).aggregate(
        active=Count("id", filter=Q(is_active=True)),
        deactivated=Count("id", filter=Q(is_active=False)),
    )


def organization_stats(*, organization: Organization) -> dict:
    """Counts for the organization home page: a fixed number of queries whatever the size, cached for
    a minute and made stale when members, teams or invitations change."""

    def load():
        members = Membership.objects.filter(organization=organization)
        counts = members.aggregate(
            active=Count("id", filter=Q(is_active=True)),
            admins=Count("id", filter=Q(is_active=True, roles__contains=[Role.ADMIN])),
            hr=Count("id", filter=Q(is_active=True, roles__contains=[Role.HR])),
            moderators=Count("id", filter=Q(is_active=True, roles__contains=[Role.MODERATOR])),
        )
        counts["teams"] = Team.objects.filter(organization=organization).count()
        counts["pending_invitations"] = invitation_list(organization=organization).count()
        return counts

    return stats_cache.get_or_compute((organization.pk,), compute=load)
