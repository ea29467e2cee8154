"""The periodic review of a policy: HR (or an admin) records that the policy was reviewed, with notes, with
or without a new version, and the review sets the next review date."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record

from .. import selectors
from ..models import Policy, PolicyReview
from ..selectors.reviews import default_next_review, latest_review_horizon
from .versions import draft_start

MAX_NOTES = 4000
NOTES_REQUIRED = "Say what you checked and what you found, so the next reviewer knows."


def review_errors(*, notes: str, next_review_on: date | None, today: date | None = None) -> dict[str, list[str]]:
    """What is wrong with a review as typed, every problem at once (by field)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    notes = (notes or "").strip()
    if not notes:
        errors["notes"] = [NOTES_REQUIRED]
    elif len(notes) > MAX_NOTES:
        errors["notes"] = [f"Keep the notes under {MAX_NOTES:,} characters (they have {len(notes):,})."]
    if next_review_on is not None:
        if next_review_on <= today:
            errors["next_review_on"] = ["The next review date must be in the future."]
        elif next_review_on > latest_review_horizon(today):
            errors["next_review_on"] = ["Choose a next review date within five years."]
    return errors


def _policy_errors(policy: Policy) -> list[str]:
    if policy.status == Policy.Status.ARCHIVED:
        return ["This policy is archived; restore it before recording a review."]
    if policy.current_version_id is None:
        return ["Publish the policy first: there is no version in force to review yet."]
    return []


@transaction.atomic
def policy_review_record(
    *,
    organization,
    actor,
    policy: Policy,
    notes: str,
    next_review_on: date | None = None,
    start_new_version: bool = False,
) -> PolicyReview:
    """Record a review of the policy's version in force. `next_review_on` defaults to one review interval
    from today (selectors.default_next_review). With `start_new_version`, the review starts a draft (or
    links the draft already in progress), which then goes through review and publication as usual."""
    policy = Policy.objects.select_for_update().get(organization=organization, pk=policy.pk)
    today = timezone.localdate()
    errors = review_errors(notes=notes, next_review_on=next_review_on, today=today)
    if problems := _policy_errors(policy):
        errors[NON_FIELD_ERRORS] = problems
    if errors:
        raise ValidationError(errors)
    next_review_on = next_review_on or default_next_review(organization=organization, policy=policy, today=today)
    new_version = None
    if start_new_version:
        new_version = selectors.open_draft(organization=organization, policy=policy) or draft_start(
            organization=organization, actor=actor, policy=policy
        )
    review = PolicyReview.objects.create(
        organization=organization,
        policy=policy,
        reviewed_version_id=policy.current_version_id,
        new_version=new_version,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        notes=notes.strip(),
        outcome=PolicyReview.Outcome.NEW_VERSION if start_new_version else PolicyReview.Outcome.NO_CHANGE,
        previous_due_on=policy.review_due_on,
        next_review_on=next_review_on,
    )
    policy.review_due_on = next_review_on
    policy.save(update_fields=["review_due_on", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.reviewed",
        target=policy,
        data={
            "review": review.pk,
            "outcome": review.outcome,
            "version": policy.current_version_id,
            "new_version": new_version.pk if new_version else None,
            "previous_due_on": str(review.previous_due_on) if review.previous_due_on else None,
            "next_review_on": str(next_review_on),
            "notes": review.notes[:500],
        },
    )
    return review
