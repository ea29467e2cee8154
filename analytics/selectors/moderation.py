"""The moderation part (moderators and admins): flags raised and decided per period, decided within the service
level, time to decision, violations (from the review queue's daily rollup), what is overdue now and each rule's
precision (through the review queue's selectors)."""

from __future__ import annotations

import datetime

from django.db.models import F, Sum
from django.db.models.functions import TruncWeek

from monitoring.review.selectors import rule_precision, state_counts

from ..models import ModerationDaily
from .periods import Filters

COUNTS = ("raised", "decided", "decided_in_time", "decision_minutes", "violations")


def _rows(organization, f: Filters):
    return ModerationDaily.objects.filter(organization=organization, day__gte=f.start, day__lte=f.end)


def moderation_totals(organization, f: Filters) -> dict:
    row = _rows(organization, f).aggregate(**{f"{name}_sum": Sum(name, default=0) for name in COUNTS})
    row = {key.removesuffix("_sum"): value for key, value in row.items()}
    decided = row["decided"]
    row["in_time_percent"] = round(100 * row["decided_in_time"] / decided, 1) if decided else None
    row["hours_to_decision"] = round(row["decision_minutes"] / decided / 60, 1) if decided else None
    row["violation_percent"] = round(100 * row["violations"] / decided, 1) if decided else None
    return row


def moderation_series(organization, f: Filters, buckets) -> list[dict]:
    bucket = TruncWeek("day") if f.by_week else F("day")
    found = {}
    for r in (
        _rows(organization, f)
        .annotate(b=bucket)
        .order_by()
        .values("b")
        .annotate(raised_sum=Sum("raised"), decided_sum=Sum("decided"))
    ):
        day = r["b"].date() if isinstance(r["b"], datetime.datetime) else r["b"]
        found[day] = r
    return [
        {
            "day": day,
            "raised": found.get(day, {}).get("raised_sum", 0),
            "decided": found.get(day, {}).get("decided_sum", 0),
        }
        for day in buckets
    ]


def moderation(*, organization, filters: Filters) -> dict:
    from .figures import _buckets

    return {
        "current": moderation_totals(organization, filters),
        "previous": moderation_totals(organization, filters.previous()),
        "series": moderation_series(organization, filters, _buckets(filters)),
        "now": state_counts(organization=organization),
        "precision": rule_precision(organization=organization),
    }
