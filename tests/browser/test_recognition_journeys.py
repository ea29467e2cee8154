"""Recognition journeys in a browser, on the demo organization (`seed_demo`: weeks of shares, kudos, stories,
rewards, awarded by recognition's seeder). An employee sees their rank and profile, gives kudos, requests a
reward and submits a success story; an admin sets the points, approves the story and the reward request, and
turns the story into a library draft. Screenshots at desktop width and 390 px:
tests/screenshots/recognition-*.png."""

import pytest
from django.core.management import call_command

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from recognition import services

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _sign_in(page, settings, who):
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=login]", f"{who}@acme.example")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _employee_journey(page, screenshot):
    page.get_by_role("link", name="Leaderboards").first.click()
    page.get_by_role("heading", name="Leaderboards", level=1).wait_for()
    page.get_by_role("link", name="All time").click()
    page.wait_for_url("**period=all")
    assert page.locator("[data-own-rank] .stat-value").inner_text().strip() not in ("", "—")  # they have a rank

    page.get_by_role("link", name="Kudos wall").first.click()
    page.get_by_role("heading", name="Kudos wall", level=1).wait_for()
    page.get_by_label("To").select_option(label="Alex Admin")
    page.get_by_label("Message").fill("Thank you for setting up the rewards!")
    page.get_by_role("button", name="Send kudos").click()
    page.get_by_text("Your kudos is on the wall.").wait_for()
    assert page.locator("[data-wall]").get_by_text("Thank you for setting up the rewards!").count() == 1
    screenshot(page, "recognition-wall-desktop")

    page.get_by_role("link", name="Rewards").first.click()
    page.get_by_role("heading", name="Rewards", level=1).wait_for()
    row = page.locator("tr", has_text="Coffee with the CEO")
    row.get_by_role("button", name="Request").click()
    page.get_by_text("Requested. An admin will confirm it").wait_for()
    assert page.locator("#mine-heading").is_visible()
    screenshot(page, "recognition-rewards-desktop")

    page.get_by_role("link", name="Wins").first.click()
    page.get_by_role("link", name="Share a success story").click()
    page.get_by_role("button", name="Submit the story").click()  # empty: every error at once
    page.get_by_text("Give the story a title.").wait_for()
    assert page.get_by_text("Tell what happened.").is_visible()
    page.get_by_label("Title").fill("My post brought a partner")
    page.get_by_label("What happened").fill("A partner saw my share of the launch and wrote to us.")
    page.get_by_label("The result").fill("A joint webinar next month.")
    page.get_by_role("button", name="Submit the story").click()
    page.get_by_text("Your story is with an admin").wait_for()

    page.get_by_role("link", name="My profile").click()
    page.get_by_role("heading", name="Badges").first.wait_for()
    assert page.locator("[data-badges] li").count() >= 1
    screenshot(page, "recognition-profile-desktop")


def _admin_journey(page, screenshot):
    page.goto(page.base + "/o/acme/recognition/settings/")
    page.get_by_label("A confirmed share").fill("12")
    page.get_by_label("Most points a member earns in one day").fill("-5")
    page.get_by_label("Admin", exact=True).check()
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_label("Admin", exact=True).is_checked()  # what was chosen is kept with the error
    page.get_by_label("Most points a member earns in one day").fill("80")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Recognition settings saved.").wait_for()
    screenshot(page, "recognition-settings-desktop")

    page.goto(page.base + "/o/acme/recognition/wins/")
    pending = page.locator("[data-story]", has_text="My post brought a partner")
    pending.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("Published on Wins.").wait_for()
    win = page.locator("[data-win]", has_text="My post brought a partner")
    screenshot(page, "recognition-wins-desktop")
    win.get_by_role("button", name="Turn into shareable content").click()
    page.get_by_text("A draft is in the library").wait_for()

    page.goto(page.base + "/o/acme/recognition/rewards/")
    request = page.locator("[data-redemption]", has_text="Coffee with the CEO").filter(has_text="Emery")
    request.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: the points are spent.").wait_for()
    screenshot(page, "recognition-rewards-admin-desktop")


def test_employee_and_admin_journeys(new_page, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    organization = Organization.objects.get(slug="acme")
    with organization_scope(organization):
        services.points_award_run(organization=organization)

    employee = new_page(DESKTOP)
    _sign_in(employee, settings, "employee")
    _employee_journey(employee, screenshot)

    admin = new_page(DESKTOP)
    _sign_in(admin, settings, "admin")
    _admin_journey(admin, screenshot)

    phone = new_page(PHONE)
    _sign_in(phone, settings, "employee")
    for path, name in (("wall/", "wall"), ("rewards/", "rewards"), ("wins/", "wins")):
        phone.goto(phone.base + f"/o/acme/recognition/{path}")
        phone.wait_for_load_state("networkidle")
        assert phone.evaluate(NO_SIDEWAYS_SCROLL), path
        screenshot(phone, f"recognition-{name}-phone")
    phone.get_by_role("link", name="My profile").click()
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(phone, "recognition-profile-phone")
