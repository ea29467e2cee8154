import pytest

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.models import Organization

from .helpers import error_of

pytestmark = pytest.mark.django_db


def test_member_sees_organization_with_their_roles_and_actions(api, org, employee):
    response = api(employee).get(f"/api/v1/o/{org.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Acme Test" and body["slug"] == "acme-test"
    assert body["require_mfa_for_staff"] is False
    assert body["membership"]["roles"] == ["employee"]
    assert "org.view" in body["membership"]["actions"]
    assert "members.manage" not in body["membership"]["actions"]
    assert body["membership"]["actions"] == sorted(body["membership"]["actions"])


def test_admin_changes_settings(api, org, admin, read):
    response = api(admin).patch(f"/api/v1/o/{org.slug}/", {"name": "Acme Renamed", "require_mfa_for_staff": True})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Acme Renamed"
    org.refresh_from_db()
    assert org.name == "Acme Renamed" and org.require_mfa_for_staff is True
    event = read(org, lambda: AuditEvent.objects.get(action="organization.settings_changed"))
    assert event.data == {"name": "Acme Renamed", "require_mfa_for_staff": True}


def test_partial_settings_keep_the_rest(api, org, admin):
    assert api(admin).patch(f"/api/v1/o/{org.slug}/", {"require_mfa_for_staff": True}).status_code == 200
    org.refresh_from_db()
    assert org.name == "Acme Test" and org.require_mfa_for_staff


def test_slug_and_ids_in_the_body_are_ignored(api, org, other_org, admin):
    response = api(admin).patch(
        f"/api/v1/o/{org.slug}/", {"slug": other_org.slug, "id": other_org.pk, "organization": other_org.pk}
    )
    assert response.status_code == 200
    org.refresh_from_db()
    other_org.refresh_from_db()
    assert org.slug == "acme-test" and other_org.slug == "other-co" and other_org.name == "Other Co"


def test_blank_name_is_400(api, org, admin):
    response = api(admin).patch(f"/api/v1/o/{org.slug}/", {"name": ""})
    assert response.status_code == 400
    assert "name" in error_of(response)["details"]
    org.refresh_from_db()
    assert org.name == "Acme Test"


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_only_admins_change_settings(role_fixture, request, api, org):
    user = request.getfixturevalue(role_fixture)
    response = api(user).patch(f"/api/v1/o/{org.slug}/", {"name": "Hijacked", "require_mfa_for_staff": True})
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    fresh = Organization.objects.get(pk=org.pk)
    assert fresh.name == "Acme Test" and fresh.require_mfa_for_staff is False


def test_unknown_slug_and_non_member_get_the_same_404(api, org, other_admin):
    client = api(other_admin)
    unknown = client.get("/api/v1/o/no-such-org/")
    foreign = client.get(f"/api/v1/o/{org.slug}/")
    assert unknown.status_code == foreign.status_code == 404
    assert unknown.json() == foreign.json()
    assert error_of(foreign)["code"] == "not_found"
