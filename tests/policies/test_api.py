"""API: list/read (no drafts for employees), acknowledge with quiz answers, publish, report; roles."""

import pytest

from advocacy.tenancy.context import organization_scope
from policies.models import Acknowledgement, PolicyVersion
from policies.selectors import open_draft

from .factories import make_policy, publish, published_policy

pytestmark = pytest.mark.django_db

QUIZ = "Q: Disclose?\n- No\n* Yes\n"


def api(org, tail=""):
    return f"/api/v1/o/{org.slug}/policies/{tail}"


def test_employee_lists_reads_and_acknowledges_with_quiz(org, hr, employee, client_for):
    policy = make_policy(org, actor=hr)
    version = publish(org, policy, actor=hr, quiz=QUIZ, pass_mark=100)
    client = client_for(employee)
    listing = client.get(api(org)).json()
    assert [p["id"] for p in listing["results"]] == [policy.pk] and listing["results"][0]["acknowledged"] is False
    detail = client.get(api(org, f"{policy.pk}/versions/{version.pk}/")).json()
    assert detail["quiz"] == [{"prompt": "Disclose?", "choices": ["No", "Yes"]}]  # no right answers
    failed = client.post(
        api(org, f"{policy.pk}/versions/{version.pk}/acknowledge/"),
        {"quiz_answers": [0]},
        content_type="application/json",
    )
    assert failed.status_code == 200 and failed.json()["acknowledged"] is False and failed.json()["quiz_score"] == 0
    ok = client.post(
        api(org, f"{policy.pk}/versions/{version.pk}/acknowledge/"),
        {"quiz_answers": [1]},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["content_sha256"] == version.content_sha256
    again = client.post(
        api(org, f"{policy.pk}/versions/{version.pk}/acknowledge/"),
        {"quiz_answers": [1]},
        content_type="application/json",
    )
    assert again.status_code == 400 and "already acknowledged" in again.json()["error"]["message"]


def test_employee_cannot_publish_or_read_report(org, hr, employee, client_for):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        from policies import services

        draft = services.draft_start(organization=org, actor=hr, policy=policy)
    client = client_for(employee)
    assert client.get(api(org, f"{policy.pk}/versions/{draft.pk}/")).status_code == 404
    response = client.post(
        api(org, f"{policy.pk}/versions/{draft.pk}/publish/"),
        {"change_kind": "material"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    with organization_scope(org):
        assert PolicyVersion.objects.get(pk=draft.pk).status == "draft"
    assert client.get(api(org, f"{policy.pk}/versions/{version.pk}/report/")).status_code == 403


def test_hr_publishes_and_reads_report(org, hr, employee, client_for):
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        draft = open_draft(organization=org, policy=policy)
    client = client_for(hr)
    bad = client.post(
        api(org, f"{policy.pk}/versions/{draft.pk}/publish/"),
        {"change_kind": "editorial"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    published = client.post(
        api(org, f"{policy.pk}/versions/{draft.pk}/publish/"),
        {"change_kind": "material"},
        content_type="application/json",
    )
    assert published.status_code == 200 and published.json()["number"] == 1
    client_for(employee).post(
        api(org, f"{policy.pk}/versions/{draft.pk}/acknowledge/"), {}, content_type="application/json"
    )
    report = client_for(hr).get(api(org, f"{policy.pk}/versions/{draft.pk}/report/")).json()
    assert report["acknowledged"] == 1 and report["total"] >= 2
    assert {p["email"] for p in report["people"]} >= {employee.email, hr.email}
    with organization_scope(org):
        assert Acknowledgement.objects.count() == 1
