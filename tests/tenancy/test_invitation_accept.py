"""The public invitation page /invitations/<token>/: anonymous, signed in, wrong account, and every
state an invitation can be in."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


TOKEN = "the-secret-token-0123456789abcdefghijklmnop"


@pytest.fixture
def invitation(org, team, admin):
    return InvitationFactory(
        organization=org,
        email="newbie@example.com",
        full_name="New Bie",
        roles=[Role.EMPLOYEE, Role.MODERATOR],
        team=team,
        invited_by=admin,
        token_hash=Invitation.hash_token(TOKEN),
    )


def url(token=TOKEN):
    return f"/invitations/{token}/"


def scoped(org, fn):
    with organization_scope(org):
        return fn()


def test_unknown_token_is_a_friendly_404_that_names_nothing(client, org, invitation):
    response = client.get(url("no-such-token"))
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find this invitation" in html
    assert org.name not in html and "newbie@example.com" not in html
    assert client.post(url("no-such-token")).status_code == 404
    assert "pending_invitation" not in client.session


def test_anonymous_sees_who_invited_them_and_can_sign_up_or_in(client, org, invitation, admin):
    response = client.get(url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{admin.display_name}</strong> invited you" in html
    assert "Acme Test" in html and "Employee, Moderator" in html and "Marketing" in html
    assert 'href="/accounts/signup/?email=newbie%40example.com"' in html and "Create account" in html
    assert 'href="/accounts/login/"' in html and "Sign in" in html
    assert client.session["pending_invitation"] == TOKEN


def test_signing_in_returns_to_the_invitation(client, org, invitation, password):
    UserFactory(email="newbie@example.com")
    client.get(url())
    response = client.post("/accounts/login/", {"login": "newbie@example.com", "password": password})
    assert response.status_code == 302
    assert response["Location"] == url()


SIGNUP = {"password1": "a-long-enough-passphrase-42", "password2": "a-long-enough-passphrase-42"}


def test_signing_up_from_the_invitation_prefills_and_trusts_the_invited_address(
    client, org, invitation, mailoutbox, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.get(url())
    form = client.get("/accounts/signup/?email=newbie%40example.com").content.decode()
    assert 'value="newbie@example.com"' in form
    # the link came to this inbox: no second email to prove it, straight back to the invitation
    response = client.post("/accounts/signup/", {"email": "NewBie@example.com", **SIGNUP})
    assert response.status_code == 302 and response["Location"] == url()
    assert EmailAddress.objects.get(email__iexact="newbie@example.com").verified
    assert mailoutbox == []
    assert client.post(url()).status_code == 302
    assert scoped(org, lambda: Membership.objects.filter(user__email__iexact="newbie@example.com").exists())


def test_signing_up_with_another_address_from_the_invitation_still_verifies_it(
    client, org, invitation, mailoutbox, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.get(url())
    response = client.post("/accounts/signup/", {"email": "someone.else@example.com", **SIGNUP})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    address = EmailAddress.objects.get(email="someone.else@example.com")
    assert not address.verified and address.primary
    assert EmailAddress.objects.filter(user=address.user).count() == 1  # the invited address is not added
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["someone.else@example.com"]


def test_signed_in_invitee_accepts(client, org, team, invitation):
    user = UserFactory(email="newbie@example.com", full_name="")
    client.force_login(user)
    page = client.get(url())
    assert page.status_code == 200 and b"Accept invitation" in page.content
    response = client.post(url())
    assert response.status_code == 302 and response["Location"] == f"/o/{org.slug}/"
    membership = scoped(org, lambda: Membership.objects.get(user=user))
    assert membership.roles == [Role.EMPLOYEE, Role.MODERATOR] and membership.team_id == team.pk
    assert membership.is_active
    user.refresh_from_db()
    assert user.full_name == "New Bie"
    invitation = scoped(org, lambda: Invitation.objects.get(pk=invitation.pk))
    assert invitation.status == "accepted" and invitation.accepted_by == user
    assert "pending_invitation" not in client.session
    home = client.get(response["Location"])
    assert home.status_code == 200 and b"Welcome to Acme Test!" in home.content
    assert scoped(org, lambda: AuditEvent.objects.filter(action="invitation.accepted").count()) == 1
    # opening the link again brings the person home
    assert client.get(url())["Location"] == f"/o/{org.slug}/"


def test_wrong_account_is_told_and_nothing_happens(client, org, invitation):
    other = UserFactory(email="someone.else@example.com")
    client.force_login(other)
    page = client.get(url()).content.decode()
    assert "This invitation was sent to <strong>newbie@example.com</strong>" in page
    assert "Accept invitation" not in page and "Sign out and switch account" in page
    response = client.post(url())
    assert response.status_code == 400
    assert b"Sign in with that address to accept it." in response.content
    assert not scoped(org, lambda: Membership.objects.filter(user=other).exists())
    assert scoped(org, lambda: Invitation.objects.get(pk=invitation.pk)).status == "pending"


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"expires_at": timezone.now() - timedelta(days=1)}, "This invitation has expired"),
        ({"revoked_at": timezone.now()}, "This invitation was withdrawn"),
        ({"accepted_at": timezone.now()}, "This invitation was already accepted"),
    ],
)
def test_closed_invitations_explain_themselves(client, org, invitation, change, text):
    scoped(org, lambda: Invitation.objects.filter(pk=invitation.pk).update(**change))
    user = UserFactory(email="newbie@example.com")
    for c in (Client(), client):
        if c is client:
            c.force_login(user)
        response = c.get(url())
        assert response.status_code == 410
        assert text in response.content.decode()
    assert client.post(url()).status_code == 410
    assert not scoped(org, lambda: Membership.objects.filter(user=user).exists())


def test_existing_member_of_another_org_joins_a_second_one(client, org, other_org, invitation):
    user = UserFactory(email="newbie@example.com")
    MembershipFactory(organization=other_org, user=user)
    client.force_login(user)
    assert client.post(url()).status_code == 302
    assert client.get(f"/o/{org.slug}/").status_code == 200
    assert client.get(f"/o/{other_org.slug}/").status_code == 200
