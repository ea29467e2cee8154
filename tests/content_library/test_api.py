"""The content API: list/search/read, share and get the tracked link, suggest, approve; roles."""

import pytest

from advocacy.tenancy.context import organization_scope
from content_library.models import ContentItem, Share
from tests.content_library.factories import CampaignFactory, ContentItemFactory, HashtagFactory

pytestmark = pytest.mark.django_db


JSON = "application/json"  # the API takes JSON request bodies only


def api(org, path=""):
    return f"/api/v1/o/{org.slug}/content/{path}"


def test_list_search_and_read(org, employee, client_for):
    a = ContentItemFactory(organization=org, title="Engineers wanted in Lisbon")
    ContentItemFactory(organization=org, title="Draft", status="draft")
    client = client_for(employee)
    listed = client.get(api(org, "items/")).json()["results"]
    assert [r["title"] for r in listed] == ["Engineers wanted in Lisbon"]
    found = client.get(api(org, "items/"), {"q": "engineer"}).json()["results"]
    assert found[0]["id"] == a.pk and "<mark>" in found[0]["title_highlighted"]
    assert client.get(api(org, f"items/{a.pk}/")).json()["title"] == a.title
    HashtagFactory(organization=org)
    CampaignFactory(organization=org)
    assert len(client.get(api(org, "hashtags/")).json()["results"]) == 1
    assert len(client.get(api(org, "campaigns/")).json()["results"]) == 1


def test_share_and_confirm(org, employee, client_for):
    item = ContentItemFactory(organization=org)
    client = client_for(employee)
    created = client.post(
        api(org, f"items/{item.pk}/share/"), {"network": "x", "caption": "Read this"}, content_type=JSON
    )
    assert created.status_code == 201
    body = created.json()
    assert "/l/" in body["tracked_link"] and body["intent_url"].startswith("https://x.com/intent/post?")
    assert body["status"] == "prepared"
    confirmed = client.post(api(org, f"shares/{body['id']}/confirm/")).json()
    assert confirmed["status"] == "confirmed"
    assert client.post(api(org, f"shares/{body['id']}/confirm/")).status_code == 200
    with organization_scope(org):
        assert ContentItem.objects.get().share_count == 1


def test_employee_cannot_create_or_publish_and_nothing_changes(org, employee, client_for):
    draft = ContentItemFactory(organization=org, status="draft")
    client = client_for(employee)
    new = {"title": "X", "url": "https://a.example"}
    assert client.post(api(org, "items/"), new, content_type=JSON).status_code == 403
    assert client.post(api(org, f"items/{draft.pk}/publish/")).status_code in (403, 404)
    assert client.get(api(org, "revisions/")).status_code == 403
    with organization_scope(org):
        assert ContentItem.objects.count() == 1 and ContentItem.objects.get().status == "draft"


def test_admin_creates_publishes_and_approves_a_suggestion(org, admin, employee, client_for):
    created = client_for(admin).post(
        api(org, "items/"),
        {"title": "Launch", "url": "https://acme.example/l", "captions": {"x": "Go!"}},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert client_for(admin).post(api(org, f"items/{item_id}/publish/")).json()["status"] == "published"
    bad = client_for(employee).post(api(org, "revisions/"), {"url": "ftp://x", "title": "T"}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"
    suggestion = client_for(employee).post(
        api(org, "revisions/"), {"url": "https://acme.example/s", "title": "Idea"}, content_type=JSON
    )
    assert suggestion.status_code == 201
    revision_id = suggestion.json()["id"]
    assert client_for(employee).post(api(org, f"revisions/{revision_id}/approve/")).status_code == 403
    approved = client_for(admin).post(api(org, f"revisions/{revision_id}/approve/"))
    assert approved.status_code == 200 and approved.json()["status"] == "published"


def test_refused_share_records_nothing(org, employee, admin, client_for):
    from content_library import services

    with organization_scope(org):
        services.content_settings_update(
            organization=org,
            actor=admin,
            daily_share_cap=0,
            sharing_start=None,
            sharing_end=None,
            timezone_name="UTC",
            networks_enabled=["linkedin"],
            moderators_may_approve=False,
        )
    item = ContentItemFactory(organization=org)
    response = client_for(employee).post(api(org, f"items/{item.pk}/share/"), {"network": "x"}, content_type=JSON)
    assert response.status_code == 403 and response.json()["error"]["code"] == "share_refused"
    with organization_scope(org):
        assert not Share.objects.exists()
