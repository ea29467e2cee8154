"""Bearer tokens on the API: they work, they stay in their organization, and bad ones are 401."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.accounts.models import ApiToken
from advocacy.tenancy.models import Team
from tests.factories import MembershipFactory

from .helpers import error_of

pytestmark = pytest.mark.django_db


def test_bearer_token_reads_and_writes(api, org, admin, make_token, read):
    raw = make_token(admin, org)
    client = api(token=raw)
    response = client.get(f"/api/v1/o/{org.slug}/members/")
    assert response.status_code == 200
    assert admin.email in {m["user"]["email"] for m in response.json()["results"]}
    # No CSRF token needed with a Bearer token.
    response = client.post(f"/api/v1/o/{org.slug}/teams/", {"name": "Made by token"})
    assert response.status_code == 201
    assert read(org, lambda: Team.objects.filter(name="Made by token").exists())
    assert ApiToken.objects.get(key_prefix=raw[:10]).last_used_at is not None


def test_token_keeps_the_roles_of_its_user(api, org, employee, make_token):
    raw = make_token(employee, org)
    response = api(token=raw).get(f"/api/v1/o/{org.slug}/members/")
    assert response.status_code == 403


def test_token_for_org_a_gets_404_on_org_b(api, org, other_org, admin, make_token):
    MembershipFactory(organization=other_org, user=admin, roles=["admin"])  # a member of both
    raw = make_token(admin, org)
    client = api(token=raw)
    assert client.get(f"/api/v1/o/{org.slug}/").status_code == 200
    response = client.get(f"/api/v1/o/{other_org.slug}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert client.get(f"/api/v1/o/{other_org.slug}/members/").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/o/acme-test/", "/api/v1/o/acme-test/teams/"])
def test_bad_token_is_401_in_the_error_format(path, api, org, admin):
    response = api(token="adv_not-a-real-token").get(path)
    assert response.status_code == 401
    assert error_of(response)["code"] in {"not_authenticated", "authentication_failed"}


def test_revoked_and_expired_tokens_are_401(api, org, admin, make_token):
    revoked = make_token(admin, org, revoked_at=timezone.now())
    expired = make_token(admin, org, expires_at=timezone.now() - timedelta(minutes=1))
    for raw in (revoked, expired):
        response = api(token=raw).get(f"/api/v1/o/{org.slug}/")
        assert response.status_code == 401
        error_of(response)


def test_bad_token_wins_over_a_session(api, org, admin):
    """A request that presents a token must be judged by that token, not by a cookie beside it."""
    response = api(admin, token="adv_wrong").get(f"/api/v1/o/{org.slug}/")
    assert response.status_code == 401


def test_no_credentials_on_an_org_url_is_401(api, org):
    response = api().get(f"/api/v1/o/{org.slug}/members/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_session_writes_need_csrf(org, admin):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(f"/api/v1/o/{org.slug}/teams/", {"name": "No CSRF"})
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]
