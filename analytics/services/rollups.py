"""The rollups: what shares, clicks, pulled posts, brand mentions and the review queue added up to, per day.

`rollup_days` recomputes whole days from the sources (confirmed shares, content_library's daily click rollup,
monitoring's posts and mentions) and writes only the differences: a day recomputed with nothing new writes
nothing (so the dashboards' cache stays warm), a replay or a concurrent run writes the same rows (the days of
one organization are locked while they are rewritten). `rollup_refresh` is the incremental run (every minute,
per organization): the days whose sources changed since the watermark, plus today and yesterday (clicks arrive
there), then the watermark moves. `rollup_range` rebuilds a date range (the management command).

Days are the organization's calendar days (its time zone), except clicks: content_library stores them per UTC
day, and they are counted on that day. Reach is an estimate: the followers the sharing member's connected
account on that network has now."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from content_library.models import ClickDaily, Share
from monitoring.models import ConnectedAccount, Mention, Post
from monitoring.review.models import ReviewItem
from monitoring.selectors import sentiment_q

from ..models import ActivityDaily, MentionDaily, ModerationDaily, RollupState
from ..selectors.zone import day_bounds, local_today, organization_zone

ACTIVITY_COUNTS = ("shares", "clicks", "reach", "posts", "engagement", "positive", "neutral", "negative")
MENTION_COUNTS = ("mentions", "positive", "neutral", "negative")
MODERATION_COUNTS = ("raised", "decided", "decided_in_time", "decision_minutes", "violations")
OVERLAP = datetime.timedelta(minutes=5)  # sources committed late with an earlier timestamp are still seen
CHUNK_DAYS = 31


@dataclass
class RefreshResult:
    days: int
    written: int


def _sentiment_counts():
    return {name: Count("pk", filter=sentiment_q(name)) for name in ("positive", "neutral", "negative")}


def _share_rows(organization, start, end, zone):
    low, high = day_bounds(start, end, zone)
    return (
        Share.objects.filter(
            organization=organization, status=Share.Status.CONFIRMED, confirmed_at__gte=low, confirmed_at__lt=high
        )
        .annotate(d=TruncDate("confirmed_at", tzinfo=zone))
        .order_by()
        .values("d", "user_id", "content_id", "campaign_id", "network")
        .annotate(n=Count("pk"))
    )


def _click_rows(organization, start, end):
    return (
        ClickDaily.objects.filter(organization=organization, day__gte=start, day__lte=end)
        .order_by()
        .values("day", "user_id", "content_id", "campaign_id", "network")
        .annotate(n=Sum("clicks"))
    )


def _post_rows(organization, start, end, zone):
    low, high = day_bounds(start, end, zone)
    engagement = F("likes") + F("reposts") + F("replies") + F("quotes")
    return (
        Post.objects.filter(organization=organization, posted_at__gte=low, posted_at__lt=high, deleted_at__isnull=True)
        .annotate(d=TruncDate("posted_at", tzinfo=zone))
        .order_by()
        .values("d", "user_id", "content_item_id", "campaign_id", "network")
        .annotate(n=Count("pk"), engaged=Sum(engagement, filter=Q(share__isnull=False)), **_sentiment_counts())
    )


def _followers(organization, user_ids) -> dict[tuple[int, str], int]:
    rows = (
        ConnectedAccount.objects.filter(
            organization=organization, user_id__in=user_ids, state=ConnectedAccount.State.CONNECTED
        )
        .order_by()
        .values("user_id", "network")
        .annotate(followers=Max("followers_count"))
    )
    return {(row["user_id"], row["network"]): row["followers"] for row in rows}


def _empty():
    return {"campaign_id": None, **dict.fromkeys(ACTIVITY_COUNTS, 0)}


def _activity(organization, start, end, zone) -> dict[tuple, dict]:
    """(day, user, content, network) -> the campaign and counts, from the sources."""
    rows: dict[tuple, dict] = defaultdict(_empty)
    for r in _share_rows(organization, start, end, zone):
        row = rows[(r["d"], r["user_id"], r["content_id"], r["network"])]
        row["shares"] += r["n"]
        row["campaign_id"] = row["campaign_id"] or r["campaign_id"]
    for r in _click_rows(organization, start, end):
        row = rows[(r["day"], r["user_id"], r["content_id"], r["network"])]
        row["clicks"] += r["n"]
        row["campaign_id"] = row["campaign_id"] or r["campaign_id"]
    for r in _post_rows(organization, start, end, zone):
        row = rows[(r["d"], r["user_id"], r["content_item_id"], r["network"])]
        row["posts"] += r["n"]
        row["engagement"] += r["engaged"] or 0
        for name in ("positive", "neutral", "negative"):
            row[name] += r[name]
        row["campaign_id"] = row["campaign_id"] or r["campaign_id"]
    users = {key[1] for key in rows}
    followers = _followers(organization, users)
    teams = dict(
        Membership.objects.filter(organization=organization, user_id__in=users).values_list("user_id", "team_id")
    )
    for (_day, user_id, _content, network), row in rows.items():
        row["reach"] = row["shares"] * followers.get((user_id, network), 0)
        row["team_id"] = teams.get(user_id)
    return rows


def _mentions(organization, start, end, zone) -> dict[tuple, dict]:
    low, high = day_bounds(start, end, zone)
    rows = (
        Mention.objects.filter(organization=organization, posted_at__gte=low, posted_at__lt=high)
        .annotate(d=TruncDate("posted_at", tzinfo=zone))
        .order_by()
        .values("d", "network")
        .annotate(mentions=Count("pk"), **_sentiment_counts())
    )
    return {(r["d"], r["network"]): {name: r[name] for name in MENTION_COUNTS} for r in rows}


def _moderation(organization, start, end, zone) -> dict[tuple, dict]:
    """Review items flagged per day (their creation) and decided per day (resolved items, by their decision)."""
    low, high = day_bounds(start, end, zone)
    items = ReviewItem.objects.filter(organization=organization).order_by()
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(MODERATION_COUNTS, 0))
    raised = (
        items.filter(created_at__gte=low, created_at__lt=high)
        .annotate(d=TruncDate("created_at", tzinfo=zone))
        .values("d")
        .annotate(n=Count("pk"))
    )
    for r in raised:
        rows[(r["d"],)]["raised"] = r["n"]
    waited = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    decided = (
        items.filter(state=ReviewItem.State.RESOLVED, decided_at__gte=low, decided_at__lt=high)
        .annotate(d=TruncDate("decided_at", tzinfo=zone))
        .values("d")
        .annotate(
            n=Count("pk"),
            in_time=Count("pk", filter=Q(decided_at__lte=F("due_at"))),
            waited=Sum(waited),
            violations=Count("pk", filter=Q(outcome=ReviewItem.Outcome.VIOLATION)),
        )
    )
    for r in decided:
        row = rows[(r["d"],)]
        row["decided"], row["decided_in_time"], row["violations"] = r["n"], r["in_time"], r["violations"]
        row["decision_minutes"] = max(0, int(r["waited"].total_seconds() // 60)) if r["waited"] else 0
    return rows


def _sync(model, organization, start, end, wanted: dict[tuple, dict], key_fields, value_fields) -> int:
    """Make the model's rows of [start, end] exactly `wanted`; returns how many rows were written."""
    existing = {
        tuple(getattr(row, f) for f in key_fields): row
        for row in model.objects.filter(organization=organization, day__gte=start, day__lte=end)
    }
    keep = organization.click_retention_months
    create, update = [], []
    for key, values in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            fields = dict(zip(key_fields, key, strict=True))
            create.append(model(organization=organization, keep_months=keep, **fields, **values))
        elif any(getattr(row, f) != values[f] for f in value_fields):
            for f in value_fields:
                setattr(row, f, values[f])
            update.append(row)
    if existing:
        model.objects.filter(organization=organization, pk__in=[row.pk for row in existing.values()]).delete()
    if update:
        model.objects.bulk_update(update, list(value_fields), batch_size=1000)
    if create:
        model.objects.bulk_create(create, batch_size=1000)
    return len(create) + len(update) + len(existing)


ACTIVITY_KEY = ("day", "user_id", "content_id", "network")
ACTIVITY_VALUES = ("team_id", "campaign_id", *ACTIVITY_COUNTS)


def _lock(organization) -> None:
    """One rewriting run per organization at a time (a transaction-level advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x616E, organization.pk])


def rollup_span(*, organization, start: datetime.date, end: datetime.date, zone=None) -> int:
    """Recompute the days [start, end] (one transaction); returns the rows written."""
    zone = zone or organization_zone(organization)
    with transaction.atomic():
        _lock(organization)
        written = _sync(
            ActivityDaily,
            organization,
            start,
            end,
            _activity(organization, start, end, zone),
            ACTIVITY_KEY,
            ACTIVITY_VALUES,
        )
        written += _sync(
            MentionDaily,
            organization,
            start,
            end,
            _mentions(organization, start, end, zone),
            ("day", "network"),
            MENTION_COUNTS,
        )
        written += _sync(
            ModerationDaily,
            organization,
            start,
            end,
            _moderation(organization, start, end, zone),
            ("day",),
            MODERATION_COUNTS,
        )
    return written


def _spans(days) -> list[tuple[datetime.date, datetime.date]]:
    """Sorted days as contiguous [start, end] spans of at most CHUNK_DAYS."""
    spans: list[list[datetime.date]] = []
    for day in sorted(set(days)):
        if spans and day - spans[-1][1] == datetime.timedelta(days=1) and (day - spans[-1][0]).days < CHUNK_DAYS:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [(a, b) for a, b in spans]


def rollup_days(*, organization, days) -> int:
    zone = organization_zone(organization)
    return sum(rollup_span(organization=organization, start=a, end=b, zone=zone) for a, b in _spans(days))


def rollup_range(*, organization, start: datetime.date, end: datetime.date) -> int:
    """Rebuild every day of [start, end] (each chunk its own transaction, inside the organization's scope)."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    with organization_scope(organization):
        zone = organization_zone(organization)
    written = 0
    for a, b in _spans(days):
        with organization_scope(organization):
            written += rollup_span(organization=organization, start=a, end=b, zone=zone)
    return written


def _changed_days(organization, since: datetime.datetime, zone) -> set[datetime.date]:
    """Days whose sources changed after `since`: shares confirmed, posts and mentions seen (their counts move)."""
    days = set(
        Share.objects.filter(organization=organization, confirmed_at__gte=since)
        .annotate(d=TruncDate("confirmed_at", tzinfo=zone))
        .values_list("d", flat=True)
        .distinct()
    )
    for model in (Post, Mention):
        days |= set(
            model.objects.filter(organization=organization, last_seen_at__gte=since)
            .annotate(d=TruncDate("posted_at", tzinfo=zone))
            .values_list("d", flat=True)
            .distinct()
        )
    touched = ReviewItem.objects.filter(organization=organization, updated_at__gte=since)
    for field in ("created_at", "decided_at"):
        days |= set(
            touched.filter(**{f"{field}__isnull": False})
            .annotate(d=TruncDate(field, tzinfo=zone))
            .values_list("d", flat=True)
            .distinct()
        )
    return days


def rollup_refresh(*, organization, now: datetime.datetime | None = None) -> RefreshResult:
    """The incremental run: changed days since the watermark, today and yesterday; then the watermark moves.
    Safe to run twice or concurrently (the same rows result)."""
    now = now or timezone.now()
    zone = organization_zone(organization)
    state, _ = RollupState.objects.get_or_create(organization=organization)
    today = local_today(zone, now)
    days = {today, today - datetime.timedelta(days=1)}
    if state.watermark is not None:
        days |= _changed_days(organization, state.watermark - OVERLAP, zone)
    else:  # first run: the retained history
        days |= {today - datetime.timedelta(days=n) for n in range(2, 93)}
    written = rollup_days(organization=organization, days={d for d in days if d <= today})
    RollupState.objects.filter(pk=state.pk).update(watermark=now, last_run_at=timezone.now(), days_rebuilt=len(days))
    return RefreshResult(days=len(days), written=written)
