"""The employee feed: what it shows, filters, search, most shared, its cache and its Redis reads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.models import ContentItem
from tests.content_library.factories import ContentItemFactory, HashtagFactory, ShareFactory
from tests.content_library.factories import create_content as create
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

# --- feed, search ----------------------------------------------------------------------------------------


def test_feed_shows_only_live_content(org, employee, client_for):
    now = timezone.now()
    ContentItemFactory(organization=org, title="Live one")
    ContentItemFactory(organization=org, title="Draft one", status="draft")
    ContentItemFactory(organization=org, title="Expired one", expires_at=now - timezone.timedelta(minutes=1))
    ContentItemFactory(organization=org, title="Future one", publish_at=now + timezone.timedelta(days=1))
    ContentItemFactory(organization=org, title="Archived one", status="archived")
    body = client_for(employee).get(f"/o/{org.slug}/content/").content.decode()
    assert "Live one" in body
    for hidden in ["Draft one", "Expired one", "Future one", "Archived one"]:
        assert hidden not in body


def test_feed_filters_by_hashtag_topic_and_campaign(org, admin, employee, client_for):
    tag = HashtagFactory(organization=org, name="Green", key="green")
    with organization_scope(org):
        topic = services.topic_create(organization=org, actor=admin, name="Sustainability")
        campaign = services.campaign_create(organization=org, actor=admin, name="Earth month")
    a = create(org, admin, title="Solar roof", hashtag_ids=[tag.pk], topic_ids=[topic.pk], campaign_id=campaign.pk)
    create(org, admin, title="Unrelated", url="https://acme.example/u")
    with organization_scope(org):
        for item in ContentItem.objects.all():
            services.content_publish(organization=org, actor=admin, content=item)
    client = client_for(employee)
    for query in [f"hashtag={tag.pk}", f"topic={topic.pk}", f"campaign={campaign.pk}"]:
        body = client.get(f"/o/{org.slug}/content/?{query}").content.decode()
        assert "Solar roof" in body and "Unrelated" not in body, query
    assert client.get(f"/o/{org.slug}/content/hashtags/{tag.pk}/").content.decode().count("Solar roof") >= 1
    assert a.pk


def test_a_published_item_links_to_its_campaign_only_once_members_may_open_it(org, admin, employee, client_for):
    """A published item of a draft campaign: its page answers 404 to members, so neither the feed, a hashtag
    page nor the item's page links to it; its managers still get the link; launched, everyone does."""
    tag = HashtagFactory(organization=org, name="Launch", key="launch")
    with organization_scope(org):
        campaign = services.campaign_create(organization=org, actor=admin, name="Secret launch")
    item = create(org, admin, title="Teaser", hashtag_ids=[tag.pk], campaign_id=campaign.pk)
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
    campaign_url = f"/o/{org.slug}/content/campaigns/{campaign.pk}/"
    pages = [
        f"/o/{org.slug}/content/",
        f"/o/{org.slug}/content/hashtags/{tag.pk}/",
        f"/o/{org.slug}/content/items/{item.pk}/",
    ]
    assert campaign_url in client_for(admin).get(pages[2]).content.decode()
    member = client_for(employee)  # one test client: signed in as the member from here on
    assert member.get(campaign_url).status_code == 404
    for page in pages:
        body = member.get(page).content.decode()
        assert "Teaser" in body, page
        assert campaign_url not in body and "Secret launch" not in body, page
    with organization_scope(org):
        services.campaign_launch(organization=org, actor=admin, campaign=campaign)
    assert member.get(campaign_url).status_code == 200
    for page in pages:
        assert campaign_url in member.get(page).content.decode(), page


def test_the_feed_filter_form_shows_new_choices_and_keeps_the_selection(org, admin, employee, client_for):
    """The filter form is a cached fragment: a new topic or a launched campaign shows at once, the chosen
    option stays selected, and a draft campaign is never offered."""
    with organization_scope(org):
        old = services.topic_create(organization=org, actor=admin, name="Old topic")
        draft = services.campaign_create(organization=org, actor=admin, name="Quiet draft")
    client = client_for(employee)
    feed = f"/o/{org.slug}/content/"
    assert "Old topic" in client.get(feed).content.decode()
    with organization_scope(org):
        new = services.topic_create(organization=org, actor=admin, name="New <topic>")
    body = client.get(feed).content.decode()
    assert f'<option value="{new.pk}">New &lt;topic&gt;</option>' in body
    assert "Quiet draft" not in body
    assert (
        f'<option value="{old.pk}" selected>Old topic</option>' in client.get(feed, {"topic": old.pk}).content.decode()
    )
    assert f'<option value="{old.pk}">Old topic</option>' in client.get(feed).content.decode()
    with organization_scope(org):
        services.campaign_launch(organization=org, actor=admin, campaign=draft)
    assert f'<option value="{draft.pk}">Quiet draft</option>' in client.get(feed).content.decode()


def test_search_is_ranked_and_highlights_safely(org, employee, client_for):
    ContentItemFactory(
        organization=org, title="Hiring engineers in Berlin", summary="We are hiring <script>alert(1)</script>"
    )
    ContentItemFactory(organization=org, title="Company picnic", summary="Engineers welcome too")
    ContentItemFactory(organization=org, title="Quarterly numbers", summary="Nothing relevant")
    with organization_scope(org):
        ContentItem.objects.update(search_text="")  # the vector is generated from title/summary/search_text
    body = client_for(employee).get(f"/o/{org.slug}/content/", {"q": "engineers"}).content.decode()
    assert body.index("Hiring") < body.index("Company picnic")  # title match ranks first
    assert "Quarterly numbers" not in body
    assert "<mark>engineers</mark>" in body or "<mark>Engineers</mark>" in body
    assert "<script>alert(1)</script>" not in body


def test_highlight_parts_mark_the_matches_and_the_page_escapes_everything_else(org, admin, employee, client_for):
    from content_library.selectors import highlight_parts
    from content_library.validation import SENTINELS

    start, stop = SENTINELS
    parts = highlight_parts(f'<img src=x onerror="a">{start}match{stop} &amp; <b>x</b>')
    assert parts == [('<img src=x onerror="a">', False), ("match", True), (" &amp; <b>x</b>", False)]
    item = create(org, admin, title='<img src=x onerror="a"> launch')
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
    html = client_for(employee).get(f"/o/{org.slug}/content/", {"q": "launch"}).content.decode()
    assert "<mark>launch</mark>" in html and "&lt;img src=x onerror=&quot;a&quot;&gt;" in html
    assert '<img src=x onerror="a">' not in html


def test_markers_typed_by_a_user_are_stripped(org, admin):
    from content_library.validation import SENTINELS

    item = create(org, admin, title=f"{SENTINELS[0]}sneaky{SENTINELS[1]}")
    assert item.title == "sneaky"


def test_most_shared_this_week(org, employee, client_for):
    quiet = ContentItemFactory(organization=org, title="Quiet item")
    popular = ContentItemFactory(
        organization=org, title="Popular item", publish_at=timezone.now() - timezone.timedelta(days=3)
    )
    for _ in range(3):
        ShareFactory(organization=org, content=popular, status="confirmed", confirmed_at=timezone.now(), code=None)
    body = client_for(employee).get(f"/o/{org.slug}/content/?sort=popular").content.decode()
    assert body.index("Popular item") < body.index("Quiet item")
    assert quiet.pk


def test_most_shared_this_week_counts_only_the_last_seven_days(org, employee, client_for):
    old = ContentItemFactory(organization=org, title="Old favourite")
    fresh = ContentItemFactory(organization=org, title="Fresh pick")
    for _ in range(3):
        ShareFactory(
            organization=org,
            content=old,
            status="confirmed",
            confirmed_at=timezone.now() - timezone.timedelta(days=10),
            code=None,
        )
    ShareFactory(organization=org, content=fresh, status="confirmed", confirmed_at=timezone.now(), code=None)
    body = client_for(employee).get(f"/o/{org.slug}/content/?sort=popular").content.decode()
    assert body.index("Fresh pick") < body.index("Old favourite")


def test_share_confirm_keeps_the_daily_share_rollup_once(org, employee):
    from content_library.models import ShareDaily

    item = ContentItemFactory(organization=org)
    with organization_scope(org):
        share = services.share_prepare(organization=org, actor=employee, content=item, network="x", caption="Hi")
        services.share_confirm(organization=org, actor=employee, share=share)
        services.share_confirm(organization=org, actor=employee, share=share)  # idempotent
        rows = list(ShareDaily.objects.filter(organization=org).values_list("content_id", "day", "shares"))
    assert rows == [(item.pk, timezone.now().astimezone(dt.UTC).date(), 1)]


def _populate(org, n, tags):
    team = TeamFactory(organization=org)
    for i in range(n):
        item = ContentItemFactory(organization=org, audience_team_ids=[team.pk] if i % 3 == 0 else [])
        with organization_scope(org):
            from content_library.models import ContentHashtag

            ContentHashtag.objects.bulk_create(
                [ContentHashtag(organization=org, content=item, hashtag=t) for t in tags[: 1 + i % 3]]
            )
        ShareFactory(organization=org, content=item, status="confirmed", confirmed_at=timezone.now(), code=None)


def test_feed_query_count_does_not_grow(org, employee, client_for):
    tags = [HashtagFactory(organization=org) for _ in range(3)]
    client = client_for(employee)
    url = f"/o/{org.slug}/content/"
    client.get(url)  # the first request after signing in fills the member's own caches
    counts = {}
    for size, n in (("small", 3), ("large", 45)):
        _populate(org, n, tags)
        with CaptureQueriesContext(connection) as cold:  # the feed's cache is stale after the writes
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            response = client.get(url)
        counts[size] = (len(cold.captured_queries), len(warm.captured_queries))
        with CaptureQueriesContext(connection) as popular_cold:
            client.get(url, {"sort": "popular"})
        counts[size] += (len(popular_cold.captured_queries),)
    assert response.status_code == 200 and response.content.decode().count("content-card") == 20
    assert counts["small"] == counts["large"]
    cold, warm, _ = counts["large"]
    assert warm < cold  # warm: the page, the filter choices and the member's shares come from the cache
    HashtagFactory(organization=org)  # any write to what the feed shows: the next search is built cold
    with CaptureQueriesContext(connection) as search:
        client.get(url, {"q": "article"})
    assert len(search.captured_queries) <= cold + 1


def test_feed_cache_follows_content_writes_and_own_shares(
    org, admin, employee, client_for, django_capture_on_commit_callbacks
):
    client = client_for(employee)
    url = f"/o/{org.slug}/content/"
    with django_capture_on_commit_callbacks(execute=True):
        item = create(org, admin, title="First news")
        with organization_scope(org):
            services.content_publish(organization=org, actor=admin, content=item)
    assert "First news" in client.get(url).content.decode()
    # a write through the services makes the cached page stale once it commits
    with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
        services.content_archive(organization=org, actor=admin, content=item)
    assert "First news" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        other = create(org, admin, title="Second news", url="https://acme.example/second")
        with organization_scope(org):
            services.content_publish(organization=org, actor=admin, content=other)
            share = services.share_prepare(organization=org, actor=employee, content=other, network="x", caption="Hi")
    assert "Second news" in client.get(url).content.decode()
    assert "You shared on" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
        services.share_confirm(organization=org, actor=employee, share=share)
    assert "You shared on X" in client.get(url).content.decode()


def test_members_of_a_team_share_the_cards_but_each_sees_their_own_shares(
    org, admin, client_for, redis_commands, django_capture_on_commit_callbacks
):
    """The cards are kept per page and per member's shares on it: two members who shared nothing read the
    same kept cards, one who shared reads their own; each sees only their own "You shared on", and the
    session's hint brings each one's cards with the page (two round trips); a new share count is shown
    at once, never a kept page of other figures."""
    team = TeamFactory(organization=org, name="Sales")
    first = MembershipFactory(organization=org, team=team, roles=[Role.EMPLOYEE]).user
    second = MembershipFactory(organization=org, team=team, roles=[Role.EMPLOYEE]).user
    sharer = MembershipFactory(organization=org, team=team, roles=[Role.EMPLOYEE]).user
    with django_capture_on_commit_callbacks(execute=True):
        item = create(org, admin, title="Team news")
        with organization_scope(org):
            services.content_publish(organization=org, actor=admin, content=item)
            share = services.share_prepare(organization=org, actor=sharer, content=item, network="x", caption="Hi")
            services.share_confirm(organization=org, actor=sharer, share=share)
    url = f"/o/{org.slug}/content/"
    client = client_for(first)
    for _ in range(3):
        client.get(url)
    client = client_for(second)
    client.get(url)  # the session learns the team
    redis_commands.clear()
    body = client.get(url).content.decode()
    assert redis_commands == ["MGET", "MGET"]  # the first member's cards
    assert "Team news" in body and "1 share" in body and "You shared on" not in body
    client = client_for(sharer)
    redis_commands.clear()
    body = client.get(url).content.decode()
    assert "You shared on X" in body and len(redis_commands) > 2  # the hints are learnt
    redis_commands.clear()
    assert "You shared on X" in client.get(url).content.decode()
    assert redis_commands == ["MGET", "MGET"]
    with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
        again = services.share_prepare(organization=org, actor=admin, content=item, network="linkedin", caption="Hi")
        services.share_confirm(organization=org, actor=admin, share=again)
    body = client_for(second).get(url).content.decode()
    assert "2 shares" in body and "You shared on" not in body


def test_feed_page_numbers_out_of_range_or_junk_show_a_page(org, employee, client_for):
    ContentItemFactory(organization=org, title="Only item")
    client = client_for(employee)
    for page in ["abc", "0", "-1", "999999", "9" * 5000]:
        response = client.get(f"/o/{org.slug}/content/", {"page": page})
        assert response.status_code == 200 and "Only item" in response.content.decode(), page[:10]


def test_plain_feed_comes_with_the_membership_and_follows_a_team_change(org, client_for, redis_commands):
    """The session remembers the member's team so the organization middleware fetches the plain feed in
    its second round trip, with its rendered filter form and cards (two Redis reads in all, no SQL of the
    feed's own); after a move to another team the hint is wrong, the page shown is still the new team's,
    and the hint follows."""
    from advocacy.tenancy.models import Membership

    sales, support = TeamFactory(organization=org, name="Sales"), TeamFactory(organization=org, name="Support")
    ContentItemFactory(organization=org, title="For sales only", audience_team_ids=[sales.pk])
    ContentItemFactory(organization=org, title="For support only", audience_team_ids=[support.pk])
    member = MembershipFactory(organization=org, team=sales, roles=[Role.EMPLOYEE])
    client = client_for(member.user)
    url = f"/o/{org.slug}/content/"
    for _ in range(3):
        page = client.get(url)
    assert b"For sales only" in page.content and b"For support only" not in page.content

    redis_commands.clear()
    client.get(url)
    assert redis_commands == ["MGET", "MGET"]

    with organization_scope(org):
        membership = Membership.objects.get(pk=member.pk)
        membership.team = support
        membership.save()
    page = client.get(url)
    assert b"For support only" in page.content and b"For sales only" not in page.content
    assert client.session[f"feed-team:{org.pk}"] == support.pk
