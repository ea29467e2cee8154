"""My impact: one member's shares, clicks, engagement and reach over a period (from the rollups), with their
points over time and where they stand on the boards (through recognition's selectors)."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.db.models.functions import TruncWeek

from recognition import selectors as recognition

from ..models import ActivityDaily
from .figures import _buckets, _ratio, _sums, _unsum
from .periods import Filters

COUNTS = ("shares", "clicks", "engagement", "reach", "posts")
RANK_PERIODS = ("week", "month", "quarter")


def _mine(organization, user, f: Filters):
    return ActivityDaily.objects.filter(organization=organization, user=user, day__gte=f.start, day__lte=f.end)


def _bucket(day: datetime.date, by_week: bool) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday()) if by_week else day


def _points(organization, user, f: Filters, buckets) -> dict:
    by_day = recognition.points_by_day(organization=organization, user=user, start=f.start, end=f.end)
    points = dict.fromkeys(buckets, 0)
    for day, value in by_day.items():
        points[_bucket(day, f.by_week)] = points.get(_bucket(day, f.by_week), 0) + value
    return points


def impact(*, organization, user, filters: Filters) -> dict:
    f = filters
    sums = _sums(COUNTS)
    current = _unsum(_mine(organization, user, f).aggregate(**sums))
    previous = _unsum(_mine(organization, user, f.previous()).aggregate(**sums))
    for row in (current, previous):
        row["ctr"] = _ratio(row["clicks"], row["shares"])
    bucket = TruncWeek("day") if f.by_week else F("day")
    rows = {
        (r["b"].date() if isinstance(r["b"], datetime.datetime) else r["b"]): _unsum(r)
        for r in _mine(organization, user, f).annotate(b=bucket).order_by().values("b").annotate(**sums)
    }
    buckets = _buckets(f)
    points = _points(organization, user, f, buckets)
    series = [
        {"day": day, **{name: rows.get(day, {}).get(name, 0) for name in COUNTS}, "points": points.get(day, 0)}
        for day in buckets
    ]
    content = list(
        _mine(organization, user, f)
        .filter(content_id__isnull=False)
        .order_by()
        .values("content_id")
        .annotate(**sums)
        .filter(shares_sum__gt=0)
        .order_by("-clicks_sum", "-shares_sum", "content_id")[:10]
    )
    content = [_unsum(row) for row in content]
    return {"current": current, "previous": previous, "series": series, "content": content}


def standing(*, organization, user) -> dict:
    """The member's points per period and rank on each board (None: no points there, or the boards are off)."""
    config = recognition.recognition_settings(organization)
    own = recognition.own_points(organization=organization, user=user)
    ranks = {}
    if config.leaderboards_enabled:
        for period in RANK_PERIODS:
            board = recognition.leaderboard(organization=organization, viewer=user, period=period)
            ranks[period] = {"rank": board.viewer_rank, "size": board.size, "hidden": board.viewer_hidden}
    return {"points": own, "ranks": ranks, "enabled": config.leaderboards_enabled}
