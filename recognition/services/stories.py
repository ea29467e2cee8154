"""Success stories and milestones: any member submits a story (title, what happened, the result, a picture,
some of their shares); an admin approves it (it shows on the Wins page and earns its points) or declines it
with a reason; an admin announces a milestone (shown at once); an approved story becomes a draft item of the
content library in one step (content_library's own content_create)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from content_library.models import ContentItem, Share
from content_library.services import content_create
from content_library.validation import check_image

from ..models import Story

MAX_SHARES = 10


def _story_errors(*, actor, title, what_happened, result, picture, share_ids) -> tuple[dict, list[int]]:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the story a title.")
    elif len(title) > 160:
        errors["title"] = _("A title is at most 160 characters.")
    what_happened = (what_happened or "").strip()
    if not what_happened:
        errors["what_happened"] = _("Tell what happened.")
    elif len(what_happened) > 4000:
        errors["what_happened"] = _("At most 4,000 characters.")
    if len((result or "").strip()) > 2000:
        errors["result"] = _("At most 2,000 characters.")
    if picture is not None:
        try:
            check_image(picture)
        except ValidationError as exc:
            errors["picture"] = " ".join(exc.messages)
    ids = sorted({int(i) for i in share_ids or () if str(i).isdigit()})
    if len(ids) != len(set(map(str, share_ids or ()))) or len(ids) > MAX_SHARES:
        errors["shares"] = _("Choose up to %(n)s of your own shares.") % {"n": MAX_SHARES}
    elif ids and Share.objects.filter(pk__in=ids, user=actor, status=Share.Status.CONFIRMED).count() != len(ids):
        errors["shares"] = _("Choose up to %(n)s of your own shares.") % {"n": MAX_SHARES}
    return errors, ids


def _create(*, organization, actor, kind, status, title, what_happened, result, picture, share_ids) -> Story:
    errors, ids = _story_errors(
        actor=actor, title=title, what_happened=what_happened, result=result, picture=picture, share_ids=share_ids
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    story = Story(
        organization=organization,
        kind=kind,
        author=actor,
        title=title.strip(),
        what_happened=what_happened.strip(),
        result=(result or "").strip(),
        share_ids=ids,
        status=status,
        submitted_at=now,
    )
    if status == Story.Status.APPROVED:
        story.published_at, story.decided_at, story.decided_by = now, now, actor
    if picture is not None:
        ext = check_image(picture)
        story.picture.save(f"story.{ext}", picture, save=False)
    story.save()
    return story


def story_submit(*, organization, actor, title, what_happened, result="", picture=None, share_ids=()) -> Story:
    """A member's success story, waiting for an admin; every error at once, by field."""
    with transaction.atomic():
        story = _create(
            organization=organization,
            actor=actor,
            kind=Story.Kind.STORY,
            status=Story.Status.SUBMITTED,
            title=title,
            what_happened=what_happened,
            result=result,
            picture=picture,
            share_ids=share_ids,
        )
        audit_record(organization=organization, actor=actor, action="recognition.story_submitted", target=story)
    return story


def milestone_announce(*, organization, actor, title, what_happened, result="", picture=None) -> Story:
    """An admin's milestone (a launch, a campaign's result): on the Wins page at once; earns nobody points."""
    with transaction.atomic():
        story = _create(
            organization=organization,
            actor=actor,
            kind=Story.Kind.MILESTONE,
            status=Story.Status.APPROVED,
            title=title,
            what_happened=what_happened,
            result=result,
            picture=picture,
            share_ids=(),
        )
        audit_record(organization=organization, actor=actor, action="recognition.milestone_announced", target=story)
    return story


def story_decide(*, organization, actor, story: Story, approve: bool, note: str = "") -> Story:
    """Approve a submitted story (published now: the Wins page, and its points within a minute) or decline it
    with a reason the author sees; audited."""
    if story.organization_id != organization.pk:
        raise Story.DoesNotExist
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the story is declined.")})
    if len(note) > 500:
        raise ValidationError({"note": _("The note is at most 500 characters.")})
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status != Story.Status.SUBMITTED:
            raise ValidationError({"note": _("This story was already decided.")})
        now = timezone.now()
        story.status = Story.Status.APPROVED if approve else Story.Status.DECLINED
        story.decided_at, story.decided_by, story.decision_note = now, actor, note
        story.published_at = now if approve else None
        story.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "published_at"])
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.story_approved" if approve else "recognition.story_declined",
            target=story,
            data={"note": note},
        )
    return story


def story_to_content(*, organization, actor, story: Story) -> ContentItem:
    """Turn a published story into a draft text post in the content library (once; its picture comes along),
    for a curator to finish and publish."""
    if story.organization_id != organization.pk:
        raise Story.DoesNotExist
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status != Story.Status.APPROVED:
            raise ValidationError(_("Only a published story can become content."))
        if story.content_item_id and ContentItem.objects.filter(pk=story.content_item_id).exists():
            raise ValidationError(_("This story is already in the library."))
        summary = story.what_happened if not story.result else f"{story.what_happened}\n\n{story.result}"
        picture = None
        if story.picture:
            story.picture.open("rb")
            picture = story.picture
        item = content_create(
            organization=organization,
            actor=actor,
            kind=ContentItem.Kind.TEXT,
            title=story.title[:200],
            summary=summary,
            image=picture,
        )
        story.content_item_id = item.pk
        story.save(update_fields=["content_item_id"])
        audit_record(
            organization=organization,
            actor=actor,
            action="recognition.story_to_content",
            target=story,
            data={"content_item": item.pk},
        )
    return item
