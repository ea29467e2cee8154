"""Request bodies are JSON with the JSON types the schema gives (no form bodies, no "5" for 5); list pages
take a page size from 1 to 200; an address that is not there is null, not ""."""

import pytest

from advocacy.tenancy.models import Organization, Team
from content_library.models import ContentItem, ContentRevision
from tests.content_library.factories import ContentItemFactory

from .helpers import error_of, snapshot

pytestmark = pytest.mark.django_db


def teams(org):
    return f"/api/v1/o/{org.slug}/teams/"


@pytest.mark.parametrize("content_type", ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_that_is_not_json_is_415_and_changes_nothing(api, org, admin, read, content_type):
    before = snapshot(org, read, Team)
    client = api(admin)
    if content_type == "multipart/form-data":
        response = client.post(teams(org), {"name": "Sales"}, format="multipart")
    else:
        response = client.generic("POST", teams(org), "name=Sales", content_type=content_type)
    assert response.status_code == 415
    error = error_of(response)
    assert error["code"] == "unsupported_media_type"
    assert error["message"] == f"Send the request body as JSON (Content-Type: application/json), not {content_type}."
    assert snapshot(org, read, Team) == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": 5}, "name", "Must be a string."),
        ({"name": ["Sales"]}, "name", "Must be a string."),
        ({"name": "Sales", "description": None}, "description", "This field may not be null."),
    ],
)
def test_team_body_of_the_wrong_json_type_is_400(api, org, admin, read, body, field, message):
    before = snapshot(org, read, Team)
    response = api(admin).post(teams(org), body)
    assert response.status_code == 400
    assert error_of(response)["details"] == {field: [message]}
    assert snapshot(org, read, Team) == before


def test_organization_settings_take_true_or_false_only(api, org, admin, read):
    for value in (0, 1, "true", "yes"):
        response = api(admin).patch(f"/api/v1/o/{org.slug}/", {"require_mfa_for_staff": value})
        assert response.status_code == 400, value
        assert error_of(response)["details"] == {"require_mfa_for_staff": ["Must be true or false."]}
    assert read(org, lambda: Organization.objects.get(pk=org.pk).require_mfa_for_staff) is False
    response = api(admin).patch(f"/api/v1/o/{org.slug}/", {"require_mfa_for_staff": True})
    assert response.status_code == 200 and response.json()["require_mfa_for_staff"] is True


def test_member_roles_and_team_are_typed(api, org, admin, employee):
    member_id = api(admin).get(f"/api/v1/o/{org.slug}/members/", {"role": "employee"}).json()["results"]
    target = next(m["id"] for m in member_id if m["user"]["email"] == employee.email)
    url = f"/api/v1/o/{org.slug}/members/{target}/"
    response = api(admin).patch(url, {"roles": "admin", "team": "1"})
    assert response.status_code == 400
    assert error_of(response)["details"] == {"roles": ["Must be a list."], "team": ["Must be a whole number."]}
    response = api(admin).patch(url, {"roles": ["admin", 3]})
    assert error_of(response)["details"] == {"roles": ["Item 2: Must be a string."]}


@pytest.mark.parametrize("page_size", ["0", "201", "-1", "abc", "", "null", "1.5"])
def test_a_page_size_out_of_range_is_400(api, org, admin, page_size):
    response = api(admin).get(teams(org), {"page_size": page_size})
    assert response.status_code == 400
    assert error_of(response)["details"] == {"page_size": ["Enter a whole number from 1 to 200."]}


def test_a_page_size_in_range_pages(api, org, admin, team):
    response = api(admin).get(teams(org), {"page_size": "1"})
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    assert api(admin).get(teams(org), {"page_size": "200"}).status_code == 200


def test_a_text_post_has_null_addresses_and_no_campaign(api, org, employee):
    item = ContentItemFactory(organization=org, kind=ContentItem.Kind.TEXT, url="", title="Just words")
    body = api(employee).get(f"/api/v1/o/{org.slug}/content/items/{item.pk}/").json()
    assert body["url"] is None and body["image_url"] is None and body["campaign"] is None
    share = api(employee).post(f"/api/v1/o/{org.slug}/content/items/{item.pk}/share/", {"network": "linkedin"})
    assert share.status_code == 201, share.content
    assert share.json()["destination"] is None and share.json()["tracked_link"] is None


def test_a_revision_whose_author_is_gone_has_a_null_author(api, org, admin, employee, read, in_org):
    response = api(employee).post(
        f"/api/v1/o/{org.slug}/content/revisions/", {"url": "https://news.example.com/x", "title": "Idea"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == employee.email
    with in_org(org):
        ContentRevision.objects.filter(pk=response.json()["id"]).update(author=None)
    listed = api(admin).get(f"/api/v1/o/{org.slug}/content/revisions/").json()["results"]
    assert [r["author"] for r in listed] == [None]


def test_the_api_creates_links_and_text_posts_not_graphics(api, org, admin):
    response = api(admin).post(f"/api/v1/o/{org.slug}/content/items/", {"kind": "file", "title": "A picture"})
    assert response.status_code == 400
    assert list(error_of(response)["details"]) == ["kind"]
