"""The dashboard's figures, trends and breakdowns, read from the rollups (never from shares, clicks, posts or
snapshots). Every function takes the organization first and a `Filters`; the dashboard as a whole is cached
through the one cache contract (caching.py), invalidated by the rollups' writes."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek

from advocacy.tenancy.models import Membership

from ..models import ActivityDaily, AnalyticsSettings, MentionDaily
from .periods import Filters

SUMS = ("shares", "clicks", "reach", "posts", "engagement", "positive", "neutral", "negative")
TOP = 10


def analytics_settings(organization) -> AnalyticsSettings:
    found = AnalyticsSettings.objects.filter(organization=organization).first()
    return found or AnalyticsSettings(organization=organization)


def active_members(organization, team_id=None):
    members = Membership.objects.filter(organization=organization, is_active=True)
    return members.filter(team_id=team_id) if team_id else members


def activity(organization, f: Filters):
    qs = ActivityDaily.objects.filter(organization=organization, day__gte=f.start, day__lte=f.end)
    if f.team_id:
        qs = qs.filter(team_id=f.team_id)
    if f.campaign_id:
        qs = qs.filter(campaign_id=f.campaign_id)
    if f.network:
        qs = qs.filter(network=f.network)
    return qs


def mentions(organization, f: Filters):
    qs = MentionDaily.objects.filter(organization=organization, day__gte=f.start, day__lte=f.end)
    return qs.filter(network=f.network) if f.network else qs


def _sums(names=SUMS):
    """Sum of each count, named `<count>_sum` (an aggregate may not take a field's name)."""
    return {f"{name}_sum": Sum(name, default=0) for name in names}


def _unsum(row: dict) -> dict:
    return {key.removesuffix("_sum"): value for key, value in row.items()}


def _sharers(organization, team_id):
    """Members who shared: active members only (the participation figure's numerator)."""
    active = active_members(organization, team_id).values("user_id")
    return Count("user_id", distinct=True, filter=Q(shares__gt=0, user_id__in=active))


def _ratio(part, whole, places=2):
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _percent(part, whole):
    return None if not whole else round(100 * part / whole, 1)


def _sentiment(positive, neutral, negative) -> dict:
    scored = positive + neutral + negative
    return {
        "positive": positive,
        "neutral": neutral,
        "negative": negative,
        "scored": scored,
        "net": None if not scored else round(100 * (positive - negative) / scored),  # -100 .. +100
    }


def emv(*, reach: int, clicks: int, config: AnalyticsSettings) -> Decimal:
    """Earned media value: reach / 1000 x CPM + human clicks x CPC (an estimate)."""
    value = Decimal(reach) / 1000 * config.cpm + Decimal(clicks) * config.cpc
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def totals(organization, f: Filters, *, members: int, config: AnalyticsSettings) -> dict:
    """The headline figures of one period: two queries."""
    row = _unsum(activity(organization, f).aggregate(**_sums(), sharers=_sharers(organization, f.team_id)))
    mention = _unsum(mentions(organization, f).aggregate(**_sums(("mentions", "positive", "neutral", "negative"))))
    return {
        **{name: row[name] for name in ("shares", "clicks", "reach", "posts", "engagement")},
        "sharers": row["sharers"],
        "members": members,
        "participation": _percent(row["sharers"], members),
        "ctr": _ratio(row["clicks"], row["shares"]),
        "emv": emv(reach=row["reach"], clicks=row["clicks"], config=config),
        "post_sentiment": _sentiment(row["positive"], row["neutral"], row["negative"]),
        "mentions": mention["mentions"],
        "mention_sentiment": _sentiment(mention["positive"], mention["neutral"], mention["negative"]),
    }


def _buckets(f: Filters) -> list[datetime.date]:
    if f.by_week:
        first = f.start - datetime.timedelta(days=f.start.weekday())
        return [first + datetime.timedelta(weeks=n) for n in range((f.end - first).days // 7 + 1)]
    return [f.start + datetime.timedelta(days=n) for n in range(f.days)]


def series(organization, f: Filters) -> list[dict]:
    """One point per day (per week, Monday first, for long periods), empty days included: two queries."""
    bucket = TruncWeek("day") if f.by_week else F("day")
    rows = {
        (r["b"].date() if isinstance(r["b"], datetime.datetime) else r["b"]): _unsum(r)
        for r in activity(organization, f)
        .annotate(b=bucket)
        .order_by()
        .values("b")
        .annotate(**_sums(), sharers=Count("user_id", distinct=True, filter=Q(shares__gt=0)))
    }
    mention_rows = {
        (r["b"].date() if isinstance(r["b"], datetime.datetime) else r["b"]): r["n"]
        for r in mentions(organization, f).annotate(b=bucket).order_by().values("b").annotate(n=Sum("mentions"))
    }
    points = []
    for day in _buckets(f):
        row = rows.get(day, {})
        points.append(
            {
                "day": day,
                **{name: row.get(name, 0) for name in SUMS},
                "sharers": row.get("sharers", 0),
                "mentions": mention_rows.get(day, 0),
            }
        )
    return points


def _grouped(organization, f: Filters, field: str, *, limit=None) -> list[dict]:
    qs = (
        activity(organization, f)
        .order_by()
        .values(field)
        .annotate(**_sums(), sharers=Count("user_id", distinct=True, filter=Q(shares__gt=0)))
        .order_by("-shares_sum", "-clicks_sum", field)
    )
    rows = [_unsum(row) for row in (qs[:limit] if limit else qs)]
    for row in rows:
        row["ctr"] = _ratio(row["clicks"], row["shares"])
    return rows
