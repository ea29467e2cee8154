"""Teams, invitations (invite, revoke, resend, email) and organization settings pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, Membership, Organization, Team
from tests.factories import InvitationFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def scoped(org, fn):
    with organization_scope(org):
        return fn()


def actions(org):
    return scoped(org, lambda: list(AuditEvent.objects.filter(organization=org).values_list("action", flat=True)))


def query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- teams ---------------------------------------------------------------------------------------------------


def test_teams_list_shows_active_member_counts(client_for, admin, org, team):
    MembershipFactory(organization=org, team=team)
    MembershipFactory(organization=org, team=team)
    MembershipFactory(organization=org, team=team, is_active=False)
    html = client_for(admin).get(f"/o/{org.slug}/teams/").content.decode()
    assert "Marketing" in html
    assert f'?team={team.pk}">2<' in html


def test_create_rename_and_delete_team(client_for, admin, org):
    client = client_for(admin)
    response = client.post(f"/o/{org.slug}/teams/", {"name": "Sales", "description": "Closers"})
    assert response.status_code == 302
    team = scoped(org, lambda: Team.objects.get(organization=org, name="Sales"))
    assert team.description == "Closers"

    duplicate = client.post(f"/o/{org.slug}/teams/", {"name": "sales"})
    assert duplicate.status_code == 400
    assert "There is already a team called" in duplicate.content.decode()
    assert 'value="sales"' in duplicate.content.decode()  # keeps what was typed

    edit = client.get(f"/o/{org.slug}/teams/{team.pk}/")
    assert edit.status_code == 200 and b'value="Sales"' in edit.content
    response = client.post(f"/o/{org.slug}/teams/{team.pk}/", {"name": "Revenue", "description": "All of it"})
    assert response.status_code == 302
    team = scoped(org, lambda: Team.objects.get(pk=team.pk))
    assert (team.name, team.description) == ("Revenue", "All of it")

    person = MembershipFactory(organization=org, team=team)
    assert client.post(f"/o/{org.slug}/teams/{team.pk}/delete/").status_code == 302
    assert not scoped(org, lambda: Team.objects.filter(pk=team.pk).exists())
    person = scoped(org, lambda: Membership.objects.get(pk=person.pk))
    assert person.team_id is None and person.is_active
    assert {"team.created", "team.updated", "team.deleted"} <= set(actions(org))


def test_team_of_another_org_is_404(client_for, admin, org, other_org):
    foreign = TeamFactory(organization=other_org, name="Theirs")
    client = client_for(admin)
    assert client.get(f"/o/{org.slug}/teams/{foreign.pk}/").status_code == 404
    assert client.post(f"/o/{org.slug}/teams/{foreign.pk}/delete/").status_code == 404
    assert scoped(other_org, lambda: Team.objects.filter(pk=foreign.pk).exists())


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_teams_are_admin_only(request, client_for, org, team, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.get(f"/o/{org.slug}/teams/").status_code == 403
    assert client.post(f"/o/{org.slug}/teams/", {"name": "Sneaky"}).status_code == 403
    assert client.post(f"/o/{org.slug}/teams/{team.pk}/", {"name": "Renamed"}).status_code == 403
    assert client.post(f"/o/{org.slug}/teams/{team.pk}/delete/").status_code == 403
    names = scoped(org, lambda: list(Team.objects.values_list("name", flat=True)))
    assert names == ["Marketing"]


def test_teams_list_query_count_is_constant(client_for, admin, org):
    client = client_for(admin)
    TeamFactory(organization=org)
    client.get(f"/o/{org.slug}/teams/")
    small = query_count(client, f"/o/{org.slug}/teams/")
    for _ in range(25):
        MembershipFactory(organization=org, team=TeamFactory(organization=org))
    assert query_count(client, f"/o/{org.slug}/teams/") == small


# --- invitations ---------------------------------------------------------------------------------------------


def test_invite_one_sends_email_with_accept_link(
    client_for, admin, org, team, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/{org.slug}/invitations/",
            {
                "email": "New.Person@Example.com",
                "full_name": "New Person",
                "roles": ["employee", "hr"],
                "team": team.pk,
            },
        )
    assert response.status_code == 302
    invitation = scoped(org, lambda: Invitation.objects.get(organization=org))
    assert invitation.email == "new.person@example.com"
    assert invitation.roles == ["employee", "hr"] and invitation.team_id == team.pk
    assert invitation.invited_by == admin
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["new.person@example.com"] and org.name in mail.subject
    token = re.search(r"/invitations/([\w-]+)/", mail.body).group(1)
    assert Invitation.hash_token(token) == invitation.token_hash
    assert "invitation.created" in actions(org)
    page = client.get(f"/o/{org.slug}/invitations/").content.decode()
    assert "new.person@example.com" in page and "Pending" in page and "New Person" in page


def test_invite_refuses_members_duplicates_and_foreign_teams(client_for, admin, employee, org, other_org, mailoutbox):
    client = client_for(admin)
    response = client.post(f"/o/{org.slug}/invitations/", {"email": employee.email, "roles": ["employee"]})
    assert response.status_code == 400 and b"is already a member" in response.content
    InvitationFactory(organization=org, email="pending@example.com")
    response = client.post(f"/o/{org.slug}/invitations/", {"email": "pending@example.com", "roles": ["employee"]})
    assert response.status_code == 400 and b"already has a pending invitation" in response.content
    foreign = TeamFactory(organization=other_org)
    response = client.post(
        f"/o/{org.slug}/invitations/", {"email": "x@example.com", "roles": ["employee"], "team": foreign.pk}
    )
    assert response.status_code == 400 and b"That team does not belong to this organization." in response.content
    assert 'value="x@example.com"' in response.content.decode()
    response = client.post(f"/o/{org.slug}/invitations/", {"email": "y@example.com", "roles": []})
    assert response.status_code == 400 and b"Choose at least one role." in response.content
    assert scoped(org, lambda: Invitation.objects.count()) == 1
    assert mailoutbox == []


def test_revoke_and_resend(client_for, admin, org, mailoutbox, django_capture_on_commit_callbacks):
    client = client_for(admin)
    invitation = InvitationFactory(organization=org, email="someone@example.com")
    old_hash = invitation.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/o/{org.slug}/invitations/{invitation.pk}/resend/").status_code == 302
    invitation = scoped(org, lambda: Invitation.objects.get(pk=invitation.pk))
    assert invitation.token_hash != old_hash
    token = re.search(r"/invitations/([\w-]+)/", mailoutbox[0].body).group(1)
    assert Invitation.hash_token(token) == invitation.token_hash

    revoked = client.post(f"/o/{org.slug}/invitations/{invitation.pk}/revoke/", follow=True)
    assert b"Revoked the invitation for someone@example.com" in revoked.content
    invitation = scoped(org, lambda: Invitation.objects.get(pk=invitation.pk))
    assert invitation.status == "revoked"
    assert {"invitation.resent", "invitation.revoked"} <= set(actions(org))
    # the revoked invitation shows under its tab, not under pending
    assert b"someone@example.com" not in client.get(f"/o/{org.slug}/invitations/").content
    assert b"someone@example.com" in client.get(f"/o/{org.slug}/invitations/?status=revoked").content
    assert b"someone@example.com" in client.get(f"/o/{org.slug}/invitations/?status=all").content
    # a revoked invitation cannot be revoked again
    response = client.post(f"/o/{org.slug}/invitations/{invitation.pk}/revoke/", follow=True)
    assert b"is revoked and cannot be revoked" in response.content


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_invitations_are_admin_only(request, client_for, org, role_fixture, mailoutbox):
    invitation = InvitationFactory(organization=org)
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.get(f"/o/{org.slug}/invitations/").status_code == 403
    assert client.post(f"/o/{org.slug}/invitations/", {"email": "a@b.example", "roles": ["admin"]}).status_code == 403
    assert client.post(f"/o/{org.slug}/invitations/{invitation.pk}/revoke/").status_code == 403
    assert client.post(f"/o/{org.slug}/invitations/{invitation.pk}/resend/").status_code == 403
    after = scoped(org, lambda: list(Invitation.objects.values_list("email", "token_hash", "revoked_at")))
    assert after == [(invitation.email, invitation.token_hash, None)]
    assert mailoutbox == []


def test_invitation_of_another_org_is_404(client_for, admin, org, other_org):
    foreign = InvitationFactory(organization=other_org)
    assert client_for(admin).post(f"/o/{org.slug}/invitations/{foreign.pk}/revoke/").status_code == 404
    assert scoped(other_org, lambda: Invitation.objects.get(pk=foreign.pk)).revoked_at is None


def test_invitations_list_query_count_is_constant(client_for, admin, org, team):
    client = client_for(admin)
    InvitationFactory(organization=org, team=team, invited_by=admin)
    client.get(f"/o/{org.slug}/invitations/")
    small = query_count(client, f"/o/{org.slug}/invitations/")
    for _ in range(30):
        InvitationFactory(organization=org, team=TeamFactory(organization=org), invited_by=UserFactory())
    assert query_count(client, f"/o/{org.slug}/invitations/") == small


# --- settings ------------------------------------------------------------------------------------------------


def test_admin_updates_settings(client_for, admin, org):
    client = client_for(admin)
    page = client.get(f"/o/{org.slug}/settings/").content.decode()
    assert "Require two-factor authentication for admins, HR and moderators" in page
    response = client.post(f"/o/{org.slug}/settings/", {"name": "Acme Renamed", "require_mfa_for_staff": "on"})
    assert response.status_code == 302
    org = Organization.objects.get(pk=org.pk)
    assert org.name == "Acme Renamed" and org.require_mfa_for_staff
    event = scoped(org, lambda: AuditEvent.objects.get(organization=org, action="organization.settings_changed"))
    assert event.data == {"name": "Acme Renamed", "require_mfa_for_staff": True}


def test_settings_need_a_name(client_for, admin, org):
    response = client_for(admin).post(f"/o/{org.slug}/settings/", {"name": ""})
    assert response.status_code == 400
    assert Organization.objects.get(pk=org.pk).name == "Acme Test"


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_settings_are_admin_only(request, client_for, org, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.get(f"/o/{org.slug}/settings/").status_code == 403
    response = client.post(f"/o/{org.slug}/settings/", {"name": "Hacked", "require_mfa_for_staff": "on"})
    assert response.status_code == 403
    org = Organization.objects.get(pk=org.pk)
    assert org.name == "Acme Test" and not org.require_mfa_for_staff


def test_admin_nav_shows_people_pages(client_for, admin, org):
    html = client_for(admin).get(f"/o/{org.slug}/members/").content.decode()
    for url in ("members/", "teams/", "invitations/", "settings/"):
        assert f'href="/o/{org.slug}/{url}"' in html


def test_hr_nav_shows_members_only(client_for, hr, org):
    html = client_for(hr).get(f"/o/{org.slug}/members/").content.decode()
    assert f'href="/o/{org.slug}/members/"' in html
    assert f'href="/o/{org.slug}/teams/"' not in html
    assert f'href="/o/{org.slug}/invitations/"' not in html


class RefusingMailServer:
    """An email backend whose server refuses one address."""

    REFUSED = "bounces@example.com"

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        for message in messages:
            if self.REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused({self.REFUSED: (550, b"mailbox unavailable")})
        return len(messages)


def test_an_invitation_whose_email_cannot_be_sent_is_not_saved_and_the_admin_is_told(client_for, admin, org, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    response = client_for(admin).post(
        f"/o/{org.slug}/invitations/",
        {"email": RefusingMailServer.REFUSED, "full_name": "Bo Unce", "roles": ["employee"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"The invitation email to {RefusingMailServer.REFUSED} could not be sent" in html
    assert f'value="{RefusingMailServer.REFUSED}"' in html and 'value="Bo Unce"' in html  # kept as typed
    assert not scoped(org, lambda: Invitation.objects.exists())
    assert "invitation.created" not in actions(org)
