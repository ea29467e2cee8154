"""Three months of history (the analytics demo dashboard shows it): the program's first weeks, before the
content library's demo activity (its items are a few weeks old). A handful of earlier articles, each with its
own drawn picture, shared a little at first and more every week (a program taking off), with human clicks per
day, written in bulk the way the library's own demo data is, then its counters synced. Engineering never shares,
so the dashboard has a team to chase. Idempotent: the history's items are found by address first."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from ..models import ClickDaily, ContentItem, Share, new_link_code
from ..services.sharing import tracked_destination
from .activity import _sync_counters
from .library import _give_picture

ARTICLES = [
    ("Why we started our advocacy program", "Our people tell our story better than any ad."),
    ("Five things we learned shipping our first mobile app", "Lessons from a year of building for phones."),
    ("How our support team answers in under an hour", "The tools and habits behind fast answers."),
    ("Meet the team: a day in our Lisbon office", "Coffee, code reviews and a view of the river."),
    ("Our sustainability report, in plain words", "What we measured, what we changed, what is next."),
    ("Hiring: join our customer success team", "We are looking for people who love to help."),
]
NETWORKS = ["linkedin", "linkedin", "linkedin", "x", "bluesky", "mastodon", "facebook"]
DAYS = 91
SILENT_TEAM = "Engineering"


def _items(org, now) -> list[ContentItem]:
    site = f"https://www.{org.slug}.example/archive"
    found = list(ContentItem.objects.filter(organization=org, url__startswith=site).order_by("publish_at"))
    if found:
        return []
    items = [
        ContentItem(
            organization=org,
            title=title,
            summary=summary,
            url=f"{site}/{n}",
            captions={"linkedin": summary, "x": summary},
            status=ContentItem.Status.PUBLISHED,
            publish_at=now - timedelta(days=DAYS - n * 9),
            first_published_at=now - timedelta(days=DAYS - n * 9),
        )
        for n, (title, summary) in enumerate(ARTICLES)
    ]
    items = ContentItem.objects.bulk_create(items)
    brand = org.name.split()[0]
    for item in items:  # each with its own drawn picture, stored as an upload is
        _give_picture(org, item, brand=brand, topic="Company news")
    return items


def _sharers(demo) -> list:
    silent = demo.teams.get(SILENT_TEAM)
    people = [*demo.people.get("employees", []), demo.people["employee"], demo.people["moderator"]]
    if silent is None:
        return people
    from advocacy.tenancy.models import Membership

    quiet = set(Membership.objects.filter(team=silent).values_list("user_id", flat=True))
    return [user for user in people if user.pk not in quiet]


def seed_history(demo) -> int:
    org = demo.organization
    now = timezone.now()
    items = _items(org, now)
    if not items:
        return 0
    rng = random.Random(f"{org.slug}-history")
    sharers = _sharers(demo)
    shares = []
    for item in items:
        age = (now - item.publish_at).days
        # a program taking off: the later an article, the more of the members share it
        count = min(len(sharers), 3 + (DAYS - age) // 6)
        for user in rng.sample(sharers, count):
            network = rng.choice(NETWORKS)
            confirmed = item.publish_at + timedelta(days=rng.uniform(0, min(age - 1, 20)), hours=rng.randint(8, 18))
            shares.append(
                Share(
                    organization=org,
                    user=user,
                    content=item,
                    network=network,
                    caption=item.captions.get(network, item.title),
                    code=new_link_code(),
                    destination=tracked_destination(item.url, network=network, campaign=None),
                    status=Share.Status.CONFIRMED,
                    prepared_at=confirmed - timedelta(minutes=2),
                    confirmed_at=confirmed,
                )
            )
    shares = Share.objects.bulk_create(shares, ignore_conflicts=True)
    clicks = {}
    for share in Share.objects.filter(organization=org, content__in=items):
        for day in range(rng.randint(1, 5)):
            when = (share.confirmed_at + timedelta(days=day)).date()
            if when <= now.date():
                clicks[(share.pk, when)] = (share, rng.choice([0, 1, 2, 3, 5, 8]))
    ClickDaily.objects.bulk_create(
        [
            ClickDaily(
                organization=org,
                share=share,
                day=day,
                clicks=n,
                user_id=share.user_id,
                content_id=share.content_id,
                network=share.network,
                keep_months=org.click_retention_months,
            )
            for (_pk, day), (share, n) in clicks.items()
            if n
        ]
    )
    _sync_counters(org)
    return len(shares)
