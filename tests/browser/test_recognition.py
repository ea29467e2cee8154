"""The leaderboards in a browser, on the demo organization (`seed_demo`: weeks of shares, suggestions and
acknowledgements, awarded by recognition's seeder): an employee opens them from the sidebar, looks at all
time, and chooses to appear as "a colleague"; the page fits a phone. Screenshots:
tests/screenshots/recognition-board-desktop.png and recognition-board-phone.png."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _sign_in(page, settings):
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=login]", "employee@acme.example")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_an_employee_sees_the_boards_and_leaves_them_by_name(new_page, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)

    page = new_page({"width": 1366, "height": 900})
    _sign_in(page, settings)
    page.get_by_role("link", name="Leaderboards").first.click()
    page.get_by_role("heading", name="Leaderboards", level=1).wait_for()
    page.get_by_role("link", name="All time").click()
    page.wait_for_url("**period=all")
    table = page.locator("table").first
    assert table.locator("tbody tr").count() == 10  # the demo has more than ten people with points
    assert page.locator(".is-current-row").count() >= 1 or page.locator("[data-own-rank] .stat-value").inner_text()
    assert page.locator("text=A colleague").count() >= 1  # a demo member chose to appear as "a colleague"
    screenshot(page, "recognition-board-desktop")

    page.get_by_label("Show me as “a colleague”").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your choice is saved.").wait_for()
    assert page.get_by_label("Show me as “a colleague”").is_checked()

    phone = new_page({"width": 390, "height": 844})
    _sign_in(phone, settings)
    phone.goto(phone.base + "/o/acme/recognition/?period=all")
    phone.get_by_role("heading", name="Your points").wait_for()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(phone, "recognition-board-phone")
