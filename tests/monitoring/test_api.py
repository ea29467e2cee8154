"""The monitoring API: posts, mentions and rules under /api/v1/o/<slug>/monitoring/, with the pages'
permissions; rules written by moderators and admins; no token ever in an answer; query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from monitoring.models import ConnectedAccount, Rule
from monitoring.services.intake import mentions_ingest, posts_ingest
from tests.monitoring.factories import ConnectedAccountFactory, PullRunFactory, RuleFactory, pulled

pytestmark = pytest.mark.django_db


class JsonClient(Client):
    """A signed-in session (the API takes sessions as the pages do) sending JSON bodies."""

    def post(self, path, data=None, **kwargs):
        kwargs.pop("format", None)
        return super().post(path, data, content_type="application/json", **kwargs)

    def patch(self, path, data=None, **kwargs):
        kwargs.pop("format", None)
        return super().patch(path, data, content_type="application/json", **kwargs)


def api(user):
    client = JsonClient()
    client.force_login(user)
    return client


def base(org):
    return f"/api/v1/o/{org.slug}/monitoring/"


def _posts(org, n, token="secret-token-value"):
    account = ConnectedAccountFactory(organization=org, access_token_encrypted=token)
    run = PullRunFactory(organization=org, account=account)
    with organization_scope(org):
        return posts_ingest(
            organization=org, account=account, run=run, pulled=[pulled(f"Post {i} about a leak") for i in range(n)]
        )


def test_posts_list_and_detail_for_moderators_only(org, moderator, employee):
    RuleFactory(organization=org, name="Leaks", pattern="leak")
    ids = _posts(org, 2)
    assert api(employee).get(base(org) + "posts/").status_code == 403
    response = api(moderator).get(base(org) + "posts/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert sorted(r["id"] for r in results) == sorted(ids)
    first = results[0]
    assert first["matches"][0]["matched_text"] == "leak" and first["sentiment"]["state"] == "scored"
    assert "token" not in response.content.decode() and "secret-token-value" not in response.content.decode()
    detail = api(moderator).get(base(org) + f"posts/{ids[0]}/")
    assert detail.status_code == 200 and detail.json()["engagement"] == {
        "likes": 0,
        "reposts": 0,
        "replies": 0,
        "quotes": 0,
    }


def test_posts_filters_are_checked(org, other_org, moderator):
    foreign = RuleFactory(organization=other_org)
    client = api(moderator)
    assert client.get(base(org) + f"posts/?rule={foreign.pk}").status_code == 400
    assert client.get(base(org) + "posts/?sentiment=angry").status_code == 400
    assert client.get(base(org) + "posts/?sentiment=negative&period=all").status_code == 200


def test_posts_list_query_count_does_not_grow(org, moderator):
    client = api(moderator)
    _posts(org, 2)
    client.get(base(org) + "posts/")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(base(org) + "posts/").status_code == 200
        return len(captured.captured_queries)

    small = count()
    _posts(org, 20)
    assert count() == small


def test_mentions_list(org, admin):
    run = PullRunFactory(organization=org, kind="mentions")
    with organization_scope(org):
        (mention_id,) = mentions_ingest(organization=org, run=run, pulled=[pulled("Hi", author_handle="a@b.example")])
    response = api(admin).get(base(org) + "mentions/")
    assert [m["id"] for m in response.json()["results"]] == [mention_id]
    assert api(admin).get(base(org) + f"mentions/{mention_id}/").json()["author_handle"] == "a@b.example"


def test_rules_are_written_by_moderators_with_every_error_at_once(org, moderator, employee):
    client = api(moderator)
    bad = client.post(
        base(org) + "rules/", {"name": "", "kind": "regex", "pattern": "(", "category": "x"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]) == {"name", "pattern", "category"}
    created = client.post(
        base(org) + "rules/",
        {"name": "Leaks", "kind": "phrase", "pattern": "leak", "category": "confidential", "severity": "high"},
        format="json",
    )
    assert created.status_code == 201
    rule_id = created.json()["id"]
    changed = client.patch(base(org) + f"rules/{rule_id}/", {"severity": "critical"}, format="json")
    assert changed.status_code == 200 and changed.json()["severity"] == "critical"
    assert api(employee).patch(base(org) + f"rules/{rule_id}/", {"name": "X"}, format="json").status_code == 403
    assert api(employee).delete(base(org) + f"rules/{rule_id}/").status_code == 403
    with organization_scope(org):
        assert Rule.objects.get().name == "Leaks"
    assert client.delete(base(org) + f"rules/{rule_id}/").status_code == 204
    with organization_scope(org):
        assert not Rule.objects.exists()
        assert AuditEvent.objects.filter(action__startswith="monitoring.rule_").count() == 3


def test_rules_refuse_another_organizations_policy(org, other_org, moderator):
    from tests.policies.factories import published_policy

    policy, _version = published_policy(other_org)
    response = api(moderator).post(
        base(org) + "rules/",
        {"name": "P", "kind": "phrase", "pattern": "x", "category": "confidential", "policy": policy.pk},
        format="json",
    )
    assert response.status_code == 400 and "policy" in response.json()["error"]["details"]


def test_rule_test_endpoint(org, moderator):
    RuleFactory(organization=org, name="Leaks", pattern="leak")
    response = api(moderator).post(base(org) + "rules/test/", {"text": "It leaked!"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "en" and [m["text"] for m in body["matches"]] == ["leaked"]


def test_no_token_in_any_answer(org, admin):
    _posts(org, 1, token="gAAAA-never-shown")
    with organization_scope(org):
        assert ConnectedAccount.objects.filter(access_token_encrypted="gAAAA-never-shown").exists()
    for path in ("posts/", "mentions/", "rules/"):
        assert "gAAAA-never-shown" not in api(admin).get(base(org) + path).content.decode()
