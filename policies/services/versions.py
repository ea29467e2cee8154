"""Writes to versions: drafts, review, publication."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.permissions import role_may
from advocacy.tenancy.jobs import enqueue
from advocacy.tenancy.models import Membership

from .. import selectors
from ..markup import MAX_MARKDOWN, parse_quiz, removal_notice, render_markdown, sha256_of
from ..models import Policy, PolicyVersion, VersionReview
from .common import add_months, mail_on_commit, org_url

# queued by name: the task module imports the services
PUBLISH_REMINDERS_TASK = "policies.tasks.send_publish_reminders"


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


def _clean_draft_text(title: str, body_markdown: str, change_summary: str) -> tuple[str, str, dict]:
    """(title, body with normalised line ends, errors by field)."""
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
    return title, body_markdown, errors


def _quiz_errors(quiz_source: str, pass_mark: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    if quiz_source.strip():
        try:
            parse_quiz(quiz_source)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if pass_mark is None:
            errors["pass_mark"] = ["Set the pass mark (percent of right answers) for the quiz."]
    if pass_mark is not None and not 1 <= int(pass_mark) <= 100:
        errors["pass_mark"] = ["The pass mark is a percentage between 1 and 100."]
    return errors


def _note_editor(version: PolicyVersion, actor, text: tuple[str, str, str]) -> None:
    """Someone other than the creator who changes the text (title, body, quiz) becomes an author of it."""
    text_changed = (version.title, version.body_markdown, version.quiz_source) != text
    if text_changed and actor.pk != version.created_by_id and actor.pk not in version.edited_by_ids:
        version.edited_by_ids = [*version.edited_by_ids, actor.pk]


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
    title, body_markdown, errors = _clean_draft_text(title, body_markdown, change_summary)
    errors.update(_quiz_errors(quiz_source, pass_mark))
    if errors:
        raise ValidationError(errors)
    was = version.status
    quiz_source = quiz_source.strip()
    _note_editor(version, actor, (title, body_markdown, quiz_source))
    version.title, version.body_markdown = title, body_markdown
    version.change_summary = (change_summary or "").strip()
    version.quiz_source = quiz_source
    version.pass_mark = pass_mark if quiz_source else None
    if version.status in (PolicyVersion.Status.IN_REVIEW, PolicyVersion.Status.APPROVED):
        version.status = PolicyVersion.Status.DRAFT  # an edit after review needs a new review
        version.approved_by = None
    version.save()
    # A policy never published has no name but its draft's: renaming the draft renames the policy, so the
    # list, the breadcrumbs and the settings say what the draft says. (A published policy keeps its live
    # title until this version is published; publishing hands the title over.)
    Policy.objects.filter(organization=organization, pk=version.policy_id, current_version__isnull=True).exclude(
        title=title
    ).update(title=title, updated_at=timezone.now())
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
        raise ValidationError("Choose another HR member (or an admin) to review your draft.")
    if is_draft_author(version, reviewer):
        raise ValidationError("Choose a reviewer who has not written any of this draft.")
    membership = Membership.objects.filter(organization=organization, user=reviewer, is_active=True).first()
    if membership is None or not role_may(membership.roles, "policies.review"):
        raise ValidationError("The reviewer must be an HR member or an admin of this organization.")
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
    # an HR reviewer opens the editor; an admin, who does not author, the draft's reading page
    page = "draft" if role_may(membership.roles, "policies.author") else "draft_read"
    url = org_url(organization, page, policy_id=version.policy_id)
    mail_on_commit(
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
        raise ValidationError(
            "You cannot approve or reject your own draft; another HR member or an admin must review it."
        )
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
        mail_on_commit(
            [version.created_by.email],
            f"{'Approved' if approve else 'Changes requested'}: {version.title}",
            f"Your draft of “{version.title}” was {'approved' if approve else 'sent back with changes requested'}."
            f"\n\n{comment}\n\n{org_url(organization, 'draft', policy_id=version.policy_id)}\n",
        )
    return version


def require_review(organization) -> bool:
    return bool((organization.settings or {}).get("policy_require_review", False))


def _check_ready(organization, version: PolicyVersion, policy: Policy) -> None:
    """May this draft be published now (its state, its review, its text)?"""
    _require_open(version)
    if policy.status == Policy.Status.ARCHIVED:
        raise ValidationError("This policy is archived; restore it before publishing.")
    if version.status == PolicyVersion.Status.IN_REVIEW:
        raise ValidationError("This draft is waiting for its review; publish it once it is approved.")
    if version.status == PolicyVersion.Status.CHANGES_REQUESTED:
        raise ValidationError("The reviewer asked for changes; update the draft and have it approved first.")
    if require_review(organization) and version.status != PolicyVersion.Status.APPROVED:
        raise ValidationError(
            "This organization requires an approval before publishing: send the draft to another HR member or an admin."
        )
    if not version.body_markdown.strip():
        raise ValidationError("An empty policy cannot be published.")


def _check_choices(previous, *, change_kind: str, due_on: date | None, review_due_on: date | None, today) -> None:
    """Are the publisher's choices (kind of change, due date, next review) valid?"""
    if change_kind not in PolicyVersion.ChangeKind.values:
        raise ValidationError({"change_kind": ["Say whether this is a material change or an editorial fix."]})
    if previous is None and change_kind == PolicyVersion.ChangeKind.EDITORIAL:
        raise ValidationError({"change_kind": ["The first version is always material: everyone must acknowledge it."]})
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": ["The due date cannot be in the past."]})
    if review_due_on is not None and review_due_on <= today:
        raise ValidationError({"review_due_on": ["The review date must be in the future."]})


def _freeze(organization, actor, version: PolicyVersion, policy: Policy, *, change_kind: str, due_on) -> None:
    """Render and hash the text, number the version and mark it published. A material change starts a
    new acknowledgement cycle; an editorial fix keeps the previous version's cycle and due date."""
    previous = policy.current_version
    html = render_markdown(version.body_markdown)
    version.body_html = html
    version.content_sha256 = sha256_of(html)
    version.number = (
        PolicyVersion.objects.filter(organization=organization, policy=policy).aggregate(n=Max("number"))["n"] or 0
    ) + 1
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


def _make_current(organization, version: PolicyVersion, policy: Policy, *, review_due_on, today) -> None:
    """The version replaces the current one; the policy takes its title and its next review date."""
    previous = policy.current_version
    if previous is not None:
        PolicyVersion.objects.filter(organization=organization, pk=previous.pk).update(
            status=PolicyVersion.Status.SUPERSEDED
        )
    policy.current_version = version
    policy.review_due_on = review_due_on or add_months(
        today, selectors.review_interval_months(organization=organization, policy=policy)
    )
    if version.title != policy.title:
        policy.title = version.title
    policy.save(update_fields=["current_version", "review_due_on", "title", "updated_at"])


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
    _check_ready(organization, version, policy)
    today = timezone.localdate()
    _check_choices(
        policy.current_version, change_kind=change_kind, due_on=due_on, review_due_on=review_due_on, today=today
    )
    if version.quiz_source.strip():
        parse_quiz(version.quiz_source)  # still valid
    _freeze(organization, actor, version, policy, change_kind=change_kind, due_on=due_on)
    _make_current(organization, version, policy, review_due_on=review_due_on, today=today)
    audit_record(
        organization=organization,
        actor=actor,
        action="policy.published",
        target=version,
        data={
            "policy": policy.pk,
            "number": version.number,
            "change_kind": change_kind,
            "sha256": version.content_sha256,
            "due_on": str(due_on) if due_on else None,
            # what cleaning left out of the published text (the author was told before publishing)
            "removed_markup": removal_notice(version.body_markdown),
        },
    )
    if change_kind == PolicyVersion.ChangeKind.MATERIAL:
        enqueue(PUBLISH_REMINDERS_TASK, organization, version.pk)
    return version
