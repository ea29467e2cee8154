"""The Django admin: its login is allauth's (rate limits, MFA); only global models are registered."""

import pytest

from advocacy.accounts.models import ApiToken
from advocacy.accounts.services import api_token_create
from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from tests.factories import PASSWORD, UserFactory

from .helpers import activate_totp, sign_in, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@platform.example", is_staff=True, is_superuser=True)


def test_admin_login_redirects_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"


def test_admin_index_sends_anonymous_people_through_allauth(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert b"Sign in to Advocacy" in response.content


def test_admin_login_ignores_foreign_next(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_post_is_not_a_back_door(client, operator):
    response = client.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_operator_signs_in_with_mfa_and_reaches_the_admin(client, operator):
    secret = activate_totp(operator)
    response = client.post("/accounts/login/?next=/admin/", {"login": operator.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not yet
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


def test_admin_sign_in_is_rate_limited_like_any_sign_in(client, operator):
    for _ in range(5):
        sign_in(client, operator.email, "wrong")
    assert b"Too many failed sign-in attempts" in sign_in(client, operator.email).content


def test_signed_in_non_operator_gets_403_not_a_loop(client_for, employee):
    client = client_for(employee)
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/", follow=True).status_code == 403


def test_admin_pages_for_the_operator(client_for, operator, employee, org):
    token, _ = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    client = client_for(operator)
    for url in (
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{employee.pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
        "/admin/tenancy/organization/",
        f"/admin/tenancy/organization/{org.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert client.get(f"/admin/accounts/user/{employee.pk}/delete/").status_code == 403
    assert client.get(f"/admin/tenancy/organization/{org.pk}/delete/").status_code == 403
    # no tenant-owned model is registered
    content = client.get("/admin/").content.decode()
    assert "/admin/tenancy/membership/" not in content and "/admin/audit/" not in content


def test_api_tokens_are_read_only_in_the_admin(client_for, operator, employee, org):
    token, _ = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    client_for(operator).post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "renamed"})
    assert ApiToken.objects.get(pk=token.pk).name == "x"


def test_operator_creates_a_user(client_for, operator):
    response = client_for(operator).post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Hire@Example.com",
            "full_name": "New Hire",
            "usable_password": "true",
            "password1": "a-long-fresh-pass-77",
            "password2": "a-long-fresh-pass-77",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(full_name="New Hire").check_password("a-long-fresh-pass-77")


def test_operator_change_to_an_organization_is_audited(client_for, operator, org):
    response = client_for(operator).post(
        f"/admin/tenancy/organization/{org.pk}/change/",
        {"name": org.name, "slug": org.slug, "require_mfa_for_staff": "on", "settings": "{}"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.require_mfa_for_staff
    with organization_scope(org):
        event = AuditEvent.objects.get(action="organization.changed_by_operator")
    assert event.organization_id == org.pk and event.actor_id == operator.pk
    assert "require_mfa_for_staff" in event.data["fields"]


def test_operator_renaming_an_organization_refreshes_its_members_switchers(
    client_for, operator, org, other_org, employee
):
    from django.test import Client

    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_org, user=employee)
    member = Client()
    member.force_login(employee)
    assert other_org.name.encode() in member.get(f"/o/{org.slug}/").content  # the switcher is now cached
    response = client_for(operator).post(
        f"/admin/tenancy/organization/{other_org.pk}/change/",
        {"name": "Globex Renamed", "slug": other_org.slug, "settings": "{}"},
    )
    assert response.status_code == 302
    page = member.get(f"/o/{org.slug}/")  # the switcher lists the other organization
    assert page.status_code == 200
    assert b"Globex Renamed" in page.content and other_org.name.encode() not in page.content


def test_operator_adds_an_organization_and_its_first_admin_is_invited(
    client_for, operator, mailoutbox, django_capture_on_commit_callbacks
):
    from advocacy.tenancy.models import Invitation, Organization

    client = client_for(operator)
    form = client.get("/admin/tenancy/organization/add/").content.decode()
    assert 'name="first_admin_email"' in form
    refused = client.post(
        "/admin/tenancy/organization/add/",
        {"name": "Initech", "slug": "initech", "first_admin_email": "not an address", "settings": "{}"},
    )
    assert refused.status_code == 200 and b"Enter a valid email address" in refused.content
    assert not Organization.objects.filter(slug="initech").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/tenancy/organization/add/",
            {"name": "Initech", "slug": "initech", "first_admin_email": "Boss@Initech.example", "settings": "{}"},
        )
    assert response.status_code == 302
    initech = Organization.objects.get(slug="initech")
    with organization_scope(initech):
        invitation = Invitation.objects.get(organization=initech)
        assert AuditEvent.objects.filter(organization=initech, action="organization.created_by_operator").exists()
    assert invitation.email == "boss@initech.example" and invitation.roles == ["admin", "employee"]
    assert [m.to for m in mailoutbox] == [["boss@initech.example"]] and "Initech" in mailoutbox[0].subject
    # the change page has no such field: the organization has its admin (or their invitation)
    assert b"first_admin_email" not in client.get(f"/admin/tenancy/organization/{initech.pk}/change/").content


def test_a_refused_first_admin_email_creates_nothing_and_keeps_what_was_typed(client_for, operator, settings):
    from advocacy.tenancy.models import Organization
    from tests.tenancy.test_teams_invitations_settings import RefusingMailServer

    settings.EMAIL_BACKEND = "tests.tenancy.test_teams_invitations_settings.RefusingMailServer"
    client = client_for(operator)
    typed = {"name": "Initech", "slug": "initech", "first_admin_email": RefusingMailServer.REFUSED, "settings": "{}"}
    response = client.post("/admin/tenancy/organization/add/", typed)
    assert response.status_code == 302 and response["Location"].startswith("/admin/tenancy/organization/add/?")
    assert not Organization.objects.filter(slug="initech").exists()
    page = client.get(response["Location"]).content.decode()
    assert "could not be sent" in page
    assert 'value="Initech"' in page and f'value="{RefusingMailServer.REFUSED}"' in page
