"""Writes to memberships: roles and team, deactivation (ending sessions and tokens), reactivation."""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.accounts.models import ApiToken, UserSession
from advocacy.audit.services import audit_record
from advocacy.permissions import Role

from ..models import Membership, Organization, Team
from .common import check_team, clean_roles


def _admin_count(organization: Organization) -> int:
    """Active admins, counted with the organization's row locked until the change commits: two admins
    removing each other at the same moment are counted one after the other, so one of them is refused."""
    list(Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk", flat=True))
    return Membership.objects.filter(organization=organization, is_active=True, roles__contains=[Role.ADMIN]).count()


@transaction.atomic
def membership_update(
    *, organization: Organization, actor, membership: Membership, roles, team: Team | None, title: str | None = None
) -> Membership:
    if membership.organization_id != organization.pk:
        raise ValidationError("That member does not belong to this organization.")
    check_team(organization, team)
    new_roles = clean_roles(roles)
    old_roles = sorted(membership.roles)
    if Role.ADMIN in old_roles and Role.ADMIN not in new_roles and membership.is_active:
        if _admin_count(organization) <= 1:
            raise ValidationError("An organization must keep at least one active admin.")
    old_team = membership.team_id
    membership.roles = new_roles
    membership.team = team
    fields = ["roles", "team"]
    if title is not None:
        membership.title = title.strip()[:120]
        fields.append("title")
    membership.save(update_fields=fields)
    if old_roles != new_roles:
        audit_record(
            organization=organization,
            actor=actor,
            action="member.roles_changed",
            target=membership.user,
            data={"from": old_roles, "to": new_roles},
        )
    if old_team != membership.team_id:
        audit_record(
            organization=organization,
            actor=actor,
            action="member.team_changed",
            target=membership.user,
            data={"from": old_team, "to": membership.team_id},
        )
    return membership


def end_user_sessions(user) -> int:
    """Delete every session of `user` at once."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    live = set(Session.objects.filter(session_key__in=keys).values_list("session_key", flat=True))
    for key in keys:
        SessionStore(session_key=key).delete()  # the cached copy and the database row
    UserSession.objects.filter(user=user).delete()
    return len(live)


@transaction.atomic
def membership_deactivate(*, organization: Organization, actor, membership: Membership) -> Membership:
    """Deactivate at once: the membership stops resolving (404 on every page of the organization),
    the person's sessions are ended and their API tokens for this organization revoked."""
    if membership.organization_id != organization.pk:
        raise ValidationError("That member does not belong to this organization.")
    if not membership.is_active:
        raise ValidationError("This member is already deactivated.")
    if actor is not None and membership.user_id == actor.pk:
        raise ValidationError("You cannot deactivate yourself.")
    if Role.ADMIN in membership.roles and _admin_count(organization) <= 1:
        raise ValidationError("An organization must keep at least one active admin.")
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    revoked = ApiToken.objects.filter(
        user_id=membership.user_id, organization=organization, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    sessions = end_user_sessions(membership.user)
    audit_record(
        organization=organization,
        actor=actor,
        action="member.deactivated",
        target=membership.user,
        data={"sessions_ended": sessions, "tokens_revoked": revoked},
    )
    return membership


@transaction.atomic
def membership_reactivate(*, organization: Organization, actor, membership: Membership) -> Membership:
    if membership.organization_id != organization.pk:
        raise ValidationError("That member does not belong to this organization.")
    if membership.is_active:
        raise ValidationError("This member is already active.")
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_record(organization=organization, actor=actor, action="member.reactivated", target=membership.user)
    return membership
