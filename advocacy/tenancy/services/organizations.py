"""Writes to organizations: creating one (with its first admin), its settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from advocacy.audit.services import audit_record
from advocacy.permissions import Role

from ..context import organization_scope
from ..models import Membership, Organization
from .invitations import invitation_create


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
