"""Every write to organizations, teams, memberships and invitations: atomic and audited."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from advocacy.audit.services import audit_record
from advocacy.permissions import Role

from .context import organization_scope
from .models import Invitation, InvitationRoute, Membership, Organization, Team

VALID_ROLES = {r.value for r in Role}


def _clean_roles(roles) -> list[str]:
    cleaned = sorted({str(r).strip().lower() for r in roles if str(r).strip()})
    unknown = [r for r in cleaned if r not in VALID_ROLES]
    if unknown:
        raise ValidationError(f"Unknown role(s): {', '.join(unknown)}. Use employee, hr, moderator or admin.")
    if not cleaned:
        raise ValidationError("Choose at least one role.")
    return cleaned


def _check_team(organization: Organization, team: Team | None) -> None:
    if team is not None and team.organization_id != organization.pk:
        raise ValidationError("That team does not belong to this organization.")


# --- organizations --------------------------------------------------------------------------------------


@transaction.atomic
def organization_create(*, name: str, slug: str = "", owner=None) -> Organization:
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationError("An organization needs a name.")
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError(f"The address /o/{slug}/ is taken.")
    organization = Organization.objects.create(name=name.strip(), slug=slug)
    if owner is not None:
        with organization_scope(organization):
            Membership.objects.create(organization=organization, user=owner, roles=[Role.ADMIN, Role.EMPLOYEE])
            audit_record(organization=organization, actor=owner, action="organization.created", target=organization)
    return organization


FIRST_ADMIN_ROLES = [Role.ADMIN, Role.EMPLOYEE]


@transaction.atomic
def organization_start(*, name: str, slug: str = "", first_admin_email: str, actor=None):
    """A new organization whose first admin is invited by email; they invite everyone else.
    Returns (organization, invitation, raw token). Nothing is created when any part is refused."""
    if not (name or "").strip():
        raise ValidationError("Give the organization a name.")
    organization = organization_create(name=name, slug=slug)
    with organization_scope(organization, user=actor):
        audit_record(organization=organization, actor=actor, action="organization.created", target=organization)
        invitation, raw = invitation_create(
            organization=organization, actor=actor, email=first_admin_email, roles=FIRST_ADMIN_ROLES
        )
    return organization, invitation, raw


@transaction.atomic
def organization_update_settings(*, organization: Organization, actor, require_mfa_for_staff: bool, name: str):
    changes = {}
    if organization.require_mfa_for_staff != require_mfa_for_staff:
        changes["require_mfa_for_staff"] = require_mfa_for_staff
    if name.strip() and name.strip() != organization.name:
        changes["name"] = name.strip()
    if not changes:
        return organization
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.save(update_fields=list(changes))
    audit_record(organization=organization, actor=actor, action="organization.settings_changed", data=changes)
    return organization


# --- teams ---------------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, organization: Organization, actor, name: str, description: str = "") -> Team:
    name = name.strip()
    if not name:
        raise ValidationError("A team needs a name.")
    if Team.objects.filter(organization=organization, name__iexact=name).exists():
        raise ValidationError(f"There is already a team called “{name}”.")
    team = Team.objects.create(organization=organization, name=name, description=description.strip())
    audit_record(organization=organization, actor=actor, action="team.created", target=team)
    return team


@transaction.atomic
def team_update(*, organization: Organization, actor, team: Team, name: str, description: str = "") -> Team:
    _check_team(organization, team)
    name = name.strip()
    if not name:
        raise ValidationError("A team needs a name.")
    if Team.objects.filter(organization=organization, name__iexact=name).exclude(pk=team.pk).exists():
        raise ValidationError(f"There is already a team called “{name}”.")
    team.name, team.description = name, description.strip()
    team.save(update_fields=["name", "description"])
    audit_record(organization=organization, actor=actor, action="team.updated", target=team)
    return team


@transaction.atomic
def team_delete(*, organization: Organization, actor, team: Team) -> None:
    _check_team(organization, team)
    audit_record(organization=organization, actor=actor, action="team.deleted", target=team)
    team.delete()


# --- memberships ---------------------------------------------------------------------------------------


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
    _check_team(organization, team)
    new_roles = _clean_roles(roles)
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
    from django.contrib.sessions.backends.cached_db import SessionStore

    from advocacy.accounts.models import UserSession

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
    from advocacy.accounts.models import ApiToken

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


# --- invitations ---------------------------------------------------------------------------------------


def invitation_url(raw_token: str) -> str:
    return f"{settings.SITE_URL}/invitations/{raw_token}/"


def _send_invitation_email(invitation: Invitation, raw_token: str, organization: Organization) -> None:
    context = {
        "invitation": invitation,
        "organization": organization,
        "url": invitation_url(raw_token),
        "inviter": invitation.invited_by,
    }
    try:
        send_mail(
            subject=f"You're invited to join {organization.name} on Advocacy",
            message=render_to_string("tenancy/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
            fail_silently=False,
        )
    except (smtplib.SMTPException, OSError) as exc:
        # Sent inside the invitation's transaction: a refused email undoes the invitation too, and the
        # person inviting is told, so no invitation waits for an email that never left.
        raise ValidationError(
            f"The invitation email to {invitation.email} could not be sent ({exc.__class__.__name__}), so "
            "nothing was saved. Please try again in a moment."
        ) from exc


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    actor,
    email: str,
    roles,
    team: Team | None = None,
    full_name: str = "",
    send_email: bool = True,
) -> tuple[Invitation, str]:
    """Invite `email`. Returns (invitation, raw_token); the token is only ever in the email."""
    from django.core.validators import validate_email

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"“{email}” is not a valid email address.")
    roles = _clean_roles(roles)
    _check_team(organization, team)
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of {organization.name}.")
    open_invites = Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    # An expired open invitation gives way to the new one.
    open_invites.filter(expires_at__lte=timezone.now()).update(revoked_at=timezone.now())
    if open_invites.filter(expires_at__gt=timezone.now()).exists():
        raise ValidationError(f"{email} already has a pending invitation.")
    raw = Invitation.generate_token()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organization=organization,
                email=email,
                full_name=full_name.strip()[:150],
                roles=roles,
                team=team,
                token_hash=Invitation.hash_token(raw),
                invited_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationError(f"{email} already has a pending invitation.")
    audit_record(
        organization=organization,
        actor=actor,
        action="invitation.created",
        target=invitation,
        data={"email": email, "roles": roles, "team": team.pk if team else None},
    )
    if send_email:
        _send_invitation_email(invitation, raw, organization)
    return invitation, raw


@transaction.atomic
def invitation_revoke(*, organization: Organization, actor, invitation: Invitation) -> Invitation:
    if invitation.organization_id != organization.pk:
        raise ValidationError("That invitation does not belong to this organization.")
    if invitation.status != "pending":
        raise ValidationError(f"This invitation is {invitation.status} and cannot be revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(organization=organization, actor=actor, action="invitation.revoked", target=invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, organization: Organization, actor, invitation: Invitation) -> Invitation:
    """A fresh token and expiry (the old link stops working), sent again."""
    from .models import invitation_expiry

    if invitation.organization_id != organization.pk:
        raise ValidationError("That invitation does not belong to this organization.")
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation is {invitation.status} and cannot be resent.")
    raw = Invitation.generate_token()
    invitation.token_hash = Invitation.hash_token(raw)
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["token_hash", "expires_at"])
    audit_record(organization=organization, actor=actor, action="invitation.resent", target=invitation)
    _send_invitation_email(invitation, raw, organization)
    return invitation


def invitation_find_by_token(raw_token: str) -> Invitation | None:
    """The one place an invitation is found from outside any organization: by the hash of the
    secret token in its link. Answers only that invitation (with its organization). The routing table
    names the organization and the invitation is read in that organization only (one statement; under
    Citus the route is one shard's look-up and the invitation another's, never a fan-out)."""
    from .context import dangerously_unscoped

    token_hash = Invitation.hash_token(raw_token or "")
    route = InvitationRoute.objects.filter(token_hash=token_hash).values("organization_id")[:1]
    with dangerously_unscoped():
        return (
            Invitation.objects.unscoped()
            .select_related("organization", "team", "invited_by")
            .filter(organization_id=Subquery(route), token_hash=token_hash)
            .first()
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    organization = invitation.organization
    with organization_scope(organization, user=user):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise ValidationError(f"This invitation is {invitation.status}.")
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(
                f"This invitation was sent to {invitation.email}. Sign in with that address to accept it."
            )
        membership = Membership.objects.filter(organization=organization, user=user).first()
        if membership is None:
            membership = Membership.objects.create(
                organization=organization, user=user, roles=invitation.roles, team=invitation.team
            )
        else:
            membership.roles = sorted(set(membership.roles) | set(invitation.roles))
            membership.team = membership.team or invitation.team
            membership.is_active = True
            membership.deactivated_at = None
            membership.save(update_fields=["roles", "team", "is_active", "deactivated_at"])
        if invitation.full_name and not user.full_name:
            user.full_name = invitation.full_name
            user.save(update_fields=["full_name"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(organization=organization, actor=user, action="invitation.accepted", target=invitation)
    return membership


# --- roster imports (bulk invitations from CSV) ----------------------------------------------------------

ROSTER_CHUNK_MIN = 25


@transaction.atomic
def roster_import_create(*, organization: Organization, actor, filename: str, content: str):
    """Store a validated roster and queue its processing. Raises ValidationError for a bad file
    (nothing is created then)."""
    from . import roster
    from .models import RosterImport
    from .tasks import enqueue, process_roster_import

    rows = roster.parse(content)
    roster_import = RosterImport.objects.create(
        organization=organization,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        filename=(filename or "roster.csv")[:200],
        content=content,
        total_rows=len(rows),
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="roster_import.created",
        target=roster_import,
        data={"filename": roster_import.filename, "rows": len(rows)},
    )
    enqueue(process_roster_import, organization, roster_import.pk)
    return roster_import


def _roster_chunk_size(total: int) -> int:
    """Progress is committed every N rows: often enough for a lively bar, at most ~100 commits."""
    return max(ROSTER_CHUNK_MIN, -(-total // 100))


def _roster_outcome(row, outcome: str, reason: str, roles: list[str] | None = None) -> dict:
    return {
        "row": row.row,
        "name": row.name,
        "email": row.email,
        "team": row.team,
        "roles": " ".join(roles) if roles is not None else row.roles,
        "outcome": outcome,
        "reason": reason,
    }


def _roster_process_rows(
    *, organization: Organization, actor, rows, earlier: list[dict], outbox: list | None = None
) -> list[dict]:
    """Decide and apply one chunk of rows; `earlier` is the report so far (for duplicates). With an
    `outbox`, invitation emails are not sent here but listed there as (report index, invitation, token)
    for the caller to send once the chunk is committed."""
    from django.core.validators import validate_email

    from . import roster

    seen = {e["email"].strip().lower(): e["row"] for e in earlier if e["outcome"] != "rejected" and e["email"]}
    emails = {r.email.strip().lower() for r in rows if r.email.strip()}
    teams = {t.name.lower(): t for t in Team.objects.filter(organization=organization)}
    members = {
        e.lower()
        for e in Membership.objects.filter(organization=organization, user__email__in=emails).values_list(
            "user__email", flat=True
        )
    }
    invited = {
        e.lower()
        for e in Invitation.objects.filter(
            organization=organization,
            email__in=emails,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("email", flat=True)
    }
    report = []
    for row in rows:
        email = row.email.strip().lower()
        if not email:
            report.append(_roster_outcome(row, "rejected", "Missing email address"))
            continue
        try:
            validate_email(email)
        except ValidationError:
            report.append(_roster_outcome(row, "rejected", f"“{row.email}” is not a valid email address"))
            continue
        if email in seen:
            report.append(_roster_outcome(row, "skipped", f"Duplicate of row {seen[email]} in this file"))
            continue
        roles, unknown = roster.parse_roles(row.roles)
        if unknown:
            names = ", ".join(f"“{u}”" for u in unknown)
            report.append(
                _roster_outcome(row, "rejected", f"Unknown role {names}: use employee, hr, moderator or admin")
            )
            continue
        team = None
        if row.team:
            team = teams.get(row.team.lower())
            if team is None:
                report.append(_roster_outcome(row, "rejected", f"No team named “{row.team}”", roles))
                continue
        seen[email] = row.row
        if email in members:
            report.append(_roster_outcome(row, "skipped", "Already a member", roles))
            continue
        if email in invited:
            report.append(_roster_outcome(row, "skipped", "Already invited (invitation pending)", roles))
            continue
        try:
            invitation, raw = invitation_create(
                organization=organization,
                actor=actor,
                email=email,
                roles=roles,
                team=team,
                full_name=row.name,
                send_email=outbox is None,
            )
            if outbox is not None:
                outbox.append((len(report), invitation, raw))
        except ValidationError as exc:
            seen.pop(email, None)
            report.append(_roster_outcome(row, "rejected", " ".join(exc.messages), roles))
            continue
        report.append(_roster_outcome(row, "created", "Invitation sent", roles))
    return report


def roster_import_run(*, organization: Organization, roster_import_id: int, chunk_size: int | None = None) -> None:
    """Process a roster import from where it stopped. Each chunk of rows, its invitations, its report
    lines and the progress counter commit together, under a row lock on the import: a worker killed
    midway loses only the unfinished chunk, and a second run (retry, duplicate delivery) resumes
    without inviting anyone twice. Opens its own transactions (called from a task)."""
    from . import roster
    from .models import RosterImport

    with organization_scope(organization):
        roster_import = RosterImport.objects.filter(organization=organization, pk=roster_import_id).first()
        if roster_import is None or roster_import.status == RosterImport.Status.DONE:
            return
        rows = roster.parse(roster_import.content)
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=RosterImport.Status.RUNNING, total_rows=len(rows), error=""
        )
    size = chunk_size or _roster_chunk_size(len(rows))
    try:
        while True:
            with organization_scope(organization):
                locked = RosterImport.objects.select_for_update().get(organization=organization, pk=roster_import_id)
                if locked.status == RosterImport.Status.DONE:
                    return
                start = locked.processed_rows
                if start >= len(rows):
                    locked.status = RosterImport.Status.DONE
                    locked.finished_at = timezone.now()
                    locked.save(update_fields=["status", "finished_at"])
                    counts = {o: sum(1 for e in locked.report if e["outcome"] == o) for o in roster.OUTCOMES}
                    audit_record(
                        organization=organization,
                        actor=locked.uploaded_by,
                        action="roster_import.finished",
                        target=locked,
                        data=counts,
                    )
                    return
                report = list(locked.report)[:start]
                chunk = rows[start : start + size]
                outbox: list = []
                offset = len(report)
                report += _roster_process_rows(
                    organization=organization, actor=locked.uploaded_by, rows=chunk, earlier=report, outbox=outbox
                )
                locked.report = report
                locked.processed_rows = start + len(chunk)
                locked.status = RosterImport.Status.RUNNING
                locked.save(update_fields=["report", "processed_rows", "status"])
            # The chunk is committed: its emails go now (a rolled-back chunk sent nothing).
            _roster_send(organization, roster_import_id, [(offset + i, inv, raw) for i, inv, raw in outbox])
    except Exception as exc:
        with organization_scope(organization):
            RosterImport.objects.filter(organization=organization, pk=roster_import_id).update(
                status=RosterImport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000]
            )
        raise


def _roster_send(organization: Organization, roster_import_id: int, outbox: list) -> None:
    """Send a committed chunk's invitation emails. One the mail server refuses is withdrawn (so the
    address can be invited again) and its report line says why."""
    from .models import RosterImport

    refused = {}
    for index, invitation, raw in outbox:
        try:
            _send_invitation_email(invitation, raw, organization)
        except ValidationError as exc:
            refused[index] = (
                invitation.pk,
                " ".join(exc.messages).replace("so nothing was saved", "so it was withdrawn"),
            )
    if not refused:
        return
    with organization_scope(organization):
        locked = RosterImport.objects.select_for_update().get(organization=organization, pk=roster_import_id)
        report = list(locked.report)
        for index, (_pk, reason) in refused.items():
            report[index] = {**report[index], "outcome": "rejected", "reason": reason}
        locked.report = report
        locked.save(update_fields=["report"])
        Invitation.objects.filter(organization=organization, pk__in=[pk for pk, _ in refused.values()]).update(
            revoked_at=timezone.now()
        )


@transaction.atomic
def roster_import_resume(*, organization: Organization, actor, roster_import):
    """Queue an unfinished import again (after a failure); it continues from its last committed row."""
    from .models import RosterImport
    from .tasks import enqueue, process_roster_import

    if roster_import.organization_id != organization.pk:
        raise ValidationError("That import does not belong to this organization.")
    if roster_import.status == RosterImport.Status.DONE:
        raise ValidationError("This import has already finished.")
    RosterImport.objects.filter(organization=organization, pk=roster_import.pk).update(
        status=RosterImport.Status.QUEUED, error=""
    )
    audit_record(organization=organization, actor=actor, action="roster_import.resumed", target=roster_import)
    enqueue(process_roster_import, organization, roster_import.pk)
    return roster_import
