"""Checks the tenancy services share: roles and teams."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from advocacy.permissions import Role

from ..models import Organization, Team

VALID_ROLES = {r.value for r in Role}


def clean_roles(roles) -> list[str]:
    cleaned = sorted({str(r).strip().lower() for r in roles if str(r).strip()})
    unknown = [r for r in cleaned if r not in VALID_ROLES]
    if unknown:
        raise ValidationError(f"Unknown role(s): {', '.join(unknown)}. Use employee, hr, moderator or admin.")
    if not cleaned:
        raise ValidationError("Choose at least one role.")
    return cleaned


def check_team(organization: Organization, team: Team | None) -> None:
    if team is not None and team.organization_id != organization.pk:
        raise ValidationError("That team does not belong to this organization.")
