"""Content items: create, edit (straight away, or as a revision once the item has been out), publish,
archive, expire."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record

from .. import links
from ..models import Campaign, ContentHashtag, ContentItem, ContentRevision, ContentTeam, ContentTopic, Share
from ..validation import check_image, clean_captions, clean_text, clean_url
from .relations import (
    campaign_from,
    hashtags_from,
    recount_hashtags,
    refresh_item,
    set_links,
    teams_from,
    topics_from,
)
from .sharing import tracked_destination


def text_fields(*, kind, title, summary, url, captions, require_url: bool) -> dict:
    errors = {}
    title = clean_text(title)[:200]
    if not title:
        errors["title"] = "Give the item a title."
    try:
        url = clean_url(url, required=require_url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        url = ""
    try:
        captions = clean_captions(captions or {}, has_link=bool(url))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {"title": title, "summary": clean_text(summary), "url": url, "captions": captions}


def collect(errors: dict, step, *args, **kwargs):
    """Run one check; its errors join `errors` (field -> messages) instead of stopping the others."""
    try:
        return step(*args, **kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        else:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(exc.messages)
        return None


def content_check(
    *,
    organization,
    kind: str,
    title: str,
    summary: str = "",
    url: str = "",
    captions: dict | None = None,
    image=None,
    image_url: str | None = "",
    topic_ids=(),
    hashtag_ids=(),
    team_ids=(),
    campaign_id=None,
    publish_at=None,
    expires_at=None,
    content: ContentItem | None = None,
) -> dict[str, list[str]]:
    """Everything wrong with an item's values, every field at once (field -> messages; nothing is written).
    `content_create` and `content_update` refuse on any of it; a form page shows all of it together."""
    errors: dict[str, list[str]] = {}
    if kind not in ContentItem.Kind.values:
        errors["kind"] = ["Choose link, graphic or text post."]
    collect(
        errors,
        text_fields,
        kind=kind,
        title=title,
        summary=summary,
        url=url,
        captions=captions,
        require_url=kind == ContentItem.Kind.LINK,
    )
    if image is not None:
        collect(errors, check_image, image)
    elif content is None and kind == ContentItem.Kind.FILE:
        errors["image"] = ["Upload the graphic to share."]
    collect(errors, clean_url, image_url or "", field="image_url")
    collect(errors, _dates, publish_at, expires_at)
    collect(errors, _details, organization, topic_ids, hashtag_ids, team_ids, campaign_id)
    return errors


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _dates(publish_at, expires_at):
    if publish_at and expires_at and expires_at <= publish_at:
        raise ValidationError({"expires_at": "The item must expire after it is published."})


def store_image(item, image) -> None:
    """Check an upload and store it on `item` (an item, or the revision proposing it), unsaved."""
    ext = check_image(image)
    item.image.save(f"upload.{ext}", image, save=False)


def _has_been_out(item: ContentItem) -> bool:
    """Published at some point (live, expired, or archived after publishing): its words and picture then
    change only through a revision someone else approves, even while it is not live."""
    return item.first_published_at is not None or item.status in (
        ContentItem.Status.PUBLISHED,
        ContentItem.Status.EXPIRED,
    )


def _next_revision_number(organization, item) -> int:
    last = ContentRevision.objects.filter(organization=organization, content=item).order_by("-number").first()
    return (last.number if last else 0) + 1


def _details(organization, topic_ids, hashtag_ids, team_ids, campaign_id) -> tuple:
    """An item's topics, hashtags, audience teams and campaign, each checked against the organization."""
    return (
        topics_from(organization, topic_ids),
        hashtags_from(organization, hashtag_ids),
        teams_from(organization, team_ids),
        campaign_from(organization, campaign_id),
    )


def _pending_revisions(organization, item):
    return ContentRevision.objects.filter(
        organization=organization, content=item, status=ContentRevision.Status.PENDING
    )


@transaction.atomic
def content_create(
    *,
    organization,
    actor,
    kind: str = ContentItem.Kind.LINK,
    title: str,
    summary: str = "",
    url: str = "",
    captions: dict | None = None,
    image=None,
    image_url: str = "",
    topic_ids=(),
    hashtag_ids=(),
    team_ids=(),
    campaign_id=None,
    publish_at=None,
    expires_at=None,
) -> ContentItem:
    _refuse(
        content_check(
            organization=organization,
            kind=kind,
            title=title,
            summary=summary,
            url=url,
            captions=captions,
            image=image,
            image_url=image_url,
            topic_ids=topic_ids,
            hashtag_ids=hashtag_ids,
            team_ids=team_ids,
            campaign_id=campaign_id,
            publish_at=publish_at,
            expires_at=expires_at,
        )
    )
    fields = text_fields(
        kind=kind, title=title, summary=summary, url=url, captions=captions, require_url=kind == ContentItem.Kind.LINK
    )
    topics, hashtags, teams, campaign = _details(organization, topic_ids, hashtag_ids, team_ids, campaign_id)
    item = ContentItem(
        organization=organization,
        kind=kind,
        created_by=actor,
        image_url=clean_url(image_url, field="image_url"),
        campaign=campaign,
        publish_at=publish_at,
        expires_at=expires_at,
        **fields,
    )
    if image is not None:
        store_image(item, image)
    item.save()
    set_links(organization, ContentTopic, "content", item, "topic", topics)
    set_links(organization, ContentHashtag, "content", item, "hashtag", hashtags)
    set_links(organization, ContentTeam, "content", item, "team", teams)
    recount_hashtags(organization, [h.pk for h in hashtags])
    refresh_item(organization, item)
    ContentRevision.objects.create(
        organization=organization, content=item, number=1, status=ContentRevision.Status.APPLIED, author=actor, **fields
    )
    audit_record(organization=organization, actor=actor, action="content.created", target=item)
    return item


@transaction.atomic
def content_update(
    *,
    organization,
    actor,
    content: ContentItem,
    title: str,
    summary: str = "",
    url: str = "",
    captions: dict | None = None,
    image=None,
    image_url: str | None = None,
    topic_ids=(),
    hashtag_ids=(),
    team_ids=(),
    campaign_id=None,
    publish_at=None,
    expires_at=None,
) -> ContentRevision | None:
    """Edit an item. Its details (topics, hashtags, audience, campaign, dates) change at once; its
    words (title, summary, link, captions) change at once while it is unpublished, and wait as a new
    revision for someone else's approval once it is published. Returns that pending revision."""
    _refuse(
        content_check(
            organization=organization,
            kind=content.kind,
            title=title,
            summary=summary,
            url=url,
            captions=captions,
            image=image,
            image_url=image_url,
            topic_ids=topic_ids,
            hashtag_ids=hashtag_ids,
            team_ids=team_ids,
            campaign_id=campaign_id,
            publish_at=publish_at,
            expires_at=expires_at,
            content=content,
        )
    )
    fields = text_fields(
        kind=content.kind,
        title=title,
        summary=summary,
        url=url,
        captions=captions,
        require_url=content.kind == ContentItem.Kind.LINK,
    )
    topics, hashtags, teams, campaign = _details(organization, topic_ids, hashtag_ids, team_ids, campaign_id)
    been_out = _has_been_out(content)  # before the dates below change
    content.campaign, content.publish_at, content.expires_at = campaign, publish_at, expires_at
    new_image_url = clean_url(image_url, field="image_url") if image_url is not None else content.image_url
    number = _next_revision_number(organization, content)
    pending = None
    if been_out:
        pending = _propose_edit(
            organization,
            actor,
            content,
            fields,
            number=number,
            image=image,
            new_image_url=new_image_url,
            keep_waiting_url=image_url is None,
        )
    if pending is None:
        content.image_url = new_image_url
        if image is not None:
            store_image(content, image)
        if any(getattr(content, key) != value for key, value in fields.items()):
            _apply_words(organization, actor, content, fields, number=number)
    content.save()
    changed = set_links(organization, ContentHashtag, "content", content, "hashtag", hashtags)
    set_links(organization, ContentTopic, "content", content, "topic", topics)
    set_links(organization, ContentTeam, "content", content, "team", teams)
    recount_hashtags(organization, changed)
    refresh_item(organization, content)
    audit_record(
        organization=organization,
        actor=actor,
        action="content.revision_submitted" if pending else "content.updated",
        target=content,
        data={"revision": pending.number} if pending else {},
    )
    return pending


def _propose_edit(
    organization,
    actor,
    content: ContentItem,
    fields: dict,
    *,
    number: int,
    image,
    new_image_url: str,
    keep_waiting_url: bool,
) -> ContentRevision | None:
    """An item that has been out changes its words and picture only through a new pending revision,
    which replaces the one waiting (a picture the waiting revision proposes stays proposed unless this
    edit proposes another). None when the edit proposes nothing (the details alone change)."""
    waiting = _pending_revisions(organization, content).first()
    carried_image = waiting.image.name if waiting is not None and waiting.image and image is None else ""
    carried_url = waiting.image_url if waiting is not None and keep_waiting_url else None
    text_changed = any(getattr(content, key) != value for key, value in fields.items())
    image_changed = image is not None or new_image_url != content.image_url
    if not (text_changed or image_changed or carried_image or carried_url is not None):
        return None
    _pending_revisions(organization, content).update(status=ContentRevision.Status.SUPERSEDED)
    pending = ContentRevision(
        organization=organization,
        content=content,
        number=number,
        status=ContentRevision.Status.PENDING,
        author=actor,
        image_url=new_image_url if new_image_url != content.image_url else carried_url,
        **fields,
    )
    if image is not None:
        store_image(pending, image)
    elif carried_image:
        pending.image = carried_image
    pending.save()
    return pending


def _apply_words(organization, actor, content: ContentItem, fields: dict, *, number: int) -> None:
    """The words of an item that has not been out change at once (its tracked links follow a new link)."""
    url_changed = content.url != fields["url"]
    for key, value in fields.items():
        setattr(content, key, value)
    if url_changed:
        retarget_shares(organization, content)
    # A reviewer's edits to a pending suggestion keep its author: the suggester still cannot approve
    # it, and the reviewer who edited can (the edit is in the audit log).
    _pending_revisions(organization, content).update(**fields)
    if not _pending_revisions(organization, content).exists():
        ContentRevision.objects.create(
            organization=organization,
            content=content,
            number=number,
            status=ContentRevision.Status.APPLIED,
            author=actor,
            **fields,
        )


def retarget_shares(organization, item: ContentItem) -> int:
    """After an item's link changes, its tracked links lead to the new address (with each share's own
    UTM parameters): posts already out there follow a corrected or moved page. One UPDATE per
    (network, campaign) pair, however many shares; their cached links are dropped after the commit and
    read again from the database on their next click."""
    if not item.url:
        return 0  # a graphic that lost its link: its shares keep the last address they had
    shares = Share.objects.filter(organization=organization, content=item, code__isnull=False)
    pairs = list(shares.values_list("network", "campaign_id").distinct().order_by())
    campaigns = Campaign.objects.filter(organization=organization, pk__in={c for _, c in pairs if c}).in_bulk()
    for network, campaign_id in pairs:
        destination = tracked_destination(item.url, network=network, campaign=campaigns.get(campaign_id))
        same = shares.filter(network=network)
        same = same.filter(campaign_id=campaign_id) if campaign_id else same.filter(campaign__isnull=True)
        same.update(destination=destination)
    codes = list(shares.values_list("code", flat=True))
    transaction.on_commit(lambda: links.forget_links(codes))
    return len(codes)


def publish(organization, actor, item: ContentItem) -> None:
    item.status = ContentItem.Status.PUBLISHED
    if not item.publish_at:
        item.publish_at = timezone.now()
    item.first_published_at = item.first_published_at or timezone.now()
    item.rejection_reason = ""
    item.save(update_fields=["status", "publish_at", "first_published_at", "rejection_reason", "updated_at"])
    audit_record(organization=organization, actor=actor, action="content.published", target=item)


@transaction.atomic
def content_publish(*, organization, actor, content: ContentItem) -> ContentItem:
    if content.status == ContentItem.Status.PUBLISHED:
        return content
    if content.status == ContentItem.Status.AWAITING_APPROVAL:
        raise ValidationError("This suggestion needs approval: approve it from the review queue.")
    if content.status == ContentItem.Status.REJECTED:
        raise ValidationError("This suggestion was rejected, so it cannot be published; suggest it again instead.")
    publish(organization, actor, content)
    return content


@transaction.atomic
def content_archive(*, organization, actor, content: ContentItem) -> ContentItem:
    content.status = ContentItem.Status.ARCHIVED
    content.save(update_fields=["status", "updated_at"])
    audit_record(organization=organization, actor=actor, action="content.archived", target=content)
    return content


@transaction.atomic
def content_expire_due(*, organization) -> int:
    """Mark published items past their expiry as expired (the feed already hides them)."""
    return ContentItem.objects.filter(
        organization=organization, status=ContentItem.Status.PUBLISHED, expires_at__lte=timezone.now()
    ).update(status=ContentItem.Status.EXPIRED)
