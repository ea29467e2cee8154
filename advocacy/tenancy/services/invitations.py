"""Writes to invitations: create (and email), revoke, resend, find by token, accept; what happens when the
mail server refuses an invitation's email."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail

from ..context import organization_scope
from ..models import Invitation, InvitationRoute, Membership, Organization, Team, invitation_expiry
from .common import check_team, clean_roles

# called by advocacy.core.mail, by name, in the transaction that records a refused invitation email
REFUSED_HOOK = "advocacy.tenancy.services.invitations.invitation_email_refused"


def invitation_url(raw_token: str) -> str:
    return f"{settings.SITE_URL}/invitations/{raw_token}/"


def invitation_mail(
    invitation: Invitation, raw_token: str, organization: Organization, *, on_refused: str = REFUSED_HOOK, refs=None
) -> mail.Mail:
    """The invitation email: plain text (not HTML-escaped) with an HTML alternative."""
    context = {
        "invitation": invitation,
        "organization": organization,
        "url": invitation_url(raw_token),
        "inviter": invitation.invited_by,
    }
    return mail.Mail(
        to=invitation.email,
        subject=f"You're invited to join {organization.name} on Advocacy",
        body=mail.render_text("tenancy/email/invitation.txt", context),
        html=render_to_string("tenancy/email/invitation.html", context),
        kind="invitation",
        on_refused=on_refused,
        refs={"invitation_id": invitation.pk, **(refs or {})},
    )


def send_invitation_email(
    invitation: Invitation, raw_token: str, organization: Organization, *, now: bool = True, **mail_options
) -> None:
    """Queue the invitation's email in the current transaction (advocacy.core.mail). `now`: try it at once,
    inside the transaction, for the admin waiting on the form: an address the server refuses undoes the
    invitation and they are told; a server that cannot be reached leaves it queued, sent when it answers.
    Otherwise it is sent after the commit (with the rest of an enclosing `mail.batch()`)."""
    row = mail.queue(
        organization, [invitation_mail(invitation, raw_token, organization, **mail_options)], deliver=not now
    )[0]
    if not now:
        return
    try:
        mail.send_now(organization, row)
    except mail.MailRefused as exc:
        raise ValidationError(
            f"The invitation email to {invitation.email} could not be sent ({exc.reason}), so nothing was saved. "
            "Check the address and try again."
        ) from exc


def invitation_email_refused(*, organization: Organization, mail, reason: str) -> Invitation | None:
    """The server refused an invitation's email after it was saved (a roster's, or one retried for days): the
    invitation is withdrawn, so the address can be invited again, and the audit log says why."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(organization=organization, pk=(mail.refs or {}).get("invitation_id"))
        .first()
    )
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        organization=organization,
        actor=None,
        action="invitation.email_refused",
        target=invitation,
        data={"email": invitation.email, "reason": reason[:300]},
    )
    return invitation


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
    mail_options: dict | None = None,
) -> tuple[Invitation, str]:
    """Invite `email`. Returns (invitation, raw_token); the token is only ever in the email. `send_email`: the
    email is tried before this returns (a refused address saves nothing); otherwise it is sent after the commit
    (`mail_options`: its `on_refused` hook and `refs`, see send_invitation_email)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"“{email}” is not a valid email address.")
    roles = clean_roles(roles)
    check_team(organization, team)
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
    send_invitation_email(invitation, raw, organization, now=send_email, **(mail_options or {}))
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
    if invitation.organization_id != organization.pk:
        raise ValidationError("That invitation does not belong to this organization.")
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation is {invitation.status} and cannot be resent.")
    raw = Invitation.generate_token()
    invitation.token_hash = Invitation.hash_token(raw)
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["token_hash", "expires_at"])
    audit_record(organization=organization, actor=actor, action="invitation.resent", target=invitation)
    send_invitation_email(invitation, raw, organization)
    return invitation


def invitation_find_by_token(raw_token: str) -> Invitation | None:
    """The one place an invitation is found from outside any organization: by the hash of the
    secret token in its link. Answers only that invitation (with its organization). The routing table
    names the organization, and the invitation is read in that organization's scope (under Citus the
    route is one shard's look-up and the invitation another's, never a fan-out)."""
    token_hash = Invitation.hash_token(raw_token or "")
    route = InvitationRoute.objects.select_related("organization").filter(token_hash=token_hash).first()
    if route is None:
        return None
    with organization_scope(route.organization):
        return (
            Invitation.objects.select_related("organization", "team", "invited_by")
            .filter(token_hash=token_hash)
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
