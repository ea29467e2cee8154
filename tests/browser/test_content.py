"""The content journey in a real browser: an admin curates and launches a campaign; an employee
browses, shares to every network with a personal caption (the network's share page is intercepted,
never loaded), confirms, opens the tracked link and sees the clicks after the flush; a suggestion is
approved by another person."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library import links
from content_library.models import Share
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NETWORK_HOSTS = {
    "linkedin": "www.linkedin.com",
    "x": "x.com",
    "facebook": "www.facebook.com",
    "mastodon": "mastodon.social",
    "bluesky": "bsky.app",
}


def _intercept_outside(page, seen: list):
    """Answer every request that leaves the live server with a stub page, and remember its URL."""
    base = page.base

    def handle(route):
        url = route.request.url
        if url.startswith(base) or url.startswith("data:"):
            return route.continue_()
        seen.append(url)
        return route.fulfill(status=200, content_type="text/html", body="<html><body>outside</body></html>")

    page.context.route("**/*", handle)


def test_campaign_share_click_and_suggestion_journey(org, team, sign_in, screenshot):
    admin = UserFactory(email="alex@acme-test.example", full_name="Alex Admin")
    MembershipFactory(organization=org, user=admin, roles=[Role.ADMIN, Role.EMPLOYEE], team=team)
    employee = UserFactory(email="emery@acme-test.example", full_name="Emery Evans")
    MembershipFactory(organization=org, user=employee, roles=[Role.EMPLOYEE], team=team)
    base = f"/o/{org.slug}/content"

    # --- the admin curates and launches a campaign ---------------------------------------------
    page = sign_in(admin)
    page.goto(page.base + f"{base}/hashtags/")
    page.fill("input[name=name]", "#AcmeLaunch")
    page.fill("input[name=description]", "Our spring launch")
    page.check("input[name=is_campaign]")
    page.click("text=Add hashtag")
    assert page.locator(".tag", has_text="#AcmeLaunch").first.is_visible()

    page.goto(page.base + f"{base}/campaigns/new/")
    page.fill("input[name=name]", "Spring launch")
    page.fill("input[name=goal]", "Make Atlas 3 the most talked-about release of the year")
    page.fill("input[name=share_goal]", "50")
    page.get_by_label("#AcmeLaunch").check()
    screenshot(page, "content-campaign-new")
    page.get_by_role("button", name="Create campaign").click()
    screenshot(page, "content-campaign-created")
    page.get_by_role("link", name="Add content").click()
    page.fill("input[name=url]", "https://www.acme.example/blog/atlas-3")
    page.fill("input[name=title]", "Introducing Atlas 3: planning that keeps up with your team")
    page.fill("textarea[name=summary]", "Live scenario planning, a new timeline and 4x faster sync.")
    page.fill("textarea[name=caption_linkedin]", "Atlas 3 is here. I'm proud of what our team built. #AcmeLaunch")
    page.fill("textarea[name=caption_x]", "Atlas 3 is here #AcmeLaunch")
    page.get_by_label("#AcmeLaunch").check()
    screenshot(page, "content-item-edit")
    page.click("button[name=draft]")
    assert page.get_by_text("as a draft").is_visible()
    page.goto(page.base + f"{base}/campaigns/")
    page.click("text=Spring launch")
    page.click("#launch-campaign")
    page.get_by_role("dialog").get_by_role("button", name="Launch campaign").click()  # the site's confirmation
    page.get_by_text("is live: 1 item published").wait_for()
    screenshot(page, "content-campaign-launched")

    # --- the employee browses and shares to every network ----------------------------------------
    emp = sign_in(employee)
    outside: list[str] = []
    _intercept_outside(emp, outside)
    emp.goto(emp.base + f"{base}/")
    assert emp.get_by_text("Introducing Atlas 3").first.is_visible()
    screenshot(emp, "content-feed")
    emp.click("text=Introducing Atlas 3")
    detail_url = emp.url
    screenshot(emp, "content-detail")
    for network, host in NETWORK_HOSTS.items():
        emp.goto(detail_url)
        emp.locator(f"label.network-{network}").click()
        assert emp.locator(f"input[name=network][value={network}]").is_checked(), network
        caption = f"My own take for {network}: the timeline view saves me an hour a week. #AcmeLaunch"
        emp.fill("#share-caption", caption)
        if network == "linkedin":
            screenshot(emp, "content-share-panel")
        emp.click("#share-continue")
        emp.wait_for_url("**/shares/**")
        with emp.expect_popup() as popup_info:
            emp.click("#open-intent")
        popup = popup_info.value
        popup.wait_for_load_state()
        intent = urlsplit(popup.url)
        assert intent.scheme == "https" and intent.hostname == host, popup.url
        code = emp.locator("#tracked-link").inner_text().rsplit("/", 1)[1]
        query = parse_qs(intent.query)
        if network == "facebook":
            assert query["u"][0].endswith(f"/l/{code}")
        elif network == "x":
            assert query["text"] == [caption] and query["url"][0].endswith(f"/l/{code}")
        else:
            assert caption in query["text"][0] and query["text"][0].endswith(f"/l/{code}")
        popup.close()
        if network == "linkedin":
            screenshot(emp, "content-share-ready")
        emp.click("#confirm-share")
        assert emp.get_by_text("Thanks for sharing").is_visible()

    with organization_scope(org):
        shares = list(Share.objects.filter(user=employee).order_by("network"))
    assert sorted(s.network for s in shares) == sorted(NETWORK_HOSTS)
    assert all(s.status == "confirmed" for s in shares)

    # --- the tracked links are opened (served by the live server) and the clicks arrive ------------
    for share in shares:
        # The redirect's target is outside (no DNS here, and Playwright does not route redirects), so
        # the browser's navigation stops there; the live server's answer is what we check.
        tab = emp.context.new_page()
        with tab.expect_response(lambda r: "/l/" in r.url) as answer:
            try:
                tab.goto(emp.base + f"/l/{share.code}")
            except PlaywrightError:
                pass
        tab.close()
        location = answer.value.headers["location"]
        assert answer.value.status == 302
        assert (
            location.startswith("https://www.acme.example/blog/atlas-3?") and f"utm_source={share.network}" in location
        )
    emp.goto(emp.base + f"{base}/mine/")
    assert emp.locator("#total-clicks").inner_text() == "0"
    assert links.flush_clicks(organization=org) == 5
    emp.reload()
    assert emp.locator("#total-clicks").inner_text() == "5"
    assert emp.locator("#total-shares").inner_text() == "5"
    screenshot(emp, "content-my-shares")

    # --- a suggestion, approved by another person ---------------------------------------------------
    emp.goto(emp.base + f"{base}/suggest/")
    emp.fill("input[name=url]", "https://www.acme.example/customers/nordwind")
    emp.fill("input[name=title]", "Nordwind cut planning time by 60% with Atlas")
    emp.fill("textarea[name=summary]", "A great customer story for sales folks.")
    emp.fill("textarea[name=caption]", "Love seeing customers win with what we build.")
    emp.click("text=Send suggestion")
    assert emp.get_by_text("waiting for review").is_visible()
    screenshot(emp, "content-suggest")

    page.goto(page.base + f"{base}/review/")
    screenshot(page, "content-review")
    page.get_by_role("link", name="Review", exact=True).click()
    page.click("#approve")
    assert page.get_by_text("It is live in the feed").is_visible()

    emp.goto(emp.base + f"{base}/")
    assert emp.get_by_text("Nordwind cut planning time").first.is_visible()

    page.goto(page.base + f"{base}/campaigns/")
    page.click("text=Spring launch")
    assert page.get_by_text("Results so far").is_visible()
    screenshot(page, "content-campaign-results")
