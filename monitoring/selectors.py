"""Reads of monitoring. `organization` always comes first; ids from requests are checked against it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from advocacy.tenancy.models import Membership

from .intake.sentiment import NEGATIVE_AT, POSITIVE_AT
from .models import Mention, Network, Post, Rule, RuleMatch, SentimentState
from .services.checking import settings_for

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "all": None}
DEFAULT_PERIOD = "30d"
SENTIMENTS = ("positive", "neutral", "negative", "not_scored")
TREND_DAYS = 30

__all__ = [
    "DEFAULT_PERIOD",
    "PERIODS",
    "SENTIMENTS",
    "get_rule_for_org",
    "member_posts",
    "mention_list",
    "mention_trend",
    "monitoring_settings",
    "post_list",
    "rule_list",
]

monitoring_settings = settings_for


def get_rule_for_org(organization, rule_id) -> Rule:
    try:
        return Rule.objects.select_related("policy").get(organization=organization, pk=int(rule_id))
    except (Rule.DoesNotExist, TypeError, ValueError):
        raise Http404("No such rule") from None


def sentiment_q(sentiment: str) -> Q:
    """Rows whose stored sentiment is `sentiment` (positive, neutral, negative, not_scored)."""
    scored = Q(sentiment_state=SentimentState.SCORED)
    return {
        "positive": scored & Q(sentiment_compound__gte=POSITIVE_AT),
        "negative": scored & Q(sentiment_compound__lte=NEGATIVE_AT),
        "neutral": scored & Q(sentiment_compound__gt=NEGATIVE_AT, sentiment_compound__lt=POSITIVE_AT),
        "not_scored": ~scored,
    }.get(sentiment, Q())


def since(period: str) -> datetime.datetime | None:
    days = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    return timezone.now() - datetime.timedelta(days=days) if days else None


def _matches_prefetch() -> Prefetch:
    return Prefetch(
        "matches",
        queryset=RuleMatch.objects.select_related("rule").only(
            "id", "post_id", "mention_id", "rule_id", "matched_text", "start", "end", "rule__name", "rule__severity"
        ),
    )


def post_list(
    *,
    organization,
    network: str = "",
    team=None,
    sentiment: str = "",
    rule: Rule | None = None,
    flagged: bool = False,
    period: str = DEFAULT_PERIOD,
    user=None,
):
    """Members' posts, newest first, with their author, account and matches (for the page and the API)."""
    qs = Post.objects.filter(organization=organization, deleted_at__isnull=True)
    if network in Network.values:
        qs = qs.filter(network=network)
    if team is not None:
        members = Membership.objects.filter(organization=organization, team=team).values("user_id")
        qs = qs.filter(user_id__in=members)
    if user is not None:
        qs = qs.filter(user=user)
    if sentiment in SENTIMENTS:
        qs = qs.filter(sentiment_q(sentiment))
    if rule is not None:
        qs = qs.filter(Exists(RuleMatch.objects.filter(organization=organization, post=OuterRef("pk"), rule=rule)))
    elif flagged:
        qs = qs.filter(Exists(RuleMatch.objects.filter(organization=organization, post=OuterRef("pk"))))
    start = since(period)
    if start is not None:
        qs = qs.filter(posted_at__gte=start)
    return qs.select_related("user", "account").prefetch_related(_matches_prefetch()).order_by("-posted_at", "-id")


def member_posts(*, organization, user):
    """A member's own pulled posts with their latest engagement, newest first (their connected accounts'
    page)."""
    return (
        Post.objects.filter(organization=organization, user=user, deleted_at__isnull=True)
        .select_related("account")
        .order_by("-posted_at", "-id")
    )


def mention_list(*, organization, sentiment: str = "", period: str = DEFAULT_PERIOD, network: str = ""):
    qs = Mention.objects.filter(organization=organization)
    if sentiment in SENTIMENTS:
        qs = qs.filter(sentiment_q(sentiment))
    if network in Network.values:
        qs = qs.filter(network=network)
    start = since(period)
    if start is not None:
        qs = qs.filter(posted_at__gte=start)
    return qs.prefetch_related(_matches_prefetch()).order_by("-posted_at", "-id")


@dataclass(frozen=True)
class TrendDay:
    day: datetime.date
    positive: int
    neutral: int
    negative: int
    not_scored: int
    average: float | None  # mean compound of the scored mentions

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative + self.not_scored


def mention_trend(*, organization, days: int = TREND_DAYS, today: datetime.date | None = None) -> list[TrendDay]:
    """Brand mentions per day over the last `days` days (today included), by sentiment, in one query."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    rows = (
        Mention.objects.filter(organization=organization, posted_at__gte=start)
        .annotate(day=TruncDate("posted_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            positive=Count("id", filter=sentiment_q("positive")),
            neutral=Count("id", filter=sentiment_q("neutral")),
            negative=Count("id", filter=sentiment_q("negative")),
            not_scored=Count("id", filter=sentiment_q("not_scored")),
            average=Avg("sentiment_compound", filter=Q(sentiment_state=SentimentState.SCORED)),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    trend = []
    for n in range(days):
        day = first + datetime.timedelta(days=n)
        row = by_day.get(day, {})
        trend.append(
            TrendDay(
                day,
                row.get("positive", 0),
                row.get("neutral", 0),
                row.get("negative", 0),
                row.get("not_scored", 0),
                row.get("average"),
            )
        )
    return trend


def rule_list(*, organization, kind: str = "", enabled: str = ""):
    """The rules with how many posts and mentions each matched."""
    qs = Rule.objects.filter(organization=organization).select_related("policy", "created_by")
    if kind in Rule.Kind.values:
        qs = qs.filter(kind=kind)
    if enabled in ("on", "off"):
        qs = qs.filter(enabled=enabled == "on")
    return qs.annotate(match_count=Count("matches")).order_by("name", "id")


def rule_choices(*, organization) -> list[tuple[int, str]]:
    return list(Rule.objects.filter(organization=organization).order_by("name").values_list("id", "name"))
