"""An incident from the virality trigger to its review, in a real browser (Playwright + the system's Chromium):
a flagged member's post goes viral in a real pull of the intake, the review queue's trigger opens an incident;
a moderator finds it in the sidebar, works the checklist, writes a note, contains and resolves it, and completes
the post-incident review; the incident page fits a phone. Screenshots in tests/screenshots/:
incidents-list-desktop, incident-open-desktop, incident-reviewed-desktop, incident-phone, incidents-plan-desktop."""

import pytest

from advocacy.tenancy.context import organization_scope
from monitoring.incidents.models import Incident
from monitoring.models import Post
from monitoring.services.intake import posts_ingest
from tests.browser.conftest import SCREENSHOTS
from tests.monitoring.factories import MonitoringSettingsFactory, PullRunFactory, pulled
from tests.monitoring_incidents.factories import member, plan
from tests.monitoring_review.factories import flagged_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return shoot


def _sign_in(page, user, password):
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _viral_incident(org, hr):
    """The real path: a post matching a rule is pulled, then pulled again with engagement past the threshold."""
    MonitoringSettingsFactory(organization=org, virality_threshold=50, sample_percent=0)
    plan(org, hr, lead=member(org, name="Lena Lead"), deputy=member(org, name="Dee Deputy"))
    item = flagged_item(org, text="Leaked: the Project Falcon roadmap ships in March, don't tell anyone")
    with organization_scope(org):
        post = Post.objects.select_related("account").get(pk=item.post_id)
    for likes in (180, 420):
        run = PullRunFactory(organization=org, account=post.account)
        again = pulled(post.text, external_id=post.external_id, url=post.url, likes=likes, reposts=likes // 3)
        with organization_scope(org):
            posts_ingest(organization=org, account=post.account, run=run, pulled=[again])
    with organization_scope(org):
        return Incident.objects.get(organization=org, source="virality")


def test_an_incident_from_the_virality_trigger_to_its_review(new_page, screenshot, org, hr, moderator, password):
    incident = _viral_incident(org, hr)

    page = new_page({"width": 1366, "height": 900})
    _sign_in(page, moderator, password)
    page.get_by_role("link", name="Incidents").first.click()
    page.get_by_role("heading", name="Incidents", level=1).wait_for()
    row = page.get_by_role("link", name=incident.title)
    assert row.is_visible()
    screenshot(page, "incidents-list-desktop")

    row.click()
    page.get_by_role("heading", name="Timeline").wait_for()
    assert page.get_by_text("Opened automatically: the post is spreading faster than the threshold.").is_visible()
    assert page.locator(".timeline li.kind-engagement").count() >= 2
    assert page.get_by_text("Email sent to").first.is_visible()
    screenshot(page, "incident-open-desktop")

    page.get_by_role("button", name="Mark “Screenshot the post” done").click()
    page.locator(".checklist li.is-done").first.wait_for()
    page.get_by_label("Note").fill("Asked the author to delete the post; Legal is briefed.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Note added to the timeline.").wait_for()
    page.get_by_role("button", name="Mark contained").click()
    page.get_by_text("The incident is now contained.").wait_for()
    page.get_by_role("button", name="Mark resolved").click()
    page.get_by_text("The incident is now resolved.").wait_for()

    page.get_by_label("What happened").fill("A member posted the confidential roadmap; it spread within an hour.")
    page.get_by_role("button", name="Complete the review").last.click()
    page.get_by_text("Write the post-incident review").first.wait_for()  # two answers missing: refused, text kept
    assert "confidential roadmap" in page.get_by_label("What happened").input_value()
    page.get_by_label("What worked").fill("The virality trigger opened the incident before the press noticed.")
    page.get_by_label("What to change").fill("Mark roadmap screenshots confidential in the training.")
    page.get_by_role("button", name="Complete the review").last.click()
    page.get_by_text("Review completed. The incident is closed.").wait_for()
    assert page.locator(".incident-flow li.is-current").inner_text() == "Reviewed"
    screenshot(page, "incident-reviewed-desktop")
    with organization_scope(org):
        incident.refresh_from_db()
    assert incident.state == "reviewed" and incident.what_worked.startswith("The virality trigger")

    page.get_by_role("link", name="Response plan").first.click()
    page.get_by_role("heading", name="Holding statements").wait_for()
    screenshot(page, "incidents-plan-desktop")

    phone = new_page({"width": 390, "height": 844})
    _sign_in(phone, moderator, password)
    phone.goto(f"{phone.base}/o/{org.slug}/monitoring/incidents/{incident.pk}/")
    phone.get_by_role("heading", name="Timeline").wait_for()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(phone, "incident-phone")


def test_hr_writes_the_plan_with_every_error_shown_at_once(new_page, screenshot, org, hr, password):
    lead = member(org, name="Lena Lead")
    page = new_page({"width": 1366, "height": 900})
    _sign_in(page, hr, password)
    page.goto(f"{page.base}/o/{org.slug}/monitoring/incidents/plan/")
    page.get_by_role("link", name="Write the plan").click()
    page.get_by_label("Communication protocol").fill("## Who speaks\n\nOnly **Communications**.")
    page.fill("#id_roles-0-name", "Incident lead")
    page.select_option("#id_roles-0-responder", str(lead.pk))
    page.select_option("#id_roles-0-deputy", str(lead.pk))  # the same person: refused
    page.fill("#id_contacts-0-name", "Lee Gal")
    page.fill("#id_contacts-0-role", "Legal counsel")  # no email or phone: refused
    page.fill("#id_statements-0-title", "We are aware")
    page.fill("#id_statements-0-text", "We are aware and looking into it.")
    page.fill("#id_steps-0-text", "Screenshot the post")
    page.fill("#id_steps-1-text", "Call legal")
    page.get_by_role("button", name="Save plan").click()
    page.get_by_text("The plan was not saved").wait_for()
    assert page.get_by_text("The deputy must be someone other than the responder.").is_visible()
    assert page.get_by_text("Give an email address or a phone number to reach them.").is_visible()
    assert page.input_value("#id_steps-1-text") == "Call legal"  # what was typed is kept
    screenshot(page, "incidents-plan-edit-errors-desktop")

    page.select_option("#id_roles-0-deputy", "")
    page.fill("#id_contacts-0-email", "lee@law.example")
    page.get_by_role("button", name="Save plan").click()
    page.get_by_text("Plan saved.").wait_for()
    page.get_by_role("heading", name="Who speaks").wait_for()
    page.get_by_role("button", name="Mark reviewed").click()
    page.get_by_text("Plan marked reviewed.").wait_for()

    phone = new_page({"width": 390, "height": 844})
    _sign_in(phone, hr, password)
    phone.goto(f"{phone.base}/o/{org.slug}/monitoring/incidents/plan/edit/")
    phone.get_by_role("heading", name="Roles and responders").wait_for()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(phone, "incidents-plan-edit-phone")
