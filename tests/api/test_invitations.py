from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.tenancy.models import Invitation
from tests.factories import InvitationFactory, TeamFactory

from .helpers import error_of, snapshot

pytestmark = pytest.mark.django_db


def url(org, invitation=None, action=""):
    base = f"/api/v1/o/{org.slug}/invitations/"
    if invitation is not None:
        base += f"{invitation.pk}/"
    return base + (f"{action}/" if action else "")


def test_admin_invites_by_email(api, org, admin, team, read, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(admin).post(
            url(org), {"email": "New.Person@Example.com", "roles": ["employee", "hr"], "team": team.pk}
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new.person@example.com"
    assert body["roles"] == ["employee", "hr"]
    assert body["team"] == {"id": team.pk, "name": "Marketing"}
    assert body["status"] == "pending"
    assert body["invited_by"]["email"] == admin.email
    assert "token" not in str(body).lower()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.com"]
    invitation = read(org, lambda: Invitation.objects.get(pk=body["id"]))
    assert invitation.invited_by == admin


def test_roles_default_to_employee(api, org, admin):
    response = api(admin).post(url(org), {"email": "someone@example.com"})
    assert response.status_code == 201
    assert response.json()["roles"] == ["employee"] and response.json()["team"] is None


def test_list_pending_and_all(api, org, admin):
    pending = InvitationFactory(organization=org)
    revoked = InvitationFactory(organization=org, revoked_at=timezone.now())
    expired = InvitationFactory(organization=org, expires_at=timezone.now() - timedelta(days=1))
    client = api(admin)
    assert [i["id"] for i in client.get(url(org)).json()["results"]] == [pending.pk]
    everything = client.get(url(org), {"status": "all"}).json()["results"]
    assert {i["id"]: i["status"] for i in everything} == {
        pending.pk: "pending",
        revoked.pk: "revoked",
        expired.pk: "expired",
    }
    response = client.get(url(org), {"status": "bogus"})
    assert response.status_code == 400 and "status" in error_of(response)["details"]


def test_list_query_count_does_not_grow(api, org, admin, team):
    client = api(admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(org), {"status": "all"}).status_code == 200
        return len(ctx.captured_queries)

    InvitationFactory(organization=org, team=team, invited_by=admin)
    count()  # warm the per-request caches (user, membership)
    small = count()
    for _ in range(12):
        InvitationFactory(organization=org, team=TeamFactory(organization=org), invited_by=admin)
    assert count() == small


def test_invalid_email_and_existing_member_are_400(api, org, admin, employee, read):
    client = api(admin)
    before = snapshot(org, read, Invitation)
    response = client.post(url(org), {"email": "not-an-email"})
    assert response.status_code == 400 and "email" in error_of(response)["details"]
    response = client.post(url(org), {"email": employee.email})
    assert response.status_code == 400
    assert error_of(response)["message"] == f"{employee.email} is already a member of {org.name}."
    assert snapshot(org, read, Invitation) == before


def test_second_pending_invitation_is_400(api, org, admin):
    client = api(admin)
    assert client.post(url(org), {"email": "twice@example.com"}).status_code == 201
    response = client.post(url(org), {"email": "twice@example.com"})
    assert response.status_code == 400
    assert error_of(response)["message"] == "twice@example.com already has a pending invitation."


def test_team_of_another_org_in_body_is_rejected(api, org, admin, other_org, read):
    foreign = TeamFactory(organization=other_org)
    response = api(admin).post(url(org), {"email": "x@example.com", "team": foreign.pk})
    assert response.status_code == 400
    assert "team" in error_of(response)["details"]
    assert snapshot(org, read, Invitation) == []


def test_revoke_and_resend(api, org, admin, read, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(organization=org)
    client = api(admin)
    old_hash = invitation.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(org, invitation, "resend"))
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert read(org, lambda: Invitation.objects.get(pk=invitation.pk).token_hash) != old_hash

    response = client.post(url(org, invitation, "revoke"))
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    again = client.post(url(org, invitation, "revoke"))
    assert again.status_code == 400
    assert error_of(again)["message"] == "This invitation is revoked and cannot be revoked."
    assert client.post(url(org, invitation, "resend")).status_code == 400


def test_retrieve_invitation(api, org, admin):
    invitation = InvitationFactory(organization=org, email="look@example.com")
    response = api(admin).get(url(org, invitation))
    assert response.status_code == 200 and response.json()["email"] == "look@example.com"


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_only_admins_manage_invitations(role_fixture, request, api, org, read):
    user = request.getfixturevalue(role_fixture)
    invitation = InvitationFactory(organization=org)
    before = snapshot(org, read, Invitation)
    client = api(user)
    assert client.get(url(org)).status_code == 403
    assert client.get(url(org, invitation)).status_code == 403
    assert client.post(url(org), {"email": "sneaky@example.com", "roles": ["admin"]}).status_code == 403
    assert client.post(url(org, invitation, "revoke")).status_code == 403
    assert client.post(url(org, invitation, "resend")).status_code == 403
    assert snapshot(org, read, Invitation) == before
    assert mail.outbox == []


def test_invitation_of_another_org_is_404(api, org, admin, other_org, read):
    foreign = InvitationFactory(organization=other_org)
    client = api(admin)
    assert client.get(url(org, foreign)).status_code == 404
    assert client.post(url(org, foreign, "revoke")).status_code == 404
    assert read(other_org, lambda: Invitation.objects.get(pk=foreign.pk).status) == "pending"
