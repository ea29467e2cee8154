"""Helpers the policies selectors share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from advocacy.tenancy.models import Membership

from ..models import Acknowledgement, PolicyTeam


def _in_audience(organization, user, policy_ref="pk"):
    """Whether the member's team is in the audience of the policy at `policy_ref` (for policies with teams)."""
    team = Membership.objects.filter(organization=organization, user=user, is_active=True).values("team_id")[:1]
    return Exists(PolicyTeam.objects.filter(organization=organization, policy_id=OuterRef(policy_ref), team_id=team))


def _valid_ack(organization, user, anchor_ref, now):
    return Acknowledgement.objects.filter(organization=organization, user=user, anchor_id=anchor_ref).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found")
