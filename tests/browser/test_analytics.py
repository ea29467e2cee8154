"""Analytics in a browser, on the demo organization (`seed_demo`: three months of shares and clicks, rolled up by
analytics' seeder): the admin opens the dashboard from the sidebar, filters it to 90 days (by week) and a team,
and the filtered view has its own address; HR reads compliance; an employee reads My impact; the pages fit a
phone. Screenshots: tests/screenshots/analytics-*.png."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _sign_in(page, settings, who):
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=login]", f"{who}@acme.example")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)


def test_the_admin_reads_and_filters_the_dashboard(demo, new_page, screenshot, settings):
    page = new_page({"width": 1366, "height": 900})
    _sign_in(page, settings, "admin")
    assert page.get_by_text("Advocacy, last 30 days").is_visible()  # the headline on the home page
    page.get_by_role("link", name="Dashboard").first.click()
    page.get_by_role("heading", name="Analytics", level=1).wait_for()
    assert page.locator(".analytics-stat").count() >= 9
    assert page.locator("svg.analytics-svg").count() >= 3
    assert page.get_by_role("heading", name="Top sharers").is_visible()
    assert page.get_by_text("A colleague").count() >= 1  # a demo member appears anonymously on the boards
    screenshot(page, "analytics-dashboard-desktop")

    page.select_option("#id_period", "90")
    page.select_option("#id_team", label="Marketing")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**period=90**")
    assert "team=" in page.url
    page.get_by_role("heading", name="Trends by week").wait_for()
    screenshot(page, "analytics-dashboard-filtered")

    page.select_option("#id_period", "custom")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Choose the first day of the custom period.").wait_for()

    phone = new_page({"width": 390, "height": 844})
    _sign_in(phone, settings, "admin")
    phone.goto(phone.base + "/o/acme/analytics/")
    phone.get_by_role("heading", name="Headline").wait_for()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(phone, "analytics-dashboard-phone")


def test_hr_reads_compliance_and_an_employee_their_impact(demo, new_page, screenshot, settings):
    page = new_page({"width": 1366, "height": 900})
    _sign_in(page, settings, "hr")
    page.get_by_role("link", name="Compliance").first.click()
    page.get_by_role("heading", name="Compliance", level=1).wait_for()
    assert page.get_by_role("heading", name="Acknowledgements by policy").is_visible()
    screenshot(page, "analytics-compliance-desktop")

    page = new_page({"width": 1366, "height": 900})
    _sign_in(page, settings, "employee")
    page.get_by_role("link", name="My impact").first.click()
    page.get_by_role("heading", name="My impact", level=1).wait_for()
    assert page.get_by_role("heading", name="Points and rank").is_visible()
    screenshot(page, "analytics-impact-desktop")

    phone = new_page({"width": 390, "height": 844})
    _sign_in(phone, settings, "employee")
    phone.goto(phone.base + "/o/acme/analytics/me/?period=90")
    phone.get_by_role("heading", name="Points and rank").wait_for()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(phone, "analytics-impact-phone")


def test_a_moderator_reads_the_moderation_figures(demo, new_page, screenshot, settings):
    page = new_page({"width": 1366, "height": 900})
    _sign_in(page, settings, "moderator")
    page.get_by_role("link", name="Moderation").first.click()
    page.get_by_role("heading", name="Moderation", level=1).wait_for()
    assert page.get_by_text("Decided within the service level").is_visible()
    assert page.get_by_role("heading", name="Rule precision, last 90 days").is_visible()
    screenshot(page, "analytics-moderation-desktop")
