"""What earns points, read from what the other apps already record (their models, read only): confirmed
shares, approved suggestions, policy acknowledgements made by their due date. One Candidate per thing; the
ledger's unique key makes reading the same thing twice harmless."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q

from content_library.models import ContentItem, Share
from policies.models import Acknowledgement

from .models import Reason


@dataclass(frozen=True)
class Candidate:
    user_id: int
    reason: str
    source_kind: str
    source_id: int
    occurred_at: datetime.datetime


def _span(field: str, since, until) -> Q:
    q = Q(**{f"{field}__lt": until})
    return q & Q(**{f"{field}__gte": since}) if since is not None else q


def confirmed_shares(since, until) -> list[Candidate]:
    rows = Share.objects.filter(_span("confirmed_at", since, until), status=Share.Status.CONFIRMED).values_list(
        "pk", "user_id", "confirmed_at"
    )
    return [Candidate(user, Reason.SHARE_CONFIRMED, "content.share", pk, at) for pk, user, at in rows]


def approved_suggestions(since, until) -> list[Candidate]:
    """A suggestion is approved when it first goes out (content_library keeps `first_published_at`)."""
    rows = ContentItem.objects.filter(
        _span("first_published_at", since, until), is_suggestion=True, created_by__isnull=False
    ).values_list("pk", "created_by_id", "first_published_at")
    return [Candidate(user, Reason.SUGGESTION_APPROVED, "content.suggestion", pk, at) for pk, user, at in rows]


def acknowledgements_on_time(since, until) -> list[Candidate]:
    """Acknowledgements made on or before their version's due date (a version without one is never late)."""
    rows = (
        Acknowledgement.objects.filter(_span("acknowledged_at", since, until))
        .filter(Q(version__due_on__isnull=True) | Q(acknowledged_at__date__lte=F("version__due_on")))
        .values_list("pk", "user_id", "acknowledged_at")
    )
    return [Candidate(user, Reason.POLICY_ON_TIME, "policies.acknowledgement", pk, at) for pk, user, at in rows]


def candidates(*, since, until) -> list[Candidate]:
    return [
        *confirmed_shares(since, until),
        *approved_suggestions(since, until),
        *acknowledgements_on_time(since, until),
    ]
