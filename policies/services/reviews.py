"""The periodic review of a policy: HR (or an admin) records that the policy was reviewed, with notes, with
or without a new version, and the review sets the next review date; the owner is reminded before it is due."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.tenancy.models import Membership

from .. import selectors
from ..models import Policy, PolicyReview, ReminderLog
from ..selectors.reviews import default_next_review, latest_review_horizon
from .common import org_url
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


# --- reminders before a review is due --------------------------------------------------------------------------

REVIEW_NOTICE_DAYS = 14  # the owner hears of a coming review this many days ahead (on the day: reminders_run)
# called by advocacy.core.mail, by name, when the server refuses a reminder: the claim is given back
REFUSED_HOOK = "policies.services.reminders.reminder_mail_refused"

CLAIM_SQL = """
INSERT INTO policies_reminderlog (organization_id, version_id, user_id, interval_key, sent_at)
SELECT %s, %s, person, %s, now() FROM unnest(%s::bigint[]) AS person
ON CONFLICT (organization_id, version_id, user_id, interval_key) DO NOTHING
RETURNING user_id
"""


def _review_recipients(organization, policy: Policy) -> list[int]:
    """The policy's owner while they are an active member; otherwise every HR member."""
    active = Membership.objects.filter(organization=organization, is_active=True)
    if policy.owner_id and active.filter(user_id=policy.owner_id).exists():
        return [policy.owner_id]
    return list(active.filter(roles__contains=["hr"]).values_list("user_id", flat=True))


def _claim(organization, policy: Policy, interval_key: str, user_ids: list[int]) -> list[int]:
    """One ReminderLog per person for this review date, skipping those already reminded: the users this call
    claimed (a second run for the same date claims nobody, and so sends nothing)."""
    if not user_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [organization.pk, policy.current_version_id, interval_key, user_ids])
        return [row[0] for row in cursor.fetchall()]


def _review_reminder(organization, policy: Policy, today: date, key: str, user_id: int, email: str) -> mail.Mail:
    days = (policy.review_due_on - today).days
    url = org_url(organization, "manage", policy_id=policy.pk)
    return mail.Mail(
        to=email,
        subject=f"Review coming up: {policy.title}",
        body=(
            f"“{policy.title}” is due for its review on {policy.review_due_on:%d %B %Y} (in {days} days).\n\n"
            "Check that it still matches the law, the networks and how people work, and the questions asked "
            f"about it since its last review. Then record the review (it sets the next date): {url}\n"
        ),
        kind="policy_review_reminder",
        on_refused=REFUSED_HOOK,
        refs={"version_id": policy.current_version_id, "user_id": user_id, "interval_key": key},
    )


def policies_with_review_coming(*, organization, today: date, days: int):
    """Active published policies whose review date is after today and at most `days` ahead, with the id of
    their last recorded review (`last_review_id`, None before the first)."""
    reviews = PolicyReview.objects.filter(organization=organization, policy_id=OuterRef("pk"))
    last = reviews.order_by("-reviewed_at", "-pk")
    return (
        Policy.objects.filter(
            organization=organization,
            status=Policy.Status.ACTIVE,
            current_version__isnull=False,
            review_due_on__gt=today,
            review_due_on__lte=today + timedelta(days=days),
        )
        .annotate(last_review_id=Subquery(last.values("pk")[:1]))
        .order_by("review_due_on", "pk")
    )


@transaction.atomic
def review_reminders_run(*, organization, today: date | None = None, days: int = REVIEW_NOTICE_DAYS) -> int:
    """The daily job: tell each policy's owner (or every HR member when it has none) that its review is due
    within `days`, once per review date; the mails are queued in the outbox with their claims, so a run that
    rolls back sends nothing and a second run sends nothing again. Returns how many were claimed."""
    today = today or timezone.localdate()
    users = get_user_model().objects
    claimed_total = 0
    with mail.batch():  # one connection to the mail server for the run, once it commits
        for policy in policies_with_review_coming(organization=organization, today=today, days=days):
            # one interval per review date and recorded review: a review that keeps the date starts a new one
            key = f"review-soon-{policy.review_due_on:%Y%m%d}-{policy.last_review_id or 0}"
            claimed = _claim(organization, policy, key, _review_recipients(organization, policy))
            if not claimed:
                continue
            claimed_total += len(claimed)
            emails = dict(users.filter(pk__in=claimed).values_list("pk", "email"))
            no_address = [user_id for user_id in claimed if not emails.get(user_id)]
            if no_address:  # nobody to write to: the claim is given back
                ReminderLog.objects.filter(
                    organization=organization,
                    version_id=policy.current_version_id,
                    interval_key=key,
                    user_id__in=no_address,
                ).delete()
            mail.queue(
                organization,
                [
                    _review_reminder(organization, policy, today, key, user_id, emails[user_id])
                    for user_id in claimed
                    if emails.get(user_id)
                ],
            )
    return claimed_total
