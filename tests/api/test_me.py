import pytest

from tests.factories import MembershipFactory

from .helpers import error_of

pytestmark = pytest.mark.django_db


def test_me_lists_memberships_with_roles_and_actions(api, org, other_org, admin):
    MembershipFactory(organization=other_org, user=admin, roles=["employee"])
    response = api(admin).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == admin.email and body["id"] == admin.pk
    by_slug = {m["organization"]["slug"]: m for m in body["memberships"]}
    assert set(by_slug) == {"acme-test", "other-co"}
    assert by_slug["acme-test"]["roles"] == ["admin", "employee"]
    assert "members.manage" in by_slug["acme-test"]["actions"]
    assert by_slug["other-co"]["roles"] == ["employee"]
    assert "members.manage" not in by_slug["other-co"]["actions"]


def test_me_leaves_out_deactivated_memberships(api, org, other_org, employee, in_org):
    from advocacy.tenancy.models import Membership

    MembershipFactory(organization=other_org, user=employee)
    with in_org(other_org):
        Membership.objects.filter(user=employee).update(is_active=False)
    slugs = [m["organization"]["slug"] for m in api(employee).get("/api/v1/me/").json()["memberships"]]
    assert slugs == ["acme-test"]


def test_me_with_a_token_shows_only_the_token_organization(api, org, other_org, admin, make_token):
    MembershipFactory(organization=other_org, user=admin)
    raw = make_token(admin, org)
    body = api(token=raw).get("/api/v1/me/").json()
    assert [m["organization"]["slug"] for m in body["memberships"]] == ["acme-test"]


def test_me_needs_credentials(api, db):
    response = api().get("/api/v1/me/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unexpected_error_answers_in_the_api_error_format(api, admin, monkeypatch):
    from advocacy.api import views

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "memberships_for_user", broken)
    client = api(admin)
    client.raise_request_exception = False
    response = client.get("/api/v1/me/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side. Please try again.",
            "details": {},
        }
    }
    assert b"boom" not in response.content
