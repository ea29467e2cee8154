"""Feedback rounds before a policy review: HR opens one (a short prompt, a closing date), the policy's audience
is told once through the mail outbox, and each member answers once (a rating from 1 to 5, an optional
comment), changing it while the round is open. Answers are anonymous to HR (see selectors.feedback_summary)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.tenancy.models import Membership

from .. import selectors
from ..models import FeedbackAnswer, FeedbackRound, Policy, PolicyTeam
from .common import org_url

MAX_PROMPT = 280
MAX_COMMENT = 2000
MAX_ROUND_DAYS = 90
PROMPT_REQUIRED = "Write the question people will answer, for example “Does this policy still fit how you work?”"
RATING_REQUIRED = "Choose a rating from 1 (not at all) to 5 (fully)."


def round_errors(*, prompt: str, closes_on: date | None, today: date | None = None) -> dict[str, list[str]]:
    """What is wrong with a round as typed, every problem at once (by field)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    prompt = (prompt or "").strip()
    if not prompt:
        errors["prompt"] = [PROMPT_REQUIRED]
    elif len(prompt) > MAX_PROMPT:
        errors["prompt"] = [f"Keep the question under {MAX_PROMPT} characters (it has {len(prompt)})."]
    if closes_on is None:
        errors["closes_on"] = ["Choose the day the round closes."]
    elif closes_on <= today:
        errors["closes_on"] = ["The closing date must be after today, so people have time to answer."]
    elif closes_on > today + timedelta(days=MAX_ROUND_DAYS):
        errors["closes_on"] = [f"Close the round within {MAX_ROUND_DAYS} days."]
    return errors


def answer_errors(*, rating, comment: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if rating not in (1, 2, 3, 4, 5):
        errors["rating"] = [RATING_REQUIRED]
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [f"Keep the comment under {MAX_COMMENT:,} characters (it has {len(comment):,})."]
    return errors


def _audience_user_ids(organization, policy: Policy) -> list[int]:
    members = Membership.objects.filter(organization=organization, is_active=True)
    if not policy.audience_all:
        teams = PolicyTeam.objects.filter(organization=organization, policy=policy).values("team_id")
        members = members.filter(team_id__in=teams)
    return list(members.values_list("user_id", flat=True))


def _round_mails(organization, policy: Policy, feedback_round: FeedbackRound) -> list[mail.Mail]:
    emails = (
        get_user_model().objects.filter(pk__in=_audience_user_ids(organization, policy)).values_list("email", flat=True)
    )
    url = org_url(organization, "detail", policy_id=policy.pk) + "#feedback"
    body = (
        f"HR is reviewing “{policy.title}” and asks what you think of it:\n\n{feedback_round.prompt}\n\n"
        f"Answer with a rating from 1 to 5 and a comment if you like, until {feedback_round.closes_on:%d %B %Y}. "
        f"Your answer is anonymous: HR sees only a summary, and only once five people have answered.\n\n{url}\n"
    )
    return [
        mail.Mail(to=email, subject=f"Your view on {policy.title}", body=body, kind="policy_feedback_round")
        for email in emails
        if email
    ]


@transaction.atomic
def feedback_round_open(*, organization, actor, policy: Policy, prompt: str, closes_on: date | None) -> FeedbackRound:
    """Open a feedback round on an active published policy (one at a time); its audience is told once, through
    the mail outbox, when this commits."""
    policy = Policy.objects.select_for_update().get(organization=organization, pk=policy.pk)
    errors = round_errors(prompt=prompt, closes_on=closes_on)
    problems = []
    if policy.status == Policy.Status.ARCHIVED:
        problems.append("This policy is archived; restore it before asking for feedback.")
    elif policy.current_version_id is None:
        problems.append("Publish the policy first: there is no text in force to give feedback on.")
    elif (current := selectors.open_round(organization=organization, policy=policy)) is not None:
        problems.append(f"A feedback round is already open on this policy until {current.closes_on:%d %B %Y}.")
    if problems:
        errors[NON_FIELD_ERRORS] = problems
    if errors:
        raise ValidationError(errors)
    feedback_round = FeedbackRound.objects.create(
        organization=organization,
        policy=policy,
        version_id=policy.current_version_id,
        prompt=prompt.strip(),
        closes_on=closes_on,
        opened_by=actor,
        opened_at=timezone.now(),
    )
    mails = _round_mails(organization, policy, feedback_round)
    mail.queue(organization, mails)
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.feedback_round_opened",
        target=policy,
        data={
            "round": feedback_round.pk,
            "prompt": feedback_round.prompt,
            "closes_on": str(closes_on),
            "told": len(mails),
        },
    )
    return feedback_round


@transaction.atomic
def feedback_answer_save(
    *, organization, actor, feedback_round: FeedbackRound, rating, comment: str = ""
) -> FeedbackAnswer:
    """The member's answer to an open round in their policy's audience: created, or changed while it is open.
    Not written to the audit log, which HR reads: the answer stays anonymous."""
    # one answer at a time per round: a second submit waits, then updates the answer the first one created
    feedback_round = (
        FeedbackRound.objects.select_for_update(of=("self",))
        .select_related("policy")
        .get(organization=organization, pk=feedback_round.pk)
    )
    errors = answer_errors(rating=rating, comment=comment)
    problems = []
    if feedback_round.closes_on < timezone.localdate():
        problems.append("This feedback round has closed; answers are no longer taken.")
    membership = selectors.membership_of(organization=organization, user=actor)
    if not selectors.is_in_audience(organization=organization, policy=feedback_round.policy, membership=membership):
        problems.append("This round asks the people this policy applies to, and you are not among them.")
    if problems:
        errors[NON_FIELD_ERRORS] = problems
    if errors:
        raise ValidationError(errors)
    answer, _created = FeedbackAnswer.objects.update_or_create(
        organization=organization,
        round=feedback_round,
        user=actor,
        defaults={"rating": rating, "comment": (comment or "").strip()},
    )
    return answer
