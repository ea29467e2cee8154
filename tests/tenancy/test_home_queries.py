"""The organization home page costs the same number of queries whatever the organization's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["admin", "employee"])
def test_home_query_count_does_not_grow(who, request, client_for, org):
    user = request.getfixturevalue(who)
    client = client_for(user)
    url = f"/o/{org.slug}/"
    client.get(url)  # warm the session
    small = _count(client, url)
    teams = [TeamFactory(organization=org) for _ in range(5)]
    for i in range(60):
        MembershipFactory(organization=org, team=teams[i % 5])
    large = _count(client, url)
    assert small == large
