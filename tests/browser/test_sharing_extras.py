"""In a real browser: sharing a graphic (its image to download, Facebook's composer), the request to
confirm a link that got clicks, and signing up from an invitation with the address filled in."""

from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, Membership
from content_library.models import ContentItem
from tests.content_library.factories import ContentItemFactory, ShareFactory, png_bytes
from tests.factories import MembershipFactory, UserFactory

from .test_content import _intercept_outside

pytestmark = pytest.mark.django_db(transaction=True)


def test_sharing_a_graphic_and_confirming_a_clicked_link(org, team, sign_in, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    employee = UserFactory(email="gale@acme-test.example", full_name="Gale Green")
    MembershipFactory(organization=org, user=employee, roles=[Role.EMPLOYEE], team=team)
    data = png_bytes(1080, 1080, (30, 90, 200))
    graphic = ContentItemFactory(
        organization=org,
        kind=ContentItem.Kind.FILE,
        url="",
        title="We're hiring engineers in Lisbon",
        summary="Share our hiring graphic with your network.",
        image=ContentFile(data, name="hiring.png"),
    )
    article = ContentItemFactory(organization=org, title="Our quarterly results")
    ShareFactory(
        organization=org, content=article, user=employee, network="linkedin", status="prepared", click_count=12
    )

    page = sign_in(employee)
    seen = []
    _intercept_outside(page, seen)
    page.goto(page.base + f"/o/{org.slug}/content/items/{graphic.pk}/")
    page.locator("label.network-facebook").click()
    page.fill("#share-caption", "Come build with us in Lisbon: great team, real problems.")
    page.click("#share-continue")
    page.wait_for_url("**/shares/**")
    assert page.locator("text=copy your text first").is_visible()
    with page.expect_download() as download_info:
        page.click("#download-image")
    download = download_info.value
    assert download.suggested_filename == "were-hiring-engineers-in-lisbon.png"
    assert open(download.path(), "rb").read() == data
    with page.expect_popup() as popup_info:
        page.click("#open-intent")
    popup = popup_info.value
    popup.wait_for_load_state()
    assert urlsplit(popup.url).hostname == "www.facebook.com" and urlsplit(popup.url).path == "/"
    popup.close()
    screenshot(page, "content-share-graphic")
    page.click("#confirm-share")

    page.goto(page.base + f"/o/{org.slug}/content/mine/")
    card = page.locator("#unconfirmed")
    assert card.get_by_text("Did you post these?").is_visible()
    assert card.get_by_text("Our quarterly results").is_visible()
    screenshot(page, "content-my-shares-unconfirmed")
    card.get_by_role("button", name="Yes, I posted it").click()
    assert page.get_by_text("Thanks for sharing").is_visible()
    assert page.locator("#unconfirmed").count() == 0
    assert page.locator("#total-shares").inner_text() == "2" and page.locator("#total-clicks").inner_text() == "12"


def test_signing_up_from_an_invitation(org, team, new_page, screenshot, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    admin = UserFactory(email="ada@acme-test.example", full_name="Ada Admin")
    MembershipFactory(organization=org, user=admin, roles=[Role.ADMIN])
    token = "browser-invitation-token-0123456789abcdefghij"
    with organization_scope(org):
        Invitation.objects.create(
            organization=org,
            email="new.colleague@acme-test.example",
            full_name="Nico Colleague",
            roles=[Role.EMPLOYEE],
            team=team,
            token_hash=Invitation.hash_token(token),
            invited_by=admin,
        )
    page = new_page()
    page.goto(page.base + f"/invitations/{token}/")
    page.click("text=Create account")
    assert page.locator("input[name=email]").input_value() == "new.colleague@acme-test.example"
    page.fill("input[name=password1]", "a-long-enough-passphrase-42")
    page.fill("input[name=password2]", "a-long-enough-passphrase-42")
    screenshot(page, "invitation-sign-up")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/invitations/{token}/")  # signed in, no email to confirm first
    page.click("text=Accept invitation")
    page.wait_for_url(f"**/o/{org.slug}/")
    assert page.get_by_text(f"Welcome to {org.name}!").is_visible()
    with organization_scope(org):
        assert Membership.objects.get(user__email="new.colleague@acme-test.example").team_id == team.pk


def test_a_reviewer_sees_the_new_picture_an_edit_proposes(org, team, sign_in, screenshot, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from content_library import services

    settings.MEDIA_ROOT = tmp_path
    editor = UserFactory(email="eddie@acme-test.example", full_name="Eddie Editor")
    MembershipFactory(organization=org, user=editor, roles=[Role.ADMIN], team=team)
    reviewer = UserFactory(email="rita@acme-test.example", full_name="Rita Reviewer")
    MembershipFactory(organization=org, user=reviewer, roles=[Role.ADMIN], team=team)
    graphic = ContentItemFactory(
        organization=org,
        kind=ContentItem.Kind.FILE,
        url="",
        title="Our values, in one picture",
        image=ContentFile(png_bytes(1200, 630, (30, 90, 200)), name="values.png"),
    )
    with organization_scope(org):
        revision = services.content_update(
            organization=org,
            actor=editor,
            content=graphic,
            title="Our values, in one picture",
            image=SimpleUploadedFile("new.png", png_bytes(1200, 630, (220, 120, 20)), content_type="image/png"),
        )
    page = sign_in(reviewer)
    page.goto(page.base + f"/o/{org.slug}/content/revisions/{revision.pk}/")
    proposed = page.locator("#revision-image")
    proposed.wait_for()
    assert page.evaluate("img => img.naturalWidth", proposed.element_handle()) == 1200  # the image loaded
    screenshot(page, "content-revision-new-image")
    page.click("#approve")
    assert page.get_by_text("It is live in the feed").is_visible()
