import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.accounts.models import ApiToken
from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy.models import Membership
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .helpers import error_of, snapshot

pytestmark = pytest.mark.django_db


def url(org, member=None, action=""):
    base = f"/api/v1/o/{org.slug}/members/"
    if member is not None:
        base += f"{member.pk}/"
    return base + (f"{action}/" if action else "")


def membership_of(org, read, user):
    return read(org, lambda: Membership.objects.select_related("team").get(user=user))


def test_list_members(api, org, admin, employee, team, read):
    MembershipFactory(organization=org, user=UserFactory(email="zed@acme-test.example"), team=team)
    response = api(admin).get(url(org))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    emails = {m["user"]["email"] for m in body["results"]}
    assert emails == {admin.email, employee.email, "zed@acme-test.example"}
    zed = next(m for m in body["results"] if m["user"]["email"] == "zed@acme-test.example")
    assert zed["team"] == {"id": team.pk, "name": "Marketing"}
    assert zed["roles"] == ["employee"]
    assert zed["is_active"] is True


def test_list_filters(api, org, admin, employee, hr, team):
    tagged = MembershipFactory(organization=org, user=UserFactory(full_name="Quentin Filterable"), team=team)
    client = api(admin)

    def emails(**params):
        response = client.get(url(org), params)
        assert response.status_code == 200, response.content
        return {m["user"]["email"] for m in response.json()["results"]}

    assert emails(search="quentin") == {tagged.user.email}
    assert emails(search="hr@acme") == {hr.email}
    assert emails(role="admin") == {admin.email}
    assert emails(team=team.pk) == {tagged.user.email}
    assert emails() == {admin.email, employee.email, hr.email, tagged.user.email}  # left out = no filter


def test_an_empty_filter_is_400_not_ignored(api, org, admin):
    client = api(admin)
    for name in ("team", "role", "is_active"):
        response = client.get(url(org), {name: ""})
        assert response.status_code == 400, name
        assert name in error_of(response)["details"]
    assert error_of(client.get(url(org), {"team": ""}))["details"]["team"] == ["Give a team id, or leave team out."]


def test_is_active_filter(api, org, admin, employee, read, in_org):
    with in_org(org):
        Membership.objects.filter(user=employee).update(is_active=False)
    client = api(admin)
    active = {m["user"]["email"] for m in client.get(url(org), {"is_active": "true"}).json()["results"]}
    inactive = {m["user"]["email"] for m in client.get(url(org), {"is_active": "false"}).json()["results"]}
    everyone = {m["user"]["email"] for m in client.get(url(org)).json()["results"]}
    assert active == {admin.email}
    assert inactive == {employee.email}
    assert everyone == {admin.email, employee.email}


def test_bad_filters_are_400(api, org, admin):
    client = api(admin)
    response = client.get(url(org), {"role": "overlord"})
    assert response.status_code == 400
    assert "role" in error_of(response)["details"]
    response = client.get(url(org), {"team": "abc"})
    assert response.status_code == 400
    assert "team" in error_of(response)["details"]


def test_team_filter_from_another_org_is_400(api, org, admin, other_org):
    foreign = TeamFactory(organization=other_org)
    response = api(admin).get(url(org), {"team": foreign.pk})
    assert response.status_code == 400
    assert error_of(response)["details"]["team"] == [f"No team with id {foreign.pk} in this organization."]


def test_cursor_pagination(api, org, admin):
    for _ in range(4):
        MembershipFactory(organization=org)
    client = api(admin)
    first = client.get(url(org), {"page_size": 3}).json()
    assert len(first["results"]) == 3 and first["previous"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    ids = [m["id"] for m in first["results"] + second["results"]]
    assert ids == sorted(ids) and len(set(ids)) == 5


def test_list_query_count_does_not_grow(api, org, admin, team):
    client = api(admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(org)).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        MembershipFactory(organization=org, team=team)
    count()  # warm the per-request caches (user, membership)
    small = count()
    teams = [TeamFactory(organization=org) for _ in range(3)]
    for i in range(20):
        MembershipFactory(organization=org, team=teams[i % 3])
    assert count() == small


def test_hr_may_view_members(api, org, hr, employee):
    response = api(hr).get(url(org))
    assert response.status_code == 200
    assert {m["user"]["email"] for m in response.json()["results"]} >= {hr.email, employee.email}


@pytest.mark.parametrize("role_fixture", ["employee", "moderator"])
def test_members_list_forbidden_without_members_view(role_fixture, request, api, org):
    user = request.getfixturevalue(role_fixture)
    response = api(user).get(url(org))
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_retrieve_member(api, org, admin, employee, read):
    member = membership_of(org, read, employee)
    response = api(admin).get(url(org, member))
    assert response.status_code == 200
    assert response.json()["user"] == {"id": employee.pk, "email": employee.email, "full_name": employee.full_name}


def test_unknown_member_is_404(api, org, admin):
    response = api(admin).get(f"/api/v1/o/{org.slug}/members/999999/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_member_of_another_org_is_404_even_for_an_admin(api, org, admin, other_org, other_admin, read):
    foreign = membership_of(other_org, read, other_admin)
    for method in ("get", "patch"):
        response = getattr(api(admin), method)(f"/api/v1/o/{org.slug}/members/{foreign.pk}/", {"roles": ["hr"]})
        assert response.status_code == 404
    response = api(admin).post(f"/api/v1/o/{org.slug}/members/{foreign.pk}/deactivate/")
    assert response.status_code == 404
    assert membership_of(other_org, read, other_admin).is_active


def test_change_roles_and_team(api, org, admin, employee, team, read):
    member = membership_of(org, read, employee)
    response = api(admin).patch(url(org, member), {"roles": ["hr", "employee"], "team": team.pk, "title": "Lead"})
    assert response.status_code == 200, response.content
    assert response.json()["roles"] == ["employee", "hr"]
    assert response.json()["team"] == {"id": team.pk, "name": team.name}
    member = membership_of(org, read, employee)
    assert member.roles == ["employee", "hr"] and member.team == team and member.title == "Lead"
    actions = read(org, lambda: list(AuditEvent.objects.order_by("id").values_list("action", flat=True)))
    assert actions[-2:] == ["member.roles_changed", "member.team_changed"]


def test_partial_update_keeps_what_is_not_sent(api, org, admin, employee, team, read, in_org):
    with in_org(org):
        Membership.objects.filter(user=employee).update(team=team, roles=[Role.EMPLOYEE, Role.MODERATOR])
    member = membership_of(org, read, employee)
    assert api(admin).patch(url(org, member), {"title": "Writer"}).status_code == 200
    member = membership_of(org, read, employee)
    assert member.team == team and member.roles == ["employee", "moderator"] and member.title == "Writer"
    assert api(admin).patch(url(org, member), {"team": None}).status_code == 200
    assert membership_of(org, read, employee).team is None


def test_team_of_another_org_in_body_is_rejected(api, org, admin, employee, other_org, read):
    foreign = TeamFactory(organization=other_org, name="Foreign")
    member = membership_of(org, read, employee)
    before = snapshot(org, read, Membership)
    response = api(admin).patch(url(org, member), {"team": foreign.pk, "roles": ["admin"]})
    assert response.status_code == 400
    assert "team" in error_of(response)["details"]
    assert snapshot(org, read, Membership) == before


def test_service_rule_is_a_400_and_changes_nothing(api, org, admin, read):
    me = membership_of(org, read, admin)
    before = snapshot(org, read, Membership)
    response = api(admin).patch(url(org, me), {"roles": ["employee"]})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "An organization must keep at least one active admin."
    assert snapshot(org, read, Membership) == before


def test_unknown_role_is_400(api, org, admin, employee, read):
    member = membership_of(org, read, employee)
    response = api(admin).patch(url(org, member), {"roles": ["superuser"]})
    assert response.status_code == 400
    assert "roles" in error_of(response)["details"]


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_only_admins_change_members(role_fixture, request, api, org, admin, employee, team, read):
    user = request.getfixturevalue(role_fixture)
    target = membership_of(org, read, admin)
    before = snapshot(org, read, Membership)
    client = api(user)
    assert client.patch(url(org, target), {"roles": ["employee"], "team": team.pk}).status_code == 403
    assert client.post(url(org, target, "deactivate")).status_code == 403
    assert client.post(url(org, target, "reactivate")).status_code == 403
    assert snapshot(org, read, Membership) == before


def test_deactivate_and_reactivate(api, org, admin, employee, make_token, read):
    raw = make_token(employee, org)
    member = membership_of(org, read, employee)
    client = api(admin)
    response = client.post(url(org, member, "deactivate"))
    assert response.status_code == 200
    assert response.json()["is_active"] is False and response.json()["deactivated_at"]
    assert ApiToken.objects.get(key_prefix=raw[:10]).revoked_at is not None
    assert api(token=raw).get(f"/api/v1/o/{org.slug}/").status_code == 401
    assert api(employee).get(f"/api/v1/o/{org.slug}/").status_code == 404

    again = client.post(url(org, member, "deactivate"))
    assert again.status_code == 400
    assert error_of(again)["message"] == "This member is already deactivated."

    response = client.post(url(org, member, "reactivate"))
    assert response.status_code == 200 and response.json()["is_active"] is True
    assert membership_of(org, read, employee).is_active


def test_cannot_deactivate_yourself(api, org, admin, read):
    me = membership_of(org, read, admin)
    response = api(admin).post(url(org, me, "deactivate"))
    assert response.status_code == 400
    assert error_of(response)["message"] == "You cannot deactivate yourself."
    assert membership_of(org, read, admin).is_active


def test_put_and_delete_are_405(api, org, admin, employee, read):
    member = membership_of(org, read, employee)
    for method in ("put", "delete"):
        response = getattr(api(admin), method)(url(org, member), {"roles": ["admin"]})
        assert response.status_code == 405
        assert error_of(response)["code"] == "method_not_allowed"
    assert membership_of(org, read, employee).roles == ["employee"]
