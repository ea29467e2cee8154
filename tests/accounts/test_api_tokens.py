"""Personal API tokens: the settings page, the services, and `Authorization: Bearer <token>`."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from advocacy.accounts.models import ApiToken
from advocacy.accounts.services import MAX_ACTIVE_TOKENS, api_token_create, api_token_revoke
from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from tests.factories import UserFactory
from tests.organizations import in_every_organization

pytestmark = pytest.mark.django_db


def audit(action):
    return in_every_organization(lambda: AuditEvent.objects.filter(action=action))


# --- services -------------------------------------------------------------------------------------------


def test_create_stores_only_a_hash(employee, org):
    token, raw = api_token_create(user=employee, organization=org, name="Reporting", expires_in_days=90)
    assert raw.startswith("adv_") and len(raw) > 40
    assert token.key_hash == ApiToken.hash_key(raw) and raw not in token.key_hash
    assert token.key_prefix == raw[:12]
    assert abs((token.expires_at - timezone.now()) - timedelta(days=90)) < timedelta(minutes=1)
    [event] = audit("api_token.created")
    assert event.organization_id == org.pk and event.actor_id == employee.pk
    assert event.data["prefix"] == token.key_prefix and raw not in str(event.data)


def test_create_without_expiry(employee, org):
    token, _ = api_token_create(user=employee, organization=org, name="CI", expires_in_days=None)
    assert token.expires_at is None


@pytest.mark.parametrize(
    "name,days,message",
    [("", 30, "Give the token a name"), ("ok", 7, "Choose an expiry"), ("x" * 101, 30, "under 100")],
)
def test_create_rejects_bad_input(employee, org, name, days, message):
    with pytest.raises(ValidationError, match=message):
        api_token_create(user=employee, organization=org, name=name, expires_in_days=days)
    assert not ApiToken.objects.exists()


def test_create_only_in_own_organizations(employee, other_org, org):
    with pytest.raises(ValidationError, match="one of your organizations"):
        api_token_create(user=employee, organization=other_org, name="x", expires_in_days=30)
    with organization_scope(org):
        Membership.objects.filter(user=employee).update(is_active=False)
    with pytest.raises(ValidationError):
        api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    assert not ApiToken.objects.exists()


def test_active_token_limit(employee, org):
    for i in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=employee, organization=org, name=f"t{i}", expires_in_days=30)
    with pytest.raises(ValidationError, match="active tokens"):
        api_token_create(user=employee, organization=org, name="one more", expires_in_days=30)


def test_revoke(employee, org):
    token, _ = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    api_token_revoke(user=employee, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    api_token_revoke(user=employee, token=token)  # again: nothing changes, nothing is recorded twice
    assert len(audit("api_token.revoked")) == 1


def test_revoke_someone_elses_token_is_404(employee, admin, org):
    token, _ = api_token_create(user=admin, organization=org, name="x", expires_in_days=30)
    with pytest.raises(Http404):
        api_token_revoke(user=employee, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


# --- the page -------------------------------------------------------------------------------------------


def test_page_requires_sign_in(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_page_lists_own_tokens_only(client_for, employee, admin, org):
    api_token_create(user=employee, organization=org, name="Mine", expires_in_days=30)
    api_token_create(user=admin, organization=org, name="Not mine", expires_in_days=30)
    content = client_for(employee).get("/accounts/tokens/").content.decode()
    assert "Mine" in content and "Not mine" not in content
    assert org.name in content


def test_create_shows_the_secret_once(client_for, employee, org):
    client = client_for(employee)
    response = client.post("/accounts/tokens/", {"name": "Reporting script", "organization": org.pk, "expires": "90"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=employee)
    content = response.content.decode()
    raw = content.split('id="new-token" value="')[1].split('"')[0]
    assert ApiToken.hash_key(raw) == token.key_hash
    assert 'data-copy="#new-token"' in content
    later = client.get("/accounts/tokens/").content.decode()
    assert raw not in later and token.key_prefix in later
    assert raw not in str(dict(client.session))


def test_create_never_expiring(client_for, employee, org):
    client_for(employee).post("/accounts/tokens/", {"name": "CI", "organization": org.pk, "expires": "never"})
    assert ApiToken.objects.get(user=employee).expires_at is None


def test_create_keeps_input_on_error(client_for, employee, org):
    response = client_for(employee).post("/accounts/tokens/", {"name": "", "organization": org.pk, "expires": "30"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    assert b'<option value="30" selected>' in response.content


def test_create_for_a_foreign_organization_is_refused(client_for, employee, other_org):
    response = client_for(employee).post(
        "/accounts/tokens/", {"name": "x", "organization": other_org.pk, "expires": "30"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoke_through_the_page(client_for, employee, org):
    token, _ = api_token_create(user=employee, organization=org, name="Old", expires_in_days=30)
    client = client_for(employee)
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert b"revoked" in response.content
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_another_persons_token_is_404_and_changes_nothing(client_for, employee, admin, org):
    token, _ = api_token_create(user=admin, organization=org, name="Admin's", expires_in_days=30)
    assert client_for(employee).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_statuses_shown(client_for, employee, org):
    active, _ = api_token_create(user=employee, organization=org, name="A", expires_in_days=30)
    revoked, _ = api_token_create(user=employee, organization=org, name="R", expires_in_days=30)
    api_token_revoke(user=employee, token=revoked)
    expired, _ = api_token_create(user=employee, organization=org, name="E", expires_in_days=30)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    content = client_for(employee).get("/accounts/tokens/").content.decode()
    for label in ("Active", "Revoked", "Expired"):
        assert f">{label}</span>" in content


def test_user_without_organizations_sees_an_explanation(client_for):
    response = client_for(UserFactory()).get("/accounts/tokens/")
    assert b"Once you are a member of an organization" in response.content


# --- Authorization: Bearer ------------------------------------------------------------------------------


def test_bearer_token_authenticates_the_api(client, employee, org):
    token, raw = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    response = client.get(f"/api/v1/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["slug"] == org.slug
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_bad_expired_and_revoked_tokens_get_401(client, employee, org):
    token, raw = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    url = f"/api/v1/o/{org.slug}/"
    assert client.get(url, HTTP_AUTHORIZATION="Bearer adv_not-a-token").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(user=employee, token=token)
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_token_only_works_in_its_organization(client, employee, org, other_org):
    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_org, user=employee)
    _, raw = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    assert client.get(f"/api/v1/o/{other_org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    assert client.get(f"/api/v1/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_token_stops_working_when_membership_ends(client, employee, org):
    _, raw = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    with organization_scope(org):
        Membership.objects.filter(user=employee).update(is_active=False)
    assert client.get(f"/api/v1/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404


def test_token_of_a_deactivated_user_is_refused(client, employee, org):
    _, raw = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    employee.is_active = False
    employee.save()
    assert client.get(f"/api/v1/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_bearer_header_is_ignored_outside_the_api(client, employee, org):
    _, raw = api_token_create(user=employee, organization=org, name="x", expires_in_days=30)
    response = client.get(f"/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 302  # pages need a session: a token is not a browser sign-in
