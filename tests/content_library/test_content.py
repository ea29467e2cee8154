"""Curation, suggestions and approval, the feed and search, pages, roles, XSS."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.models import Campaign, ContentItem, ContentRevision, Hashtag, Share
from tests.content_library.factories import ContentItemFactory, HashtagFactory, ShareFactory, png_bytes
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}<b>bold</b>",
]


def png(width=400, height=300, fmt="PNG"):
    data = png_bytes(width, height, fmt=fmt)
    return SimpleUploadedFile(f"pic.{fmt.lower()}", data, content_type=f"image/{fmt.lower()}")


def create(org, admin, **kwargs):
    values = {"title": "Our new office opens", "url": "https://acme.example/office"}
    values.update(kwargs)
    with organization_scope(org):
        return services.content_create(organization=org, actor=admin, **values)


# --- curation -------------------------------------------------------------------------------------------


def test_create_validates_urls_and_caption_limits(org, admin):
    for bad in ["ftp://files.example/a", "javascript:alert(1)", "not a url"]:
        with pytest.raises(ValidationError) as exc:
            create(org, admin, url=bad)
        assert "http" in str(exc.value)
    with pytest.raises(ValidationError, match="Too long for X"):
        create(org, admin, captions={"x": "a" * 270})
    with pytest.raises(ValidationError, match="Too long for Bluesky"):
        create(org, admin, captions={"bluesky": "é" * 290})
    item = create(org, admin, captions={"x": "a" * 250, "linkedin": "Proud!"})
    assert item.captions == {"x": "a" * 250, "linkedin": "Proud!"} and item.status == ContentItem.Status.DRAFT
    with organization_scope(org):
        assert ContentItem.objects.count() == 1


def test_uploaded_images_are_checked_and_stored(org, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = create(org, admin, kind="file", url="", image=png())
    assert item.image.name.startswith(f"content/{org.pk}/") and item.image.name.endswith(".png")
    with pytest.raises(ValidationError, match="not an image"):
        create(org, admin, kind="file", url="", image=SimpleUploadedFile("x.png", b"<?php echo 1; ?>"))
    with pytest.raises(ValidationError, match="too small"):
        create(org, admin, kind="file", url="", image=png(20, 20))
    with pytest.raises(ValidationError, match="JPEG, PNG, GIF or WebP"):
        create(org, admin, kind="file", url="", image=png(200, 200, "BMP"))


def test_campaign_launch_publishes_its_drafts(org, admin):
    with organization_scope(org):
        tag = services.hashtag_create(organization=org, actor=admin, name="#LaunchWeek", is_campaign=True)
        campaign = services.campaign_create(organization=org, actor=admin, name="Launch", hashtag_ids=[tag.pk])
    a = create(org, admin, campaign_id=campaign.pk, hashtag_ids=[tag.pk])
    with organization_scope(org):
        assert services.campaign_launch(organization=org, actor=admin, campaign=campaign) == 1
        a.refresh_from_db()
        assert a.status == "published" and Campaign.objects.get(pk=campaign.pk).status == "active"
        assert Hashtag.objects.get(pk=tag.pk).item_count == 1
        assert AuditEvent.objects.filter(action="campaign.launched").exists()


def test_campaign_target_teams_limit_the_audience(org, admin, client_for):
    sales, eng = TeamFactory(organization=org, name="Sales"), TeamFactory(organization=org, name="Eng")
    seller = MembershipFactory(organization=org, team=sales).user
    engineer = MembershipFactory(organization=org, team=eng).user
    with organization_scope(org):
        campaign = services.campaign_create(organization=org, actor=admin, name="Q3 deals", team_ids=[sales.pk])
    item = create(org, admin, campaign_id=campaign.pk, title="Sales only playbook")
    with organization_scope(org):
        services.campaign_launch(organization=org, actor=admin, campaign=campaign)
    assert b"Sales only playbook" in client_for(seller).get(f"/o/{org.slug}/content/").content
    assert b"Sales only playbook" not in client_for(engineer).get(f"/o/{org.slug}/content/").content
    assert client_for(engineer).get(f"/o/{org.slug}/content/items/{item.pk}/").status_code == 404


# --- suggestions and approval -----------------------------------------------------------------------------


def test_suggestion_needs_someone_else_to_approve(org, admin, employee):
    with organization_scope(org):
        item = services.suggestion_create(
            organization=org, actor=admin, url="https://acme.example/x", title="Own idea", caption="Look"
        )
        revision = item.revisions.get()
        with pytest.raises(ValidationError, match="Someone other than its author"):
            services.revision_approve(organization=org, actor=admin, revision=revision)
        assert ContentItem.objects.get(pk=item.pk).status == "awaiting_approval"


def test_employee_suggestion_approved_by_admin_goes_live(org, admin, employee):
    with organization_scope(org):
        item = services.suggestion_create(
            organization=org, actor=employee, url="https://acme.example/x", title="Great read", caption="Look"
        )
        services.revision_approve(organization=org, actor=admin, revision=item.revisions.get())
        item.refresh_from_db()
        assert item.status == "published" and item.is_live
        assert AuditEvent.objects.filter(action="content.revision_approved", actor=admin).exists()


def test_a_reviewer_may_edit_a_suggestion_and_approve_it_but_its_author_may_not(org, admin):
    suggester = MembershipFactory(organization=org, roles=[Role.ADMIN]).user  # one who may approve others'
    with organization_scope(org):
        item = services.suggestion_create(
            organization=org, actor=suggester, url="https://acme.example/x", title="Grate read", caption="Look"
        )
        services.content_update(
            organization=org, actor=admin, content=item, title="Great read", url="https://acme.example/x"
        )
        revision = item.revisions.get()
        assert revision.title == "Great read" and revision.author == suggester
        with pytest.raises(ValidationError, match="Someone other than its author"):
            services.revision_approve(organization=org, actor=suggester, revision=revision)
        services.revision_approve(organization=org, actor=admin, revision=revision)
        item.refresh_from_db()
        assert item.status == "published" and item.title == "Great read"
        assert AuditEvent.objects.filter(action="content.updated", actor=admin).exists()


def test_rejection_reason_is_shown_to_the_author(org, admin, employee, client_for):
    with organization_scope(org):
        item = services.suggestion_create(organization=org, actor=employee, url="https://acme.example/x", title="Meh")
        with pytest.raises(ValidationError):
            services.revision_reject(organization=org, actor=admin, revision=item.revisions.get(), reason=" ")
        services.revision_reject(
            organization=org, actor=admin, revision=item.revisions.get(), reason="Off-topic for our audience"
        )
    page = client_for(employee).get(f"/o/{org.slug}/content/suggest/")
    assert b"Off-topic for our audience" in page.content


def test_moderators_approve_only_when_the_organization_allows(org, admin, moderator, employee):
    with organization_scope(org):
        item = services.suggestion_create(organization=org, actor=employee, url="https://acme.example/m", title="Mod")
        with pytest.raises(Exception, match="does not allow"):
            services.revision_approve(organization=org, actor=moderator, revision=item.revisions.get())
        services.content_settings_update(
            organization=org,
            actor=admin,
            daily_share_cap=5,
            sharing_start=None,
            sharing_end=None,
            timezone_name="UTC",
            networks_enabled=["linkedin"],
            moderators_may_approve=True,
        )
        services.revision_approve(organization=org, actor=moderator, revision=item.revisions.get())


def test_editing_published_content_needs_approval_and_keeps_history(org, admin):
    other_admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user
    item = create(org, admin, captions={"linkedin": "First words"})
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
        pending = services.content_update(
            organization=org,
            actor=admin,
            content=item,
            title="Better title",
            url=item.url,
            captions={"linkedin": "Second words"},
        )
        item.refresh_from_db()
        assert pending.status == "pending" and item.title == "Our new office opens"  # still the approved words
        services.revision_approve(organization=org, actor=other_admin, revision=pending)
        item.refresh_from_db()
        assert item.title == "Better title" and item.captions == {"linkedin": "Second words"}
        numbers = list(ContentRevision.objects.filter(content=item).order_by("number").values_list("number", "status"))
        assert numbers == [(1, "applied"), (2, "approved")]
        assert ContentRevision.objects.get(content=item, number=1).title == "Our new office opens"


def test_a_new_picture_for_published_content_waits_for_approval_too(org, admin, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other_admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user
    item = create(org, admin, kind="file", url="", image=png(400, 300))
    first_image = item.image.name
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
        pending = services.content_update(
            organization=org, actor=admin, content=item, title=item.title, image=png(640, 480), image_url=""
        )
        item.refresh_from_db()
        assert pending.status == "pending" and pending.image and pending.image_url is None
        assert item.image.name == first_image  # still the approved picture
    client = client_for(other_admin)
    page = client.get(f"/o/{org.slug}/content/revisions/{pending.pk}/").content.decode()
    assert f"/content/revisions/{pending.pk}/image/" in page and "New picture" in page
    proposed = client.get(f"/o/{org.slug}/content/revisions/{pending.pk}/image/")
    assert proposed.status_code == 200 and proposed["Content-Type"] == "image/png"
    with organization_scope(org):
        services.revision_approve(organization=org, actor=other_admin, revision=pending)
        item.refresh_from_db()
        assert item.image.name == pending.image.name != first_image
        # a preview image address alone is a change too
        again = services.content_update(
            organization=org,
            actor=admin,
            content=item,
            title=item.title,
            image_url="https://images.acme.example/new.png",
        )
        item.refresh_from_db()
        assert (
            again.status == "pending"
            and again.image_url == "https://images.acme.example/new.png"
            and item.image_url == ""
        )


def test_archiving_does_not_open_a_way_around_approval(org, admin, employee):
    other_admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user
    item = create(org, admin)
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
        services.content_archive(organization=org, actor=admin, content=item)
        pending = services.content_update(
            organization=org, actor=admin, content=item, title="Quietly changed", url="https://acme.example/other"
        )
        services.content_publish(organization=org, actor=admin, content=item)
        item.refresh_from_db()
        assert pending.status == "pending" and item.status == "published"
        assert item.title == "Our new office opens" and item.url == "https://acme.example/office"
        services.revision_approve(organization=org, actor=other_admin, revision=pending)
        item.refresh_from_db()
        assert item.title == "Quietly changed"
        # a rejected suggestion is not published by another door either
        suggestion = services.suggestion_create(
            organization=org, actor=employee, url="https://acme.example/s", title="Nope", caption="x"
        )
        services.revision_reject(organization=org, actor=admin, revision=suggestion.revisions.get(), reason="Off-topic")
        suggestion.refresh_from_db()
        with pytest.raises(ValidationError, match="was rejected"):
            services.content_publish(organization=org, actor=admin, content=suggestion)
        assert ContentItem.objects.get(pk=suggestion.pk).status == "rejected"


def test_a_later_edit_keeps_the_picture_a_waiting_revision_proposes(org, admin, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other_admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user
    item = create(org, admin, kind="file", url="", image=png(400, 300))
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
        first = services.content_update(
            organization=org,
            actor=admin,
            content=item,
            title=item.title,
            image=png(640, 480),
            image_url="https://images.acme.example/card.png",
        )
        second = services.content_update(organization=org, actor=admin, content=item, title="A better title")
        assert ContentRevision.objects.get(pk=first.pk).status == "superseded"
        assert second.image.name == first.image.name and second.image_url == "https://images.acme.example/card.png"
    form = client_for(admin).get(f"/o/{org.slug}/content/items/{item.pk}/edit/").content.decode()
    assert 'value="https://images.acme.example/card.png"' in form  # the editor shows what waits
    with organization_scope(org):
        services.revision_approve(organization=org, actor=other_admin, revision=second)
        item.refresh_from_db()
        assert item.title == "A better title" and item.image.name == first.image.name


def test_clearing_the_publish_date_does_not_reopen_the_side_door(org, admin):
    item = create(org, admin)
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
        services.content_archive(organization=org, actor=admin, content=item)
        services.content_update(organization=org, actor=admin, content=item, title=item.title, url=item.url)
        item.refresh_from_db()
        assert item.publish_at is None and item.first_published_at is not None
        pending = services.content_update(
            organization=org, actor=admin, content=item, title="Changed quietly", url=item.url
        )
        services.content_publish(organization=org, actor=admin, content=item)
        item.refresh_from_db()
        assert pending.status == "pending" and item.title == "Our new office opens"


def test_invalid_suggestion_keeps_what_was_typed(org, employee, client_for):
    response = client_for(employee).post(
        f"/o/{org.slug}/content/suggest/",
        {
            "url": "ftp://nope.example/file",
            "title": "My typed title",
            "summary": "Typed summary",
            "caption": "Typed caption",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "My typed title" in body and "Typed summary" in body and "Typed caption" in body
    assert "ftp://nope.example/file" in body and "http" in body
    with organization_scope(org):
        assert not ContentItem.objects.exists()


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


# --- pages, roles, XSS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["library/", "library/new/", "campaigns/new/", "topics/", "settings/", "review/"])
def test_employee_gets_403_on_curator_pages(org, employee, client_for, path):
    assert client_for(employee).get(f"/o/{org.slug}/content/{path}").status_code == 403


def test_employee_cannot_create_publish_or_launch_and_nothing_changes(org, employee, admin, client_for):
    draft = ContentItemFactory(organization=org, status="draft")
    with organization_scope(org):
        campaign = services.campaign_create(organization=org, actor=admin, name="Secret", team_ids=[])
    client = client_for(employee)
    base = f"/o/{org.slug}/content"
    assert (
        client.post(f"{base}/library/new/", {"kind": "link", "title": "X", "url": "https://a.example"}).status_code
        == 403
    )
    assert client.post(f"{base}/items/{draft.pk}/publish/").status_code == 403
    assert client.post(f"{base}/items/{draft.pk}/archive/").status_code == 403
    assert client.post(f"{base}/campaigns/{campaign.pk}/launch/").status_code == 403
    assert client.post(f"{base}/hashtags/", {"name": "Nope"}).status_code == 403
    assert client.get(f"{base}/items/{draft.pk}/edit/").status_code == 403
    assert client.post(f"{base}/items/{draft.pk}/edit/", {"kind": "link", "title": "Mine now"}).status_code == 403
    assert client.get(f"{base}/campaigns/{campaign.pk}/edit/").status_code == 403
    assert client.post(f"{base}/campaigns/{campaign.pk}/edit/", {"name": "Renamed"}).status_code == 403
    assert client.post(f"{base}/campaigns/{campaign.pk}/end/").status_code == 403
    assert client.get(f"{base}/items/{draft.pk}/results/").status_code == 403
    with organization_scope(org):
        assert ContentItem.objects.count() == 1 and ContentItem.objects.get().status == "draft"
        assert ContentItem.objects.get().title == draft.title
        assert Campaign.objects.get().status == "draft" and Campaign.objects.get().name == "Secret"
        assert not Hashtag.objects.exists()


def test_employee_cannot_approve(org, employee, client_for):
    other = MembershipFactory(organization=org).user
    with organization_scope(org):
        item = services.suggestion_create(organization=org, actor=other, url="https://a.example/s", title="S")
        revision_id = item.revisions.get().pk
    client = client_for(employee)
    assert client.post(f"/o/{org.slug}/content/revisions/{revision_id}/approve/").status_code == 403
    response = client.post(f"/o/{org.slug}/content/revisions/{revision_id}/reject/", {"reason": "No"})
    assert response.status_code == 403
    with organization_scope(org):
        assert ContentItem.objects.get().status == "awaiting_approval"
        assert ContentRevision.objects.get(pk=revision_id).status == "pending"


def test_someone_elses_share_page_is_404(org, employee, client_for):
    share = ShareFactory(organization=org)
    assert client_for(employee).get(f"/o/{org.slug}/content/shares/{share.pk}/").status_code == 404
    assert client_for(employee).post(f"/o/{org.slug}/content/shares/{share.pk}/confirm/").status_code == 404


@pytest.mark.parametrize("payload", XSS)
def test_titles_and_captions_are_escaped_everywhere(org, admin, employee, client_for, payload):
    item = create(org, admin, title=f"T {payload}", summary=payload, captions={"linkedin": payload, "x": payload[:200]})
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=item)
        share = services.share_prepare(
            organization=org, actor=employee, content=item, network="linkedin", caption=payload
        )
    pages = [
        client_for(employee).get(f"/o/{org.slug}/content/").content,
        client_for(employee).get(f"/o/{org.slug}/content/items/{item.pk}/").content,
        client_for(employee).get(f"/o/{org.slug}/content/shares/{share.pk}/").content,
        client_for(employee).get(f"/o/{org.slug}/content/", {"q": "T"}).content,
        client_for(admin).get(f"/o/{org.slug}/content/library/").content,
    ]
    raw = payload.encode()
    for body in pages:
        if b"<" in raw:
            assert raw not in body
    assert b"<script>alert(1)</script>" not in b"".join(pages)


def test_full_share_flow_through_the_pages(org, employee, client_for, item):
    client = client_for(employee)
    detail = client.get(f"/o/{org.slug}/content/items/{item.pk}/")
    assert detail.status_code == 200 and b"Your post" in detail.content
    response = client.post(
        f"/o/{org.slug}/content/items/{item.pk}/share/", {"network": "bluesky", "caption": "My own words on this"}
    )
    assert response.status_code == 302
    with organization_scope(org):
        share = Share.objects.get()
    ready = client.get(response["Location"]).content.decode()
    assert "https://bsky.app/intent/compose?text=My%20own%20words%20on%20this" in ready
    assert f"/l/{share.code}" in ready
    assert client.post(f"/o/{org.slug}/content/shares/{share.pk}/confirm/").status_code == 302
    assert client.post(f"/o/{org.slug}/content/shares/{share.pk}/confirm/").status_code == 302
    with organization_scope(org):
        assert Share.objects.get().status == "confirmed" and ContentItem.objects.get().share_count == 1
    mine = client.get(f"/o/{org.slug}/content/mine/").content.decode()
    assert item.title in mine


def test_my_shares_asks_to_confirm_links_that_got_clicks(org, employee, client_for, item):
    clicked = ShareFactory(organization=org, content=item, user=employee, status="prepared", click_count=7)
    ShareFactory(organization=org, user=employee, status="prepared", click_count=0, network="x")  # not posted, maybe
    ShareFactory(organization=org, content=item, status="prepared", click_count=3, network="bluesky")  # someone else's
    client = client_for(employee)
    mine = client.get(f"/o/{org.slug}/content/mine/").content.decode()
    assert "Did you post these?" in mine
    assert mine.count("Yes, I posted it") == 1
    assert f"/content/shares/{clicked.pk}/confirm/" in mine
    assert client.post(f"/o/{org.slug}/content/shares/{clicked.pk}/confirm/").status_code == 302
    mine = client.get(f"/o/{org.slug}/content/mine/").content.decode()
    assert "Did you post these?" not in mine and 'id="total-clicks">7<' in mine


def test_results_pages(org, admin, employee, client_for, item):
    ShareFactory(
        organization=org, content=item, user=employee, status="confirmed", confirmed_at=timezone.now(), network="x"
    )
    with organization_scope(org):
        campaign = services.campaign_create(organization=org, actor=admin, name="C")
    for url in [f"items/{item.pk}/results/", f"campaigns/{campaign.pk}/"]:
        response = client_for(admin).get(f"/o/{org.slug}/content/{url}")
        assert response.status_code == 200
    assert client_for(employee).get(f"/o/{org.slug}/content/items/{item.pk}/results/").status_code == 403
    body = client_for(admin).get(f"/o/{org.slug}/content/items/{item.pk}/results/").content.decode()
    assert employee.full_name in body or employee.email in body


def test_every_content_page_renders_for_an_admin(org, admin, client_for, item):
    tag = HashtagFactory(organization=org)
    with organization_scope(org):
        campaign = services.campaign_create(organization=org, actor=admin, name="C")
    client = client_for(admin)
    for url in [
        "",
        "?sort=popular",
        "mine/",
        "preferences/",
        "suggest/",
        "review/",
        "library/",
        "library/new/",
        f"items/{item.pk}/",
        f"items/{item.pk}/edit/",
        "hashtags/",
        f"hashtags/{tag.pk}/",
        "topics/",
        "campaigns/",
        "campaigns/new/",
        f"campaigns/{campaign.pk}/",
        f"campaigns/{campaign.pk}/edit/",
        "settings/",
    ]:
        assert client.get(f"/o/{org.slug}/content/{url}").status_code == 200, url


def test_feed_page_numbers_out_of_range_or_junk_show_a_page(org, employee, client_for):
    ContentItemFactory(organization=org, title="Only item")
    client = client_for(employee)
    for page in ["abc", "0", "-1", "999999", "9" * 5000]:
        response = client.get(f"/o/{org.slug}/content/", {"page": page})
        assert response.status_code == 200 and "Only item" in response.content.decode(), page[:10]


def test_plain_feed_comes_with_the_membership_and_follows_a_team_change(org, client_for, redis_commands):
    """The session remembers the member's team so the organization middleware fetches the plain feed in
    its second round trip; the third reads the page's rendered cards (three Redis reads in all, no SQL of
    the feed's own); after a move to another team the hint is wrong, the page shown is still the new
    team's, and the hint follows."""
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
    assert redis_commands == ["MGET", "MGET", "MGET"]

    with organization_scope(org):
        membership = Membership.objects.get(pk=member.pk)
        membership.team = support
        membership.save()
    page = client.get(url)
    assert b"For support only" in page.content and b"For sales only" not in page.content
    assert client.session[f"feed-team:{org.pk}"] == support.pk


def test_an_items_image_is_served_only_to_those_who_may_see_the_item(
    org, admin, employee, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    author = MembershipFactory(organization=org).user
    draft = create(org, admin, kind="file", url="", image=png())
    with organization_scope(org):
        suggestion = services.suggestion_create(organization=org, actor=author, url="", title="Mine", image=png())
    live = create(org, admin, kind="file", url="", image=png())
    with organization_scope(org):
        services.content_publish(organization=org, actor=admin, content=live)

    def status(user, item):
        return client_for(user).get(f"/o/{org.slug}/content/items/{item.pk}/image/").status_code

    assert status(employee, live) == 200
    assert status(employee, draft) == 404 and status(employee, suggestion) == 404
    assert status(author, suggestion) == 200
    assert status(admin, draft) == 200 and status(admin, suggestion) == 200
