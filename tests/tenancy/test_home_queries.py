"""The organization home page costs the same number of queries whatever the organization's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _count(client, url, clear_cache):
    """(queries with cold caches, queries with warm caches)."""
    counts = []
    clear_cache()
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    return tuple(counts)


@pytest.mark.parametrize("who", ["admin", "employee"])
def test_home_query_count_does_not_grow(who, request, client_for, org, clear_cache):
    user = request.getfixturevalue(who)
    client = client_for(user)
    url = f"/o/{org.slug}/"
    small = _count(client, url, clear_cache)
    teams = [TeamFactory(organization=org) for _ in range(5)]
    for i in range(60):
        MembershipFactory(organization=org, team=teams[i % 5])
    large = _count(client, url, clear_cache)
    assert small == large
