"""Every write to policies: keyword-only, `organization` first, `actor` second, atomic, audited."""

from __future__ import annotations

import calendar
import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core.request_context import current_request_info
from advocacy.permissions import role_may
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership, Organization, Team

from . import selectors
from .markup import MAX_MARKDOWN, grade_quiz, parse_quiz, render_markdown, sha256_of
from .models import (
    Acknowledgement,
    Policy,
    PolicyKind,
    PolicyQuestion,
    PolicyTeam,
    PolicyVersion,
    QuizAttempt,
    ReminderLog,
    VersionReview,
)

mail_log = logging.getLogger("advocacy.mail")

DEFAULT_REVIEW_MONTHS = 12


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months_dt(moment: datetime, months: int) -> datetime:
    return datetime.combine(add_months(moment.date(), months), moment.timetz())


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def _org_url(organization, name, **kwargs) -> str:
    return settings.SITE_URL + reverse(f"policies_{name}", kwargs={"org_slug": organization.slug, **kwargs})


# --- policies --------------------------------------------------------------------------------------------


def _clean_policy_fields(*, organization, title, kind, summary, audience_all, team_ids, refresh_months, owner):
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the policy a title."
    elif len(title) > 160:
        errors["title"] = "Keep the title under 160 characters."
    if kind not in PolicyKind.values:
        errors["kind"] = "Choose a kind of policy."
    if len(summary or "") > 280:
        errors["summary"] = "Keep the summary under 280 characters."
    team_ids = sorted({int(t) for t in (team_ids or [])})
    if team_ids:
        found = set(Team.objects.filter(organization=organization, pk__in=team_ids).values_list("pk", flat=True))
        if found != set(team_ids):
            errors["teams"] = "One of the chosen teams does not exist in this organization."
    if not audience_all and not team_ids:
        errors["teams"] = "Choose at least one team, or make the policy apply to everyone."
    if refresh_months is not None and not 1 <= int(refresh_months) <= 60:
        errors["refresh_months"] = "The refresh period is between 1 and 60 months."
    if owner is not None and not Membership.objects.filter(organization=organization, user=owner).exists():
        errors["owner"] = "The owner must be a member of this organization."
    if errors:
        raise ValidationError(errors)
    return title, team_ids


@transaction.atomic
def policy_create(
    *,
    organization: Organization,
    actor,
    title: str,
    kind: str,
    summary: str = "",
    owner=None,
    audience_all: bool = True,
    team_ids=(),
    refresh_months: int | None = None,
    body_markdown: str = "",
) -> Policy:
    title, team_ids = _clean_policy_fields(
        organization=organization,
        title=title,
        kind=kind,
        summary=summary,
        audience_all=audience_all,
        team_ids=team_ids,
        refresh_months=refresh_months,
        owner=owner,
    )
    policy = Policy.objects.create(
        organization=organization,
        title=title,
        kind=kind,
        summary=(summary or "").strip(),
        owner=owner or actor,
        audience_all=audience_all,
        refresh_months=refresh_months,
        created_by=actor,
    )
    _set_teams(organization, policy, [] if audience_all else team_ids)
    PolicyVersion.objects.create(
        organization=organization, policy=policy, title=title, body_markdown=body_markdown, created_by=actor
    )
    audit_record(organization=organization, actor=actor, action="policy.created", target=policy, data={"kind": kind})
    return policy


def _set_teams(organization, policy, team_ids):
    PolicyTeam.objects.filter(organization=organization, policy=policy).exclude(team_id__in=team_ids).delete()
    existing = set(
        PolicyTeam.objects.filter(organization=organization, policy=policy).values_list("team_id", flat=True)
    )
    PolicyTeam.objects.bulk_create(
        [PolicyTeam(organization=organization, policy=policy, team_id=t) for t in team_ids if t not in existing]
    )


@transaction.atomic
def policy_update(
    *,
    organization,
    actor,
    policy: Policy,
    title: str,
    kind: str,
    summary: str = "",
    owner=None,
    audience_all: bool = True,
    team_ids=(),
    refresh_months: int | None = None,
    review_due_on: date | None = None,
) -> Policy:
    title, team_ids = _clean_policy_fields(
        organization=organization,
        title=title,
        kind=kind,
        summary=summary,
        audience_all=audience_all,
        team_ids=team_ids,
        refresh_months=refresh_months,
        owner=owner,
    )
    if review_due_on is not None and review_due_on != policy.review_due_on and review_due_on <= timezone.localdate():
        # a date already past stays as it is (the policy is marked overdue); a new one is in the future
        raise ValidationError({"review_due_on": ["The next review date must be in the future."]})
    before = {"audience_all": policy.audience_all, "kind": policy.kind, "review_due_on": str(policy.review_due_on)}
    policy.title, policy.kind, policy.summary = title, kind, (summary or "").strip()
    policy.owner, policy.audience_all, policy.refresh_months = owner, audience_all, refresh_months
    policy.review_due_on = review_due_on
    policy.save()
    _set_teams(organization, policy, [] if audience_all else team_ids)
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.updated",
        target=policy,
        data={"before": before, "audience_all": audience_all, "teams": team_ids},
    )
    return policy


@transaction.atomic
def policy_archive(*, organization, actor, policy: Policy) -> Policy:
    if policy.status == Policy.Status.ARCHIVED:
        raise ValidationError("This policy is already archived.")
    policy.status = Policy.Status.ARCHIVED
    policy.archived_at = timezone.now()
    policy.save(update_fields=["status", "archived_at", "updated_at"])
    audit_record(organization=organization, actor=actor, action="policy.archived", target=policy)
    return policy


@transaction.atomic
def policy_restore(*, organization, actor, policy: Policy) -> Policy:
    if policy.status != Policy.Status.ARCHIVED:
        raise ValidationError("Only an archived policy can be restored.")
    policy.status = Policy.Status.ACTIVE
    policy.archived_at = None
    policy.save(update_fields=["status", "archived_at", "updated_at"])
    audit_record(organization=organization, actor=actor, action="policy.restored", target=policy)
    return policy


# --- drafts, review, publish -------------------------------------------------------------------------------


@transaction.atomic
def draft_start(*, organization, actor, policy: Policy) -> PolicyVersion:
    """A new draft starting from the current published text."""
    if policy.status == Policy.Status.ARCHIVED:
        raise ValidationError("Restore the policy before starting a new version.")
    if selectors.open_draft(organization=organization, policy=policy) is not None:
        raise ValidationError("This policy already has a draft in progress.")
    base = policy.current_version
    try:
        with transaction.atomic():
            draft = PolicyVersion.objects.create(
                organization=organization,
                policy=policy,
                title=base.title if base else policy.title,
                body_markdown=base.body_markdown if base else "",
                quiz_source=base.quiz_source if base else "",
                pass_mark=base.pass_mark if base else None,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError("This policy already has a draft in progress.")
    audit_record(organization=organization, actor=actor, action="policy.draft_started", target=draft)
    return draft


def _require_open(version: PolicyVersion):
    if version.is_frozen:
        raise ValidationError("A published version cannot be changed; start a new draft instead.")


@transaction.atomic
def draft_save(
    *,
    organization,
    actor,
    version: PolicyVersion,
    title: str,
    body_markdown: str,
    change_summary: str = "",
    quiz_source: str = "",
    pass_mark: int | None = None,
) -> PolicyVersion:
    _require_open(version)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    body_markdown = (body_markdown or "").replace("\r\n", "\n")
    body_markdown = body_markdown.rstrip() + "\n" if body_markdown.strip() else ""
    if not title:
        errors["title"] = ["Give this version a title."]
    elif len(title) > 160:
        errors["title"] = ["Keep the title under 160 characters."]
    if len(body_markdown) > MAX_MARKDOWN:
        errors["body_markdown"] = [f"The text is too long (at most {MAX_MARKDOWN:,} characters)."]
    if len(change_summary or "") > 280:
        errors["change_summary"] = ["Keep the summary of changes under 280 characters."]
    if quiz_source.strip():
        try:
            parse_quiz(quiz_source)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if pass_mark is None:
            errors["pass_mark"] = ["Set the pass mark (percent of right answers) for the quiz."]
    if pass_mark is not None and not 1 <= int(pass_mark) <= 100:
        errors["pass_mark"] = ["The pass mark is a percentage between 1 and 100."]
    if errors:
        raise ValidationError(errors)
    was = version.status
    text_changed = (version.title, version.body_markdown, version.quiz_source) != (
        title,
        body_markdown,
        quiz_source.strip(),
    )
    if text_changed and actor.pk != version.created_by_id and actor.pk not in version.edited_by_ids:
        version.edited_by_ids = [*version.edited_by_ids, actor.pk]
    version.title, version.body_markdown = title, body_markdown
    version.change_summary = (change_summary or "").strip()
    version.quiz_source = quiz_source.strip()
    version.pass_mark = pass_mark if quiz_source.strip() else None
    if version.status in (PolicyVersion.Status.IN_REVIEW, PolicyVersion.Status.APPROVED):
        version.status = PolicyVersion.Status.DRAFT  # an edit after review needs a new review
        version.approved_by = None
    version.save()
    if was != version.status:
        audit_record(organization=organization, actor=actor, action="policy.review_reset", target=version)
    return version


def is_draft_author(version: PolicyVersion, user) -> bool:
    """Who wrote any of a draft: its creator and everyone who changed its text."""
    return user.pk == version.created_by_id or user.pk in version.edited_by_ids


@transaction.atomic
def draft_submit_for_review(*, organization, actor, version: PolicyVersion, reviewer, comment: str = ""):
    _require_open(version)
    if version.status not in PolicyVersion.EDITABLE:
        raise ValidationError("Only a draft (or one with changes requested) can be sent for review.")
    if not version.body_markdown.strip():
        raise ValidationError("Write the policy text before sending it for review.")
    if reviewer is None or reviewer.pk == actor.pk:
        raise ValidationError("Choose another HR member to review your draft.")
    if is_draft_author(version, reviewer):
        raise ValidationError("Choose a reviewer who has not written any of this draft.")
    membership = Membership.objects.filter(organization=organization, user=reviewer, is_active=True).first()
    if membership is None or not role_may(membership.roles, "policies.review"):
        raise ValidationError("The reviewer must be an HR member of this organization.")
    version.status = PolicyVersion.Status.IN_REVIEW
    version.reviewer = reviewer
    version.save(update_fields=["status", "reviewer", "updated_at"])
    VersionReview.objects.create(
        organization=organization,
        version=version,
        actor=actor,
        decision=VersionReview.Decision.REQUESTED,
        comment=comment.strip(),
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.review_requested",
        target=version,
        data={"reviewer": reviewer.email},
    )
    url = _org_url(organization, "draft", policy_id=version.policy_id)
    _mail_on_commit(
        [reviewer.email],
        f"Review requested: {version.title}",
        f"{actor.display_name if hasattr(actor, 'display_name') else actor.email} asked you to review a draft of "
        f"“{version.title}”.\n\n{comment.strip()}\n\nOpen the draft: {url}\n",
    )
    return version


@transaction.atomic
def draft_review(*, organization, actor, version: PolicyVersion, approve: bool, comment: str = ""):
    if version.status != PolicyVersion.Status.IN_REVIEW:
        raise ValidationError("This draft is not waiting for a review.")
    if is_draft_author(version, actor):
        raise ValidationError("You cannot approve or reject your own draft; another HR member must review it.")
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": ["Say what should change, so the author knows what to do."]})
    version.status = PolicyVersion.Status.APPROVED if approve else PolicyVersion.Status.CHANGES_REQUESTED
    version.approved_by = actor if approve else None
    version.save(update_fields=["status", "approved_by", "updated_at"])
    VersionReview.objects.create(
        organization=organization,
        version=version,
        actor=actor,
        decision=VersionReview.Decision.APPROVED if approve else VersionReview.Decision.CHANGES,
        comment=comment,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.approved" if approve else "policy.changes_requested",
        target=version,
        data={"comment": comment[:500]},
    )
    if version.created_by and version.created_by.email:
        _mail_on_commit(
            [version.created_by.email],
            f"{'Approved' if approve else 'Changes requested'}: {version.title}",
            f"Your draft of “{version.title}” was {'approved' if approve else 'sent back with changes requested'}."
            f"\n\n{comment}\n\n{_org_url(organization, 'draft', policy_id=version.policy_id)}\n",
        )
    return version


def require_review(organization) -> bool:
    return bool((organization.settings or {}).get("policy_require_review", False))


@transaction.atomic
def version_publish(
    *,
    organization,
    actor,
    version: PolicyVersion,
    change_kind: str,
    due_on: date | None = None,
    review_due_on: date | None = None,
) -> PolicyVersion:
    """Freeze the version: render its HTML once, keep it and its SHA-256, number it, supersede the current one."""
    version = PolicyVersion.objects.select_for_update().get(organization=organization, pk=version.pk)
    policy = Policy.objects.select_for_update().get(organization=organization, pk=version.policy_id)
    _require_open(version)
    if policy.status == Policy.Status.ARCHIVED:
        raise ValidationError("This policy is archived; restore it before publishing.")
    if version.status == PolicyVersion.Status.IN_REVIEW:
        raise ValidationError("This draft is waiting for its review; publish it once it is approved.")
    if version.status == PolicyVersion.Status.CHANGES_REQUESTED:
        raise ValidationError("The reviewer asked for changes; update the draft and have it approved first.")
    if require_review(organization) and version.status != PolicyVersion.Status.APPROVED:
        raise ValidationError("This organization requires another HR member to approve a draft before it is published.")
    if not version.body_markdown.strip():
        raise ValidationError("An empty policy cannot be published.")
    previous = policy.current_version
    if change_kind not in PolicyVersion.ChangeKind.values:
        raise ValidationError({"change_kind": ["Say whether this is a material change or an editorial fix."]})
    if previous is None and change_kind == PolicyVersion.ChangeKind.EDITORIAL:
        raise ValidationError({"change_kind": ["The first version is always material: everyone must acknowledge it."]})
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": ["The due date cannot be in the past."]})
    if review_due_on is not None and review_due_on <= today:
        raise ValidationError({"review_due_on": ["The review date must be in the future."]})
    if version.quiz_source.strip():
        parse_quiz(version.quiz_source)  # still valid

    html = render_markdown(version.body_markdown)
    number = (
        PolicyVersion.objects.filter(organization=organization, policy=policy).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    version.body_html = html
    version.content_sha256 = sha256_of(html)
    version.number = number
    version.status = PolicyVersion.Status.PUBLISHED
    version.change_kind = change_kind
    version.due_on = due_on
    version.published_at = timezone.now()
    version.published_by = actor
    material = change_kind == PolicyVersion.ChangeKind.MATERIAL
    version.ack_anchor_id = version.pk if material else previous.ack_anchor_id
    if not material and version.due_on is None:
        version.due_on = previous.due_on
    version.save()
    if previous is not None:
        PolicyVersion.objects.filter(organization=organization, pk=previous.pk).update(
            status=PolicyVersion.Status.SUPERSEDED
        )
    policy.current_version = version
    policy.review_due_on = review_due_on or add_months(today, DEFAULT_REVIEW_MONTHS)
    if version.title != policy.title:
        policy.title = version.title
    policy.save(update_fields=["current_version", "review_due_on", "title", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.published",
        target=version,
        data={
            "policy": policy.pk,
            "number": number,
            "change_kind": change_kind,
            "sha256": version.content_sha256,
            "due_on": str(due_on) if due_on else None,
        },
    )
    if material:
        from advocacy.tenancy.tasks import enqueue

        from .tasks import send_publish_reminders

        enqueue(send_publish_reminders, organization, version.pk)
    return version


# --- acknowledgement ---------------------------------------------------------------------------------------


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


# --- questions and feedback ------------------------------------------------------------------------------


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
        _mail_on_commit(
            [question.asked_by.email],
            f"{'Your question was answered' if first_answer else 'An answer was updated'}: {question.policy.title}",
            f"You asked:\n{question.body}\n\nAnswer:\n{answer}\n\n"
            f"See all your questions: {_org_url(organization, 'my_questions')}\n",
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


# --- organization settings ---------------------------------------------------------------------------------


@transaction.atomic
def policy_settings_update(
    *, organization, actor, require_ack_to_share: bool, reminder_days: int, require_review: bool
) -> Organization:
    if not 0 <= int(reminder_days) <= 90:
        raise ValidationError({"reminder_days": ["Remind every 1 to 90 days (0 turns scheduled reminders off)."]})
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    values = {
        selectors.SHARE_GATE_SETTING: bool(require_ack_to_share),
        selectors.REMINDER_DAYS_SETTING: int(reminder_days),
        "policy_require_review": bool(require_review),
    }
    before = {k: (org.settings or {}).get(k) for k in values}
    org.settings = {**(org.settings or {}), **values}
    org.save(update_fields=["settings"])
    organization.settings = org.settings
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.settings_changed",
        target=org,
        data={"before": before, "after": values},
    )
    return org


# --- reminders ---------------------------------------------------------------------------------------------


def _mail_on_commit(recipients: list[str], subject: str, body: str):
    recipients = [r for r in recipients if r]
    if not recipients:
        return

    def send():
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send(fail_silently=False)

    # A notification (review requested, answer given) follows a change that is saved either way: a mail
    # server failure is logged (Django logs a robust callback's error) instead of failing the saved request.
    transaction.on_commit(send, robust=True)


CLAIM_SQL = """
WITH claimed AS (
    INSERT INTO policies_reminderlog (organization_id, version_id, user_id, interval_key, sent_at)
    SELECT %s, %s, p.user_id, %s, now() FROM ({people}) AS p
    ON CONFLICT (organization_id, version_id, user_id, interval_key) DO NOTHING
    RETURNING user_id
)
SELECT c.user_id, u.email FROM claimed c JOIN "{users}" u ON u.id = c.user_id
"""


def _claim_reminders(*, organization, version: PolicyVersion, interval_key: str, people_qs) -> list[tuple[int, str]]:
    """Insert one ReminderLog per person in `people_qs` (a Membership queryset) for this interval, skipping
    those already reminded, and return (user_id, email) of the rows this call inserted: a second run of the
    same job inserts nothing and so sends nothing."""
    sub_sql, sub_params = people_qs.order_by().values("user_id").query.sql_with_params()
    users = get_user_model()._meta.db_table
    # Only the ORM-compiled subquery and a model's table name are interpolated; values are parameters.
    sql = CLAIM_SQL.format(people=sub_sql, users=users)
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization.pk, version.pk, interval_key, *sub_params])
        return list(cursor.fetchall())


def _deliver(organization, version: PolicyVersion, interval_key: str, claimed, subject: str, body: str) -> int:
    """Send the claimed reminders once the claims are committed (a run that rolls back sends nothing, and
    a redelivered task finds them claimed). A reminder the mail server refuses, or all of them when it
    cannot be reached, gives its claim back in a transaction of its own, so the next run tries those
    people again; nobody is sent one twice. (A worker that dies between the commit and the sending loses
    that interval's reminder: at most once, as the reminders promise.) Returns how many were claimed."""
    organization_id, version_id = organization.pk, version.pk

    def send():
        sent, failed = set(), [user_id for user_id, email in claimed if not email]
        try:
            with get_connection() as mail:
                for user_id, email in claimed:
                    if not email:
                        continue
                    try:
                        mail.send_messages([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])])
                        sent.add(user_id)
                    except (smtplib.SMTPException, OSError) as exc:
                        mail_log.warning("reminder to user %s not sent (%s); it will be tried again", user_id, exc)
                        failed.append(user_id)
        except (smtplib.SMTPException, OSError) as exc:  # no server, or it failed while closing
            mail_log.warning("reminders not sent (%s); they will be tried again", exc)
            failed = [user_id for user_id, _ in claimed if user_id not in sent]
        if failed:
            with organization_scope(Organization(pk=organization_id)):
                ReminderLog.objects.filter(
                    organization_id=organization_id,
                    version_id=version_id,
                    interval_key=interval_key,
                    user_id__in=failed,
                ).delete()

    transaction.on_commit(send, robust=True)
    return len(claimed)


def _send_reminder_emails(organization, version: PolicyVersion, interval_key: str, claimed, reason: str) -> int:
    if not claimed:
        return 0
    url = _org_url(organization, "detail", policy_id=version.policy_id)
    due = f" It is due by {version.due_on:%d %B %Y}." if version.due_on else ""
    subject = f"Please acknowledge: {version.policy.title}"
    body = (
        f"{reason}\n\n“{version.policy.title}” ({version.label}) is waiting for your acknowledgement.{due}\n\n"
        f"Read it and acknowledge: {url}\n"
    )
    return _deliver(organization, version, interval_key, claimed, subject, body)


def _pending_people(organization, version):
    return selectors.report_people(organization=organization, version=version, status="pending")


@transaction.atomic
def reminders_send_for_version(
    *, organization, actor=None, version: PolicyVersion, interval_key: str, team: Team | None = None, reason: str = ""
) -> int:
    """Remind everyone (or one team) still pending on `version`, once per person per `interval_key`."""
    if version.status != PolicyVersion.Status.PUBLISHED or version.policy.status != Policy.Status.ACTIVE:
        raise ValidationError("Reminders go out for the current version of an active policy only.")
    people = _pending_people(organization, version)
    if team is not None:
        people = people.filter(team=team)
    claimed = _claim_reminders(organization=organization, version=version, interval_key=interval_key, people_qs=people)
    sent = _send_reminder_emails(organization, version, interval_key, claimed, reason or "A reminder from HR.")
    if actor is not None:
        audit_record(
            organization=organization,
            actor=actor,
            action="policy.reminder_sent",
            target=version,
            data={"team": team.name if team else None, "sent": sent, "interval": interval_key},
        )
    return sent


def reminder_send_to_team(*, organization, actor, version: PolicyVersion, team: Team) -> int:
    """HR's manual reminder to one team: at most once per person per day."""
    key = f"manual-{timezone.localdate():%Y%m%d}"
    return reminders_send_for_version(
        organization=organization,
        actor=actor,
        version=version,
        interval_key=key,
        team=team,
        reason=f"HR sent a reminder to the {team.name} team.",
    )


@transaction.atomic
def reminders_run(*, organization, today: date | None = None) -> dict:
    """The scheduled job: for each active policy's current version, remind pending people when it is
    overdue (once) and every N days after publication (N from the organization's settings); remind the
    owner (or every HR member) of policies whose review date has come. Safe to run twice."""
    today = today or timezone.localdate()
    days = selectors.reminder_days(organization)
    sent = {"overdue": 0, "scheduled": 0, "review": 0}
    versions = PolicyVersion.objects.filter(
        organization=organization,
        status=PolicyVersion.Status.PUBLISHED,
        policy__status=Policy.Status.ACTIVE,
        policy__current_version_id=F("pk"),
    ).select_related("policy")
    for version in versions:
        people = _pending_people(organization, version)
        if version.due_on is not None and version.due_on < today:
            claimed = _claim_reminders(
                organization=organization, version=version, interval_key="overdue", people_qs=people
            )
            sent["overdue"] += _send_reminder_emails(
                organization, version, "overdue", claimed, "This policy is now overdue."
            )
        if days:
            # at most one reminder per person per interval, whatever its reason
            recent = ReminderLog.objects.filter(
                organization=organization, version=version, sent_at__gte=timezone.now() - timedelta(days=days)
            ).values("user_id")
            people = people.exclude(user_id__in=recent)
            elapsed = (today - timezone.localtime(version.published_at).date()).days
            cycle = elapsed // days
            if cycle >= 1:
                key = f"every{days}d-{cycle}"
                claimed = _claim_reminders(
                    organization=organization, version=version, interval_key=key, people_qs=people
                )
                sent["scheduled"] += _send_reminder_emails(organization, version, key, claimed, "A friendly reminder.")
    for policy in selectors.policies_due_for_review(organization=organization, today=today):
        if policy.current_version_id is None:
            continue
        active = Membership.objects.filter(organization=organization, is_active=True)
        reviewers = active.filter(user_id=policy.owner_id) if policy.owner_id else active.none()
        if not reviewers.exists():  # no owner, or they left: every HR member is told
            reviewers = active.filter(roles__contains=["hr"])
        key = f"review-{policy.review_due_on:%Y%m%d}"
        claimed = _claim_reminders(
            organization=organization, version=policy.current_version, interval_key=key, people_qs=reviewers
        )
        if claimed:
            url = _org_url(organization, "manage", policy_id=policy.pk)
            sent["review"] += _deliver(
                organization,
                policy.current_version,
                key,
                claimed,
                f"Review due: {policy.title}",
                f"“{policy.title}” was due for review on {policy.review_due_on:%d %B %Y}.\n\n"
                f"Check it is still right, then publish an update or choose the next review date: {url}\n",
            )
    return sent


@transaction.atomic
def reminders_at_publish(*, organization, version_id: int) -> int:
    version = PolicyVersion.objects.select_related("policy").get(organization=organization, pk=version_id)
    if version.status != PolicyVersion.Status.PUBLISHED or version.policy.status != Policy.Status.ACTIVE:
        return 0
    people = _pending_people(organization, version)
    claimed = _claim_reminders(organization=organization, version=version, interval_key="publish", people_qs=people)
    return _send_reminder_emails(
        organization, version, "publish", claimed, "A policy you must read has been published."
    )
