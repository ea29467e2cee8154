"""The API under /api/v1/o/<slug>/monitoring/incidents/: the pages' permission (monitoring.incidents), the same
services, ids checked against the organization."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.tenancy.context import organization_scope
from monitoring.incidents.models import Incident, TimelineEntry
from tests.tenancy.test_cross_tenant_urls import _rows_of

from .factories import incident, plan

pytestmark = pytest.mark.django_db
API = "/api/v1/o/{slug}/monitoring/incidents/"


def test_declare_move_and_note_through_the_api(org, hr, moderator, client):
    plan(org, hr)
    client.force_login(moderator)
    base = API.format(slug=org.slug)
    created = client.post(base, {"title": "Leak", "severity": "high", "summary": "A screenshot."}, "application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "open" and body["reference"] == f"INC-{body['id']}"
    assert [s["text"] for s in body["steps"]][:1] == ["Screenshot the post"] and len(body["responders"]) == 2
    url = f"{base}{body['id']}/"
    moved = client.post(url + "transition/", {"transition": "contain", "note": "Post deleted."}, "application/json")
    assert moved.status_code == 200 and moved.json()["state"] == "contained"
    refused = client.post(url + "transition/", {"transition": "complete_review"}, "application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "validation_error"
    note = client.post(url + "notes/", {"text": "Legal briefed."}, "application/json")
    assert note.status_code == 201 and note.json()["kind"] == "note"
    detail = client.get(url).json()
    assert [e["kind"] for e in detail["timeline"]] == ["declared", "message", "state", "note"]
    assert detail["timeline"][2]["text"] == "Contained. Post deleted."
    listed = client.get(base + "?state=active").json()["results"]
    assert [i["id"] for i in listed] == [body["id"]]


def test_bad_input_is_400_with_every_field(org, moderator, client):
    client.force_login(moderator)
    response = client.post(API.format(slug=org.slug), {"title": "", "severity": "huge"}, "application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"title", "severity"}


def test_an_item_of_another_organization_is_404_and_creates_nothing(org, other_org, moderator, client):
    from tests.monitoring_review.factories import flagged_item

    theirs = flagged_item(other_org)
    client.force_login(moderator)
    before = _rows_of(org)
    response = client.post(
        API.format(slug=org.slug), {"title": "x", "severity": "low", "review_item_id": theirs.pk}, "application/json"
    )
    assert response.status_code == 404
    assert _rows_of(org) == before


def test_an_employee_is_refused_and_nothing_changes(org, moderator, employee, client):
    inc = incident(org, moderator)
    client.force_login(employee)
    before = _rows_of(org)
    base = API.format(slug=org.slug)
    assert client.get(base).status_code == 403
    assert client.get(f"{base}{inc.pk}/").status_code == 403
    assert client.post(base, {"title": "x", "severity": "low"}, "application/json").status_code == 403
    assert client.post(f"{base}{inc.pk}/transition/", {"transition": "resolve"}, "application/json").status_code == 403
    assert client.post(f"{base}{inc.pk}/notes/", {"text": "x"}, "application/json").status_code == 403
    assert _rows_of(org) == before


def test_the_list_costs_the_same_queries_at_two_sizes(org, moderator, client):
    client.force_login(moderator)
    url = API.format(slug=org.slug)
    incident(org, moderator, title="first")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for i in range(10):
        incident(org, moderator, title=f"more {i}")
    assert count() == small
    with organization_scope(org):
        assert Incident.objects.count() == 11 and TimelineEntry.objects.exists()
