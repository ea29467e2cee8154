"""Mail while its server and the broker fail (a real SMTP server on 127.0.0.1 and a Redis server of the test's own,
both stopped and started again by the test): an invitation made meanwhile is saved and its email waits in the mail
outbox, its retry is published when the broker answers and kept for the sweep when it does not, and once both are
back every email goes out exactly once, even though the restarted Redis lost the retry it held."""

from datetime import timedelta

import pytest
import redis
from django.db.models import F

from advocacy.core.models import OutgoingMail
from advocacy.core.tasks import sweep_outgoing_mail
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation

from .conftest import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def invite(client, org, email):
    response = client.post(f"/o/{org.slug}/invitations/", {"email": email, "roles": ["employee"]})
    assert response.status_code == 302, response.content.decode()[:500]


def outbox(org):
    with organization_scope(org):
        return sorted(OutgoingMail.objects.values_list("to", "status", "attempts"))


def later(org, delta):
    """What waiting `delta` does to the mail outbox's clock (its rows' times move back by that much)."""
    with organization_scope(org):
        OutgoingMail.objects.update(created_at=F("created_at") - delta, next_attempt_at=F("next_attempt_at") - delta)


def test_mail_outlives_its_server_and_the_broker_and_is_sent_once(org, admin, client_for, private_redis, smtp_server):
    client = client_for(admin)
    broker = redis.Redis.from_url(private_redis.url)

    smtp_server.stop()  # the mail server is down: the invitation is saved, its email waits, a retry is published
    invite(client, org, "ada@example.com")
    assert outbox(org) == [("ada@example.com", "queued", 1)]
    assert broker.llen("mail") == 1  # the retry, due in 30 s

    private_redis.stop()  # the broker too: the retry cannot be published; the row is the sweep's
    invite(client, org, "bo@example.com")
    assert outbox(org) == [("ada@example.com", "queued", 1), ("bo@example.com", "queued", 1)]
    with organization_scope(org):
        assert sorted(Invitation.objects.values_list("email", flat=True)) == ["ada@example.com", "bo@example.com"]

    private_redis.start()  # back, empty: the retry it held is gone
    smtp_server.start()
    assert run_queued_tasks() == []
    later(org, timedelta(minutes=3))  # both retries were due a while ago: beat's sweep finds them
    assert sweep_outgoing_mail.apply().get() == 1
    assert run_queued_tasks() == ["advocacy.core.tasks.send_outgoing_mail"]
    assert sorted(smtp_server.recipients()) == ["ada@example.com", "bo@example.com"]
    assert [status for _to, status, _attempts in outbox(org)] == ["sent", "sent"]

    later(org, timedelta(hours=1))  # nothing is sent twice, however often the sweep runs
    assert sweep_outgoing_mail.apply().get() == 0
    assert sorted(smtp_server.recipients()) == ["ada@example.com", "bo@example.com"]
