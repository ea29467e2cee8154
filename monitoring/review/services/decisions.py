"""Deciding an item: no violation, ignore (not held against the reporter) or violation with consequences, each
with a statement of reasons naming the policy section, which the member sees. One decision per item state: the
item's row lock and version column make a second moderator's decision fail with who decided first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.permissions import Role
from advocacy.tenancy.models import Membership, Organization
from policies.models import Course, Policy
from policies.services.courses import course_assign
from recognition.services import points_reverse_for_source

from .. import signals as review_signals
from ..models import Consequence, Decision, ItemEvent, Report, ReviewItem
from .common import APPEAL_DAYS, lock_item, mail_member, page_url, record, touch
from .workflow import _refuse_if_claimed_by_other, _refuse_if_resolved

MAX_REASONS = 4000
MAX_SUSPENSION_DAYS = 365
DEFAULT_TASK_DAYS = 3
TRAINING_DAYS = 14


@dataclass
class ConsequenceInput:
    kind: str
    note: str = ""
    days: int | None = None  # suspension length, or the deadline of an edit/delete request
    course_id: int | None = None


def _consequence_errors(organization, items: list[ConsequenceInput]) -> list[str]:
    errors = []
    kinds = [c.kind for c in items]
    for c in items:
        if c.kind not in Consequence.Kind.values:
            errors.append(_("Unknown consequence."))
        elif c.kind == Consequence.Kind.SUSPENSION and not (c.days and 1 <= c.days <= MAX_SUSPENSION_DAYS):
            errors.append(_("Suspend sharing for 1 to %(max)s days.") % {"max": MAX_SUSPENSION_DAYS})
        elif (
            c.kind in (Consequence.Kind.EDIT_REQUEST, Consequence.Kind.DELETE_REQUEST)
            and c.days is not None
            and not 1 <= c.days <= 30
        ):
            errors.append(_("Give the member 1 to 30 days to change the post."))
        elif c.kind == Consequence.Kind.COACHING and not c.note.strip():
            errors.append(_("Write the coaching note the member will read."))
        elif (
            c.kind == Consequence.Kind.TRAINING
            and not Course.objects.filter(
                organization=organization, pk=c.course_id or 0, current_version__isnull=False
            ).exists()
        ):
            errors.append(_("Choose a training course."))
    if len(set(kinds)) != len(kinds):
        errors.append(_("Choose each consequence once."))
    if {Consequence.Kind.EDIT_REQUEST, Consequence.Kind.DELETE_REQUEST} <= set(kinds):
        errors.append(_("Ask the member either to edit or to delete the post, not both."))
    return errors


def decide_errors(organization, item: ReviewItem, *, outcome, reasons, policy_id, policy_section, consequences) -> dict:
    errors: dict[str, list[str]] = {}
    if outcome not in ReviewItem.Outcome.values:
        errors["outcome"] = [_("Choose a decision.")]
    if not reasons.strip():
        errors["reasons"] = [_("Write the statement of reasons (the member reads it).")]
    elif len(reasons) > MAX_REASONS:
        errors["reasons"] = [_("Keep the statement under %(max)s characters.") % {"max": MAX_REASONS}]
    if outcome != ReviewItem.Outcome.VIOLATION:
        return errors
    if item.member_id is None:
        errors.setdefault("outcome", []).append(
            _("This post is not attributed to a member, so there is nobody to hold to a violation.")
        )
    if not policy_id or not Policy.objects.filter(organization=organization, pk=policy_id).exists():
        errors["policy"] = [_("Name the policy the post breaks.")]
    if not policy_section.strip():
        errors["policy_section"] = [_("Name the section of the policy.")]
    if not consequences:
        errors["consequences"] = [_("Choose at least one consequence.")]
    else:
        found = _consequence_errors(organization, consequences)
        if found:
            errors["consequences"] = found
    return errors


def _apply_consequence(
    organization, actor, decision: Decision, item: ReviewItem, c: ConsequenceInput, now
) -> Consequence:
    row = Consequence(
        organization=organization,
        decision=decision,
        member_id=item.member_id,
        kind=c.kind,
        note=c.note.strip(),
        starts_at=now,
    )
    if c.kind == Consequence.Kind.SUSPENSION:
        row.days, row.ends_at = c.days, now + timedelta(days=c.days)
    elif c.kind in (Consequence.Kind.EDIT_REQUEST, Consequence.Kind.DELETE_REQUEST):
        row.days = c.days or DEFAULT_TASK_DAYS
        row.ends_at = now + timedelta(days=row.days)
    elif c.kind == Consequence.Kind.TRAINING:
        course = Course.objects.get(organization=organization, pk=c.course_id)
        row.course = course
        course_assign(
            organization=organization,
            actor=actor,
            course=course,
            user=item.member_id,
            due_on=(now + timedelta(days=TRAINING_DAYS)).date(),
            reason=_("After the review of your post"),
            source="moderation",
        )
    elif c.kind == Consequence.Kind.HR_REFERRAL:
        _tell_hr(organization, item)
    elif c.kind in (Consequence.Kind.COACHING, Consequence.Kind.WARNING):
        row.status = Consequence.Status.ACTIVE if c.kind == Consequence.Kind.WARNING else Consequence.Status.DONE
    row.save()
    return row


def _tell_hr(organization, item: ReviewItem) -> None:
    people = Membership.objects.filter(
        organization=organization, is_active=True, roles__contains=[Role.HR]
    ).select_related("user")
    url = page_url(organization, "review_item", item_id=item.pk)
    mail.queue(
        organization,
        [
            mail.Mail(
                to=m.user.email,
                subject=_("A member was referred to HR after a post review"),
                body=_("Open the review item: %(url)s") % {"url": url},
                kind="review_hr_referral",
            )
            for m in people
            if m.user.email
        ],
    )


def _reverse_points(organization, actor, item: ReviewItem) -> None:
    source = (
        ("monitoring.post", item.post_id)
        if item.post_id
        else ("content.share", item.share_id)
        if item.share_id
        else None
    )
    if source:
        points_reverse_for_source(
            organization=organization,
            actor=actor,
            source_kind=source[0],
            source_id=source[1],
            note=_("The post broke the social media policy (review decision)."),
        )


def summary_line(decision: Decision, consequences: list[Consequence]) -> str:
    text = decision.get_outcome_display()
    if consequences:
        text += ": " + ", ".join(_describe(c) for c in consequences)
    if decision.policy_section:
        text += f" — {decision.policy_section}"
    return text


def _describe(c: Consequence) -> str:
    if c.kind == Consequence.Kind.SUSPENSION:
        return _("sharing suspended %(days)s days") % {"days": c.days}
    return str(c.get_kind_display()).lower()


@transaction.atomic
def item_decide(
    *,
    organization,
    actor,
    item: ReviewItem,
    version: int | None,
    outcome: str,
    reasons: str,
    policy_id=None,
    policy_section: str = "",
    consequences: list[ConsequenceInput] = (),
) -> Decision:
    """Decide the item. Every error at once (ValidationError by field); a second moderator (stale `version`, or
    the item resolved meanwhile) is refused with who decided. Violations: consequences applied, the post's
    points taken back, an appeal window of 14 days; the member is told by email and on their record page;
    reporters are told whether action was taken. Audited."""
    reasons, policy_section = (reasons or "").strip(), (policy_section or "").strip()
    consequences = list(consequences) if outcome == ReviewItem.Outcome.VIOLATION else []
    item = lock_item(organization, item, version=version)
    _refuse_if_resolved(item)
    now = timezone.now()
    _refuse_if_claimed_by_other(organization, item, actor, now)
    errors = decide_errors(
        organization,
        item,
        outcome=outcome,
        reasons=reasons,
        policy_id=policy_id,
        policy_section=policy_section,
        consequences=consequences,
    )
    if errors:
        raise ValidationError(errors)
    violation = outcome == ReviewItem.Outcome.VIOLATION
    decision = Decision.objects.create(
        organization=organization,
        item=item,
        member_id=item.member_id,
        outcome=outcome,
        reasons=reasons,
        policy_id=policy_id if violation or policy_id else None,
        policy_section=policy_section,
        decided_by=actor,
        decided_at=now,
        appeal_until=now + timedelta(days=APPEAL_DAYS) if violation else None,
    )
    rows = [_apply_consequence(organization, actor, decision, item, c, now) for c in consequences]
    item.resolve(outcome, actor, now)
    touch(item, now)
    item.save()
    line = summary_line(decision, rows)
    record(item, ItemEvent.Kind.DECIDED, actor, line, now=now)
    if violation:
        _reverse_points(organization, actor, item)
        _tell_member(organization, decision, rows)
    _tell_reporters(organization, item, violation)
    audit_record(
        organization=organization,
        actor=actor,
        action="review.item_decided",
        target=item,
        data={
            "decision": decision.pk,
            "outcome": outcome,
            "consequences": [c.kind for c in rows],
            "policy": policy_id,
            "section": policy_section,
        },
    )
    _send_decided(organization, item, decision, line)
    return decision


def _tell_member(organization, decision: Decision, rows: list[Consequence]) -> None:
    member = decision.member
    lines = [f"- {_describe(c)}" + (f": {c.note}" if c.note else "") for c in rows]
    body = _(
        "A moderator reviewed one of your posts and found that it breaks %(section)s.\n\n"
        "Why: %(reasons)s\n\nWhat happens now:\n%(lines)s\n\n"
        "You can appeal within %(days)s days, once: %(url)s"
    ) % {
        "section": decision.policy_section,
        "reasons": decision.reasons,
        "lines": "\n".join(lines),
        "days": APPEAL_DAYS,
        "url": page_url(organization, "review_my_record"),
    }
    mail_member(organization, member, _("A decision about one of your posts"), body)


def _tell_reporters(organization, item: ReviewItem, violation: bool) -> None:
    reporters = {
        r.reporter for r in Report.objects.filter(organization=organization, item=item).select_related("reporter")
    }
    outcome = _("action was taken") if violation else _("no action was needed")
    body = _(
        "Thank you for your report. A moderator reviewed it and %(outcome)s. "
        "Details stay between the moderators and the member.\n\n%(url)s"
    ) % {
        "outcome": outcome,
        "url": page_url(organization, "review_my_record"),
    }
    mail.queue(
        organization,
        [
            mail.Mail(to=u.email, subject=_("Your report was reviewed"), body=body, kind="review_report_outcome")
            for u in reporters
            if u.email
        ],
    )


def _send_decided(organization, item: ReviewItem, decision: Decision, line: str) -> None:
    organization_id, item_id, decision_id, outcome = organization.pk, item.pk, decision.pk, decision.outcome

    def send():
        org = Organization.objects.get(pk=organization_id)
        review_signals.item_decided.send(
            sender=ReviewItem, organization=org, item_id=item_id, decision_id=decision_id, outcome=outcome, text=line
        )

    transaction.on_commit(send, robust=True)


def decisions_mark_seen(*, organization, actor) -> int:
    """The member opened their record: their decisions are no longer new."""
    return (
        Decision.objects.filter(organization=organization, member=actor, member_seen_at__isnull=True)
        .exclude(outcome__in=[ReviewItem.Outcome.NO_VIOLATION, ReviewItem.Outcome.IGNORE])
        .update(member_seen_at=timezone.now())
    )


@transaction.atomic
def consequences_expire(*, organization, now=None) -> dict:
    """Hourly: edit and delete requests past their deadline are missed (history; the item's moderator can act),
    suspensions past their end have ended."""
    now = now or timezone.now()
    missed = list(
        Consequence.objects.select_for_update()
        .filter(
            organization=organization,
            status=Consequence.Status.ACTIVE,
            kind__in=[Consequence.Kind.EDIT_REQUEST, Consequence.Kind.DELETE_REQUEST],
            ends_at__lt=now,
        )
        .select_related("decision")
    )
    for task in missed:
        task.status = Consequence.Status.MISSED
    Consequence.objects.bulk_update(missed, ["status"])
    ItemEvent.objects.bulk_create(
        [
            ItemEvent(
                organization=organization,
                item_id=t.decision.item_id,
                kind=ItemEvent.Kind.TASK,
                text=_("The member did not change the post by the deadline."),
                created_at=now,
            )
            for t in missed
        ]
    )
    ended = Consequence.objects.filter(
        organization=organization, status=Consequence.Status.ACTIVE, kind=Consequence.Kind.SUSPENSION, ends_at__lt=now
    ).update(status=Consequence.Status.ENDED)
    return {"missed": len(missed), "ended": ended}
