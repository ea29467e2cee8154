"""Demo library for seed_demo: campaigns, hashtags, topics, ~40 items with captions and pictures (drawn at
seed time: `pictures`), shares and clicks.
Idempotent: everything is looked up by name/title first. The content is in `data`, the library's
rows in `library`, shares and clicks in `activity`."""

from __future__ import annotations

import random

from django.utils import timezone

from .activity import _sync_counters, seed_activity
from .library import seed_campaigns, seed_hashtags, seed_items, seed_settings, seed_topics

__all__ = ["seed", "_sync_counters"]  # _sync_counters: scale.py sets the counters of its bulk rows with it


def seed(demo):
    org = demo.organization
    brand = org.name.split()[0]
    admin = demo.people["admin"]
    rng = random.Random(org.slug)
    now = timezone.now()

    seed_settings(org)
    topics = seed_topics(org)
    tags = seed_hashtags(org, brand)
    campaigns = seed_campaigns(org, tags=tags, teams=demo.teams, admin=admin, now=now)
    items = seed_items(
        org,
        site=f"https://www.{org.slug}.example",
        brand=brand,
        topics=topics,
        tags=tags,
        campaigns=campaigns,
        admin=admin,
        rng=rng,
        now=now,
    )
    # Shares and clicks: the first two-thirds of the items, shared by employees over the last weeks.
    sharers = [demo.people["employee"], demo.people["moderator"], *demo.people["employees"][:14]]
    seed_activity(org, sharers=sharers, items=items, rng=rng, now=now)
