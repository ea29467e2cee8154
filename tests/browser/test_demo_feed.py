"""The demo feed looks like a customer's: after `seed_demo`, an employee's feed shows a picture on every
card (drawn at seed time), each loaded, and no letter placeholder."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_the_demo_feed_shows_a_picture_on_every_card(viewport, new_page, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    page = new_page(viewport)
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=login]", "employee@acme.example")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(page.base + "/o/acme/content/")
    cards = page.locator(".content-card")
    cards.first.wait_for()
    pictures = page.locator(".content-card .content-thumb img")
    assert cards.count() >= 10 and pictures.count() == cards.count()
    assert page.locator(".content-thumb-letter").count() == 0
    for i in range(pictures.count()):
        pictures.nth(i).scroll_into_view_if_needed()  # lazy-loaded: bring each into view
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pictures.nth(i).element_handle())
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"content-demo-feed-{'phone' if viewport['width'] < 600 else 'desktop'}")
