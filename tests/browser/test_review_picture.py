"""The reviewer of a suggested graphic sees its picture: an employee uploads one through the suggest
form, an admin opens it from the review queue and the picture is on the page, loaded."""

import pytest

from advocacy.permissions import Role
from tests.content_library.factories import png_bytes
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_sees_the_picture_of_a_suggested_graphic(org, team, sign_in, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    employee = UserFactory(email="emery@acme-test.example", full_name="Emery Evans")
    MembershipFactory(organization=org, user=employee, roles=[Role.EMPLOYEE], team=team)
    admin = UserFactory(email="alex@acme-test.example", full_name="Alex Admin")
    MembershipFactory(organization=org, user=admin, roles=[Role.ADMIN, Role.EMPLOYEE], team=team)
    picture = tmp_path / "summit.png"
    picture.write_bytes(png_bytes(900, 500, color=(24, 110, 190)))

    emp = sign_in(employee)
    emp.goto(emp.base + f"/o/{org.slug}/content/suggest/")
    emp.set_input_files("input[name=image]", str(picture))
    emp.fill("input[name=title]", "Our booth at the Planning Summit")
    emp.fill("textarea[name=summary]", "The whole team in one picture.")
    emp.click("text=Send suggestion")
    emp.get_by_text("waiting for review").wait_for()

    page = sign_in(admin)
    page.goto(page.base + f"/o/{org.slug}/content/review/")
    thumb = page.locator("table img").first
    thumb.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 900", arg=thumb.element_handle())
    screenshot(page, "content-review-queue-picture")
    page.get_by_role("link", name="Review", exact=True).click()
    image = page.get_by_role("img", name="The picture sent with this suggestion")
    image.wait_for()
    image.scroll_into_view_if_needed()
    page.wait_for_function("document.getElementById('revision-image').complete")
    size = image.evaluate("img => [img.naturalWidth, img.naturalHeight, img.clientWidth]")
    assert size[:2] == [900, 500] and size[2] > 200, size
    screenshot(page, "content-review-suggested-picture")
