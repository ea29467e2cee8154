"""The policy review cycle in a real browser (issue #15): HR opens a policy whose review is overdue, sends
the review form empty (every error at once), then records the review; the badge clears and the history
shows it. The same page on a 390 px phone. A feedback round before the review, answered by employees and read by
HR. Screenshots: tests/screenshots/policy-review-*.png, policy-feedback-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from policies.models import Policy
from tests.policies.factories import make_policy, published_policy

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
WIDE = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.fixture
def overdue(org, hr):
    policy, _ = published_policy(org, actor=hr, title="Disclosure rules", kind="disclosure")
    with organization_scope(org):
        Policy.objects.filter(pk=policy.pk).update(review_due_on=timezone.localdate() - timedelta(days=35))
    return policy


def test_hr_records_a_review(org, hr, overdue, sign_in, screenshot):
    page = sign_in(hr)
    page.goto(f"{page.base}/o/{org.slug}/policies/{overdue.pk}/manage/")
    review = page.locator("#review")
    review.get_by_text("Review overdue").wait_for()
    page.fill("#id_next_review_on", "")
    review.get_by_role("button", name="Mark reviewed").click()
    review.get_by_text("The review was not recorded").wait_for()
    assert review.get_by_text("Say what you checked and what you found").is_visible()
    screenshot(page, "policy-review-errors")

    page.fill("#id_notes", "Checked against the networks' new paid-partnership labels: still right.")
    page.fill("#id_next_review_on", (timezone.localdate() + timedelta(days=180)).isoformat())
    page.locator("#review").get_by_role("button", name="Mark reviewed").click()
    page.get_by_text("Review recorded. The next review is on").wait_for()
    assert page.get_by_text("Review overdue").count() == 0
    history = page.locator("#review")
    history.get_by_text("still right.").wait_for()
    assert history.get_by_text("No change", exact=True).is_visible()
    screenshot(page, "policy-review-desktop")

    phone = sign_in(hr, viewport=PHONE)
    phone.goto(f"{phone.base}/o/{org.slug}/policies/{overdue.pk}/manage/")
    phone.locator("#review").get_by_text("still right.").wait_for()
    assert not phone.evaluate(WIDE), "the page scrolls sideways at 390 px"
    screenshot(phone, "policy-review-phone")


def test_an_admin_reviews_the_draft_of_the_only_hr_member(org, hr, admin, sign_in, screenshot):
    from policies import services

    policy = make_policy(org, actor=hr, title="Brand guidelines", kind="brand")
    with organization_scope(org):
        services.policy_settings_update(
            organization=org, actor=hr, require_ack_to_share=False, reminder_days=7, require_review=True
        )
    page = sign_in(hr)
    page.goto(f"{page.base}/o/{org.slug}/policies/{policy.pk}/draft/")
    card = page.locator("#draft-review")
    card.get_by_text("Reviewers are HR members and admins").wait_for()
    card.locator("select[name=reviewer]").select_option(label=admin.full_name or admin.email)
    card.get_by_role("button", name="Send for review").click()
    page.get_by_text("Sent for review.").wait_for()

    reviewer = sign_in(admin)
    reviewer.goto(f"{reviewer.base}/o/{org.slug}/policies/{policy.pk}/manage/")
    reviewer.get_by_role("link", name="Review the draft").click()
    reviewer.wait_for_url("**/draft/read/")
    reviewer.get_by_text("Share our news responsibly.").wait_for()
    screenshot(reviewer, "policy-review-admin-reads-draft")
    reviewer.fill("#id_comment", "Clear and short. Approved.")
    reviewer.get_by_role("button", name="Approve").click()
    reviewer.get_by_text("Review recorded.").wait_for()
    assert reviewer.locator("#draft-review").get_by_text("Approved by").is_visible()

    phone = sign_in(admin, viewport=PHONE)
    phone.goto(f"{phone.base}/o/{org.slug}/policies/{policy.pk}/draft/read/")
    phone.get_by_text("Share our news responsibly.").wait_for()
    assert not phone.evaluate(WIDE), "the page scrolls sideways at 390 px"
    screenshot(phone, "policy-review-admin-phone")


def test_a_feedback_round_before_the_review(org, hr, employee, overdue, sign_in, screenshot):
    """HR opens a round (an empty form first: every error at once), an employee answers it on the policy page
    (on the desktop and on a phone) and changes it, four colleagues answer, and HR reads the anonymous summary
    next to the questions asked since the last review."""
    from policies import selectors, services
    from tests.factories import MembershipFactory

    with organization_scope(org):
        services.question_ask(
            organization=org,
            actor=employee,
            version=overdue.current_version,
            body="Do I disclose a gift from a vendor when I share their post?",
        )
    page = sign_in(hr)
    page.goto(f"{page.base}/o/{org.slug}/policies/{overdue.pk}/manage/")
    form = page.locator("#feedback-round-form")
    page.fill("#id_closes_on", "")
    form.get_by_role("button", name="Open a feedback round").click()
    form = page.locator("#feedback-round-form")
    form.get_by_text("The round was not opened").wait_for()
    assert form.get_by_text("Write the question people will answer").is_visible()
    assert form.get_by_text("Choose the day the round closes.").is_visible()
    page.fill("#id_prompt", "Is it clear what you must disclose when you share?")
    page.fill("#id_closes_on", (timezone.localdate() + timedelta(days=10)).isoformat())
    form.get_by_role("button", name="Open a feedback round").click()
    page.get_by_text("Feedback round opened until").wait_for()
    review = page.locator("#review-feedback")
    review.get_by_text("5 more are needed").wait_for()
    assert review.get_by_text("Do I disclose a gift from a vendor").is_visible()

    reader = sign_in(employee)
    reader.goto(f"{reader.base}/o/{org.slug}/")
    reader.get_by_role("link", name="Give your view").click()
    card = reader.locator("#feedback")
    card.get_by_text("Is it clear what you must disclose when you share?").wait_for()
    card.get_by_role("button", name="Send my answer").click()
    card = reader.locator("#feedback")
    card.get_by_text("Your answer was not saved").wait_for()
    assert card.get_by_text("Choose a rating from 1 (not at all) to 5 (fully).").first.is_visible()
    screenshot(reader, "policy-feedback-answer-errors")
    card.get_by_label("2", exact=True).check()
    card.locator("textarea[name=comment]").fill("Gifts are not mentioned at all.")
    card.get_by_role("button", name="Send my answer").click()
    reader.get_by_text("Your answer is saved").wait_for()
    card = reader.locator("#feedback")
    assert card.get_by_text("Answered", exact=True).is_visible()
    card.get_by_label("3", exact=True).check()
    card.get_by_role("button", name="Update my answer").click()
    reader.get_by_text("Your answer is saved").wait_for()
    screenshot(reader, "policy-feedback-answer-desktop")

    phone = sign_in(employee, viewport=PHONE)
    phone.goto(f"{phone.base}/o/{org.slug}/policies/{overdue.pk}/")
    phone.locator("#feedback").get_by_role("button", name="Update my answer").wait_for()
    assert not phone.evaluate(WIDE), "the page scrolls sideways at 390 px"
    screenshot(phone, "policy-feedback-answer-phone")

    with organization_scope(org):
        feedback_round = selectors.open_round(organization=org, policy=overdue)
        for rating, comment in ((4, "Clear."), (5, ""), (2, "Add the gift limit."), (4, "")):
            colleague = MembershipFactory(organization=org, roles=["employee"]).user
            services.feedback_answer_save(
                organization=org, actor=colleague, feedback_round=feedback_round, rating=rating, comment=comment
            )
    page.reload()
    review = page.locator("#review-feedback")
    review.get_by_text("Average").wait_for()
    assert review.get_by_text("Add the gift limit.").is_visible()
    assert review.get_by_text(employee.full_name).count() == 0
    screenshot(page, "policy-feedback-summary-desktop")
    hr_phone = sign_in(hr, viewport=PHONE)
    hr_phone.goto(f"{hr_phone.base}/o/{org.slug}/policies/{overdue.pk}/manage/")
    hr_phone.locator("#review-feedback").get_by_text("Average").wait_for()
    assert not hr_phone.evaluate(WIDE), "the page scrolls sideways at 390 px"
    screenshot(hr_phone, "policy-feedback-summary-phone")
