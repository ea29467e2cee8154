"""The library's denormalized counters say what the rows say, however the rows were written: by the
services one share at a time, in bulk and synced as the demo and the scale data do, or by `seed_demo`.
Each counter is compared with a recount from the rows, and the hashtags page shows the recount."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from advocacy.demo import ORGS
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from content_library import services
from content_library.demo import _sync_counters
from content_library.models import Campaign, ClickDaily, ContentHashtag, ContentItem, Hashtag, Share, ShareDaily
from content_library.services.sharing import hashtag_keys_in
from tests.content_library.factories import CampaignFactory, ContentItemFactory, HashtagFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<a class="tag[^"]*" href="[^"]*/hashtags/(\d+)/">.*?<td class="num">([\d,]+)</td><td class="num">([\d,]+)</td>',
    re.S,
)


def recounted(org) -> dict:
    """Every counter of the organization, recomputed from the rows (in Python, not with the services' SQL)."""
    with organization_scope(org):
        confirmed = list(Share.objects.filter(organization=org, status=Share.Status.CONFIRMED))
        tag_uses = Counter(key for share in confirmed for key in hashtag_keys_in(share.caption))
        clicks = ClickDaily.objects.filter(organization=org)
        links = Counter(ContentHashtag.objects.filter(organization=org).values_list("hashtag_id", flat=True))
        days = Counter(
            (s.content_id, s.confirmed_at.date()) for s in confirmed if s.confirmed_at is not None
        )  # UTC dates
        return {
            "hashtag": {t.pk: (links[t.pk], tag_uses[t.key]) for t in Hashtag.objects.filter(organization=org)},
            "item": {
                i.pk: (
                    sum(1 for s in confirmed if s.content_id == i.pk),
                    clicks.filter(content_id=i.pk).aggregate(n=Sum("clicks"))["n"] or 0,
                )
                for i in ContentItem.objects.filter(organization=org)
            },
            "campaign": {
                c.pk: (
                    sum(1 for s in confirmed if s.campaign_id == c.pk),
                    clicks.filter(campaign_id=c.pk).aggregate(n=Sum("clicks"))["n"] or 0,
                )
                for c in Campaign.objects.filter(organization=org)
            },
            "share_day": dict(days),
        }


def stored(org) -> dict:
    with organization_scope(org):
        return {
            "hashtag": {t.pk: (t.item_count, t.share_count) for t in Hashtag.objects.filter(organization=org)},
            "item": {i.pk: (i.share_count, i.click_count) for i in ContentItem.objects.filter(organization=org)},
            "campaign": {c.pk: (c.share_count, c.click_count) for c in Campaign.objects.filter(organization=org)},
            "share_day": {
                (d.content_id, d.day): d.shares for d in ShareDaily.objects.filter(organization=org) if d.shares
            },
        }


def hashtag_page(org, user) -> dict:
    """hashtag id -> (items, used in shares) as the hashtags page shows them."""
    browser = Client()
    browser.force_login(user)
    response = browser.get(f"/o/{org.slug}/content/hashtags/")
    assert response.status_code == 200
    rows = {
        int(pk): (int(items.replace(",", "")), int(uses.replace(",", "")))
        for pk, items, uses in ROW.findall(response.content.decode())
    }
    return rows


def test_seed_demo_counters_match_the_rows_and_the_hashtags_page_shows_them(django_user_model):
    call_command("seed_demo", verbosity=0)
    for slug, _name in ORGS:
        org = Organization.objects.get(slug=slug)
        expected = recounted(org)
        assert stored(org) == expected
        used = {pk: uses for pk, (_items, uses) in expected["hashtag"].items()}
        assert sum(used.values()) > 20 and sum(1 for n in used.values() if n) >= 4, "the demo's shares use hashtags"
        admin = django_user_model.objects.get(email=f"admin@{slug}.example")
        assert hashtag_page(org, admin) == expected["hashtag"]


def test_bulk_written_shares_synced_as_the_demo_does_are_counted(org, admin):
    campaign = CampaignFactory(organization=org)
    launch = HashtagFactory(organization=org, name="AcmeLaunch", key="acmelaunch")
    zurich = HashtagFactory(organization=org, name="Zürich", key="zürich")
    unused = HashtagFactory(organization=org, name="Quiet", key="quiet")
    item = ContentItemFactory(organization=org, campaign=campaign)
    other = ContentItemFactory(organization=org)
    captions = [
        "Big day! #AcmeLaunch #acmelaunch",  # twice in one share: one share
        "#ZÜRICH office, #AcmeLaunch.",
        "Nothing tagged here",
        "#Zürich_2 is another tag; so is #Quietly",
        "#zürich",
    ]
    now = timezone.now()
    with organization_scope(org):
        Share.objects.bulk_create(
            [
                Share(
                    organization=org,
                    user=UserFactory(),
                    content=item if n % 2 == 0 else other,
                    campaign=campaign if n % 2 == 0 else None,
                    network="linkedin",
                    caption=caption,
                    code=f"bulk{n}",
                    destination=f"{item.url}?utm_source=linkedin",
                    status=Share.Status.CONFIRMED,
                    confirmed_at=now - timedelta(days=n),
                )
                for n, caption in enumerate(captions)
            ]
            + [  # prepared, never confirmed: not a use
                Share(
                    organization=org,
                    user=admin,
                    content=item,
                    network="x",
                    caption="#AcmeLaunch #Zürich",
                    code="bulkp",
                    status=Share.Status.PREPARED,
                )
            ]
        )
        _sync_counters(org)
    expected = recounted(org)
    assert stored(org) == expected
    assert {pk: uses for pk, (_i, uses) in expected["hashtag"].items()} == {launch.pk: 2, zurich.pk: 2, unused.pk: 0}
    assert hashtag_page(org, admin) == expected["hashtag"]


def test_shares_confirmed_one_by_one_keep_the_counters(org, employee, admin):
    tag = HashtagFactory(organization=org, name="AcmeNews", key="acmenews")
    campaign = CampaignFactory(organization=org)
    item = ContentItemFactory(organization=org, campaign=campaign)
    with organization_scope(org):
        for network, caption in (
            ("linkedin", "Read this #AcmeNews"),
            ("x", "#acmenews #AcmeNews again"),
            ("facebook", "plain"),
        ):
            share = services.share_prepare(
                organization=org, actor=employee, content=item, network=network, caption=caption
            )
            services.share_confirm(organization=org, actor=employee, share=share)
    assert stored(org) == recounted(org)
    assert hashtag_page(org, admin)[tag.pk] == (0, 2)


def test_a_new_hashtag_counts_the_shares_that_already_used_it(org, employee, admin):
    item = ContentItemFactory(organization=org)
    with organization_scope(org):
        share = services.share_prepare(
            organization=org, actor=employee, content=item, network="linkedin", caption="Go team #FreshTag"
        )
        services.share_confirm(organization=org, actor=employee, share=share)
        tag = services.hashtag_create(organization=org, actor=admin, name="FreshTag")
    assert tag.share_count == 1
    assert stored(org) == recounted(org)
