"""Helpers the policies selectors share."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from ..models import (
    Acknowledgement,
)


def _valid_ack(organization, user, anchor_ref, now):
    return Acknowledgement.objects.filter(organization=organization, user=user, anchor_id=anchor_ref).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found")
