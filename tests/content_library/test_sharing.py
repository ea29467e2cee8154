"""Sharing: tracked links, confirmation, caps, hours, networks, the policy gate, intent URLs."""

from datetime import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.models import Campaign, ContentItem, Hashtag, Share
from content_library.networks import intent_url, text_length
from tests.content_library.factories import ContentItemFactory, png_bytes

pytestmark = pytest.mark.django_db


def prepare(org, user, item, network="linkedin", caption="My take: great news"):
    with organization_scope(org):
        return services.share_prepare(organization=org, actor=user, content=item, network=network, caption=caption)


def confirm(org, user, share):
    with organization_scope(org):
        return services.share_confirm(organization=org, actor=user, share=share)


def settings_(org, admin, **kwargs):
    values = {
        "daily_share_cap": 10,
        "sharing_start": None,
        "sharing_end": None,
        "timezone_name": "UTC",
        "networks_enabled": ["linkedin", "x", "facebook", "mastodon", "bluesky"],
        "moderators_may_approve": False,
    }
    values.update(kwargs)
    with organization_scope(org):
        services.content_settings_update(organization=org, actor=admin, **values)


def test_tracked_link_is_unique_per_employee_item_network(org, employee, admin, item):
    a = prepare(org, employee, item)
    again = prepare(org, employee, item, caption="Changed my mind on the wording")
    other_network = prepare(org, employee, item, network="x")
    other_person = prepare(org, admin, item)
    assert a.pk == again.pk and a.code == again.code
    assert again.caption == "Changed my mind on the wording"
    assert len({a.code, other_network.code, other_person.code}) == 3
    query = parse_qs(urlsplit(a.destination).query)
    assert query["utm_source"] == ["linkedin"] and query["utm_medium"] == ["social"]


def test_destination_keeps_the_page_query_and_replaces_utm(org, employee):
    item = ContentItemFactory(organization=org, url="https://blog.example.com/p?id=7&utm_source=old")
    share = prepare(org, employee, item, network="bluesky")
    query = parse_qs(urlsplit(share.destination).query)
    assert query["id"] == ["7"] and query["utm_source"] == ["bluesky"]


def test_a_share_is_recorded_on_confirmation_only_and_once(org, employee, item, hashtag):
    share = prepare(org, employee, item, caption="Love this #AcmeNews")
    with organization_scope(org):
        assert ContentItem.objects.get(pk=item.pk).share_count == 0
    confirm(org, employee, share)
    confirm(org, employee, share)
    with organization_scope(org):
        share.refresh_from_db()
        assert share.status == Share.Status.CONFIRMED and share.confirmed_at
        assert ContentItem.objects.get(pk=item.pk).share_count == 1
        assert Hashtag.objects.get(pk=hashtag.pk).share_count == 1


def test_someone_else_cannot_confirm_my_share(org, employee, admin, item):
    share = prepare(org, employee, item)
    with pytest.raises(Exception):  # noqa: B017
        confirm(org, admin, share)


def test_daily_cap_refuses_with_a_clear_message_and_records_nothing(org, employee, admin):
    settings_(org, admin, daily_share_cap=1)
    first, second = ContentItemFactory(organization=org), ContentItemFactory(organization=org)
    confirm(org, employee, prepare(org, employee, first))
    with pytest.raises(services.ShareRefused, match="today's limit of 1 share"):
        prepare(org, employee, second)
    with organization_scope(org):
        assert not Share.objects.filter(content=second).exists()


def test_cap_is_rechecked_on_confirmation(org, employee, admin):
    settings_(org, admin, daily_share_cap=1)
    a = prepare(org, employee, ContentItemFactory(organization=org))
    b = prepare(org, employee, ContentItemFactory(organization=org))
    confirm(org, employee, a)
    with pytest.raises(services.ShareRefused):
        confirm(org, employee, b)
    with organization_scope(org):
        assert Share.objects.get(pk=b.pk).status == Share.Status.PREPARED


def test_sharing_hours_in_the_organization_time_zone(org, employee, admin, item):
    from django.utils import timezone

    now = timezone.now().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    closed_start = time((now.hour + 2) % 24, 0)
    closed_end = time((now.hour + 3) % 24, 0)
    settings_(org, admin, sharing_start=closed_start, sharing_end=closed_end, timezone_name="Asia/Tokyo")
    with pytest.raises(services.ShareRefused, match="Sharing is open from .* \\(Asia/Tokyo\\)"):
        prepare(org, employee, item)
    with organization_scope(org):
        assert not Share.objects.exists()
    settings_(
        org, admin, sharing_start=time((now.hour + 23) % 24, 0), sharing_end=closed_start, timezone_name="Asia/Tokyo"
    )
    assert prepare(org, employee, item).pk


def test_disabled_network_is_refused(org, employee, admin, item):
    settings_(org, admin, networks_enabled=["linkedin"])
    with pytest.raises(services.ShareRefused, match="X is turned off"):
        prepare(org, employee, item, network="x")


def test_expired_or_draft_items_cannot_be_shared(org, employee):
    from django.utils import timezone

    expired = ContentItemFactory(organization=org, expires_at=timezone.now() - timezone.timedelta(minutes=1))
    draft = ContentItemFactory(organization=org, status="draft")
    for item in (expired, draft):
        with pytest.raises(services.ShareRefused):
            prepare(org, employee, item)


def test_caption_over_the_network_limit_is_refused(org, employee, item):
    with pytest.raises(ValidationError, match="too long for X"):
        prepare(org, employee, item, network="x", caption="a" * 260)
    assert prepare(org, employee, item, network="x", caption="a" * 250).pk  # 250 + 2 + 23 fits in 280


def test_caption_limits_count_this_sites_tracked_link(org, admin, employee, item, settings, client_for):
    settings.SITE_URL = "https://advocacy.example-company.com"  # links of 45 characters
    share_link = f"{settings.SITE_URL}/l/XXXXXXXX"
    fits = 300 - 2 - len(share_link)  # Bluesky counts the whole text, the link on its own line after a blank one
    with pytest.raises(ValidationError, match="too long for Bluesky"):
        prepare(org, employee, item, network="bluesky", caption="b" * (fits + 1))
    share = prepare(org, employee, item, network="bluesky", caption="b" * fits)
    assert text_length("bluesky", f"{share.caption}\n\n{share.short_url}") == 300
    with pytest.raises(ValidationError, match="Too long for Bluesky"):
        with organization_scope(org):
            services.content_create(
                organization=org,
                actor=admin,
                title="T",
                url="https://acme.example/t",
                captions={"bluesky": "c" * (fits + 1)},
            )
    # the counters in the browser are given the same link (the server's counting rule)
    page = client_for(employee).get(f"/o/{org.slug}/content/items/{item.pk}/").content.decode()
    assert f'"link": "{share_link}"' in page


def test_network_length_rules():
    assert text_length("x", "see https://example.com/a/very/long/path/that/goes/on/and/on") == 4 + 23
    assert text_length("mastodon", "https://a.example.com/" + "x" * 100) == 23
    assert text_length("linkedin", "https://example.com") == 19
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 5 code points
    assert text_length("bluesky", family * 3) == 3


def test_intent_urls():
    link = "https://advocacy.example/l/abc"
    li = intent_url("linkedin", caption="Hello & welcome", link=link)
    assert li.startswith("https://www.linkedin.com/feed/?shareActive=true&text=")
    assert parse_qs(urlsplit(li).query)["text"] == ["Hello & welcome\n\n" + link]
    x = parse_qs(urlsplit(intent_url("x", caption="Hi", link=link)).query)
    assert x == {"text": ["Hi"], "url": [link]}
    assert intent_url("facebook", caption="Hi", link=link) == "https://www.facebook.com/sharer/sharer.php?u=" + (
        "https%3A%2F%2Fadvocacy.example%2Fl%2Fabc"
    )
    assert intent_url("facebook", caption="Hi", link=None) == "https://www.facebook.com/"  # needs a link to pre-fill
    masto = intent_url("mastodon", caption="Hi", link=link, mastodon_instance="fosstodon.org")
    assert masto.startswith("https://fosstodon.org/share?text=")
    assert intent_url("bluesky", caption="Hi", link=link).startswith("https://bsky.app/intent/compose?text=Hi")


def test_mastodon_instance_is_a_plain_host(org, employee):
    with organization_scope(org):
        pref = services.preference_update(
            organization=org, actor=employee, weekly_digest=True, mastodon_instance="https://Fosstodon.org/@me"
        )
        assert pref.mastodon_instance == "fosstodon.org"
        pref = services.preference_update(
            organization=org, actor=employee, weekly_digest=True, mastodon_instance="social.example/path?x=<script>"
        )
        assert pref.mastodon_instance == "social.example"
        for bad in ["javascript:alert(1)", "<script>.example", "localhost", "a b.example"]:
            with pytest.raises(ValidationError):
                services.preference_update(organization=org, actor=employee, weekly_digest=True, mastodon_instance=bad)


def test_campaign_counts_follow_confirmed_shares(org, employee, admin):
    with organization_scope(org):
        campaign = services.campaign_create(organization=org, actor=admin, name="Launch week")
    item = ContentItemFactory(organization=org, campaign=campaign)
    confirm(org, employee, prepare(org, employee, item))
    with organization_scope(org):
        assert Campaign.objects.get(pk=campaign.pk).share_count == 1
        assert Share.objects.get(content=item).campaign_id == campaign.pk


class TestPolicyGate:
    """With the policies app's real gate: a member who must acknowledge the social-media policy first
    is told so, sent there, and nothing is recorded."""

    def _require(self, org):
        from policies.selectors import SHARE_GATE_SETTING
        from tests.policies.factories import published_policy

        org.settings = {**(org.settings or {}), SHARE_GATE_SETTING: True}
        org.save(update_fields=["settings"])
        return published_policy(org)

    def test_unacknowledged_policy_blocks_sharing(self, org, employee, item):
        self._require(org)
        with pytest.raises(services.ShareRefused) as refused:
            prepare(org, employee, item)
        assert refused.value.url and "/policies/" in refused.value.url
        with organization_scope(org):
            assert not Share.objects.exists()

    def test_view_tells_the_member_and_links_to_the_policy(self, org, employee, item, client_for):
        self._require(org)
        response = client_for(employee).post(
            f"/o/{org.slug}/content/items/{item.pk}/share/", {"network": "linkedin", "caption": "hi"}
        )
        assert response.status_code == 403
        assert b"/policies/" in response.content
        with organization_scope(org):
            assert not Share.objects.exists()

    def test_after_acknowledging_sharing_works(self, org, employee, item):
        from policies import services as policy_services

        policy, version = self._require(org)
        with organization_scope(org):
            policy_services.acknowledge(organization=org, actor=employee, version=version)
        assert prepare(org, employee, item).pk


def test_sharing_a_graphic_offers_its_image_to_attach(org, admin, employee, client_for, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    data = png_bytes(800, 800, (10, 120, 60))
    graphic = ContentItemFactory(
        organization=org,
        kind=ContentItem.Kind.FILE,
        url="",
        title="Team day 2026!",
        image=ContentFile(data, name="x.png"),
    )
    settings_(org, admin)
    client = client_for(employee)
    response = client.post(
        f"/o/{org.slug}/content/items/{graphic.pk}/share/",
        {"network": "facebook", "caption": "What a day with the team"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'href="https://www.facebook.com/"' in page and "copy your text first" in page
    download = f"/o/{org.slug}/content/items/{graphic.pk}/image/?download=1"
    assert f'href="{download}"' in page and "Attach the image to your post." in page
    image = client.get(download)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Content-Disposition"] == 'attachment; filename="team-day-2026.png"'
    assert b"".join(image.streaming_content) == data
