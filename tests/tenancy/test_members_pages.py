"""The members list and the member page: search, filters, pagination, htmx, changes, deactivation."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from advocacy.accounts.models import ApiToken, UserSession
from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def members_url(org, suffix=""):
    return f"/o/{org.slug}/members/{suffix}"


def member(org, in_org, user):
    with in_org(org):
        return Membership.objects.get(organization=org, user=user)


def audit_actions(org, in_org):
    with in_org(org):
        return list(AuditEvent.objects.filter(organization=org).order_by("id").values_list("action", "data"))


def reload(obj):
    """Tenant rows are only visible inside their organization's scope (row-level security)."""
    with organization_scope(obj.organization):
        obj.refresh_from_db()
    return obj


def row_count(response):
    return response.content.decode().count('class="person"')


# --- list ------------------------------------------------------------------------------------------------


def test_list_shows_each_member_row(client_for, admin, org, team):
    person = UserFactory(email="zed.zulu@acme-test.example", full_name="Zed Zulu")
    m = MembershipFactory(organization=org, user=person, team=team, roles=[Role.HR, Role.EMPLOYEE])
    response = client_for(admin).get(members_url(org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zed Zulu" in html
    assert "zed.zulu@acme-test.example" in html
    assert ">ZZ<" in html  # avatar initials
    assert "Marketing" in html
    assert ">HR<" in html and ">Employee<" in html
    assert "Active" in html
    assert m.joined_at.strftime("%Y") in html
    assert f'href="/o/{org.slug}/members/{m.pk}/"' in html


def test_search_by_name_and_email(client_for, admin, org):
    MembershipFactory(organization=org, user=UserFactory(email="grace@acme-test.example", full_name="Grace Hopper"))
    MembershipFactory(organization=org, user=UserFactory(email="ada@acme-test.example", full_name="Ada Lovelace"))
    client = client_for(admin)
    html = client.get(members_url(org), {"q": "hopper"}).content.decode()
    assert "Grace Hopper" in html and "Ada Lovelace" not in html
    html = client.get(members_url(org), {"q": "ADA@"}).content.decode()
    assert "Ada Lovelace" in html and "Grace Hopper" not in html


def test_filters_role_team_status(client_for, admin, org, team, in_org):
    sales = TeamFactory(organization=org, name="Sales")
    MembershipFactory(organization=org, user=UserFactory(full_name="Mo Moderator"), roles=[Role.MODERATOR], team=sales)
    MembershipFactory(organization=org, user=UserFactory(full_name="Em Employee"), team=team)
    MembershipFactory(organization=org, user=UserFactory(full_name="Gone Person"), is_active=False)
    client = client_for(admin)

    html = client.get(members_url(org), {"role": "moderator"}).content.decode()
    assert "Mo Moderator" in html and "Em Employee" not in html

    html = client.get(members_url(org), {"team": str(team.pk)}).content.decode()
    assert "Em Employee" in html and "Mo Moderator" not in html

    html = client.get(members_url(org), {"team": "none"}).content.decode()
    assert "Em Employee" not in html and "Mo Moderator" not in html and admin.email in html

    html = client.get(members_url(org)).content.decode()
    assert "Gone Person" not in html  # active by default
    html = client.get(members_url(org), {"status": "deactivated"}).content.decode()
    assert "Gone Person" in html and "Em Employee" not in html and "Deactivated" in html
    html = client.get(members_url(org), {"status": "all"}).content.decode()
    assert all(name in html for name in ("Gone Person", "Em Employee", "Mo Moderator"))


def test_team_filter_from_another_org_is_rejected(client_for, admin, org, other_org):
    foreign = TeamFactory(organization=other_org, name="Foreign Team")
    MembershipFactory(organization=org, user=UserFactory(full_name="Still Listed"))
    response = client_for(admin).get(members_url(org), {"team": str(foreign.pk)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That team does not belong to this organization." in html
    assert "Still Listed" in html  # the bad filter is ignored, not applied
    assert "Foreign Team" not in html


def test_htmx_request_gets_the_table_partial(client_for, admin, org):
    client = client_for(admin)
    page = client.get(members_url(org)).content.decode()
    assert 'hx-get="/o/acme-test/members/"' in page
    assert 'hx-target="#members-results"' in page
    assert 'method="get"' in page  # works without JavaScript too
    partial = client.get(members_url(org), {"q": "admin"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="members-results"')
    assert "<html" not in body and admin.email in body
    assert "HX-Request" in partial["Vary"]


def test_pagination_fifty_per_page(client_for, admin, org):
    for i in range(59):
        MembershipFactory(organization=org, user=UserFactory(email=f"p{i:03}@acme-test.example"))
    client = client_for(admin)
    first = client.get(members_url(org))
    assert row_count(first) == 50
    assert "of 60" in first.content.decode()
    second = client.get(members_url(org), {"page": 2})
    assert row_count(second) == 10


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "acme", "role": "employee", "status": "all"}])
def test_query_count_does_not_grow_with_members(client_for, admin, org, params):
    team = TeamFactory(organization=org)
    for _ in range(4):
        MembershipFactory(organization=org, team=team)
    client = client_for(admin)
    client.get(members_url(org))  # warm up
    small = _queries(client, members_url(org), **params)
    for _ in range(55):
        MembershipFactory(organization=org, team=TeamFactory(organization=org))
    large = _queries(client, members_url(org), **params)
    assert small == large


# --- roles --------------------------------------------------------------------------------------------------


def test_hr_views_members_but_cannot_change_them(client_for, hr, employee, org, team, in_org):
    target = member(org, in_org, employee)
    client = client_for(hr)
    assert client.get(members_url(org)).status_code == 200
    page = client.get(members_url(org, f"{target.pk}/"))
    assert page.status_code == 200
    assert b"Save changes" not in page.content and b"Deactivate" not in page.content
    before = audit_actions(org, in_org)
    response = client.post(members_url(org, f"{target.pk}/"), {"roles": ["admin"], "team": team.pk})
    assert response.status_code == 403
    assert client.post(members_url(org, f"{target.pk}/deactivate/")).status_code == 403
    reload(target)
    assert target.roles == [Role.EMPLOYEE] and target.team_id is None and target.is_active
    assert audit_actions(org, in_org) == before


@pytest.mark.parametrize("role_fixture", ["employee", "moderator"])
def test_employee_and_moderator_get_403(request, client_for, org, role_fixture, admin, in_org):
    user = request.getfixturevalue(role_fixture)
    target = member(org, in_org, admin)
    client = client_for(user)
    assert client.get(members_url(org)).status_code == 403
    assert client.get(members_url(org, f"{target.pk}/")).status_code == 403
    assert client.post(members_url(org, f"{target.pk}/"), {"roles": ["employee"]}).status_code == 403
    assert client.post(members_url(org, f"{target.pk}/deactivate/")).status_code == 403
    reload(target)
    assert Role.ADMIN in target.roles and target.is_active


# --- changes ------------------------------------------------------------------------------------------------


def test_admin_changes_roles_team_and_title(client_for, admin, employee, org, team, in_org):
    target = member(org, in_org, employee)
    client = client_for(admin)
    page = client.get(members_url(org, f"{target.pk}/")).content.decode()
    assert 'type="checkbox" name="roles"' in page and "Marketing" in page
    response = client.post(
        members_url(org, f"{target.pk}/"), {"roles": ["employee", "moderator"], "team": team.pk, "title": "Editor"}
    )
    assert response.status_code == 302
    reload(target)
    assert target.roles == ["employee", "moderator"] and target.team_id == team.pk and target.title == "Editor"
    events = audit_actions(org, in_org)
    assert ("member.roles_changed", {"from": ["employee"], "to": ["employee", "moderator"]}) in events
    assert ("member.team_changed", {"from": None, "to": team.pk}) in events
    assert "Saved the changes" in client.get(response["Location"]).content.decode()


def test_roles_are_required(client_for, admin, employee, org, in_org):
    target = member(org, in_org, employee)
    response = client_for(admin).post(members_url(org, f"{target.pk}/"), {"roles": [], "title": "X"})
    assert response.status_code == 400
    assert b"Choose at least one role." in response.content
    reload(target)
    assert target.roles == [Role.EMPLOYEE] and target.title == ""


def test_team_from_another_org_is_rejected(client_for, admin, employee, org, other_org, in_org):
    foreign = TeamFactory(organization=other_org, name="Their Team")
    target = member(org, in_org, employee)
    response = client_for(admin).post(members_url(org, f"{target.pk}/"), {"roles": ["employee"], "team": foreign.pk})
    assert response.status_code == 400
    assert b"That team does not belong to this organization." in response.content
    reload(target)
    assert target.team_id is None


def test_last_admin_cannot_be_demoted(client_for, admin, org, in_org):
    me = member(org, in_org, admin)
    client = client_for(admin)
    before = audit_actions(org, in_org)
    response = client.post(members_url(org, f"{me.pk}/"), {"roles": ["employee"]})
    assert response.status_code == 400
    assert b"must keep at least one active admin" in response.content
    reload(me)
    assert Role.ADMIN in me.roles
    assert audit_actions(org, in_org) == before


def test_admin_cannot_deactivate_themselves(client_for, admin, org, in_org):
    me = member(org, in_org, admin)
    client = client_for(admin)
    response = client.post(members_url(org, f"{me.pk}/deactivate/"), follow=True)
    assert b"You cannot deactivate yourself." in response.content
    reload(me)
    assert me.is_active


def test_post_only_actions_refuse_get(client_for, admin, employee, org, in_org):
    target = member(org, in_org, employee)
    assert client_for(admin).get(members_url(org, f"{target.pk}/deactivate/")).status_code == 405
    reload(target)
    assert target.is_active


# --- deactivation ends access at once -----------------------------------------------------------------------


def test_deactivation_ends_sessions_and_revokes_tokens(client_for, admin, employee, org, other_org, in_org, password):
    target = member(org, in_org, employee)
    MembershipFactory(organization=other_org, user=employee)
    their_browser = Client()
    their_browser.force_login(employee)
    assert their_browser.get(f"/o/{org.slug}/").status_code == 200
    assert UserSession.objects.filter(user=employee).exists()
    raw = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=employee, organization=org, name="laptop", key_prefix=raw[:8], key_hash=ApiToken.hash_key(raw)
    )
    raw_other = ApiToken.generate_key()
    other_token = ApiToken.objects.create(
        user=employee, organization=other_org, name="o", key_prefix=raw_other[:8], key_hash=ApiToken.hash_key(raw_other)
    )
    api = Client()
    assert api.get(f"/api/v1/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code != 401

    response = client_for(admin).post(members_url(org, f"{target.pk}/deactivate/"))
    assert response.status_code == 302

    # the existing session is gone at once: no page of the organization answers it
    after = their_browser.get(f"/o/{org.slug}/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=employee).exists()
    # signing in again finds no membership: 404, like any non-member
    their_browser.force_login(employee)
    assert their_browser.get(f"/o/{org.slug}/").status_code == 404
    assert their_browser.get(members_url(org)).status_code == 404
    # the organization's API tokens are revoked; other organizations' tokens are not
    token.refresh_from_db()
    other_token.refresh_from_db()
    assert token.revoked_at is not None and other_token.revoked_at is None
    assert api.get(f"/api/v1/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401

    reload(target)
    assert not target.is_active and target.deactivated_at is not None
    actions = dict(audit_actions(org, in_org))
    assert actions["member.deactivated"]["tokens_revoked"] == 1
    assert actions["member.deactivated"]["sessions_ended"] >= 1


def test_reactivate(client_for, admin, employee, org, in_org):
    target = member(org, in_org, employee)
    client = client_for(admin)
    client.post(members_url(org, f"{target.pk}/deactivate/"))
    page = client.get(members_url(org, f"{target.pk}/")).content.decode()
    assert "Deactivated" in page and "Reactivate" in page
    response = client.post(members_url(org, f"{target.pk}/reactivate/"))
    assert response.status_code == 302
    reload(target)
    assert target.is_active and target.deactivated_at is None
    assert "member.reactivated" in [a for a, _ in audit_actions(org, in_org)]
    fresh = Client()
    fresh.force_login(employee)
    assert fresh.get(f"/o/{org.slug}/").status_code == 200


def test_member_of_org_cannot_open_foreign_member_id(client_for, admin, org, other_org):
    foreign = MembershipFactory(organization=other_org)
    client = client_for(admin)
    assert client.get(members_url(org, f"{foreign.pk}/")).status_code == 404
    assert client.post(members_url(org, f"{foreign.pk}/deactivate/")).status_code == 404
    reload(foreign)
    assert foreign.is_active


def test_deactivation_ends_a_session_whose_key_changed_with_the_password(
    client_for, admin, employee, org, in_org, password
):
    target = member(org, in_org, employee)
    their_browser = Client()
    assert their_browser.post("/accounts/login/", {"login": employee.email, "password": password}).status_code == 302
    before = their_browser.session.session_key
    changed = their_browser.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "a-new-long-passphrase-9", "password2": "a-new-long-passphrase-9"},
    )
    assert changed.status_code == 302 and their_browser.session.session_key != before  # still signed in, new key
    assert their_browser.get("/accounts/tokens/").status_code == 200

    assert client_for(admin).post(members_url(org, f"{target.pk}/deactivate/")).status_code == 302
    after = their_browser.get("/accounts/tokens/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")
