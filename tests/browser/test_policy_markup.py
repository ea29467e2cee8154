"""The author hears about removed markup while typing (the live preview's note), after saving, and in the
publish confirmation, before anything is published."""

import pytest
from playwright.sync_api import expect

from advocacy.tenancy.context import organization_scope
from policies import services
from policies.models import PolicyVersion

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "Removed a <script> element and an onclick attribute: scripts and event handlers cannot run in policies."


def test_the_author_is_told_what_was_removed_before_publishing(org, hr, sign_in, screenshot):
    with organization_scope(org):
        policy = services.policy_create(
            organization=org, actor=hr, title="Travel policy", kind="social_media",
            body_markdown="# Travel\n\nBook early.",
        )  # fmt: skip
    page = sign_in(hr)
    page.goto(f"{page.base}/o/{org.slug}/policies/{policy.pk}/draft/")
    notice = page.locator("#markup-notice")
    expect(notice).to_have_text("")

    page.fill("#id_body_markdown", '# Travel\n\n<script>alert(1)</script>\n\nBook <a href="#" onclick="x()">early</a>.')
    expect(notice).to_contain_text(NOTICE)  # the live preview's note, while typing
    expect(page.locator("#preview")).to_contain_text("Book early.")
    expect(page.locator("#preview script")).to_have_count(0)
    screenshot(page, "policy-markup-notice-preview")

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Some of its markup will not reach employees")
    expect(notice).to_contain_text(NOTICE)

    page.get_by_role("button", name="Publish v1").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Publish this version?")
    expect(dialog).to_contain_text(NOTICE)
    screenshot(page, "policy-markup-notice-confirm")
    dialog.get_by_role("button", name="Cancel").click()
    with organization_scope(org):
        assert not PolicyVersion.objects.filter(policy=policy, status="published").exists()

    page.fill("#id_body_markdown", "# Travel\n\nBook early.")
    expect(notice).to_have_text("")  # fixed: the note goes away
