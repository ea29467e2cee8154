"""A small fixed data set with hand-computed figures (see FIGURES), in an organization whose time zone is
America/New_York (UTC-5 in November after the clocks changed):

period 2026-11-10 .. 2026-11-16 (the previous one: 2026-11-03 .. 2026-11-09)

members: alice, bob (Sales), carol (Support), dave (Support, deactivated), erin (Legal, never shares), the admin
shares (confirmed_at, UTC -> local day):
  s1 alice item1 linkedin 11-10 03:00 -> 11-09 (previous period: the local day, not the UTC day)
  s2 alice item2 x        11-10 06:00 -> 11-10
  s3 bob   item1 x        11-17 04:30 -> 11-16 (the last day)
  s4 carol item1 linkedin 11-17 05:30 -> 11-17 (after the period)
  s5 dave  item2 linkedin 11-12 12:00 -> 11-12 (deactivated: a share, not a participant)
  s6 carol item2 mastodon 11-12 15:00 -> 11-12
  s7 bob   item2 linkedin prepared, never confirmed (not a share)
clicks (human; content_library's rollup, UTC days): s2 10 on 11-10 and 4 on 11-17, s3 3 on 11-16, s1 5 on 11-09,
  s5 2 on 11-13
followers: alice's X account 1,000, carol's Mastodon account 200 (a revoked Mastodon account of bob's: 5,000)
posts: carol's post carrying s6 on 11-12 (5 likes, 2 reposts, 1 reply; positive), carol's own post on 11-13
  (100 likes, not attributed; negative)
mentions: two positive and one negative in the period, one neutral before
board preferences: bob left the boards, carol appears anonymously
item1 is in campaign "Launch"; item3 is live and nobody shared it
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from analytics.models import AnalyticsSettings
from analytics.selectors import Filters
from analytics.services import rollup_range
from content_library.models import ClickDaily, ContentSettings, Share
from monitoring.models import ConnectedAccount, Mention, Post, SentimentState
from recognition.models import BoardPreference
from tests.content_library.factories import CampaignFactory, ContentItemFactory, ShareFactory
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.monitoring.factories import ConnectedAccountFactory

UTC = datetime.UTC
START, END = datetime.date(2026, 11, 10), datetime.date(2026, 11, 16)
PERIOD = Filters(start=START, end=END, period="custom")

FIGURES = {
    "shares": 4,  # s2, s3, s5, s6
    "sharers": 3,  # alice, bob, carol (dave is deactivated)
    "members": 5,  # alice, bob, carol, erin, the admin
    "participation": 60.0,
    "clicks": 15,  # 10 + 3 + 2
    "ctr": 3.75,
    "reach": 1200,  # s2 on X: 1,000; s6 on Mastodon: 200
    "engagement": 8,
    "emv": Decimal("27.00"),  # 1,200 / 1,000 x 10 + 15 x 1
}
PREVIOUS = {"shares": 1, "sharers": 1, "participation": 20.0, "clicks": 5, "ctr": 5.0, "reach": 0, "engagement": 0}


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _member(org, name, team, *, active=True):
    user = UserFactory(full_name=name, email=f"{name.lower()}@example.com")
    MembershipFactory(organization=org, user=user, team=team, is_active=active)
    return user


def _share(org, user, item, network, confirmed, code):
    status = Share.Status.CONFIRMED if confirmed else Share.Status.PREPARED
    return ShareFactory(
        organization=org,
        user=user,
        content=item,
        campaign=item.campaign,
        network=network,
        code=code,
        status=status,
        confirmed_at=at(confirmed) if confirmed else None,
    )


def _clicks(org, share, day, n):
    with organization_scope(org):
        ClickDaily.objects.create(
            organization=org,
            share=share,
            day=day,
            clicks=n,
            user_id=share.user_id,
            content_id=share.content_id,
            campaign_id=share.campaign_id,
            network=share.network,
        )


def _scored(compound):
    return {"sentiment_state": SentimentState.SCORED, "sentiment_compound": compound}


def build(org, admin):
    """The data set in `org` (whose admin is `admin`), rolled up. Returns the people, teams and items."""
    with organization_scope(org):
        ContentSettings.objects.create(organization=org, timezone="America/New_York")
        AnalyticsSettings.objects.create(organization=org, cpm=10, cpc=1, currency="EUR")
    sales, support, legal = (TeamFactory(organization=org, name=n) for n in ("Sales", "Support", "Legal"))
    alice, bob = _member(org, "Alice", sales), _member(org, "Bob", sales)
    carol, dave = _member(org, "Carol", support), _member(org, "Dave", support, active=False)
    erin = _member(org, "Erin", legal)
    launch = CampaignFactory(organization=org, name="Launch")
    item1 = ContentItemFactory(organization=org, title="Launch post", campaign=launch)
    item2 = ContentItemFactory(organization=org, title="Culture post")
    item3 = ContentItemFactory(organization=org, title="Nobody shares this")
    s1 = _share(org, alice, item1, "linkedin", "2026-11-10T03:00", "s1")
    s2 = _share(org, alice, item2, "x", "2026-11-10T06:00", "s2")
    s3 = _share(org, bob, item1, "x", "2026-11-17T04:30", "s3")
    _share(org, carol, item1, "linkedin", "2026-11-17T05:30", "s4")
    s5 = _share(org, dave, item2, "linkedin", "2026-11-12T12:00", "s5")
    s6 = _share(org, carol, item2, "mastodon", "2026-11-12T15:00", "s6")
    _share(org, bob, item2, "linkedin", None, "s7")
    for share, day, n in (
        (s2, datetime.date(2026, 11, 10), 10),
        (s2, datetime.date(2026, 11, 17), 4),
        (s3, datetime.date(2026, 11, 16), 3),
        (s1, datetime.date(2026, 11, 9), 5),
        (s5, datetime.date(2026, 11, 13), 2),
    ):
        _clicks(org, share, day, n)
    ConnectedAccountFactory(organization=org, user=alice, network="x", followers_count=1000)
    carol_account = ConnectedAccountFactory(organization=org, user=carol, network="mastodon", followers_count=200)
    ConnectedAccountFactory(
        organization=org, user=bob, network="x", followers_count=5000, state=ConnectedAccount.State.REVOKED
    )
    with organization_scope(org):
        common = {"organization": org, "account": carol_account, "user": carol, "network": "mastodon"}
        Post.objects.create(
            **common,
            external_id="p1",
            share=s6,
            content_item=item2,
            posted_at=at("2026-11-12T16:00"),
            likes=5,
            reposts=2,
            replies=1,
            **_scored(0.6),
        )
        Post.objects.create(**common, external_id="p2", posted_at=at("2026-11-13T16:00"), likes=100, **_scored(-0.5))
        for n, (when, compound) in enumerate(
            (
                ("2026-11-11T12:00", 0.7),
                ("2026-11-14T12:00", 0.3),
                ("2026-11-15T12:00", -0.8),
                ("2026-11-05T12:00", 0.0),
            )
        ):
            Mention.objects.create(
                organization=org, network="bluesky", external_id=f"m{n}", posted_at=at(when), **_scored(compound)
            )
        BoardPreference.objects.create(organization=org, user=bob, visibility=BoardPreference.Visibility.HIDDEN)
        BoardPreference.objects.create(organization=org, user=carol, visibility=BoardPreference.Visibility.ANONYMOUS)
    rollup_range(organization=org, start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 20))
    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "erin": erin,
        "admin": admin,
        "sales": sales,
        "support": support,
        "legal": legal,
        "launch": launch,
        "item1": item1,
        "item2": item2,
        "item3": item3,
        "now": timezone.now(),
    }
