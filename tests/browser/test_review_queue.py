"""The review queue in a real browser (issue #12): a moderator opens the queue from the sidebar, claims an item,
decides a violation with a suspension and the member sees the notice on their record; an employee reports a post
anonymously and later sees the outcome; the member appeals and HR's overturn restores their sharing.
Screenshots at desktop width and at 390 px (tests/screenshots/review-*.png)."""

import pytest

from advocacy.tenancy.context import organization_scope
from content_library.services import share_gate
from policies.models import Policy, PolicyKind
from tests.factories import MembershipFactory, UserFactory
from tests.monitoring_review.factories import flagged_item, reported_item

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _people(org):
    author = UserFactory(full_name="Sam Seller")
    MembershipFactory(organization=org, user=author)
    reporter = UserFactory(full_name="Riley Reporter")
    MembershipFactory(organization=org, user=reporter)
    with organization_scope(org):
        Policy.objects.create(organization=org, title="Social media policy", kind=PolicyKind.SOCIAL_MEDIA)
    return author, reporter


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_moderator_claims_and_decides_and_the_member_sees_the_notice(org, moderator, sign_in, screenshot):
    author, _ = _people(org)
    item = flagged_item(org, user=author, text="Between us, the launch date leak is on a forum. Globex is a joke.")
    reported_item(org, url="https://social.example/@else/9")

    page = sign_in(moderator)
    page.goto(f"{page.base}/o/{org.slug}/")
    page.get_by_role("link", name="Review queue").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() == 2
    screenshot(page, "review-queue")

    page.click(f"a[href$='/monitoring/queue/{item.pk}/']")
    page.wait_for_load_state("networkidle")
    assert page.locator("#post-text mark", has_text="leak").count() == 1
    page.click("button:has-text('Claim')")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=You claimed this item").count() == 1

    # a violation without its policy section: every error at once, what was typed kept
    page.check("input[name=outcome][value=violation]")
    page.fill("#id_reasons", "The post gives the launch date before it is announced.")
    page.check("#id_suspension")
    page.fill("#id_suspension_days", "5")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".has-error").count() >= 2
    assert page.locator("#id_reasons").input_value().startswith("The post gives")
    page.select_option("#id_policy", label="Social media policy")
    page.fill("#id_policy_section", "§ 3 Confidential information")
    page.check("#id_warning")
    screenshot(page, "review-item-decide")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=Decision recorded").count() == 1

    member = sign_in(author)
    member.goto(f"{member.base}/o/{org.slug}/")
    member.get_by_role("link", name="My record").first.click()
    member.wait_for_load_state("networkidle")
    assert member.locator("text=Your sharing is suspended").count() == 1
    assert member.locator("text=§ 3 Confidential information").count() >= 1
    screenshot(member, "review-my-record")

    phone = sign_in(moderator, viewport=PHONE)
    phone.goto(f"{phone.base}/o/{org.slug}/monitoring/queue/?status=all")
    screenshot(phone, "review-queue-phone")
    _fits_the_phone(phone)
    phone.goto(f"{phone.base}/o/{org.slug}/monitoring/queue/{item.pk}/")
    screenshot(phone, "review-item-phone")
    _fits_the_phone(phone)


def test_an_employee_reports_and_later_sees_the_outcome(org, moderator, sign_in, screenshot):
    _, reporter = _people(org)
    page = sign_in(reporter)
    page.goto(f"{page.base}/o/{org.slug}/")
    page.get_by_role("link", name="Report a post").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_url", "not a link")
    page.click("button:has-text('Send report')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".has-error").count() == 3
    page.fill("#id_url", "https://social.example/@someone/42")
    page.select_option("#id_category", "harassment")
    page.fill("#id_description", "Mocks a colleague by name.")
    page.check("#id_anonymous")
    screenshot(page, "review-report")
    page.click("button:has-text('Send report')")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=Under review").count() == 1

    mod = sign_in(moderator)
    mod.goto(f"{mod.base}/o/{org.slug}/monitoring/queue/?source=report")
    mod.click("tbody a")
    mod.wait_for_load_state("networkidle")
    assert mod.locator("text=Anonymous").count() >= 1
    assert mod.locator("text=Riley Reporter").count() == 0
    mod.check("input[name=outcome][value=no_violation]")
    mod.fill("#id_reasons", "Friendly banter between colleagues.")
    mod.click("button:has-text('Record decision')")
    mod.wait_for_load_state("networkidle")

    page.reload()
    assert page.locator("text=Reviewed: no action needed").count() == 1
    screenshot(page, "review-my-reports")
    phone = sign_in(reporter, viewport=PHONE)
    phone.goto(f"{phone.base}/o/{org.slug}/monitoring/report/")
    screenshot(phone, "review-report-phone")
    _fits_the_phone(phone)


def test_a_member_appeals_and_an_overturn_restores_sharing(org, moderator, hr, sign_in, screenshot):
    author, _ = _people(org)
    item = flagged_item(org, user=author)
    mod = sign_in(moderator)
    mod.goto(f"{mod.base}/o/{org.slug}/monitoring/queue/{item.pk}/")
    mod.check("input[name=outcome][value=violation]")
    mod.fill("#id_reasons", "Names the launch date.")
    mod.select_option("#id_policy", label="Social media policy")
    mod.fill("#id_policy_section", "§ 3")
    mod.check("#id_suspension")
    mod.click("button:has-text('Record decision')")
    mod.wait_for_load_state("networkidle")
    with organization_scope(org):
        assert not share_gate(org, author).allowed

    member = sign_in(author)
    member.goto(f"{member.base}/o/{org.slug}/monitoring/my-record/")
    member.fill("textarea[name=text]", "The date was in the press release that morning.")
    member.click("button:has-text('Appeal')")
    member.wait_for_load_state("networkidle")
    assert member.locator("text=Your appeal was sent").count() == 1

    person = sign_in(hr)
    person.goto(f"{person.base}/o/{org.slug}/monitoring/queue/appeals/")
    assert person.locator("text=The date was in the press release").count() == 1
    person.check("input[name=decision][value=overturn]")
    person.fill("textarea[name=response]", "You are right: it was public already.")
    screenshot(person, "review-appeals")
    person.click("button:has-text('Decide appeal')")
    person.wait_for_load_state("networkidle")
    assert person.locator("text=Appeal decided").count() == 1

    member.reload()
    assert member.locator("text=Your sharing is suspended").count() == 0
    assert member.locator("text=overturned on appeal").count() >= 1
    screenshot(member, "review-my-record-overturned")
    with organization_scope(org):
        assert share_gate(org, author).allowed
