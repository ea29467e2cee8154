"""API of connected accounts: every member lists their own accounts with the state in words, never a token;
nobody else's; another organization's members get 404; the same queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.core import secrets
from tests.factories import MembershipFactory
from tests.monitoring.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def url(org):
    return f"/api/v1/o/{org.slug}/monitoring/accounts/"


def test_members_list_their_own_accounts_without_tokens(org, other_org, employee, client_for):
    mine = ConnectedAccountFactory(
        organization=org, user=employee, access_token_encrypted=secrets.encrypt("secret-token-1"), last_error=""
    )
    ConnectedAccountFactory(organization=org, user=MembershipFactory(organization=org).user)
    response = client_for(employee).get(url(org))
    assert response.status_code == 200
    body = response.json()
    results = body["results"] if isinstance(body, dict) else body
    assert [r["id"] for r in results] == [mine.pk]
    assert results[0]["state"] == "connected" and results[0]["state_label"] == "Connected"
    assert "secret-token-1" not in response.content.decode()
    assert "access_token" not in response.content.decode() and "token_encrypted" not in response.content.decode()
    outsider = MembershipFactory(organization=other_org).user
    assert client_for(outsider).get(url(org)).status_code == 404


def test_the_list_costs_the_same_queries_at_two_sizes(org, employee, client_for):
    client = client_for(employee)
    ConnectedAccountFactory(organization=org, user=employee)
    client.get(url(org))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(org)).status_code == 200
        return len(captured)

    small = count()
    for _ in range(4):
        ConnectedAccountFactory(organization=org, user=employee)
    assert count() == small
