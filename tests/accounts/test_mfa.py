"""Two-factor authentication: the full TOTP sign-in, recovery codes, and organizations that require
it of their staff (admin, HR, moderator)."""

import re

import pytest
from allauth.mfa.models import Authenticator

from advocacy.accounts.services import api_token_create
from advocacy.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.organizations import in_every_organization

from .helpers import activate_totp, has_totp, sign_in, totp_code

pytestmark = pytest.mark.django_db


def test_full_totp_sign_in(client, employee, org):
    secret = activate_totp(employee)
    response = sign_in(client, employee.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # not signed in before the second step

    wrong = client.post(
        "/accounts/2fa/authenticate/", {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert b"Incorrect code" in wrong.content
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(employee.pk)
    assert client.get(f"/o/{org.slug}/").status_code == 200


def test_a_totp_code_works_once(client, employee):
    secret = activate_totp(employee)
    code = totp_code(secret)
    sign_in(client, employee.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    sign_in(client, employee.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200  # replay refused


def test_sign_in_with_a_recovery_code(client, employee):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    activate_totp(employee)
    codes = RecoveryCodes.activate(employee).get_unused_codes()
    sign_in(client, employee.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.session["_auth_user_id"] == str(employee.pk)


def test_activate_totp_through_the_pages(client, employee, django_capture_on_commit_callbacks):
    sign_in(client, employee.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)
    bad = client.post("/accounts/2fa/totp/activate/", {"code": "12345"})
    assert bad.status_code == 200 and not has_totp(employee)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"  # recovery codes are generated too
    assert has_totp(employee)
    assert Authenticator.objects.filter(user=employee, type=Authenticator.Type.RECOVERY_CODES).exists()
    activated = in_every_organization(
        lambda: AuditEvent.objects.filter(actor=employee, action="mfa.activated", data__type="totp")
    )
    assert len(activated) == 1


# --- organizations that require two-factor authentication of their staff --------------------------------


@pytest.fixture
def strict_org(org):
    org.require_mfa_for_staff = True
    org.save()
    return org


@pytest.mark.parametrize("person", ["admin", "hr", "moderator"])
def test_staff_without_totp_are_sent_to_set_it_up(request, strict_org, client_for, person):
    user = request.getfixturevalue(person)
    response = client_for(user).get(f"/o/{strict_org.slug}/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_employees_are_not_asked(strict_org, employee, client_for):
    assert client_for(employee).get(f"/o/{strict_org.slug}/").status_code == 200


def test_staff_get_in_once_totp_is_active(strict_org, admin, client_for):
    client = client_for(admin)
    assert client.get(f"/o/{strict_org.slug}/").status_code == 302
    activate_totp(admin)
    assert client.get(f"/o/{strict_org.slug}/").status_code == 200


def test_staff_of_an_org_without_the_rule_are_not_asked(org, admin, client_for):
    assert not org.require_mfa_for_staff
    assert client_for(admin).get(f"/o/{org.slug}/").status_code == 200


def test_end_to_end_required_mfa(client, strict_org, admin):
    """Sign in, get sent to set up the app, activate it with a real code, then get in; next time the
    code is asked at sign-in."""
    sign_in(client, admin.email)
    response = client.get(f"/o/{strict_org.slug}/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/2fa/totp/activate/"
    assert b"requires two-factor authentication for your role" in response.content
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)
    assert client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}).status_code == 302
    assert client.get(f"/o/{strict_org.slug}/").status_code == 200

    client.post("/accounts/logout/")
    assert sign_in(client, admin.email)["Location"] == "/accounts/2fa/authenticate/"
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, offset=1)}).status_code == 302
    assert client.get(f"/o/{strict_org.slug}/").status_code == 200


def test_api_answers_mfa_required(strict_org, admin, employee, client):
    token, raw = api_token_create(user=admin, organization=strict_org, name="script", expires_in_days=None)
    response = client.get(f"/api/v1/o/{strict_org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_required"

    client.force_login(admin)
    assert client.get(f"/api/v1/o/{strict_org.slug}/").json()["error"]["code"] == "mfa_required"

    _, employee_raw = api_token_create(user=employee, organization=strict_org, name="script", expires_in_days=30)
    assert client.get(f"/api/v1/o/{strict_org.slug}/", HTTP_AUTHORIZATION=f"Bearer {employee_raw}").status_code == 200

    activate_totp(admin)
    assert client.get(f"/api/v1/o/{strict_org.slug}/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_user_without_memberships_can_set_up_mfa(client):
    user = UserFactory()
    sign_in(client, user.email)
    assert client.get("/accounts/2fa/").status_code == 200
