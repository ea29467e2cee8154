"""Curation, suggestions and approval, pages, roles, XSS (the feed: test_feed.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.models import Campaign, ContentItem, ContentRevision, Hashtag, Share
from tests.content_library.factories import ContentItemFactory, HashtagFactory, ShareFactory, png_bytes
from tests.content_library.factories import create_content as create
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
