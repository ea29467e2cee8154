"""Demo activity: shares of the first two-thirds of the items over the last weeks, their clicks by
day, and the counters and rollups those bulk writes leave to set."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from ..models import Campaign, ClickDaily, ContentItem, Share, new_link_code
from ..services.share_days import share_days_rebuild
from ..services.sharing import hashtag_share_counts_sync, tracked_destination

NETWORK_WEIGHTS = ["linkedin", "linkedin", "linkedin", "x", "facebook", "bluesky", "mastodon"]
CLICK_TOTALS = [0, 1, 2, 3, 5, 8, 13, 21, 34]


def seed_activity(org, *, sharers, items, rng, now) -> None:
    """Shares and clicks, once: an organization that has shares already keeps them (and gets the hashtag
    usage its shares have, for databases seeded before hashtags were counted)."""
    if Share.objects.filter(organization=org).exists():
        hashtag_share_counts_sync(organization=org)
        return
    Share.objects.bulk_create(_shares(org, sharers=sharers, items=items, rng=rng, now=now), ignore_conflicts=True)
    ClickDaily.objects.bulk_create(_clicks(org, rng=rng, now=now))
    _sync_counters(org)


def _shares(org, *, sharers, items, rng, now) -> list[Share]:
    shares = []
    for item in items[:28]:
        if not item.url:
            continue
        for user in rng.sample(sharers, rng.randint(2, 9)):
            network = rng.choice(NETWORK_WEIGHTS)
            confirmed = now - timedelta(days=rng.uniform(0, min(27, (now - item.publish_at).days + 0.5)))
            shares.append(
                Share(
                    organization=org,
                    user=user,
                    content=item,
                    campaign_id=item.campaign_id,
                    network=network,
                    caption=item.captions.get(network, item.title),
                    code=new_link_code(),
                    destination=tracked_destination(item.url, network=network, campaign=item.campaign),
                    status=Share.Status.CONFIRMED,
                    prepared_at=confirmed - timedelta(minutes=3),
                    confirmed_at=confirmed,
                )
            )
    return shares


def _click_days(share: Share, total: int, today) -> list[tuple]:
    """`total` clicks spread over the share's first days (at most six, none after today): (day, clicks)."""
    days = max(1, min(6, total))
    rows = []
    for d in range(days):
        clicks = total // days + (1 if d < total % days else 0)
        if clicks:
            rows.append((min((share.confirmed_at + timedelta(days=d)).date(), today), clicks))
    return rows


def _clicks(org, *, rng, now) -> list[ClickDaily]:
    merged = {}
    for share in Share.objects.filter(organization=org):
        for day, clicks in _click_days(share, rng.choice(CLICK_TOTALS), now.date()):
            merged.setdefault((share.pk, day), [share, 0])[1] += clicks
    return [
        ClickDaily(
            organization=org,
            share=share,
            day=day,
            clicks=clicks,
            user_id=share.user_id,
            content_id=share.content_id,
            campaign_id=share.campaign_id,
            network=share.network,
        )
        for (_pk, day), (share, clicks) in merged.items()
    ]


def _sync_counters(org):
    """Set the denormalized counters from the rows (demo and scale data are written in bulk)."""
    clicks_by_share = (
        ClickDaily.objects.filter(organization=org, share=OuterRef("pk"))
        .order_by()
        .values("share")
        .annotate(n=Sum("clicks"))
        .values("n")
    )
    Share.objects.filter(organization=org).update(click_count=Coalesce(Subquery(clicks_by_share), 0))
    for model, key in ((ContentItem, "content"), (Campaign, "campaign")):
        shares = (
            Share.objects.filter(organization=org, status=Share.Status.CONFIRMED, **{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count("pk"))
            .values("n")
        )
        clicks = (
            ClickDaily.objects.filter(organization=org, **{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Sum("clicks"))
            .values("n")
        )
        model.objects.filter(organization=org).update(
            share_count=Coalesce(Subquery(shares), 0), click_count=Coalesce(Subquery(clicks), 0)
        )
    hashtag_share_counts_sync(organization=org)
    _sync_share_days(org)


def _sync_share_days(org):
    """Rebuild the daily share rollup from the confirmed shares (after bulk writes)."""
    share_days_rebuild(organization=org)
