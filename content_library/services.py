"""Every write of the content library: keyword-only, organization first, actor second, atomic,
audited where it matters. Bad input raises ValidationError and changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from advocacy.audit.services import audit_record
from advocacy.permissions import Role
from advocacy.tenancy.models import Membership, Team

from . import links
from .models import (
    Campaign,
    CampaignHashtag,
    CampaignTeam,
    ContentHashtag,
    ContentItem,
    ContentRevision,
    ContentSettings,
    ContentTeam,
    ContentTopic,
    Hashtag,
    MemberPreference,
    Share,
    Topic,
    new_link_code,
)
from .networks import ALL_NETWORKS, Network, clean_mastodon_instance, compose, intent_url, over_limit
from .validation import check_image, clean_captions, clean_hashtag, clean_text, clean_url, placeholder_link

TEXT_FIELDS = ("title", "summary", "url", "captions")
HASHTAG_IN_TEXT = re.compile(r"#(\w+)", re.UNICODE)


# --- settings ------------------------------------------------------------------------------------------


def settings_for(organization) -> ContentSettings:
    found = ContentSettings.objects.filter(organization=organization).first()
    return found or ContentSettings(organization=organization, networks_enabled=list(ALL_NETWORKS))


@transaction.atomic
def content_settings_update(
    *,
    organization,
    actor,
    daily_share_cap: int,
    sharing_start: time | None,
    sharing_end: time | None,
    timezone_name: str,
    networks_enabled: list[str],
    moderators_may_approve: bool,
) -> ContentSettings:
    errors = {}
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"“{timezone_name}” is not a time zone name (for example Europe/Berlin)."
    networks = [n for n in ALL_NETWORKS if n in set(networks_enabled or [])]
    if not networks:
        errors["networks_enabled"] = "Enable at least one network."
    if (sharing_start is None) != (sharing_end is None):
        errors["sharing_end"] = "Set both the opening and the closing time, or neither."
    elif sharing_start is not None and sharing_start == sharing_end:
        errors["sharing_end"] = "The closing time must differ from the opening time."
    if daily_share_cap is None or daily_share_cap < 0:
        errors["daily_share_cap"] = "Enter 0 (no limit) or a positive number."
    if errors:
        raise ValidationError(errors)
    obj, _ = ContentSettings.objects.get_or_create(organization=organization)
    obj.daily_share_cap = daily_share_cap
    obj.sharing_start, obj.sharing_end = sharing_start, sharing_end
    obj.timezone = timezone_name
    obj.networks_enabled = networks
    obj.moderators_may_approve = moderators_may_approve
    obj.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="content.settings_changed",
        target=obj,
        data={"daily_share_cap": daily_share_cap, "networks": networks, "timezone": timezone_name},
    )
    return obj


# --- topics and hashtags --------------------------------------------------------------------------------


@transaction.atomic
def topic_create(*, organization, actor, name: str) -> Topic:
    name = clean_text(name)[:60]
    slug = slugify(name)[:60]
    if not slug:
        raise ValidationError({"name": "Enter a topic name."})
    if Topic.objects.filter(organization=organization, slug=slug).exists():
        raise ValidationError({"name": f"There is already a topic “{name}”."})
    return Topic.objects.create(organization=organization, name=name, slug=slug)


@transaction.atomic
def hashtag_create(*, organization, actor, name: str, description: str = "", is_campaign: bool = False) -> Hashtag:
    name = clean_hashtag(name)
    if Hashtag.objects.filter(organization=organization, key=name.lower()).exists():
        raise ValidationError({"name": f"#{name} already exists."})
    hashtag = Hashtag.objects.create(
        organization=organization,
        name=name,
        key=name.lower(),
        description=clean_text(description)[:240],
        is_campaign=is_campaign,
    )
    audit_record(organization=organization, actor=actor, action="hashtag.created", target=hashtag)
    return hashtag


@transaction.atomic
def hashtag_update(*, organization, actor, hashtag: Hashtag, description: str, is_campaign: bool) -> Hashtag:
    hashtag.description = clean_text(description)[:240]
    hashtag.is_campaign = is_campaign
    hashtag.save(update_fields=["description", "is_campaign"])
    return hashtag


def _hashtags_from(organization, ids) -> list[Hashtag]:
    ids = {int(i) for i in ids or []}
    found = list(Hashtag.objects.filter(organization=organization, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"hashtags": "Choose hashtags of this organization."})
    return found


def _topics_from(organization, ids) -> list[Topic]:
    ids = {int(i) for i in ids or []}
    found = list(Topic.objects.filter(organization=organization, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"topics": "Choose topics of this organization."})
    return found


def _teams_from(organization, ids) -> list[Team]:
    ids = {int(i) for i in ids or []}
    found = list(Team.objects.filter(organization=organization, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"teams": "Choose teams of this organization."})
    return found


def _campaign_from(organization, campaign_id) -> Campaign | None:
    if campaign_id in (None, ""):
        return None
    campaign = Campaign.objects.filter(organization=organization, pk=int(campaign_id)).first()
    if campaign is None:
        raise ValidationError({"campaign": "Choose a campaign of this organization."})
    return campaign


def _recount_hashtags(organization, ids) -> None:
    if not ids:
        return
    counts = (
        ContentHashtag.objects.filter(organization=organization, hashtag=OuterRef("pk"))
        .order_by()
        .values("hashtag")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Hashtag.objects.filter(organization=organization, pk__in=ids).update(item_count=Coalesce(Subquery(counts), 0))


def _set_links(organization, model, owner_field, owner, other_field, others) -> set[int]:
    """Make the link table say exactly `others` for `owner`; returns the ids that changed."""
    current = set(
        model.objects.filter(organization=organization, **{owner_field: owner}).values_list(
            f"{other_field}_id", flat=True
        )
    )
    wanted = {o.pk for o in others}
    model.objects.filter(
        organization=organization, **{owner_field: owner}, **{f"{other_field}_id__in": current - wanted}
    ).delete()
    model.objects.bulk_create(
        [model(organization=organization, **{owner_field: owner, f"{other_field}_id": pk}) for pk in wanted - current]
    )
    return current ^ wanted


# --- campaigns ----------------------------------------------------------------------------------------


def _campaign_fields(organization, *, name, goal, description, starts_on, ends_on, share_goal):
    name = clean_text(name)[:120]
    errors = {}
    if not name:
        errors["name"] = "Give the campaign a name."
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The campaign must end on or after its start."
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "goal": clean_text(goal)[:240],
        "description": clean_text(description),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "share_goal": max(0, int(share_goal or 0)),
    }


@transaction.atomic
def campaign_create(
    *,
    organization,
    actor,
    name: str,
    goal: str = "",
    description: str = "",
    starts_on=None,
    ends_on=None,
    hashtag_ids=(),
    team_ids=(),
    share_goal: int = 0,
) -> Campaign:
    fields = _campaign_fields(
        organization,
        name=name,
        goal=goal,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        share_goal=share_goal,
    )
    hashtags, teams = _hashtags_from(organization, hashtag_ids), _teams_from(organization, team_ids)
    campaign = Campaign.objects.create(organization=organization, created_by=actor, **fields)
    _set_links(organization, CampaignHashtag, "campaign", campaign, "hashtag", hashtags)
    _set_links(organization, CampaignTeam, "campaign", campaign, "team", teams)
    audit_record(organization=organization, actor=actor, action="campaign.created", target=campaign)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    organization,
    actor,
    campaign: Campaign,
    name: str,
    goal: str = "",
    description: str = "",
    starts_on=None,
    ends_on=None,
    hashtag_ids=(),
    team_ids=(),
    share_goal: int = 0,
) -> Campaign:
    fields = _campaign_fields(
        organization,
        name=name,
        goal=goal,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        share_goal=share_goal,
    )
    hashtags, teams = _hashtags_from(organization, hashtag_ids), _teams_from(organization, team_ids)
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.save()
    _set_links(organization, CampaignHashtag, "campaign", campaign, "hashtag", hashtags)
    if _set_links(organization, CampaignTeam, "campaign", campaign, "team", teams):
        for item in ContentItem.objects.filter(organization=organization, campaign=campaign):
            _refresh_item(organization, item)
    audit_record(organization=organization, actor=actor, action="campaign.updated", target=campaign)
    return campaign


@transaction.atomic
def campaign_launch(*, organization, actor, campaign: Campaign) -> int:
    """Start the campaign and publish its draft items; returns how many were published."""
    if campaign.status == Campaign.Status.ACTIVE:
        return 0
    campaign.status = Campaign.Status.ACTIVE
    campaign.launched_at = timezone.now()
    if not campaign.starts_on:
        campaign.starts_on = timezone.localdate()
    campaign.save(update_fields=["status", "launched_at", "starts_on"])
    drafts = list(
        ContentItem.objects.filter(organization=organization, campaign=campaign, status=ContentItem.Status.DRAFT)
    )
    for item in drafts:
        _publish(organization, actor, item)
    audit_record(
        organization=organization,
        actor=actor,
        action="campaign.launched",
        target=campaign,
        data={"published_items": len(drafts)},
    )
    return len(drafts)


@transaction.atomic
def campaign_end(*, organization, actor, campaign: Campaign) -> Campaign:
    campaign.status = Campaign.Status.ENDED
    if not campaign.ends_on:
        campaign.ends_on = timezone.localdate()
    campaign.save(update_fields=["status", "ends_on"])
    audit_record(organization=organization, actor=actor, action="campaign.ended", target=campaign)
    return campaign


# --- content items ------------------------------------------------------------------------------------


def _refresh_item(organization, item: ContentItem) -> None:
    """Recompute the denormalized audience and search text after links change."""
    teams = set(ContentTeam.objects.filter(organization=organization, content=item).values_list("team_id", flat=True))
    if item.campaign_id:
        teams |= set(
            CampaignTeam.objects.filter(organization=organization, campaign_id=item.campaign_id).values_list(
                "team_id", flat=True
            )
        )
    words = [
        f"#{name}"
        for name in Hashtag.objects.filter(organization=organization, items=item).values_list("name", flat=True)
    ]
    words += list(Topic.objects.filter(organization=organization, items=item).values_list("name", flat=True))
    words += list((item.captions or {}).values())
    ContentItem.objects.filter(organization=organization, pk=item.pk).update(
        audience_team_ids=sorted(teams), search_text="\n".join(words)
    )
    item.audience_team_ids = sorted(teams)


def _text_fields(*, kind, title, summary, url, captions, require_url: bool) -> dict:
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


def _dates(publish_at, expires_at):
    if publish_at and expires_at and expires_at <= publish_at:
        raise ValidationError({"expires_at": "The item must expire after it is published."})


def _store_image(item, image) -> None:
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
    if kind not in ContentItem.Kind.values:
        raise ValidationError({"kind": "Choose link, graphic or text post."})
    fields = _text_fields(
        kind=kind, title=title, summary=summary, url=url, captions=captions, require_url=kind == ContentItem.Kind.LINK
    )
    if kind == ContentItem.Kind.FILE and image is None:
        raise ValidationError({"image": "Upload the graphic to share."})
    _dates(publish_at, expires_at)
    topics, hashtags = _topics_from(organization, topic_ids), _hashtags_from(organization, hashtag_ids)
    teams, campaign = _teams_from(organization, team_ids), _campaign_from(organization, campaign_id)
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
        _store_image(item, image)
    item.save()
    _set_links(organization, ContentTopic, "content", item, "topic", topics)
    _set_links(organization, ContentHashtag, "content", item, "hashtag", hashtags)
    _set_links(organization, ContentTeam, "content", item, "team", teams)
    _recount_hashtags(organization, [h.pk for h in hashtags])
    _refresh_item(organization, item)
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
    fields = _text_fields(
        kind=content.kind,
        title=title,
        summary=summary,
        url=url,
        captions=captions,
        require_url=content.kind == ContentItem.Kind.LINK,
    )
    _dates(publish_at, expires_at)
    topics, hashtags = _topics_from(organization, topic_ids), _hashtags_from(organization, hashtag_ids)
    teams, campaign = _teams_from(organization, team_ids), _campaign_from(organization, campaign_id)
    been_out = _has_been_out(content)  # before the dates below change
    content.campaign, content.publish_at, content.expires_at = campaign, publish_at, expires_at
    new_image_url = clean_url(image_url, field="image_url") if image_url is not None else content.image_url
    image_changed = image is not None or new_image_url != content.image_url
    text_changed = any(getattr(content, key) != value for key, value in fields.items())
    pending = None
    number = _next_revision_number(organization, content)
    waiting = ContentRevision.objects.filter(
        organization=organization, content=content, status=ContentRevision.Status.PENDING
    ).first()
    # a picture the waiting revision proposes stays proposed unless this edit proposes another
    carried_image = waiting.image.name if waiting is not None and waiting.image and image is None else ""
    carried_url = waiting.image_url if waiting is not None and image_url is None else None
    if been_out and (text_changed or image_changed or carried_image or carried_url is not None):
        ContentRevision.objects.filter(
            organization=organization, content=content, status=ContentRevision.Status.PENDING
        ).update(status=ContentRevision.Status.SUPERSEDED)
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
            _store_image(pending, image)
        elif carried_image:
            pending.image = carried_image
        pending.save()
        text_changed = False  # the words, like the picture, wait for the approval
    else:
        content.image_url = new_image_url
        if image is not None:
            _store_image(content, image)
    if text_changed:
        url_changed = content.url != fields["url"]
        for key, value in fields.items():
            setattr(content, key, value)
        if url_changed:
            _retarget_shares(organization, content)
        # A reviewer's edits to a pending suggestion keep its author: the suggester still cannot approve
        # it, and the reviewer who edited can (the edit is in the audit log).
        ContentRevision.objects.filter(
            organization=organization, content=content, status=ContentRevision.Status.PENDING
        ).update(**fields)
        if not ContentRevision.objects.filter(
            organization=organization, content=content, status=ContentRevision.Status.PENDING
        ).exists():
            ContentRevision.objects.create(
                organization=organization,
                content=content,
                number=number,
                status=ContentRevision.Status.APPLIED,
                author=actor,
                **fields,
            )
    content.save()
    changed = _set_links(organization, ContentHashtag, "content", content, "hashtag", hashtags)
    _set_links(organization, ContentTopic, "content", content, "topic", topics)
    _set_links(organization, ContentTeam, "content", content, "team", teams)
    _recount_hashtags(organization, changed)
    _refresh_item(organization, content)
    audit_record(
        organization=organization,
        actor=actor,
        action="content.revision_submitted" if pending else "content.updated",
        target=content,
        data={"revision": pending.number} if pending else {},
    )
    return pending


def _retarget_shares(organization, item: ContentItem) -> int:
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


def _publish(organization, actor, item: ContentItem) -> None:
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
    _publish(organization, actor, content)
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


# --- suggestions and approval ---------------------------------------------------------------------------


@transaction.atomic
def suggestion_create(
    *, organization, actor, url: str = "", title: str = "", summary: str = "", caption: str = "", image=None
) -> ContentItem:
    """Any member suggests a link or an image with a caption; it waits for approval."""
    kind = ContentItem.Kind.FILE if image is not None and not url else ContentItem.Kind.LINK
    if not url and image is None:
        raise ValidationError({"url": "Paste a link or upload an image to suggest."})
    captions = dict.fromkeys((Network.LINKEDIN, Network.FACEBOOK), caption) if caption else {}
    fields = _text_fields(kind=kind, title=title, summary=summary, url=url, captions=captions, require_url=False)
    item = ContentItem(
        organization=organization,
        kind=kind,
        status=ContentItem.Status.AWAITING_APPROVAL,
        is_suggestion=True,
        created_by=actor,
        **fields,
    )
    if image is not None:
        _store_image(item, image)
    item.save()
    _refresh_item(organization, item)
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
    _refresh_item(organization, item)
    if item.url != old_url:
        _retarget_shares(organization, item)
    audit_record(
        organization=organization,
        actor=actor,
        action="content.revision_approved",
        target=item,
        data={"revision": revision.number, "author": getattr(revision.author, "email", "")},
    )
    if item.status in (ContentItem.Status.AWAITING_APPROVAL, ContentItem.Status.REJECTED):
        _publish(organization, actor, item)
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


# --- sharing ------------------------------------------------------------------------------------------


def _local_now(cfg: ContentSettings) -> datetime:
    try:
        zone = ZoneInfo(cfg.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return timezone.now().astimezone(zone)


def sharing_hours_message(cfg: ContentSettings) -> str:
    if cfg.sharing_start is None or cfg.sharing_end is None:
        return ""
    now = _local_now(cfg).time()
    start, end = cfg.sharing_start, cfg.sharing_end
    open_now = start <= now < end if start < end else (now >= start or now < end)
    if open_now:
        return ""
    return (
        f"Sharing is open from {start:%H:%M} to {end:%H:%M} ({cfg.timezone}). "
        f"It is {now:%H:%M} there now — please come back then."
    )


def shares_today(organization, user, cfg: ContentSettings) -> int:
    local = _local_now(cfg)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return Share.objects.filter(
        organization=organization, user=user, status=Share.Status.CONFIRMED, confirmed_at__gte=start
    ).count()


def _cap_message(organization, user, cfg) -> str:
    if cfg.daily_share_cap and shares_today(organization, user, cfg) >= cfg.daily_share_cap:
        return (
            f"You have reached today's limit of {cfg.daily_share_cap} shares. "
            "Thank you for spreading the word — you can share again tomorrow."
        )
    return ""


def share_gate(organization, user):
    """The policies app's gate: a member who must acknowledge the social-media policy first is told so."""
    from policies.selectors import member_may_share

    return member_may_share(organization=organization, user=user)


class ShareRefused(ValidationError):
    """Sharing is not possible right now; `url` (when set) is where the member can fix it."""

    def __init__(self, message: str, url: str | None = None):
        super().__init__(message)
        self.url = url


def tracked_destination(url: str, *, network: str, campaign: Campaign | None) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [
        ("utm_source", network),
        ("utm_medium", "social"),
        ("utm_campaign", slugify(campaign.name)[:60] if campaign else "employee-advocacy"),
        ("utm_content", "employee-share"),
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _check_may_share(organization, actor, content: ContentItem, network: str, cfg: ContentSettings) -> None:
    gate = share_gate(organization, actor)
    if not gate.allowed:
        raise ShareRefused(gate.reason or "You cannot share yet.", gate.url)
    if network not in cfg.enabled_networks():
        raise ShareRefused(f"Sharing to {Network(network).label} is turned off in this organization.")
    if not content.is_live:
        raise ShareRefused("This item is not available for sharing any more.")
    message = sharing_hours_message(cfg) or _cap_message(organization, actor, cfg)
    if message:
        raise ShareRefused(message)


@transaction.atomic
def share_prepare(*, organization, actor, content: ContentItem, network: str, caption: str) -> Share:
    """Open a share: the tracked link unique to (employee, item, network) and the caption they wrote.
    Nothing is recorded as shared until `share_confirm`. Refusals record nothing."""
    if network not in Network.values:
        raise ValidationError({"network": "Choose a network."})
    cfg = settings_for(organization)
    _check_may_share(organization, actor, content, network, cfg)
    caption = clean_text(caption)
    link_placeholder = placeholder_link() if content.url else None
    over = over_limit(network, compose(caption, link_placeholder))
    if over:
        raise ValidationError({"caption": f"Your post is {over} characters too long for {Network(network).label}."})
    share = Share.objects.filter(organization=organization, user=actor, content=content, network=network).first()
    if share is None:
        share = Share(
            organization=organization,
            user=actor,
            content=content,
            network=network,
            campaign_id=content.campaign_id,
        )
        if content.url:
            share.destination = tracked_destination(content.url, network=network, campaign=content.campaign)
    if share.status == Share.Status.PREPARED:
        share.caption = caption
        share.prepared_at = timezone.now()
    for _attempt in range(5):
        if content.url and not share.code:
            share.code = new_link_code()
        try:
            with transaction.atomic():
                share.save()
            break
        except IntegrityError:
            if share.pk is not None:
                raise
            share.code = None
    else:
        raise ValidationError("Could not create a tracked link; please try again.")
    if share.code:
        code, organization_id, destination = share.code, organization.pk, share.destination
        transaction.on_commit(lambda: links.cache_link(code, organization_id, destination))
    return share


@transaction.atomic
def share_confirm(*, organization, actor, share: Share) -> Share:
    """The employee says they posted it: record the share once (confirming again changes nothing)."""
    if share.user_id != actor.pk:
        raise PermissionDenied("This is someone else's share.")
    # One confirmation at a time per member, so the daily cap holds under double clicks.
    Membership.objects.select_for_update().filter(organization=organization, user=actor).first()
    share = Share.objects.select_for_update().get(organization=organization, pk=share.pk)
    if share.status == Share.Status.CONFIRMED:
        return share
    cfg = settings_for(organization)
    gate = share_gate(organization, actor)
    if not gate.allowed:
        raise ShareRefused(gate.reason or "You cannot share yet.", gate.url)
    message = _cap_message(organization, actor, cfg)
    if message:
        raise ShareRefused(message)
    share.status = Share.Status.CONFIRMED
    share.confirmed_at = timezone.now()
    share.save(update_fields=["status", "confirmed_at"])
    ContentItem.objects.filter(organization=organization, pk=share.content_id).update(share_count=F("share_count") + 1)
    with connection.cursor() as cursor:  # the day's rollup for "most shared this week"
        cursor.execute(
            "INSERT INTO content_library_sharedaily (organization_id, content_id, day, shares) VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (organization_id, content_id, day) "
            "DO UPDATE SET shares = content_library_sharedaily.shares + 1",
            [organization.pk, share.content_id, share.confirmed_at.astimezone(UTC).date()],
        )
    if share.campaign_id:
        Campaign.objects.filter(organization=organization, pk=share.campaign_id).update(
            share_count=F("share_count") + 1
        )
    keys = {m.lower() for m in HASHTAG_IN_TEXT.findall(share.caption or "")}
    if keys:
        Hashtag.objects.filter(organization=organization, key__in=keys).update(share_count=F("share_count") + 1)
    return share


# --- preferences --------------------------------------------------------------------------------------


def preference_for(organization, user) -> MemberPreference:
    found = MemberPreference.objects.filter(organization=organization, user=user).first()
    return found or MemberPreference(organization=organization, user=user)


@transaction.atomic
def preference_update(*, organization, actor, weekly_digest: bool, mastodon_instance: str = "") -> MemberPreference:
    instance = ""
    if (mastodon_instance or "").strip():
        instance = clean_mastodon_instance(mastodon_instance)
        if not instance:
            raise ValidationError({"mastodon_instance": "Enter your Mastodon server, for example mastodon.social."})
    pref, _ = MemberPreference.objects.get_or_create(organization=organization, user=actor)
    pref.weekly_digest = weekly_digest
    pref.mastodon_instance = instance
    pref.save()
    return pref


def share_intent(share: Share, *, mastodon_instance: str = "") -> str:
    return intent_url(
        share.network, caption=share.caption, link=share.short_url or None, mastodon_instance=mastodon_instance
    )


def week_start(day=None):
    day = day or timezone.localdate()
    return day - timedelta(days=day.weekday())
