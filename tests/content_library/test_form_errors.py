"""The content forms (suggest, new item, edit) show every field's error at once and change nothing: a
form posted with every field wrong comes back with an error on each of them, whether the form's parsing
or the service's rules catch it. A valid picture chosen on a failed try is kept (signed reference, shown as
chosen) and used by the next try."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.models import ContentItem, ContentRevision
from tests.content_library.factories import CampaignFactory, HashtagFactory, TopicFactory, png_bytes
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Fields no value can make wrong on its own (the publish date is wrong only with the expiry, which says so).
NEVER_WRONG = {"summary", "publish_at", "image_kept", "image_discard"}


def pdf():
    return SimpleUploadedFile("flyer.pdf", PDF, content_type="application/pdf")


def png(color=(30, 144, 255), size=(400, 300)):
    return SimpleUploadedFile("team-photo.png", png_bytes(*size, color=color), content_type="image/png")


def bad_values(org, other_org, *, form: str) -> dict:
    """A wrong value for every field of the form that can be wrong."""
    if form == "suggest":
        return {"url": "not a web address", "image": pdf(), "title": "T" * 201, "caption": "c" * 3001}
    foreign = {
        "campaign": CampaignFactory(organization=other_org).pk,
        "topics": [TopicFactory(organization=other_org).pk],
        "hashtags": [HashtagFactory(organization=other_org).pk],
        "teams": [TeamFactory(organization=other_org).pk],
    }
    values = {
        "url": "ftp://files.example/brochure",
        "title": "T" * 201,
        "image": pdf(),
        "image_url": "javascript:alert(1)",
        "publish_at": "2030-01-02T10:00",
        "expires_at": "2030-01-01T10:00",
        "caption_linkedin": "l" * 3001,
        "caption_x": "x" * 372,
        "caption_facebook": "f" * 63207,
        "caption_mastodon": "m" * 501,
        "caption_bluesky": "b" * 301,
        **foreign,
    }
    if form == "new":
        values["kind"] = "poster"
    return values


def snapshot(org, media: Path):
    with organization_scope(org):
        return (
            list(ContentItem.objects.order_by("pk").values()),
            list(ContentRevision.objects.order_by("pk").values()),
            AuditEvent.objects.count(),
            sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()),
        )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.mark.parametrize("form", ["suggest", "new", "edit a draft", "edit a published item"])
def test_every_wrong_field_is_reported_at_once_and_nothing_changes(form, org, other_org, admin, employee, media):
    with organization_scope(org):
        item = services.content_create(organization=org, actor=admin, title="Office opening", url="https://a.example/o")
        if form == "edit a published item":
            services.content_publish(organization=org, actor=admin, content=item)
    path = {"suggest": "suggest/", "new": "library/new/"}.get(form, f"items/{item.pk}/edit/")
    user = employee if form == "suggest" else admin
    values = bad_values(org, other_org, form="suggest" if form == "suggest" else "new" if form == "new" else "edit")
    if form.startswith("edit"):
        values["kind"] = "link"  # the editor sends the item's own kind
    browser = signed_in(user)  # signing in is audited
    before = snapshot(org, media)

    response = browser.post(f"/o/{org.slug}/content/{path}", values)

    assert response.status_code == 400
    rendered = response.context["form"]
    wrong = set(values) - ({"kind"} if form.startswith("edit") else set()) - NEVER_WRONG
    assert set(rendered.fields) - NEVER_WRONG - {"kind"} <= wrong | ({"kind"} if form == "new" else set()), (
        "a new field that can be wrong needs a wrong value here"
    )
    assert set(rendered.errors) == wrong
    page = response.content.decode()
    for messages in rendered.errors.values():
        for message in messages:
            assert str(message).replace("'", "&#x27;").replace('"', "&quot;") in page
    assert snapshot(org, media) == before


def test_a_graphic_with_a_pdf_and_an_overlong_x_caption_shows_both_errors(org, admin, media):
    response = signed_in(admin).post(
        f"/o/{org.slug}/content/library/new/",
        {"kind": "file", "title": "Spring poster", "image": pdf(), "caption_x": "x" * 372},
    )
    errors = response.context["form"].errors
    assert response.status_code == 400 and set(errors) == {"image", "caption_x"}
    assert "not an image" in errors["image"][0] and "372 of 280" in errors["caption_x"][0]


def test_a_suggestion_with_an_overlong_title_and_a_bad_url_shows_both_errors(org, employee, media):
    response = signed_in(employee).post(f"/o/{org.slug}/content/suggest/", {"title": "T" * 250, "url": "htp:/broken"})
    assert response.status_code == 400 and set(response.context["form"].errors) == {"title", "url"}


TOKEN = re.compile(r'name="image_kept" value="([^"]+)"')


def test_a_chosen_picture_is_kept_through_a_failed_try_and_used_by_the_next(org, employee, media):
    browser = signed_in(employee)
    sent = png_bytes(400, 300, color=(30, 144, 255))
    first = browser.post(
        f"/o/{org.slug}/content/suggest/",
        {"title": "T" * 250, "url": "htp:/broken", "image": SimpleUploadedFile("team-photo.png", sent)},
    )
    assert first.status_code == 400 and set(first.context["form"].errors) == {"title", "url"}
    page = first.content.decode()
    assert 'id="kept-image"' in page and "team-photo.png" in page and "400 × 300" in page
    token = TOKEN.search(page).group(1)
    kept = list((media / "pending" / str(org.pk)).iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == sent
    with organization_scope(org):
        assert not ContentItem.objects.exists()

    second = browser.post(f"/o/{org.slug}/content/suggest/", {"title": "Our team", "url": "", "image_kept": token})
    assert second.status_code == 302
    with organization_scope(org):
        item = ContentItem.objects.get()
        with item.image.open("rb") as f:
            assert f.read() == sent
    assert item.kind == "file" and not list((media / "pending" / str(org.pk)).iterdir())


def test_a_kept_picture_survives_another_failed_try_and_can_be_removed(org, admin, media):
    browser = signed_in(admin)
    url = f"/o/{org.slug}/content/library/new/"
    first = browser.post(url, {"kind": "file", "title": "", "image": png()})
    token = TOKEN.search(first.content.decode()).group(1)
    second = browser.post(url, {"kind": "file", "title": "", "caption_x": "x" * 300, "image_kept": token})
    assert set(second.context["form"].errors) == {"title", "caption_x"}  # the picture is still chosen
    assert TOKEN.search(second.content.decode()).group(1) == token
    third = browser.post(url, {"kind": "file", "title": "Poster", "image_kept": token, "image_discard": "1"})
    assert set(third.context["form"].errors) == {"image"}  # removed: a graphic needs one
    assert 'id="kept-image"' not in third.content.decode()
    assert not list((media / "pending" / str(org.pk)).iterdir())


def test_a_kept_picture_removed_on_a_successful_try_is_not_used(org, employee, media):
    browser = signed_in(employee)
    first = browser.post(f"/o/{org.slug}/content/suggest/", {"title": "", "image": png()})
    token = TOKEN.search(first.content.decode()).group(1)
    second = browser.post(
        f"/o/{org.slug}/content/suggest/",
        {"title": "A story", "url": "https://acme.example/story", "image_kept": token, "image_discard": "1"},
    )
    assert second.status_code == 302
    with organization_scope(org):
        assert not ContentItem.objects.get().image
    assert not list((media / "pending" / str(org.pk)).iterdir())


def test_the_edit_form_keeps_a_new_picture_too(org, admin, media):
    with organization_scope(org):
        item = services.content_create(organization=org, actor=admin, kind="file", title="Poster", image=png())
    browser = signed_in(admin)
    url = f"/o/{org.slug}/content/items/{item.pk}/edit/"
    replacement = png_bytes(640, 360, color=(240, 90, 20))
    first = browser.post(
        url,
        {
            "kind": "file",
            "title": "Poster",
            "caption_x": "x" * 400,
            "image": SimpleUploadedFile("new.png", replacement),
        },
    )
    assert set(first.context["form"].errors) == {"caption_x"}
    token = TOKEN.search(first.content.decode()).group(1)
    assert browser.post(url, {"kind": "file", "title": "Poster", "image_kept": token}).status_code == 302
    with organization_scope(org):
        item.refresh_from_db()
        with item.image.open("rb") as f:
            assert f.read() == replacement


def test_someone_elses_or_a_forged_reference_is_ignored(org, other_org, employee, media):
    first = signed_in(employee).post(f"/o/{org.slug}/content/suggest/", {"title": "", "image": png()})
    token = TOKEN.search(first.content.decode()).group(1)
    colleague = MembershipFactory(organization=org, roles=[Role.EMPLOYEE]).user
    stranger = MembershipFactory(organization=other_org, roles=[Role.EMPLOYEE]).user
    for user, slug, reference in (
        (colleague, org.slug, token),
        (stranger, other_org.slug, token),
        (employee, org.slug, token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
    ):
        response = signed_in(user).post(f"/o/{slug}/content/suggest/", {"title": "Mine now", "image_kept": reference})
        assert response.status_code == 400 and "url" in response.context["form"].errors  # no picture, no link
        assert 'id="kept-image"' not in response.content.decode()
    with organization_scope(org):
        assert not ContentItem.objects.exists()
    with organization_scope(other_org):
        assert not ContentItem.objects.exists()
