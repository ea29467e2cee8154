"""Demo library for seed_demo: campaigns, hashtags, topics, ~40 items with captions, shares and clicks.
Idempotent: everything is looked up by name/title first."""

import random
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from .models import (
    Campaign,
    CampaignHashtag,
    CampaignTeam,
    ClickDaily,
    ContentHashtag,
    ContentItem,
    ContentRevision,
    ContentSettings,
    ContentTopic,
    Hashtag,
    Share,
    Topic,
    new_link_code,
)
from .networks import ALL_NETWORKS
from .services.relations import recount_hashtags, refresh_item
from .services.sharing import tracked_destination

HASHTAGS = [
    ("LifeAt{Org}", "Culture, people and everyday moments at the company.", False),
    ("{Org}Launch", "Our spring product launch — use it on every launch post.", True),
    ("GreenerTogether", "Sustainability commitments and progress.", True),
    ("WeAreHiring", "Open roles and hiring news.", True),
    ("Engineering", "Stories from our engineering teams.", False),
    ("CustomerStories", "Customers in their own words.", False),
    ("Leadership", "Notes from our leadership team.", False),
    ("Webinar", "Upcoming live sessions.", False),
]
TOPICS = ["Product", "Careers", "Sustainability", "Engineering", "Customers", "Company news", "Events"]
CAMPAIGNS = [
    (
        "Spring launch",
        "Make the launch of Atlas 3 the most talked-about release of the year",
        "Everything for the Atlas 3 launch: the announcement, the demo video, customer reactions. "
        "Share in your own words — tell people what you worked on.",
        ["{Org}Launch"],
        ["Marketing", "Sales", "Engineering"],
        400,
    ),
    (
        "Greener together",
        "Show the progress on our 2030 climate commitments",
        "Our sustainability report and the stories behind it.",
        ["GreenerTogether"],
        [],
        250,
    ),
    (
        "Hiring sprint",
        "Fill 40 engineering and sales roles before summer",
        "Help us find great colleagues: share the roles with your network.",
        ["WeAreHiring"],
        [],
        300,
    ),
]

# (title, summary, path, topic, hashtags, campaign index or None, kind)
ITEMS = [
    (
        "Introducing Atlas 3: planning that keeps up with your team",
        "Atlas 3 brings live scenario planning, a new timeline and 4x faster sync. Here is everything that is new.",
        "blog/introducing-atlas-3",
        "Product",
        ["{Org}Launch"],
        0,
        "link",
    ),
    (
        "Watch: the Atlas 3 keynote in 12 minutes",
        "The launch keynote, cut down to the demos that matter.",
        "videos/atlas-3-keynote",
        "Product",
        ["{Org}Launch"],
        0,
        "link",
    ),
    (
        "How we rebuilt sync for Atlas 3",
        "Our engineers on moving from polling to a CRDT-based sync engine — and what broke on the way.",
        "engineering/rebuilding-sync",
        "Engineering",
        ["{Org}Launch", "Engineering"],
        0,
        "link",
    ),
    (
        "Atlas 3 pricing: simpler plans for growing teams",
        "Two plans instead of five, and a free tier for teams up to 10.",
        "blog/atlas-3-pricing",
        "Product",
        ["{Org}Launch"],
        0,
        "link",
    ),
    (
        "Nordwind Logistics cut planning time by 60% with Atlas",
        "How a 2,000-person logistics company replaced 40 spreadsheets.",
        "customers/nordwind",
        "Customers",
        ["CustomerStories", "{Org}Launch"],
        0,
        "link",
    ),
    (
        "Launch day, behind the scenes",
        "Photos from the war room, the pizza, and the moment the release went green.",
        "",
        "Company news",
        ["LifeAt{Org}", "{Org}Launch"],
        0,
        "text",
    ),
    (
        "Atlas 3 is live — a note from our CEO",
        "Why we built Atlas 3 and what comes next.",
        "blog/ceo-note-atlas-3",
        "Company news",
        ["Leadership", "{Org}Launch"],
        0,
        "link",
    ),
    (
        "Live webinar: migrating to Atlas 3",
        "Join our product team on Thursday for a 30-minute walkthrough and Q&A.",
        "events/atlas-3-migration-webinar",
        "Events",
        ["Webinar", "{Org}Launch"],
        0,
        "link",
    ),
    (
        "Our 2025 sustainability report",
        "Scope 1 and 2 emissions down 38% since 2021; what we did and what we still have to do.",
        "sustainability/report-2025",
        "Sustainability",
        ["GreenerTogether"],
        1,
        "link",
    ),
    (
        "Our Lyon office now runs on 100% renewable power",
        "Solar on the roof, a green tariff for the rest, and heat pumps replacing gas.",
        "news/lyon-renewable",
        "Sustainability",
        ["GreenerTogether"],
        1,
        "link",
    ),
    (
        "Why we moved our data centers to low-carbon regions",
        "Picking cloud regions by grid intensity cut our compute emissions by a third.",
        "engineering/low-carbon-regions",
        "Engineering",
        ["GreenerTogether", "Engineering"],
        1,
        "link",
    ),
    (
        "Bike to work month: 312 colleagues, 41,000 km",
        "The results of this year's challenge — and the team that cycled to the moon.",
        "",
        "Company news",
        ["GreenerTogether", "LifeAt{Org}"],
        1,
        "text",
    ),
    (
        "We joined the Science Based Targets initiative",
        "Our climate targets are now independently validated.",
        "news/sbti",
        "Sustainability",
        ["GreenerTogether", "Leadership"],
        1,
        "link",
    ),
    (
        "Supplier code of conduct: what we ask of partners",
        "Our updated standards for labour, environment and ethics across the supply chain.",
        "sustainability/supplier-code",
        "Sustainability",
        ["GreenerTogether"],
        1,
        "link",
    ),
    (
        "We're hiring 20 engineers across Europe",
        "Backend, frontend, SRE and data roles in Berlin, Lisbon and remote.",
        "careers/engineering",
        "Careers",
        ["WeAreHiring", "Engineering"],
        2,
        "link",
    ),
    (
        "Senior Account Executive, DACH",
        "Own the German-speaking market with a team that closes.",
        "careers/ae-dach",
        "Careers",
        ["WeAreHiring"],
        2,
        "link",
    ),
    (
        "What onboarding at Acme really looks like",
        "Your first 90 days: a buddy, a real project in week two, and no 200-slide decks.",
        "careers/onboarding",
        "Careers",
        ["WeAreHiring", "LifeAt{Org}"],
        2,
        "link",
    ),
    (
        "Meet the team: Platform Engineering",
        "Seven engineers, one pager rotation, zero heroics.",
        "careers/meet-platform",
        "Careers",
        ["WeAreHiring", "Engineering"],
        2,
        "link",
    ),
    (
        "Internships 2026: applications are open",
        "Paid, project-based internships in engineering, design and marketing.",
        "careers/internships-2026",
        "Careers",
        ["WeAreHiring"],
        2,
        "link",
    ),
    (
        "Refer a friend: how our referral program works",
        "A bonus for you, a great colleague for all of us.",
        "",
        "Careers",
        ["WeAreHiring"],
        2,
        "text",
    ),
    (
        "Product designer, growth",
        "Shape the first five minutes of millions of Atlas users.",
        "careers/designer-growth",
        "Careers",
        ["WeAreHiring"],
        2,
        "link",
    ),
    (
        "Named a Great Place to Work for the third year",
        "Thank you to everyone who answered the survey honestly.",
        "news/great-place-to-work",
        "Company news",
        ["LifeAt{Org}"],
        None,
        "link",
    ),
    (
        "Our engineering principles, published",
        "Eleven principles we use to make decisions — now public.",
        "engineering/principles",
        "Engineering",
        ["Engineering"],
        None,
        "link",
    ),
    (
        "Postmortem: the 14 March API slowdown",
        "What happened, why it took 47 minutes to fix, and what we changed.",
        "engineering/postmortem-march",
        "Engineering",
        ["Engineering"],
        None,
        "link",
    ),
    (
        "Brightline Health: from pilot to 30 hospitals",
        "How Brightline rolled out Atlas across its network in nine months.",
        "customers/brightline",
        "Customers",
        ["CustomerStories"],
        None,
        "link",
    ),
    (
        "Five planning mistakes we see every quarter",
        "And the simple habits that prevent them.",
        "blog/five-planning-mistakes",
        "Product",
        [],
        None,
        "link",
    ),
    (
        "Acme at Web Summit: come say hello",
        "Find us at stand B-214, November 11–14 in Lisbon.",
        "events/web-summit",
        "Events",
        ["LifeAt{Org}"],
        None,
        "link",
    ),
    (
        "Q3 results: record revenue and 120 new customers",
        "Highlights from our quarterly update.",
        "news/q3-results",
        "Company news",
        ["Leadership"],
        None,
        "link",
    ),
    (
        "Our open-source scheduling library passes 10k stars",
        "Thank you to the 240 contributors who made it happen.",
        "engineering/oss-10k",
        "Engineering",
        ["Engineering"],
        None,
        "link",
    ),
    (
        "Mental health days: why we added four a year",
        "A note from our People team.",
        "news/mental-health-days",
        "Company news",
        ["LifeAt{Org}", "Leadership"],
        None,
        "link",
    ),
    (
        "A day in the life of a customer success manager",
        "Rosa shows us her Tuesday — from onboarding calls to renewal wins.",
        "",
        "Customers",
        ["LifeAt{Org}", "CustomerStories"],
        None,
        "text",
    ),
    (
        "Webinar recording: roadmapping for the next two quarters",
        "Missed it live? The recording and slides are here.",
        "events/roadmapping-recording",
        "Events",
        ["Webinar"],
        None,
        "link",
    ),
    (
        "Kestrel Foods on planning their seasonal supply chain",
        "A customer story about forecasting demand with Atlas.",
        "customers/kestrel",
        "Customers",
        ["CustomerStories"],
        None,
        "link",
    ),
    (
        "How we run hack week",
        "Three days, 64 projects, four of them shipped.",
        "engineering/hack-week",
        "Engineering",
        ["Engineering", "LifeAt{Org}"],
        None,
        "link",
    ),
    (
        "Accessibility in Atlas: our progress this year",
        "WCAG 2.2 AA across the app, keyboard-first planning and screen-reader testing.",
        "blog/accessibility",
        "Product",
        [],
        None,
        "link",
    ),
    (
        "Our new office in Lisbon",
        "Sea views, a rooftop terrace and room for 150 people.",
        "news/lisbon-office",
        "Company news",
        ["LifeAt{Org}", "WeAreHiring"],
        None,
        "link",
    ),
    (
        "Security at Acme: our SOC 2 Type II report",
        "Independent assurance for the controls that protect your data.",
        "trust/soc2",
        "Product",
        [],
        None,
        "link",
    ),
    (
        "Planning for hybrid teams: a practical guide",
        "Templates and rituals we use ourselves.",
        "blog/hybrid-planning-guide",
        "Product",
        [],
        None,
        "link",
    ),
    (
        "Volunteering day at the Berlin food bank",
        "42 colleagues, 3 tonnes of food sorted.",
        "",
        "Company news",
        ["LifeAt{Org}"],
        None,
        "text",
    ),
    (
        "The Atlas mobile app gets offline mode",
        "Plan on the train; it syncs when you are back online.",
        "blog/mobile-offline",
        "Product",
        [],
        None,
        "link",
    ),
]


def _captions(title: str, tags: list[str], has_link: bool) -> dict:
    tag_text = " ".join(f"#{t}" for t in tags[:2])
    return {
        "linkedin": f"{title}.\n\nI'm proud of the people behind this — worth a read. {tag_text}".strip(),
        "x": f"{title} {tag_text}".strip()[:200],
        "facebook": f"{title} {tag_text}".strip(),
        "mastodon": f"{title} {tag_text}".strip()[:400],
        "bluesky": f"{title} {tag_text}".strip()[:220],
    }


def seed(demo):
    org = demo.organization
    brand = org.name.split()[0]
    site = f"https://www.{org.slug}.example"
    admin = demo.people["admin"]
    rng = random.Random(org.slug)
    now = timezone.now()

    ContentSettings.objects.get_or_create(
        organization=org,
        defaults={"daily_share_cap": 10, "networks_enabled": list(ALL_NETWORKS), "timezone": "Europe/Berlin"},
    )
    topics = {}
    for name in TOPICS:
        topics[name], _ = Topic.objects.get_or_create(
            organization=org, slug=name.lower().replace(" ", "-"), defaults={"name": name}
        )
    tags = {}
    for raw, description, is_campaign in HASHTAGS:
        name = raw.format(Org=brand)
        tags[raw], _ = Hashtag.objects.get_or_create(
            organization=org,
            key=name.lower(),
            defaults={"name": name, "description": description, "is_campaign": is_campaign},
        )
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
                [
                    CampaignTeam(organization=org, campaign=campaign, team=demo.teams[t])
                    for t in team_names
                    if t in demo.teams
                ]
            )
        campaigns.append(campaign)

    items = []
    for n, (title, summary, path, topic, tag_keys, campaign_index, kind) in enumerate(ITEMS):
        title = title.replace("Acme", brand)
        item = ContentItem.objects.filter(organization=org, title=title).first()
        if item is None:
            tag_names = [tags[k].name for k in tag_keys]
            url = f"{site}/{path}" if path else ""
            item = ContentItem.objects.create(
                organization=org,
                kind=kind,
                title=title,
                summary=summary,
                url=url,
                captions=_captions(title, tag_names, bool(url)),
                status=ContentItem.Status.PUBLISHED,
                publish_at=now - timedelta(days=n * 0.7, hours=rng.randint(0, 10)),
                campaign=campaigns[campaign_index] if campaign_index is not None else None,
                created_by=admin,
            )
            ContentTopic.objects.create(organization=org, content=item, topic=topics[topic])
            ContentHashtag.objects.bulk_create(
                [ContentHashtag(organization=org, content=item, hashtag=tags[k]) for k in tag_keys]
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
                author=admin,
            )
            refresh_item(org, item)
        items.append(item)
    recount_hashtags(org, [t.pk for t in tags.values()])

    # Shares and clicks: the first two-thirds of the items, shared by employees over the last weeks.
    if Share.objects.filter(organization=org).exists():
        return
    sharers = [demo.people["employee"], demo.people["moderator"], *demo.people["employees"][:14]]
    shares = []
    for item in items[:28]:
        if not item.url:
            continue
        for user in rng.sample(sharers, rng.randint(2, 9)):
            network = rng.choice(["linkedin", "linkedin", "linkedin", "x", "facebook", "bluesky", "mastodon"])
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
    Share.objects.bulk_create(shares, ignore_conflicts=True)
    rows = []
    for share in Share.objects.filter(organization=org):
        total = rng.choice([0, 1, 2, 3, 5, 8, 13, 21, 34])
        days = max(1, min(6, total))
        for d in range(days):
            clicks = total // days + (1 if d < total % days else 0)
            if clicks:
                day = (share.confirmed_at + timedelta(days=d)).date()
                if day > now.date():
                    day = now.date()
                rows.append((share, day, clicks))
    merged = {}
    for share, day, clicks in rows:
        merged.setdefault((share.pk, day), [share, 0])[1] += clicks
    ClickDaily.objects.bulk_create(
        [
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
            for (pk, day), (share, clicks) in merged.items()
        ]
    )
    _sync_counters(org)


def _sync_counters(org):
    """Set the denormalized counters from the rows (demo and scale data are written in bulk)."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

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
    _sync_share_days(org)


def _sync_share_days(org):
    """Rebuild the daily share rollup from the confirmed shares (after bulk writes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM content_library_sharedaily WHERE organization_id = %s", [org.pk])
        cursor.execute(
            "INSERT INTO content_library_sharedaily (organization_id, content_id, day, shares) "
            "SELECT organization_id, content_id, (confirmed_at AT TIME ZONE 'UTC')::date, count(*) "
            "FROM content_library_share WHERE organization_id = %s AND status = 'confirmed' "
            "AND confirmed_at IS NOT NULL GROUP BY 1, 2, 3",
            [org.pk],
        )
