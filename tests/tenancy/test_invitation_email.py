"""The invitation email: plain text as typed (text templates are not HTML-escaped), an HTML alternative that
escapes, written to the mail outbox with the invitation; an address the server refuses after the commit
withdraws the invitation and says so in the audit log."""

import pytest
from django.core import mail as sent

from advocacy.audit.models import AuditEvent
from advocacy.core import mail
from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation
from advocacy.tenancy.services import invitation_create
from tests.mailserver import SMTPServer

pytestmark = pytest.mark.django_db

NAME = 'Acme "><b>'


def test_the_organization_name_is_verbatim_in_the_text_and_escaped_in_the_html(
    org, admin, client_for, django_capture_on_commit_callbacks
):
    org.name = NAME
    org.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(
            f"/o/{org.slug}/invitations/", {"email": "zoe@example.com", "full_name": "Zoë <Z>", "roles": ["employee"]}
        )
    assert response.status_code == 302
    [message] = sent.outbox
    assert f"join {NAME} on Advocacy" in message.body and "Hello Zoë <Z>," in message.body
    assert "&quot;" not in message.body and "&gt;" not in message.body and "&lt;" not in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "Acme &quot;&gt;&lt;b&gt;" in html and NAME not in html and "Zoë &lt;Z&gt;" in html
    assert message.subject == f"You're invited to join {NAME} on Advocacy"
    with organization_scope(org):
        assert list(OutgoingMail.objects.values_list("kind", "to", "status")) == [
            ("invitation", "zoe@example.com", "sent")
        ]


def test_text_bodies_are_rendered_without_escaping():
    assert (
        mail.render_text("tenancy/email/invitation.txt", {"organization": {"name": NAME}, "url": "u"}).count(NAME) == 1
    )


def test_an_invitation_whose_email_is_refused_later_is_withdrawn(org, admin, settings):
    """Queued invitations (a roster's) are sent after the commit: a refusal then withdraws the invitation."""
    server = SMTPServer().start()
    try:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        server.refused = {"bounce@example.com"}
        with organization_scope(org):
            invitation, _raw = invitation_create(
                organization=org, actor=admin, email="bounce@example.com", roles=["employee"], send_email=False
            )
            [row] = OutgoingMail.objects.all()
        mail.deliver(organization_id=org.pk, ids=[row.pk])
    finally:
        server.stop()
    with organization_scope(org):
        assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
        event = AuditEvent.objects.get(action="invitation.email_refused")
    assert event.data["email"] == "bounce@example.com" and "550" in event.data["reason"]
