"""A reviewer sees every picture they are asked to approve: the picture sent with a suggestion and the
one an edit of a published item proposes are shown on the revision's page, and what the page points at
is that very file, served to the reviewer."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library import services
from tests.content_library.factories import png_bytes
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

IMG = re.compile(
    r'<dt>([^<]*)</dt><dd><a [^>]*><img class="revision-image" id="revision-image" src="([^"]+)" alt="([^"]+)"'
)


def upload(color, size=(320, 200)):
    return SimpleUploadedFile("pic.png", png_bytes(*size, color=color), content_type="image/png")


def shown_picture(reviewer, org, revision) -> tuple[str, str, bytes]:
    """(label, alt text, the bytes the reviewer's browser gets) of the picture on the revision's page."""
    browser = Client()
    browser.force_login(reviewer)
    page = browser.get(f"/o/{org.slug}/content/revisions/{revision.pk}/")
    assert page.status_code == 200
    found = IMG.findall(page.content.decode())
    assert len(found) == 1, "the page shows the picture to decide on"
    label, src, alt = found[0]
    image = browser.get(src)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    return label, alt, b"".join(image.streaming_content)


@pytest.fixture
def reviewer(org):
    return MembershipFactory(organization=org, roles=[Role.ADMIN, Role.EMPLOYEE]).user


def test_the_picture_of_a_suggested_graphic_is_on_its_review_page(org, employee, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with organization_scope(org):
        item = services.suggestion_create(
            organization=org, actor=employee, title="Our team at the summit", image=upload((20, 120, 200))
        )
        revision = item.revisions.get()
        item.image.open("rb")
        sent = item.image.read()
        item.image.close()
    label, alt, served = shown_picture(reviewer, org, revision)
    assert (label, served) == ("Picture", sent)
    assert "suggestion" in alt


def test_the_picture_an_edit_proposes_is_on_its_review_page(org, admin, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with organization_scope(org):
        item = services.content_create(
            organization=org, actor=admin, kind="file", title="Office opening", image=upload((200, 40, 40))
        )
        services.content_publish(organization=org, actor=admin, content=item)
        pending = services.content_update(
            organization=org, actor=admin, content=item, title=item.title, image=upload((40, 200, 40), (400, 300))
        )
        pending.image.open("rb")
        proposed = pending.image.read()
        pending.image.close()
    label, _alt, served = shown_picture(reviewer, org, pending)
    assert (label, served) == ("New picture", proposed)


def test_a_suggested_link_without_a_picture_shows_none(org, employee, reviewer):
    with organization_scope(org):
        item = services.suggestion_create(
            organization=org, actor=employee, title="A customer story", url="https://acme.example/story"
        )
        revision = item.revisions.get()
    browser = Client()
    browser.force_login(reviewer)
    page = browser.get(f"/o/{org.slug}/content/revisions/{revision.pk}/").content.decode()
    assert "revision-image" not in page


def test_the_review_queue_shows_each_picture_waiting(org, employee, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with organization_scope(org):
        graphic = services.suggestion_create(
            organization=org, actor=employee, title="Our team at the summit", image=upload((20, 120, 200))
        )
        services.suggestion_create(organization=org, actor=employee, title="A story", url="https://acme.example/s")
    browser = Client()
    browser.force_login(reviewer)
    page = browser.get(f"/o/{org.slug}/content/review/").content.decode()
    assert re.findall(r'<img src="([^"]+)" width="72"', page) == [f"/o/{org.slug}/content/items/{graphic.pk}/image/"]
