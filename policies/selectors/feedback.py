"""Reads of the feedback rounds before a policy review: the round open on a policy, a member's own answer,
the open rounds waiting for a member, and the anonymous summary HR reads next to the questions asked about
the policy since its last review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from ..caching import pending_cache
from ..models import FeedbackAnswer, FeedbackRound, Policy, PolicyQuestion, PolicyReview
from .common import _in_audience, _int

MIN_ANSWERS = 5  # fewer answers than this and the summary shows nothing but how many there are
ROUND_DAYS = 14  # a round closes two weeks after it opens unless HR chooses


def default_round_close(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=ROUND_DAYS)


def open_round(*, organization, policy: Policy, today: date | None = None) -> FeedbackRound | None:
    """The round taking answers on the policy (at most one at a time), if any."""
    today = today or timezone.localdate()
    return (
        FeedbackRound.objects.filter(organization=organization, policy=policy, closes_on__gte=today)
        .order_by("-opened_at", "-pk")
        .first()
    )


def get_round_for_org(organization, round_id, *, policy: Policy) -> FeedbackRound:
    found = FeedbackRound.objects.filter(organization=organization, policy=policy, pk=_int(round_id)).first()
    if found is None:
        raise Http404("No such feedback round")
    return found


def rounds_since_last_review(*, organization, policy: Policy) -> list[FeedbackRound]:
    """The rounds opened since the policy's last recorded review (every round before the first), newest first."""
    rounds = FeedbackRound.objects.filter(organization=organization, policy=policy)
    last = PolicyReview.objects.filter(organization=organization, policy=policy).order_by("-reviewed_at").first()
    if last is not None:
        rounds = rounds.filter(opened_at__gt=last.reviewed_at)
    return list(rounds.order_by("-opened_at", "-pk"))


def my_answer(*, organization, feedback_round: FeedbackRound, user) -> FeedbackAnswer | None:
    return FeedbackAnswer.objects.filter(organization=organization, round=feedback_round, user=user).first()


def open_rounds_for_member(*, organization, user, today: date | None = None) -> list[dict]:
    """The open rounds on active policies in the member's audience, with whether they answered: one query.
    Plain dicts, so they can be cached."""
    today = today or timezone.localdate()
    answered = FeedbackAnswer.objects.filter(organization=organization, round_id=OuterRef("pk"), user=user)
    rows = (
        FeedbackRound.objects.filter(
            organization=organization,
            closes_on__gte=today,
            policy__status=Policy.Status.ACTIVE,
            policy__current_version__isnull=False,
        )
        .annotate(in_team=_in_audience(organization, user, "policy_id"), answered=Exists(answered))
        .filter(Q(policy__audience_all=True) | Q(in_team=True))
        .order_by("closes_on", "pk")
        .values("pk", "policy_id", "policy__title", "prompt", "closes_on", "answered")
    )
    return [
        {
            "pk": r["pk"],
            "policy_id": r["policy_id"],
            "title": r["policy__title"],
            "prompt": r["prompt"],
            "closes_on": r["closes_on"],
            "answered": r["answered"],
        }
        for r in rows
    ]


def open_rounds_for_member_cached(*, organization, user) -> list[dict]:
    """open_rounds_for_member, kept with the member's pending acknowledgements (same invalidation); a round
    whose closing date passed since is dropped on reading."""
    today = timezone.localdate()
    rows = pending_cache.get_or_compute(
        (organization.pk,),
        user.pk,
        "rounds",
        compute=lambda: open_rounds_for_member(organization=organization, user=user, today=today),
    )
    return [r for r in rows if r["closes_on"] >= today]


@dataclass(frozen=True)
class FeedbackSummary:
    """What HR sees of a round: never who answered. Below MIN_ANSWERS only the count (`shown` is False)."""

    feedback_round: FeedbackRound
    count: int
    shown: bool
    average: float | None = None
    distribution: list[dict] = field(default_factory=list)  # rating, count, percent; 5 down to 1
    comments: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.feedback_round.closes_on >= timezone.localdate()

    @property
    def missing(self) -> int:
        return max(0, MIN_ANSWERS - self.count)


def feedback_summary(*, organization, feedback_round: FeedbackRound) -> FeedbackSummary:
    """Count, average, distribution and comments (in a fixed order that says nothing of who or when), only
    from MIN_ANSWERS answers on. One query."""
    rows = list(
        FeedbackAnswer.objects.filter(organization=organization, round=feedback_round)
        .order_by("comment", "rating")
        .values_list("rating", "comment")
    )
    count = len(rows)
    if count < MIN_ANSWERS:
        return FeedbackSummary(feedback_round=feedback_round, count=count, shown=False)
    by_rating = dict.fromkeys(range(1, 6), 0)
    for rating, _comment in rows:
        by_rating[rating] += 1
    distribution = [
        {"rating": rating, "count": by_rating[rating], "percent": round(100 * by_rating[rating] / count)}
        for rating in range(5, 0, -1)
    ]
    return FeedbackSummary(
        feedback_round=feedback_round,
        count=count,
        shown=True,
        average=round(sum(r for r, _ in rows) / count, 1),
        distribution=distribution,
        comments=sorted(c.strip() for _, c in rows if c.strip()),
    )


def questions_since_last_review(*, organization, policy: Policy) -> list[PolicyQuestion]:
    """Questions and feedback asked about the policy since its last recorded review (all before the first),
    newest first, without who asked."""
    questions = PolicyQuestion.objects.filter(organization=organization, policy=policy)
    last = PolicyReview.objects.filter(organization=organization, policy=policy).order_by("-reviewed_at").first()
    if last is not None:
        questions = questions.filter(created_at__gt=last.reviewed_at)
    return list(questions.select_related("version").order_by("-created_at", "-pk"))
