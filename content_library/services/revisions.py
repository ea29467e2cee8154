"""Suggestions and revisions: a member suggests, someone other than the author approves or rejects;
an approved revision becomes the item's words (and picture) and publishes a suggestion."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.permissions import Role
from advocacy.tenancy.models import Membership

from ..models import ContentItem, ContentRevision
from ..networks import Network
from ..selectors import settings_for
from ..validation import check_image, clean_text
from .items import collect, publish, retarget_shares, store_image, text_fields
from .relations import refresh_item

TEXT_FIELDS = ("title", "summary", "url", "captions")


def suggestion_check(
    *, organization, url: str = "", title: str = "", summary: str = "", caption: str = "", image=None
) -> dict[str, list[str]]:
    """Everything wrong with a suggestion, every field at once (field -> messages; nothing is written)."""
    errors: dict[str, list[str]] = {}
    if not (url or "").strip() and image is None:
        errors["url"] = ["Paste a link or upload an image to suggest."]
    collect(errors, text_fields, **_suggested_text(url=url, title=title, summary=summary, caption=caption))
    if image is not None:
        collect(errors, check_image, image)
    for network in (Network.LINKEDIN, Network.FACEBOOK):  # one caption, used for both: its errors are its own
        for message in errors.pop(f"caption_{network}", []):
            errors.setdefault("caption", []).append(message)
    return errors


def _suggested_text(*, url, title, summary, caption) -> dict:
    captions = dict.fromkeys((Network.LINKEDIN, Network.FACEBOOK), caption) if caption else {}
    kind = ContentItem.Kind.LINK  # the kind does not change what the words may be
    return {"kind": kind, "title": title, "summary": summary, "url": url, "captions": captions, "require_url": False}


@transaction.atomic
def suggestion_create(
    *, organization, actor, url: str = "", title: str = "", summary: str = "", caption: str = "", image=None
) -> ContentItem:
    """Any member suggests a link or an image with a caption; it waits for approval."""
    errors = suggestion_check(
        organization=organization, url=url, title=title, summary=summary, caption=caption, image=image
    )
    if errors:
        raise ValidationError(errors)
    kind = ContentItem.Kind.FILE if image is not None and not url else ContentItem.Kind.LINK
    fields = text_fields(**_suggested_text(url=url, title=title, summary=summary, caption=caption))
    item = ContentItem(
        organization=organization,
        kind=kind,
        status=ContentItem.Status.AWAITING_APPROVAL,
        is_suggestion=True,
        created_by=actor,
        **fields,
    )
    if image is not None:
        store_image(item, image)
    item.save()
    refresh_item(organization, item)
    ContentRevision.objects.create(
        organization=organization, content=item, number=1, status=ContentRevision.Status.PENDING, author=actor, **fields
    )
    audit_record(organization=organization, actor=actor, action="content.suggested", target=item)
    return item


def may_approve(organization, membership) -> bool:
    if membership is None or not membership.may("content.approve"):
        return False
    if Role.ADMIN in membership.roles:
        return True
    return Role.MODERATOR in membership.roles and settings_for(organization).moderators_may_approve


def _check_approver(organization, actor, revision: ContentRevision) -> None:
    membership = Membership.objects.filter(organization=organization, user=actor, is_active=True).first()
    if not may_approve(organization, membership):
        raise PermissionDenied("Your role does not allow approving content.")
    if revision.status != ContentRevision.Status.PENDING:
        raise ValidationError("This revision has already been decided.")
    if revision.author_id == actor.pk:
        raise ValidationError("Someone other than its author must approve this.")


@transaction.atomic
def revision_approve(*, organization, actor, revision: ContentRevision) -> ContentItem:
    revision = ContentRevision.objects.select_for_update().get(organization=organization, pk=revision.pk)
    _check_approver(organization, actor, revision)
    item = ContentItem.objects.select_for_update().get(organization=organization, pk=revision.content_id)
    old_url = item.url
    for key in TEXT_FIELDS:
        setattr(item, key, getattr(revision, key))
    if revision.image:
        item.image = revision.image.name  # the proposed upload becomes the item's (the file is shared)
    if revision.image_url is not None:
        item.image_url = revision.image_url
    revision.status = ContentRevision.Status.APPROVED
    revision.decided_by, revision.decided_at = actor, timezone.now()
    revision.save(update_fields=["status", "decided_by", "decided_at"])
    item.save()
    refresh_item(organization, item)
    if item.url != old_url:
        retarget_shares(organization, item)
    audit_record(
        organization=organization,
        actor=actor,
        action="content.revision_approved",
        target=item,
        data={"revision": revision.number, "author": getattr(revision.author, "email", "")},
    )
    if item.status in (ContentItem.Status.AWAITING_APPROVAL, ContentItem.Status.REJECTED):
        publish(organization, actor, item)
    return item


@transaction.atomic
def revision_reject(*, organization, actor, revision: ContentRevision, reason: str) -> ContentRevision:
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Tell the author why (they will see it)."})
    revision = ContentRevision.objects.select_for_update().get(organization=organization, pk=revision.pk)
    _check_approver(organization, actor, revision)
    revision.status = ContentRevision.Status.REJECTED
    revision.decided_by, revision.decided_at, revision.reason = actor, timezone.now(), reason
    revision.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    item = revision.content
    if item.status == ContentItem.Status.AWAITING_APPROVAL:
        item.status = ContentItem.Status.REJECTED
        item.rejection_reason = reason
        item.save(update_fields=["status", "rejection_reason", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="content.revision_rejected",
        target=item,
        data={"revision": revision.number, "reason": reason},
    )
    return revision
