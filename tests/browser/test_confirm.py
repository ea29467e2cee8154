"""The site asks before a consequential step in one way: data-confirm on a form or its button, answered in
one dialog of the page (static/js/app.js). Publishing a policy asks exactly once, Cancel and Escape mean no
(the question does not come back), and an unsaved draft is not published."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from advocacy.tenancy.context import organization_scope
from policies import services
from policies.models import PolicyVersion

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]

COUNT_DIALOGS = """
window.__dialogs = 0;
const showModal = HTMLDialogElement.prototype.showModal;
HTMLDialogElement.prototype.showModal = function () { window.__dialogs += 1; return showModal.apply(this, arguments); };
"""


def published(org, policy):
    with organization_scope(org):
        return PolicyVersion.objects.filter(policy=policy, status=PolicyVersion.Status.PUBLISHED).count()


@pytest.fixture
def draft_page(org, hr, sign_in):
    with organization_scope(org):
        policy = services.policy_create(
            organization=org, actor=hr, title="Travel policy", kind="social_media",
            summary="Booking trips.", body_markdown="# Travel\n\nBook early and keep the receipts.",
        )  # fmt: skip
    page = sign_in(hr)
    page.native_dialogs = []
    page.on("dialog", lambda dialog: (page.native_dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(COUNT_DIALOGS)
    page.goto(f"{page.base}/o/{org.slug}/policies/{policy.pk}/draft/")
    return page, policy


def test_publishing_asks_exactly_once_and_cancel_does_not_bring_it_back(org, draft_page, screenshot):
    page, policy = draft_page
    draft_url = page.url
    dialog = page.get_by_role("dialog")
    publish = page.get_by_role("button", name="Publish v1")

    publish.click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Publish this version?")
    expect(dialog).to_contain_text("Its text is frozen once published.")
    screenshot(page, "confirm-publish-dialog")
    assert page.evaluate("window.__dialogs") == 1 and page.native_dialogs == []

    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(publish).to_be_focused()  # back where the person was
    assert page.evaluate("window.__dialogs") == 1, "Cancel brought the question back"
    assert page.url == draft_url and published(org, policy) == 0

    publish.click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("window.__dialogs") == 2 and published(org, policy) == 0

    publish.click()
    dialog.get_by_role("button", name="Publish v1").click()  # the button's own words confirm
    page.get_by_text("v1 published").wait_for()
    assert published(org, policy) == 1 and page.native_dialogs == []


def test_an_unsaved_draft_is_not_published_and_nothing_is_asked(org, draft_page):
    page, policy = draft_page
    page.locator("#id_body_markdown").fill("# Travel\n\nBook early, keep the receipts, fly economy.")
    page.get_by_role("button", name="Publish v1").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Save the draft first.")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_hidden()
    dialog.get_by_role("button", name="OK").click()
    expect(dialog).to_be_hidden()
    assert page.evaluate("window.__dialogs") == 1 and page.native_dialogs == []
    assert published(org, policy) == 0


def test_no_second_confirmation_mechanism():
    """One place asks: no other script or template calls the browser's confirm() or htmx's hx-confirm."""
    asking = re.compile(r"(?<![\w.])confirm\(|window\.confirm|hx-confirm")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("static/js", "templates")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in {".js", ".html"}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if asking.search(line)
    ]
    assert found == []
    listeners = [
        p.name
        for p in (ROOT / "static/js").glob("*.js")
        if "dataset.confirm" in p.read_text() or "[data-confirm]" in p.read_text()
    ]
    assert listeners == ["app.js"]
