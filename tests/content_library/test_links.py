"""/l/<code>: the redirect, crawlers, repeat clicks, unknown codes, the cross-organization lookup,
and the click flush that never loses or double-counts a click."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client

from advocacy.tenancy.context import organization_scope
from content_library import links, services
from content_library.models import ClickDaily, ClickFlushState, ContentItem, Share
from tests.content_library.factories import ContentItemFactory, png_bytes

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def click(code, ip="203.0.113.7", ua=BROWSER):
    return Client(REMOTE_ADDR=ip).get(f"/l/{code}", HTTP_USER_AGENT=ua)


def stored_clicks(org, share=None):
    with organization_scope(org):
        qs = ClickDaily.objects.filter(organization=org)
        if share is not None:
            qs = qs.filter(share=share)
        return sum(qs.values_list("clicks", flat=True))


def test_redirects_to_the_destination_with_utm_parameters(prepared_share):
    response = click(prepared_share.code)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://news.example.com/articles/")
    query = parse_qs(urlsplit(location).query)
    assert query["utm_source"] == ["linkedin"] and query["utm_medium"] == ["social"]
    assert not response.cookies


def test_the_redirect_touches_no_session_and_no_database_on_a_cache_hit(prepared_share, django_assert_num_queries):
    click(prepared_share.code)  # warms the cache (it was also warmed on commit)
    with django_assert_num_queries(0):
        response = click(prepared_share.code, ip="198.51.100.1")
    assert response.status_code == 302
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_cache_miss_resolves_through_the_sql_function_with_one_query(prepared_share, django_assert_num_queries):
    links.forget_link(prepared_share.code)
    with django_assert_num_queries(1):
        assert click(prepared_share.code).status_code == 302


def test_the_redirect_is_answered_before_the_rest_of_the_stack_with_security_headers(prepared_share):
    response = click(prepared_share.code)
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still runs
    assert not response.cookies and "Vary" not in response  # no session, CSRF or messages touched it
    assert "Content-Security-Policy" not in response  # the CSP middleware (and all after it) was skipped
    page = click("nope5678")
    assert page.status_code == 404
    assert "default-src 'none'" in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"
    crawler = click(prepared_share.code, ua="Twitterbot/1.0")
    assert crawler.status_code == 200 and "default-src 'none'" in crawler["Content-Security-Policy"]


def test_the_redirect_still_checks_the_host(prepared_share):
    response = Client(REMOTE_ADDR="203.0.113.7").get(
        f"/l/{prepared_share.code}", HTTP_USER_AGENT=BROWSER, HTTP_HOST="evil.example"
    )
    assert response.status_code == 400


def test_unknown_code_gets_a_404_page():
    response = click("nope1234")
    assert response.status_code == 404
    assert b"Link not found" in response.content


def test_crawlers_get_open_graph_tags_and_are_not_counted(org, prepared_share):
    for ua in [
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Twitterbot/1.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mastodon/4.2.0 (http.rb/5.1.1; +https://mastodon.social/) Bot",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "WhatsApp/2.23.20.0",
        "TelegramBot (like TwitterBot)",
    ]:
        response = click(prepared_share.code, ua=ua)
        assert response.status_code == 200, ua
        assert b'property="og:title" content="Quarterly results beat expectations"' in response.content
    with organization_scope(org):
        assert links.flush_clicks(organization=org) == 0
    assert stored_clicks(org) == 0


IN_APP_BROWSERS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 [Pinterest/iOS]",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile "
    "Safari/537.36 Snapchat/12.60.0.44 (like Safari/604.1)",
    "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 "
    "YaBrowser/23.11 YandexSearch/23.112 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Tumblr/iPhone/34.3",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/21A329 [FBAN/FBIOS;FBAV/440.0]",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 [LinkedInApp]/9.29",
]
FETCHERS = [
    "Pinterest/0.2 (+http://www.pinterest.com/bot.html)",
    "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
    "Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
]


def test_people_in_apps_are_redirected_and_counted_while_those_apps_fetchers_are_not(org, prepared_share):
    for n, ua in enumerate(IN_APP_BROWSERS):
        response = click(prepared_share.code, ip=f"203.0.113.{60 + n}", ua=ua)
        assert response.status_code == 302, ua
    for n, ua in enumerate(FETCHERS):
        response = click(prepared_share.code, ip=f"203.0.113.{80 + n}", ua=ua)
        assert response.status_code == 200 and b"og:title" in response.content, ua
    assert links.flush_clicks(organization=org) == len(IN_APP_BROWSERS)


def test_a_request_without_user_agent_is_redirected_but_not_counted(org, prepared_share):
    # Browsers always send a User-Agent; a request without one (a script, a proxy stripping it) still
    # reaches the destination, but results never count it.
    response = Client(REMOTE_ADDR="203.0.113.20").get(f"/l/{prepared_share.code}")
    assert response.status_code == 302
    assert response["Location"] == prepared_share.destination
    assert links.flush_clicks(organization=org) == 0
    assert stored_clicks(org) == 0


def test_distinct_browsers_from_one_address_count_separately(org, prepared_share):
    for n in range(5):
        for _ in range(2):  # each repeat is inside the window
            click(prepared_share.code, ip="203.0.113.30", ua=f"{BROWSER} build/{n}")
    assert links.flush_clicks(organization=org) == 5
    assert stored_clicks(org, prepared_share) == 5


def test_repeated_clicks_from_one_client_count_once(org, prepared_share):
    for _ in range(3):
        click(prepared_share.code, ip="203.0.113.9")
    click(prepared_share.code, ip="203.0.113.10")
    assert links.flush_clicks(organization=org) == 2
    assert stored_clicks(org) == 2


def test_clicks_are_attributed_to_share_employee_content_campaign_by_day(org, employee, prepared_share):
    click(prepared_share.code, ip="203.0.113.11")
    click(prepared_share.code, ip="203.0.113.12")
    links.flush_clicks(organization=org)
    with organization_scope(org):
        row = ClickDaily.objects.get(organization=org, share=prepared_share)
        assert (row.clicks, row.user_id, row.content_id, row.network) == (
            2,
            employee.pk,
            prepared_share.content_id,
            "linkedin",
        )
        assert Share.objects.get(pk=prepared_share.pk).click_count == 2
        assert ContentItem.objects.get(pk=prepared_share.content_id).click_count == 2


def test_flush_running_twice_counts_each_click_once(org, prepared_share):
    for i in range(5):
        click(prepared_share.code, ip=f"203.0.113.{20 + i}")
    assert links.flush_clicks(organization=org) == 5
    assert links.flush_clicks(organization=org) == 0
    assert stored_clicks(org) == 5


def test_flush_failing_after_its_commit_loses_and_duplicates_nothing(org, prepared_share, monkeypatch):
    for i in range(4):
        click(prepared_share.code, ip=f"203.0.113.{40 + i}")

    def boom(*args, **kwargs):
        raise ConnectionError("worker killed after the commit")

    monkeypatch.setattr(links, "_trim", boom)
    with pytest.raises(ConnectionError):
        links.flush_clicks(organization=org)
    assert stored_clicks(org) == 4  # committed
    assert links.client().xlen(links.stream_key(org.pk)) == 4  # but not trimmed
    monkeypatch.undo()
    click(prepared_share.code, ip="203.0.113.99")
    assert links.flush_clicks(organization=org) == 1  # only the new click
    assert stored_clicks(org) == 5
    assert links.client().xlen(links.stream_key(org.pk)) == 0
    assert links.pending_organizations() == []


def test_flush_failing_before_its_commit_leaves_the_clicks_for_the_next_run(org, prepared_share, monkeypatch):
    for i in range(3):
        click(prepared_share.code, ip=f"203.0.113.{60 + i}")
    real_apply = links._apply

    def failing_apply(organization, entries):
        real_apply(organization, entries)  # writes, then the transaction fails
        raise RuntimeError("database went away midway")

    monkeypatch.setattr(links, "_apply", failing_apply)
    with pytest.raises(RuntimeError):
        links.flush_clicks(organization=org)
    assert stored_clicks(org) == 0
    with organization_scope(org):
        assert not ClickFlushState.objects.filter(organization=org).exclude(last_entry_id="0-0").exists()
    monkeypatch.undo()
    assert links.flush_clicks(organization=org) == 3
    assert stored_clicks(org) == 3


def test_flush_in_batches_stores_every_click(org, prepared_share):
    for i in range(23):
        click(prepared_share.code, ip=f"192.0.2.{i}")
    assert links.flush_clicks(organization=org, batch_size=5) == 23
    assert stored_clicks(org) == 23


def test_dispatch_sends_one_flush_per_pending_organization(org, prepared_share, settings):
    from content_library import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = True
    from advocacy.celery import app

    app.conf.task_always_eager = True
    try:
        click(prepared_share.code, ip="192.0.2.200")
        assert links.pending_organizations() == [org.pk]
        assert tasks.dispatch_click_flush() == 1
    finally:
        app.conf.task_always_eager = False
    assert stored_clicks(org) == 1
    assert links.pending_organizations() == []


def test_the_lookup_function_answers_only_organization_and_destination(org, other_org, prepared_share):
    # Row-level security stays on: with no organization, the table shows nothing...
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM content_library_share")
        assert cursor.fetchone()[0] == 0
        # ...and the function answers exactly two columns for one code.
        cursor.execute("SELECT * FROM resolve_tracked_link(%s)", [prepared_share.code])
        rows = cursor.fetchall()
        assert [d[0] for d in cursor.description] == ["organization_id", "destination"]
        assert rows == [(org.pk, prepared_share.destination)]
        # the bypass is not left on for the rest of the transaction
        cursor.execute("SELECT coalesce(current_setting('app.bypass_rls', true), '')")
        assert cursor.fetchone()[0] != "on"
        cursor.execute("SELECT count(*) FROM content_library_share")
        assert cursor.fetchone()[0] == 0


def test_a_tracked_link_reveals_no_other_data(org, other_org, prepared_share):
    other_item = ContentItemFactory(organization=other_org, title="Other org secret plan")
    response = click(prepared_share.code, ua="Twitterbot/1.0")
    assert b"Other org secret plan" not in response.content
    assert other_org.name.encode() not in response.content
    assert org.name.encode() not in response.content
    assert other_item.title.encode() not in click(prepared_share.code).content


def test_items_without_a_link_get_no_tracked_link(org, employee):
    text_item = ContentItemFactory(organization=org, kind="text", url="")
    with organization_scope(org):
        share = services.share_prepare(organization=org, actor=employee, content=text_item, network="x", caption="Hi")
    assert share.code is None and share.short_url == ""


def _png_bytes():
    return png_bytes(1200, 630, (20, 90, 200))


@pytest.fixture
def graphic_share(org, employee, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    graphic = ContentItemFactory(
        organization=org,
        kind=ContentItem.Kind.FILE,
        title="We are hiring engineers",
        image=ContentFile(_png_bytes(), name="hiring.png"),
        image_url="https://careers.example.com/og.png",
    )
    with organization_scope(org):
        return services.share_prepare(
            organization=org, actor=employee, content=graphic, network="linkedin", caption="Join us!"
        )


def test_a_shared_graphic_is_the_crawlers_preview_image(org, graphic_share):
    page = click(graphic_share.code, ua="LinkedInBot/1.0").content.decode()
    image_url = f"http://testserver/l/{graphic_share.code}/image"
    assert f'<meta property="og:image" content="{image_url}">' in page  # the upload wins over the page's
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    response = Client(REMOTE_ADDR="203.0.113.50").get(
        f"/l/{graphic_share.code}/image", HTTP_USER_AGENT="LinkedInBot/1.0"
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png_bytes()
    assert (
        response["Cache-Control"] == "public, max-age=3600"
        and "default-src 'none'" in response["Content-Security-Policy"]
    )
    assert not response.cookies
    # a browser fetching it (a network showing the card) is no click either
    Client(REMOTE_ADDR="203.0.113.51").get(f"/l/{graphic_share.code}/image", HTTP_USER_AGENT=BROWSER)
    assert links.flush_clicks(organization=org) == 0
    assert stored_clicks(org) == 0


def test_the_preview_image_answers_only_for_a_share_with_an_upload(prepared_share, graphic_share):
    for path in (f"/l/{prepared_share.code}/image", "/l/nope1234/image", f"/l/{graphic_share.code}/x/image"):
        response = Client().get(path, HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 404, path
        assert b"Link not found" in response.content or path.endswith("/x/image")
    page = click(prepared_share.code, ua="Twitterbot/1.0").content.decode()
    assert "og:image" not in page and '<meta name="twitter:card" content="summary">' in page


def test_tracked_links_follow_an_approved_change_of_the_items_link(org, admin, prepared_share, item):
    from advocacy.permissions import Role
    from tests.factories import MembershipFactory

    other_admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user
    assert click(prepared_share.code)["Location"].startswith(item.url)
    with organization_scope(org):
        revision = services.content_update(
            organization=org, actor=admin, content=item, title=item.title, url="https://news.example.com/moved/q3"
        )
    assert click(prepared_share.code, ip="203.0.113.90")["Location"].startswith(item.url)  # not before approval
    with organization_scope(org):
        services.revision_approve(organization=org, actor=other_admin, revision=revision)
    location = click(prepared_share.code, ip="203.0.113.91")["Location"]
    assert location.startswith("https://news.example.com/moved/q3?")
    assert parse_qs(urlsplit(location).query)["utm_source"] == ["linkedin"]
    links.forget_link(prepared_share.code)  # the database says the same
    assert click(prepared_share.code, ip="203.0.113.92")["Location"] == location


def test_following_a_new_address_costs_the_same_for_many_shares(org, admin):
    from django.test.utils import CaptureQueriesContext

    from advocacy.permissions import Role
    from tests.content_library.factories import ShareFactory
    from tests.factories import MembershipFactory

    other_admin = MembershipFactory(organization=org, roles=[Role.ADMIN]).user

    def approve_move(shares):
        item = ContentItemFactory(organization=org)
        for n in range(shares):
            ShareFactory(
                organization=org, content=item, network=["linkedin", "x", "bluesky"][n % 3], code=f"m{item.pk}x{n}"
            )
        with organization_scope(org):
            revision = services.content_update(
                organization=org, actor=admin, content=item, title=item.title, url=f"https://news.example.com/{item.pk}"
            )
            with CaptureQueriesContext(connection) as queries:
                services.revision_approve(organization=org, actor=other_admin, revision=revision)
            moved = set(Share.objects.filter(content=item).values_list("destination", flat=True))
        assert all(d.startswith(f"https://news.example.com/{item.pk}?utm_source=") for d in moved)
        return len(queries)

    assert approve_move(3) == approve_move(60)
