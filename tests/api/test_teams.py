import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.tenancy.models import Membership, Team
from tests.factories import MembershipFactory, TeamFactory

from .helpers import error_of, snapshot

pytestmark = pytest.mark.django_db


def url(org, team=None):
    return f"/api/v1/o/{org.slug}/teams/" + (f"{team.pk}/" if team is not None else "")


def test_every_member_lists_teams_with_member_counts(api, org, employee, team):
    MembershipFactory(organization=org, team=team)
    MembershipFactory(organization=org, team=team, is_active=False)
    TeamFactory(organization=org, name="Engineering")
    response = api(employee).get(url(org))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [t["name"] for t in results] == ["Engineering", "Marketing"]
    assert {t["name"]: t["member_count"] for t in results} == {"Engineering": 0, "Marketing": 1}


def test_list_query_count_does_not_grow(api, org, admin):
    client = api(admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(org)).status_code == 200
        return len(ctx.captured_queries)

    TeamFactory(organization=org)
    count()  # warm the per-request caches (user, membership)
    small = count()
    for _ in range(12):
        MembershipFactory(organization=org, team=TeamFactory(organization=org))
    assert count() == small


def test_retrieve_team(api, org, employee, team):
    response = api(employee).get(url(org, team))
    assert response.status_code == 200
    assert response.json()["name"] == "Marketing"


def test_admin_creates_updates_and_deletes_a_team(api, org, admin, read):
    client = api(admin)
    response = client.post(url(org), {"name": "Sales", "description": "Closers"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "Sales" and created["member_count"] == 0
    team = read(org, lambda: Team.objects.get(pk=created["id"]))
    member = MembershipFactory(organization=org, team=team)

    response = client.patch(url(org, team), {"name": "Sales EMEA"})
    assert response.status_code == 200
    assert response.json() == {**response.json(), "name": "Sales EMEA", "description": "Closers", "member_count": 1}

    response = client.delete(url(org, team))
    assert response.status_code == 204
    assert not read(org, lambda: Team.objects.filter(pk=team.pk).exists())
    assert read(org, lambda: Membership.objects.get(pk=member.pk).team_id) is None


def test_duplicate_name_is_400(api, org, admin, team, read):
    before = snapshot(org, read, Team)
    response = api(admin).post(url(org), {"name": "marketing"})
    assert response.status_code == 400
    assert error_of(response)["message"] == "There is already a team called “marketing”."
    assert snapshot(org, read, Team) == before


def test_missing_name_is_400(api, org, admin):
    response = api(admin).post(url(org), {"description": "no name"})
    assert response.status_code == 400
    assert error_of(response)["details"]["name"] == ["This field is required."]


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_only_admins_manage_teams(role_fixture, request, api, org, team, read):
    user = request.getfixturevalue(role_fixture)
    before = snapshot(org, read, Team)
    client = api(user)
    assert client.post(url(org), {"name": "Rogue"}).status_code == 403
    assert client.patch(url(org, team), {"name": "Renamed"}).status_code == 403
    assert client.delete(url(org, team)).status_code == 403
    assert snapshot(org, read, Team) == before


def test_team_of_another_org_is_404(api, org, admin, other_org, read):
    foreign = TeamFactory(organization=other_org, name="Theirs")
    client = api(admin)
    assert client.get(url(org, foreign)).status_code == 404
    assert client.patch(url(org, foreign), {"name": "Mine now"}).status_code == 404
    assert client.delete(url(org, foreign)).status_code == 404
    assert read(other_org, lambda: Team.objects.get(pk=foreign.pk).name) == "Theirs"
