"""Sharing: the gate (policy acknowledgement, networks, opening hours, the daily cap), the tracked
link of each (member, item, network), and the confirmation that counts a share."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from advocacy.tenancy.models import Membership
from policies.selectors import member_may_share

from .. import links
from ..models import Campaign, ContentItem, ContentSettings, Hashtag, Share, new_link_code
from ..networks import RULES, Network, intent_url
from ..selectors import settings_for
from ..validation import caption_length, clean_text
from .share_days import share_day_add

HASHTAG_IN_TEXT = re.compile(r"#(\w+)", re.UNICODE)


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
    """The policies app's gate: a member who must acknowledge the social-media policy first is told so; and the
    review queue's: a member whose sharing a moderator suspended is told until when (an overturned appeal lifts it)."""
    from django.urls import reverse

    from monitoring.review.selectors import sharing_suspension  # the review queue decides; content enforces
    from policies.selectors import ShareGate

    suspension = sharing_suspension(organization=organization, user=user)
    if suspension is not None:
        until = timezone.localtime(suspension.ends_at).strftime("%d %B %Y, %H:%M")
        return ShareGate(
            False,
            reason=f"Your sharing is suspended until {until} after a review of one of your posts.",
            url=reverse("review_my_record", kwargs={"org_slug": organization.slug}),
        )
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
    over = caption_length(network, caption, has_link=bool(content.url)) - RULES[network].limit
    if over > 0:
        characters = "character" if over == 1 else "characters"
        raise ValidationError({"caption": f"Your post is {over} {characters} too long for {Network(network).label}."})
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
    # the day's rollup for "most shared this week", in the organization's retention class (its partition)
    share_day_add(organization=organization, content_id=share.content_id, day=share.confirmed_at.astimezone(UTC).date())
    if share.campaign_id:
        Campaign.objects.filter(organization=organization, pk=share.campaign_id).update(
            share_count=F("share_count") + 1
        )
    keys = hashtag_keys_in(share.caption)
    if keys:
        Hashtag.objects.filter(organization=organization, key__in=keys).update(share_count=F("share_count") + 1)
    return share


def hashtag_keys_in(text: str) -> set[str]:
    """The hashtags a caption uses, as keys: a hashtag is "used in" a confirmed share whose caption has it."""
    return {m.lower() for m in HASHTAG_IN_TEXT.findall(text or "")}


# The same rule in SQL (PostgreSQL's \w is Unicode-aware as Python's is), for the recount below.
_HASHTAG_SHARE_COUNTS = (
    "SELECT used.key, count(*) FROM ("
    "  SELECT DISTINCT s.id, lower(m[1]) AS key"
    "  FROM content_library_share s CROSS JOIN LATERAL regexp_matches(s.caption, '#(\\w+)', 'g') AS m"
    "  WHERE s.organization_id = %s AND s.status = 'confirmed' AND s.caption LIKE '%%#%%'"
    ") used GROUP BY used.key"
)


def hashtag_share_counts_sync(*, organization, hashtag_ids=None) -> None:
    """Set `Hashtag.share_count` from the confirmed shares (all hashtags, or these): after rows were
    written in bulk (demo and scale data) and for a new hashtag that shares already used."""
    with connection.cursor() as cursor:
        cursor.execute(_HASHTAG_SHARE_COUNTS, [organization.pk])
        counts = dict(cursor.fetchall())
    tags = Hashtag.objects.filter(organization=organization)
    if hashtag_ids is not None:
        tags = tags.filter(pk__in=hashtag_ids)
    changed = []
    for tag in tags.only("pk", "key", "share_count"):
        if tag.share_count != counts.get(tag.key, 0):
            tag.share_count = counts.get(tag.key, 0)
            changed.append(tag)
    Hashtag.objects.bulk_update(changed, ["share_count"], batch_size=1000)


def share_intent(share: Share, *, mastodon_instance: str = "") -> str:
    return intent_url(
        share.network, caption=share.caption, link=share.short_url or None, mastodon_instance=mastodon_instance
    )
