"""Acknowledging a version (with its quiz), and exporting who has."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core.request_context import current_request_info

from .. import selectors
from ..markup import grade_quiz, parse_quiz, sha256_of
from ..models import Acknowledgement, Policy, PolicyVersion, QuizAttempt
from .common import add_months_dt


@dataclass
class AckResult:
    acknowledgement: Acknowledgement | None
    attempt: QuizAttempt | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.acknowledgement is not None


@transaction.atomic
def acknowledge(*, organization, actor, version: PolicyVersion, quiz_answers=None) -> AckResult:
    """Record that `actor` accepted this exact text. Raises ValidationError (writing nothing) for a
    superseded or unpublished version, a policy outside the member's audience, a second acknowledgement,
    or missing quiz answers. A failed quiz attempt is recorded and returned, without an acknowledgement."""
    policy = (
        Policy.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(organization=organization, pk=version.policy_id)
    )
    version = PolicyVersion.objects.select_related("policy").get(organization=organization, pk=version.pk)
    if version.status == PolicyVersion.Status.SUPERSEDED:
        current = policy.current_version
        raise ValidationError(
            f"This version has been replaced by {current.label if current else 'a newer one'}: "
            "please read and acknowledge the current text."
        )
    if version.status != PolicyVersion.Status.PUBLISHED or policy.current_version_id != version.pk:
        raise ValidationError("Only the published version of a policy can be acknowledged.")
    if policy.status != Policy.Status.ACTIVE:
        raise ValidationError("This policy has been archived and no longer needs acknowledging.")
    membership = selectors.membership_of(organization=organization, user=actor)
    if not selectors.is_in_audience(organization=organization, policy=policy, membership=membership):
        raise ValidationError("This policy does not apply to you, so there is nothing to acknowledge.")
    existing = selectors.valid_acknowledgement(organization=organization, user=actor, version=version)
    if existing is not None:
        raise ValidationError(
            f"You already acknowledged this policy on {timezone.localtime(existing.acknowledged_at):%d %B %Y}."
        )
    if sha256_of(version.body_html) != version.content_sha256:  # the frozen text must be what was hashed
        raise ValidationError("This version's text failed its integrity check; HR has to republish it.")

    attempt = None
    if version.has_quiz:
        questions = parse_quiz(version.quiz_source)
        if quiz_answers is None or len([a for a in quiz_answers if a not in (None, "")]) < len(questions):
            raise ValidationError({"quiz": ["Answer every quiz question before acknowledging."]})
        score, recorded = grade_quiz(questions, quiz_answers)
        attempt = QuizAttempt.objects.create(
            organization=organization,
            version=version,
            user=actor,
            answers=recorded,
            score=score,
            passed=score >= version.pass_mark,
        )
        if not attempt.passed:
            return AckResult(
                None,
                attempt,
                f"You scored {score}%; the pass mark is {version.pass_mark}%. Read the policy again and retry.",
            )

    now = timezone.now()
    info = current_request_info()
    cycle = Acknowledgement.objects.filter(
        organization=organization, user=actor, anchor_id=version.ack_anchor_id
    ).count()
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(
                organization=organization,
                policy=policy,
                version=version,
                anchor_id=version.ack_anchor_id,
                user=actor,
                user_email=actor.email,
                user_name=getattr(actor, "full_name", "") or "",
                content_sha256=version.content_sha256,
                acknowledged_at=now,
                ip_address=info.ip,
                user_agent=info.user_agent,
                quiz_attempt=attempt,
                cycle=cycle,
                valid_until=add_months_dt(now, policy.refresh_months) if policy.refresh_months else None,
            )
    except IntegrityError:
        raise ValidationError("You already acknowledged this policy.")
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.acknowledged",
        target=version,
        data={"policy": policy.pk, "version": version.number, "sha256": version.content_sha256, "cycle": cycle},
    )
    return AckResult(ack, attempt, "Thank you — your acknowledgement is recorded.")


@transaction.atomic
def report_export(*, organization, actor, version: PolicyVersion, filters: dict) -> None:
    """Record that `actor` exported who acknowledged `version` (with these report filters)."""
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.report_exported",
        target=version,
        data={k: str(v) for k, v in filters.items()},
    )
