"""What earns points, read from what the other apps already record (their models, read only): confirmed
shares, unique human clicks on them, engagement on posts that carry them, approved suggestions, policy
acknowledgements made by their due date, completed training courses, and recognition's own kudos and published
stories. One Candidate per thing (per share and day for clicks); the ledger's unique key makes reading the same
thing twice harmless."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from content_library.models import ClickDaily, ContentItem, Share
from monitoring.models import Post
from policies.models import Acknowledgement, CourseCompletion

from .models import ENGAGEMENT_THRESHOLD, Kudos, Reason, Story


@dataclass(frozen=True)
class Candidate:
    user_id: int
    reason: str
    source_kind: str
    source_id: int
    occurred_at: datetime.datetime
    units: int = 1  # the reason's points are earned this many times (clicks)
    day: datetime.date = field(default=None)  # the ledger's day: occurred_at's, unless given

    def __post_init__(self):
        if self.day is None:
            object.__setattr__(self, "day", timezone.localdate(self.occurred_at))


def _span(field_name: str, since, until) -> Q:
    q = Q(**{f"{field_name}__lt": until})
    return q & Q(**{f"{field_name}__gte": since}) if since is not None else q


def confirmed_shares(since, until) -> list[Candidate]:
    rows = Share.objects.filter(_span("confirmed_at", since, until), status=Share.Status.CONFIRMED).values_list(
        "pk", "user_id", "confirmed_at"
    )
    return [Candidate(user, Reason.SHARE_CONFIRMED, "content.share", pk, at) for pk, user, at in rows]


def share_clicks(since, until, *, per_share_per_day: int) -> list[Candidate]:
    """Countable clicks per share and day, as content_library's click rollup keeps them (bots and link
    previews are never counted there, and a repeat click by the same visitor within its window neither). A
    day's clicks earn once that day is over, so the cap per share and day applies to a settled count."""
    today = timezone.localdate(until)
    days = Q(day__lt=today)
    if since is not None:
        days &= Q(day__gte=timezone.localdate(since) - datetime.timedelta(days=1))
    rows = ClickDaily.objects.filter(days, clicks__gt=0).values_list("share_id", "user_id", "day", "clicks")
    tz = timezone.get_current_timezone()
    return [
        Candidate(
            user,
            Reason.SHARE_CLICKS,
            "content.share",
            share,
            datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=tz),
            units=min(clicks, per_share_per_day),
            day=day,
        )
        for share, user, day, clicks in rows
        if min(clicks, per_share_per_day) > 0
    ]


def engaged_posts(since, until) -> list[Candidate]:
    """Posts carrying a share (monitoring attributes them) whose likes, reposts, replies and quotes reached the
    threshold, seen by a pull in the span; they earn once, on the day they were posted."""
    engagement = F("likes") + F("reposts") + F("replies") + F("quotes")
    rows = (
        Post.objects.filter(_span("last_seen_at", since, until), share__isnull=False, deleted_at__isnull=True)
        .alias(engagement=engagement)
        .filter(engagement__gte=ENGAGEMENT_THRESHOLD)
        .values_list("pk", "user_id", "posted_at")
    )
    return [Candidate(user, Reason.POST_ENGAGEMENT, "monitoring.post", pk, at) for pk, user, at in rows]


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


def completed_courses(since, until) -> list[Candidate]:
    """Training courses completed (policies' append-only completions; a refresher's new cycle earns again)."""
    rows = CourseCompletion.objects.filter(_span("completed_at", since, until)).values_list(
        "pk", "user_id", "completed_at"
    )
    return [Candidate(user, Reason.COURSE_COMPLETED, "policies.completion", pk, at) for pk, user, at in rows]


def kudos_received(since, until) -> list[Candidate]:
    rows = Kudos.objects.filter(_span("created_at", since, until), hidden_at__isnull=True).values_list(
        "pk", "receiver_id", "created_at"
    )
    return [Candidate(user, Reason.KUDOS_RECEIVED, "recognition.kudos", pk, at) for pk, user, at in rows]


def stories_published(since, until) -> list[Candidate]:
    rows = Story.objects.filter(
        _span("published_at", since, until), kind=Story.Kind.STORY, status=Story.Status.APPROVED
    ).values_list("pk", "author_id", "published_at")
    return [Candidate(user, Reason.STORY_PUBLISHED, "recognition.story", pk, at) for pk, user, at in rows]


def candidates(*, organization, since, until) -> list[Candidate]:
    from .selectors import recognition_settings

    config = recognition_settings(organization)
    return [
        *confirmed_shares(since, until),
        *share_clicks(since, until, per_share_per_day=config.clicks_per_share_per_day),
        *engaged_posts(since, until),
        *approved_suggestions(since, until),
        *acknowledgements_on_time(since, until),
        *completed_courses(since, until),
        *kudos_received(since, until),
        *stories_published(since, until),
    ]
