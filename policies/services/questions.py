"""Questions and feedback on policies: asking (named or anonymous), answering, the FAQ."""

from __future__ import annotations

import secrets
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record

from ..markup import hash_code
from ..models import Policy, PolicyQuestion, PolicyVersion
from .common import mail_on_commit, org_url


@transaction.atomic
def question_ask(
    *, organization, actor, version: PolicyVersion, body: str, kind: str = "question", anonymous: bool = False
) -> tuple[PolicyQuestion, str | None]:
    """Returns the question and, when anonymous, the one-time follow-up code to show the asker (only its
    SHA-256 is stored). An anonymous question stores nothing about the asker: no user, no IP, no audit
    record, and a creation time rounded down to the day."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Write your question or feedback."]})
    if len(body) > 4000:
        raise ValidationError({"body": ["Keep it under 4,000 characters."]})
    if kind not in PolicyQuestion.Kind.values:
        raise ValidationError({"kind": ["Choose question or feedback."]})
    if not version.is_frozen or version.policy.status != Policy.Status.ACTIVE:
        raise ValidationError("Questions can be asked about published, active policies only.")
    code = None
    now = timezone.now()
    if anonymous:
        code = secrets.token_urlsafe(12)
        created = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
        question = PolicyQuestion.objects.create(
            organization=organization,
            policy=version.policy,
            version=version,
            kind=kind,
            body=body,
            is_anonymous=True,
            followup_code_hash=hash_code(code),
            created_at=created,
        )
    else:
        question = PolicyQuestion.objects.create(
            organization=organization,
            policy=version.policy,
            version=version,
            kind=kind,
            body=body,
            asked_by=actor,
            created_at=now,
        )
    return question, code


@transaction.atomic
def question_answer(
    *, organization, actor, question: PolicyQuestion, answer: str, publish_faq: bool = False, faq_question: str = ""
) -> PolicyQuestion:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": ["Write the answer."]})
    if len(answer) > 8000:
        raise ValidationError({"answer": ["Keep the answer under 8,000 characters."]})
    first_answer = question.answered_at is None
    question.answer = answer
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.answer_seen_at = None
    question.faq_published = bool(publish_faq)
    question.faq_question = (faq_question or "").strip()[:300] or (question.body[:300] if publish_faq else "")
    question.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.question_answered",
        target=question.policy,
        data={"question": question.pk, "faq": question.faq_published},
    )
    if question.asked_by_id and question.asked_by.email:
        mail_on_commit(
            [question.asked_by.email],
            f"{'Your question was answered' if first_answer else 'An answer was updated'}: {question.policy.title}",
            f"You asked:\n{question.body}\n\nAnswer:\n{answer}\n\n"
            f"See all your questions: {org_url(organization, 'my_questions')}\n",
        )
    return question


@transaction.atomic
def question_set_faq(*, organization, actor, question: PolicyQuestion, published: bool, faq_question: str = ""):
    if published and question.answered_at is None:
        raise ValidationError("Answer the question before publishing it in the FAQ.")
    question.faq_published = published
    if faq_question.strip():
        question.faq_question = faq_question.strip()[:300]
    elif published and not question.faq_question:
        question.faq_question = question.body[:300]
    question.save(update_fields=["faq_published", "faq_question"])
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.faq_published" if published else "policy.faq_unpublished",
        target=question.policy,
        data={"question": question.pk},
    )
    return question


@transaction.atomic
def answers_mark_seen(*, organization, actor) -> int:
    return PolicyQuestion.objects.filter(
        organization=organization, asked_by=actor, answered_at__isnull=False, answer_seen_at__isnull=True
    ).update(answer_seen_at=timezone.now())
