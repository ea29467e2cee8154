"""Writes to teams."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from advocacy.audit.services import audit_record

from ..models import Organization, Team
from .common import check_team


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
    check_team(organization, team)
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
    check_team(organization, team)
    audit_record(organization=organization, actor=actor, action="team.deleted", target=team)
    team.delete()
