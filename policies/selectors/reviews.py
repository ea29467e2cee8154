"""Reads of a policy's periodic reviews: the history, the last one, the default next review date."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from ..models import DEFAULT_REVIEW_MONTHS, Policy, PolicyReview

REVIEW_HORIZON_MONTHS = 60  # a next review further away than this is refused


def _add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


REVIEW_MONTHS_SETTING = "policy_review_months"


def organization_review_months(organization) -> int:
    """The organization's default review interval (policies settings), a year unless HR changed it."""
    value = (organization.settings or {}).get(REVIEW_MONTHS_SETTING)
    return int(value) if value else DEFAULT_REVIEW_MONTHS


def review_interval_months(*, organization, policy: Policy) -> int:
    """How many months a review lasts: the policy's own interval, else the organization's default (a year
    unless HR changed it). Every review, like every publication, sets the next one that far ahead unless HR
    chooses a date."""
    return policy.review_months or organization_review_months(organization)


def default_next_review(*, organization, policy: Policy, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return _add_months(today, review_interval_months(organization=organization, policy=policy))


def latest_review_horizon(today: date | None = None) -> date:
    return _add_months(today or timezone.localdate(), REVIEW_HORIZON_MONTHS)


def policy_reviews(*, organization, policy: Policy):
    """The policy's recorded reviews, newest first, with who reviewed and the versions they name."""
    return PolicyReview.objects.filter(organization=organization, policy=policy).select_related(
        "reviewed_by", "reviewed_version", "new_version"
    )


def last_review(*, organization, policy: Policy) -> PolicyReview | None:
    return policy_reviews(organization=organization, policy=policy).first()


def last_review_date(*, organization, policy: Policy):
    """When the policy was last reviewed (None before its first review), for the page people read."""
    return (
        PolicyReview.objects.filter(organization=organization, policy=policy)
        .order_by("-reviewed_at", "-pk")
        .values_list("reviewed_at", flat=True)
        .first()
    )
