# ruff: noqa: F811 - the sandbox fixtures are imported by name (pytest finds them in the module)
"""Connected accounts in a browser: an employee opens the page from the sidebar, connects Mastodon by signing in
on the sandbox instance (mastodon-mock's own authorization page), connects Bluesky with the verification code
(first without it: the error, then with it), sees their pulled posts with engagement after a pull, and the page
fits a phone. Screenshots: tests/screenshots/connected-accounts-desktop.png and connected-accounts-phone.png."""

import pytest

from advocacy.tenancy.context import organization_scope
from monitoring.models import ConnectedAccount
from monitoring.services import pulls
from tests.monitoring.servers.fixtures import bluesky, bluesky_server, loopback, mastodon, mastodon_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_an_employee_connects_mastodon_and_bluesky(
    org, employee, sign_in, screenshot, mastodon, bluesky, settings, live_server
):
    settings.SITE_URL = live_server.url  # where the instance sends the member back
    mastodon.post("alice", "Proud of our new solar factory! #acme")
    bluesky.add_profile("alice.bsky.social", display_name="Alice")

    page = sign_in(employee)
    page.goto(f"{page.base}/o/{org.slug}/")
    page.get_by_role("link", name="Connected accounts").first.click()
    page.get_by_role("heading", name="Connected accounts", level=1).wait_for()
    assert page.get_by_text("public posts and their counts").is_visible()

    page.get_by_label("Your Mastodon instance").fill(mastodon.base_url)
    page.get_by_role("button", name="Connect Mastodon").click()
    page.get_by_role("link", name=f"Continue to {mastodon.host}").click()
    page.get_by_role("button", name="Alice (@alice)").click()  # the instance's own sign-in page
    page.get_by_text("is connected").wait_for()
    assert page.locator("#accounts-table").get_by_text(f"@alice@{mastodon.host}").is_visible()

    page.get_by_label("Your Bluesky handle").fill("alice.bsky.social")
    page.get_by_role("button", name="Connect Bluesky").click()
    code = page.locator(".verification-code").inner_text()
    page.get_by_role("button", name="Check my profile").click()
    page.get_by_text("did not find").wait_for()
    bluesky.post("alice.bsky.social", f"My code: {code}")
    page.get_by_role("button", name="Check my profile").click()
    page.get_by_text("is verified and connected").wait_for()

    with organization_scope(org):
        ids = list(ConnectedAccount.objects.filter(organization=org).values_list("pk", flat=True))
    assert len(ids) == 2
    for account_id in ids:  # the scheduled pull, run now
        assert pulls.account_pull(organization=org, account_id=account_id).status == "succeeded"
    page.reload()
    posts = page.locator("#my-posts")
    posts.get_by_text("Proud of our new solar factory!").wait_for()
    assert posts.get_by_text("My code:").count() == 1
    screenshot(page, "connected-accounts-desktop")

    page.set_viewport_size({"width": 390, "height": 844})  # the same member on a phone
    page.reload()
    page.get_by_role("heading", name="Your accounts").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "connected-accounts-phone")
