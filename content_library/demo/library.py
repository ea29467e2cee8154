"""The demo library itself: sharing settings, topics, hashtags, campaigns and items, each looked up
by its name or title first (seeding twice adds nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ..models import (
    Campaign,
    CampaignHashtag,
    CampaignTeam,
    ContentHashtag,
    ContentItem,
    ContentRevision,
    ContentSettings,
    ContentTopic,
    Hashtag,
    Topic,
)
from ..networks import ALL_NETWORKS
from ..services.items import store_image
from ..services.relations import recount_hashtags, refresh_item
from .data import CAMPAIGNS, HASHTAGS, ITEMS, TOPICS, captions_for
from .pictures import draw_picture


def seed_settings(org) -> None:
    ContentSettings.objects.get_or_create(
        organization=org,
        defaults={"daily_share_cap": 10, "networks_enabled": list(ALL_NETWORKS), "timezone": "Europe/Berlin"},
    )


def seed_topics(org) -> dict[str, Topic]:
    topics = {}
    for name in TOPICS:
        topics[name], _ = Topic.objects.get_or_create(
            organization=org, slug=name.lower().replace(" ", "-"), defaults={"name": name}
        )
    return topics


def seed_hashtags(org, brand: str) -> dict[str, Hashtag]:
    """The hashtags by their raw name ("LifeAt{Org}")."""
    tags = {}
    for raw, description, is_campaign in HASHTAGS:
        name = raw.format(Org=brand)
        tags[raw], _ = Hashtag.objects.get_or_create(
            organization=org,
            key=name.lower(),
            defaults={"name": name, "description": description, "is_campaign": is_campaign},
        )
    return tags


def seed_campaigns(org, *, tags, teams, admin, now) -> list[Campaign]:
    campaigns = []
    for i, (name, goal, description, tag_keys, team_names, share_goal) in enumerate(CAMPAIGNS):
        campaign, created = Campaign.objects.get_or_create(
            organization=org,
            name=name,
            defaults={
                "goal": goal,
                "description": description,
                "status": Campaign.Status.ACTIVE,
                "starts_on": (now - timedelta(days=20 - i * 5)).date(),
                "ends_on": (now + timedelta(days=30 + i * 10)).date(),
                "launched_at": now - timedelta(days=20 - i * 5),
                "share_goal": share_goal,
                "created_by": admin,
            },
        )
        if created:
            CampaignHashtag.objects.bulk_create(
                [CampaignHashtag(organization=org, campaign=campaign, hashtag=tags[k]) for k in tag_keys]
            )
            CampaignTeam.objects.bulk_create(
                [CampaignTeam(organization=org, campaign=campaign, team=teams[t]) for t in team_names if t in teams]
            )
        campaigns.append(campaign)
    return campaigns


def seed_items(org, *, site, brand, topics, tags, campaigns, admin, rng, now) -> list[ContentItem]:
    """The items, published over the last weeks (an item already there is kept as it is, and gets its
    picture if it has none, or if its file is gone)."""
    items = []
    for n, (title, summary, path, topic, tag_keys, campaign_index, kind) in enumerate(ITEMS):
        title = title.replace("Acme", brand)
        item = ContentItem.objects.filter(organization=org, title=title).first()
        if item is None:
            url = f"{site}/{path}" if path else ""
            item = ContentItem.objects.create(
                organization=org,
                kind=kind,
                title=title,
                summary=summary,
                url=url,
                captions=captions_for(title, [tags[k].name for k in tag_keys], bool(url)),
                status=ContentItem.Status.PUBLISHED,
                publish_at=now - timedelta(days=n * 0.7, hours=rng.randint(0, 10)),
                campaign=campaigns[campaign_index] if campaign_index is not None else None,
                created_by=admin,
            )
            _link_item(org, item, topic=topics[topic], hashtags=[tags[k] for k in tag_keys], author=admin)
        if not item.image or not default_storage.exists(item.image.name):
            _give_picture(org, item, brand=brand, topic=topic)
        items.append(item)
    recount_hashtags(org, [t.pk for t in tags.values()])
    return items


def _give_picture(org, item: ContentItem, *, brand: str, topic: str) -> None:
    """A drawn picture for the item, stored as an upload is (checked, under content/<organization id>/)."""
    data = draw_picture(title=item.title, brand=brand, topic=topic, kind=item.kind)
    store_image(item, ContentFile(data, name="picture.jpg"))
    ContentItem.objects.filter(organization=org, pk=item.pk).update(image=item.image.name)


def _link_item(org, item: ContentItem, *, topic: Topic, hashtags: list[Hashtag], author) -> None:
    """A new item's topic, hashtags and first (applied) revision."""
    ContentTopic.objects.create(organization=org, content=item, topic=topic)
    ContentHashtag.objects.bulk_create(
        [ContentHashtag(organization=org, content=item, hashtag=hashtag) for hashtag in hashtags]
    )
    ContentRevision.objects.create(
        organization=org,
        content=item,
        number=1,
        title=item.title,
        summary=item.summary,
        url=item.url,
        captions=item.captions,
        status=ContentRevision.Status.APPLIED,
        author=author,
    )
    refresh_item(org, item)
