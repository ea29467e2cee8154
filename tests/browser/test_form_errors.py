"""A suggestion with several mistakes, in a real browser: every field's error shows at once, the picture
already chosen is shown as chosen (kept server-side) and goes with the corrected suggestion."""

import pytest

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library.models import ContentItem
from tests.content_library.factories import png_bytes
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_all_errors_at_once_and_the_chosen_picture_is_kept(org, team, sign_in, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    employee = UserFactory(email="emery@acme-test.example", full_name="Emery Evans")
    MembershipFactory(organization=org, user=employee, roles=[Role.EMPLOYEE], team=team)
    picture = tmp_path / "booth.png"
    picture.write_bytes(png_bytes(800, 450, color=(16, 150, 120)))

    page = sign_in(employee)
    page.goto(page.base + f"/o/{org.slug}/content/suggest/")
    page.set_input_files("input[name=image]", str(picture))
    page.fill("input[name=url]", "htp:/broken")
    page.evaluate("document.querySelector('input[name=title]').removeAttribute('maxlength')")
    page.fill("input[name=title]", "A" * 230)
    page.click("text=Send suggestion")

    errors = page.locator(".field.has-error")
    errors.first.wait_for()
    assert errors.count() == 2
    assert page.locator(".has-error", has=page.locator("input[name=url]")).get_by_text("full web address").is_visible()
    assert page.locator(".has-error", has=page.locator("input[name=title]")).get_by_text("at most 200").is_visible()
    kept = page.locator("#kept-image")
    assert kept.get_by_text("booth.png").is_visible()
    assert kept.get_by_role("img", name="The picture you chose").evaluate("img => img.naturalWidth") > 0
    screenshot(page, "content-suggest-errors-kept-picture")

    page.fill("input[name=url]", "")
    page.fill("input[name=title]", "Our booth at the Planning Summit")
    page.click("text=Send suggestion")
    page.get_by_text("waiting for review").wait_for()
    with organization_scope(org):
        item = ContentItem.objects.get()
    assert item.kind == "file" and item.image.width == 800
