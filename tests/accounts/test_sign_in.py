"""Sign-in through allauth: mandatory email verification, password reset, rate limits, auditing."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings

from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.organizations import in_every_organization

from .helpers import sign_in

pytestmark = pytest.mark.django_db


def events(user, action=None):
    def read():
        qs = AuditEvent.objects.filter(actor=user)
        return qs.filter(action=action) if action else qs

    return sorted(in_every_organization(read), key=lambda event: event.pk)


def test_sign_in_with_email_and_password(client, employee, org):
    response = sign_in(client, employee.email)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/", follow=True).redirect_chain[-1][0] == f"/o/{org.slug}/"


def test_wrong_password_is_refused(client, employee):
    response = sign_in(client, employee.email, "not-the-password")
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content
    assert "_auth_user_id" not in client.session


def test_email_verification_is_mandatory_outside_demo_mode(client, settings):
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    response = client.post(
        "/accounts/signup/",
        {"email": "new.person@example.com", "password1": "a-long-fresh-pass-77", "password2": "a-long-fresh-pass-77"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Advocacy] ")
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)

    # Signing in before confirming only re-sends the confirmation
    other = client.__class__()
    refused = sign_in(other, "new.person@example.com", "a-long-fresh-pass-77")
    assert refused["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in other.session

    page = client.get(link)
    assert page.status_code == 200 and b"new.person@example.com" in page.content
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.com").verified
    assert "_auth_user_id" in client.session  # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION


def test_unverified_existing_account_cannot_sign_in(client):
    user = UserFactory(verified_email=False)
    response = sign_in(client, user.email)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_password_reset_flow(client, employee):
    client.post("/accounts/password/reset/", {"email": employee.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(action, {"password1": "brand-new-secret-42", "password2": "brand-new-secret-42"})
    assert response.status_code == 302
    assert sign_in(client.__class__(), employee.email, "brand-new-secret-42").status_code == 302
    assert sign_in(client.__class__(), employee.email, PASSWORD).status_code == 200  # old password is gone
    assert [e.action for e in events(employee, "auth.password_reset")] == ["auth.password_reset"]


def test_failed_sign_ins_for_one_account_are_limited(client, employee):
    """ACCOUNT_RATE_LIMITS login_failed 5/5m/key: the sixth attempt is refused even with the right
    password, with a clear message; the count lives in the cache (Redis)."""
    for _ in range(5):
        response = sign_in(client, employee.email, "wrong-password")
        assert b"are not correct" in response.content
    response = sign_in(client, employee.email, PASSWORD)
    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session
    # another account from the same address is not affected by this account's limit
    other = UserFactory()
    assert sign_in(client, other.email).status_code == 302


def test_rate_limit_counts_live_in_the_cache(client, employee, settings, clear_cache):
    for _ in range(5):
        sign_in(client, employee.email, "wrong-password")
    clear_cache()  # the shared Redis cache is where the counts are kept
    assert sign_in(client, employee.email).status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,2/5m/key"})
def test_rate_limit_follows_settings(client, employee):
    for _ in range(2):
        sign_in(client, employee.email, "wrong-password")
    assert b"Too many failed sign-in attempts" in sign_in(client, employee.email).content


def test_sign_in_is_audited_in_each_organization(client, org, other_org):
    user = UserFactory()
    MembershipFactory(organization=org, user=user, roles=[Role.EMPLOYEE])
    MembershipFactory(organization=other_org, user=user, roles=[Role.ADMIN])
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    signed_in = events(user, "auth.signed_in")
    assert sorted(e.organization_id for e in signed_in) == sorted([org.pk, other_org.pk])
    assert {e.ip_address for e in signed_in} == {"203.0.113.9"}
    assert {e.actor_email for e in signed_in} == {user.email}


def test_failed_sign_in_is_audited(client, employee, org):
    sign_in(client, employee.email, "wrong-password")
    failed = events(employee, "auth.sign_in_failed")
    assert len(failed) == 1
    assert failed[0].organization_id == org.pk
    assert failed[0].data == {"email": employee.email}


def test_sign_out_is_audited(client, employee):
    sign_in(client, employee.email)
    client.post("/accounts/logout/")
    assert len(events(employee, "auth.signed_out")) == 1


def test_people_without_organizations_sign_in_and_fail_without_errors(client, caplog):
    user = UserFactory()
    assert sign_in(client, user.email, "wrong-password").status_code == 200
    assert sign_in(client, "nobody@example.com", "wrong-password").status_code == 200
    assert sign_in(client, user.email).status_code == 302
    client.post("/accounts/logout/")
    assert events(user) == []
    assert "failed sign-in for unknown account" in caplog.text
