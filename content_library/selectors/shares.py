"""Reads of members' shares by item, tracked-link code and address (the crawler's preview, the share page,
monitoring's attribution of members' posts)."""

from __future__ import annotations

from django.db.models import F

from ..models import ContentItem, Share


def shares_of_item(*, organization, user, content: ContentItem) -> list[Share]:
    """The member's shares of one item (prepared or confirmed), one per network."""
    return list(Share.objects.filter(organization=organization, user=user, content=content).order_by("network"))


def item_shared_by_code(*, organization, code: str) -> ContentItem | None:
    """The item a tracked link's share points to (the crawler's preview page, the shared image)."""
    share = Share.objects.select_related("content").filter(organization=organization, code=code).first()
    return share.content if share else None


def shares_for_addresses(*, organization, codes, urls, user_ids) -> dict:
    """For attributing members' posts to what they shared (monitoring's intake), in at most three queries
    whatever the batch: "codes": {code: share} for tracked-link codes; "items": {address: item} for items at
    one of `urls`; "shares": {(user_id, item id): share} for those items' shares by `user_ids` (a confirmed
    share first). Shares carry user_id, content_id, campaign_id and network; items id, url and campaign_id."""
    fields = ("id", "organization_id", "code", "user_id", "content_id", "campaign_id", "network", "status")
    found: dict = {"codes": {}, "items": {}, "shares": {}}
    if codes:
        rows = Share.objects.filter(organization=organization, code__in=set(codes)).only(*fields)
        found["codes"] = {share.code: share for share in rows}
    if urls:
        items = ContentItem.objects.filter(organization=organization, url__in=set(urls)).only(
            "id", "organization_id", "url", "campaign_id"
        )
        found["items"] = {item.url: item for item in items}
    if found["items"] and user_ids:
        rows = (
            Share.objects.filter(
                organization=organization,
                user_id__in=set(user_ids),
                content_id__in={item.pk for item in found["items"].values()},
            )
            .only(*fields)
            .order_by(F("confirmed_at").desc(nulls_last=True), "-id")
        )
        for share in rows:
            found["shares"].setdefault((share.user_id, share.content_id), share)
    return found
