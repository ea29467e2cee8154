"""The mail outbox (advocacy.core.mail): mail is written in the transaction of what it announces, sent once that
commits, never when it rolls back, retried while the mail server cannot be reached (a real SMTP server on
127.0.0.1 that the test stops and starts), refused for good on a 5xx, sent once however often it is delivered,
and swept up in every organization when the process that queued it did not send it."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from advocacy.core import mail
from advocacy.core.models import OutgoingMail
from advocacy.core.registry import beat_schedule
from advocacy.core.tasks import purge_outgoing_mail, send_outgoing_mail, sweep_outgoing_mail
from advocacy.tenancy.context import organization_scope
from tests.mailserver import SMTPServer

pytestmark = pytest.mark.django_db

REFUSALS = []


def record_refusal(*, organization, mail, reason):
    """An `on_refused` hook: runs in the transaction that records the refusal."""
    REFUSALS.append((organization.pk, mail.to, mail.status, reason))


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in this process (no broker to hold a retry: the sweep sends what waits)."""
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


def queue(org, *addresses, **options):
    with organization_scope(org):
        return mail.queue(org, [mail.Mail(to=a, subject="Hello", body="Hi there", **options) for a in addresses])


def stored(org):
    with organization_scope(org):
        return list(OutgoingMail.objects.order_by("pk"))


def test_mail_is_written_with_its_transaction_and_sent_once_that_commits(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            [row] = queue(org, "ada@example.com")
            assert [(m.to, m.status) for m in stored(org)] == [("ada@example.com", "queued")]
            assert mailoutbox == []  # nothing leaves before the commit
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<mail-{org.pk}-{row.pk}@localhost>"
    [sent] = stored(org)
    assert sent.status == "sent" and sent.sent_at and sent.attempts == 1
    assert sent.body == ""  # kept: who, what and when, not the content (an invitation's link)


def test_a_transaction_that_rolls_back_sends_nothing(org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue(org, "ada@example.com")
            raise RuntimeError("the work it announced failed")
    assert callbacks == [] and stored(org) == [] and mailoutbox == []


def test_mail_is_sent_once_however_often_it_is_delivered(org, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = queue(org, "ada@example.com", "bo@example.com")
    ids = [row.pk for row in rows]
    # a duplicate task message, a retry and the sweep all find them sent
    send_outgoing_mail.apply(args=[org.pk, ids])
    mail.deliver(organization_id=org.pk, ids=ids)
    mail.deliver(organization_id=org.pk, due_before=timezone.now() + timedelta(days=1))
    assert sorted(smtp.recipients()) == ["ada@example.com", "bo@example.com"]


def test_an_unreachable_server_delays_the_mail_and_the_retry_sends_it(
    org, smtp, eager, django_capture_on_commit_callbacks
):
    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        queue(org, "ada@example.com", "bo@example.com")
    first, second = stored(org)
    assert first.status == second.status == "queued"
    assert first.attempts == 1 and "ConnectionRefusedError" in first.last_error
    assert first.next_attempt_at > timezone.now() and second.next_attempt_at == first.next_attempt_at
    assert smtp.recipients() == []

    smtp.start()  # back, on the same port
    assert send_outgoing_mail.apply(args=[org.pk, [first.pk, second.pk]]).get() == 2
    assert sorted(smtp.recipients()) == ["ada@example.com", "bo@example.com"]
    assert [m.status for m in stored(org)] == ["sent", "sent"]


def test_retries_back_off_and_give_up_after_two_days(org, smtp, django_capture_on_commit_callbacks):
    assert [mail.retry_delay(n) for n in (1, 2, 3, 7, 20)] == [30, 60, 120, 1800, 1800]
    REFUSALS.clear()
    smtp.stop()
    [row] = queue(org, "ada@example.com", on_refused=f"{__name__}.record_refusal")
    with organization_scope(org):
        OutgoingMail.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=3))
    result = mail.deliver(organization_id=org.pk, ids=[row.pk])
    assert result.refused == [row.pk] and result.deferred == []
    [failed] = stored(org)
    assert failed.status == "failed" and "not delivered for 2 days" in failed.last_error
    assert REFUSALS == [(org.pk, "ada@example.com", "failed", failed.last_error)]


def test_a_refused_address_is_not_tried_again_and_its_hook_runs(org, smtp, django_capture_on_commit_callbacks):
    REFUSALS.clear()
    smtp.refused = {"bounce@example.com"}
    with django_capture_on_commit_callbacks(execute=True):
        queue(org, "bounce@example.com", "ada@example.com", on_refused=f"{__name__}.record_refusal")
    bounced, delivered = stored(org)
    assert bounced.status == "failed" and "550" in bounced.last_error and bounced.body == ""
    assert delivered.status == "sent"  # the next message of the batch went out on the same connection
    assert smtp.recipients() == ["ada@example.com"]
    assert REFUSALS == [(org.pk, "bounce@example.com", "failed", bounced.last_error)]
    assert mail.deliver(organization_id=org.pk, ids=[bounced.pk]).refused == []  # not tried again


def test_the_sweep_sends_what_no_process_sent_in_every_organization(org, other_org, mailoutbox, eager):
    """A process that died between its commit and the sending leaves rows queued; the beat task finds their
    organizations (a function the runtime role may only execute) and sends them."""
    [overdue] = queue(org, "ada@example.com")
    [fresh] = queue(org, "bo@example.com")
    [elsewhere] = queue(other_org, "cy@example.com")
    old = timezone.now() - mail.SWEEP_GRACE - timedelta(seconds=1)
    for organization, row in ((org, overdue), (other_org, elsewhere)):
        with organization_scope(organization):
            OutgoingMail.objects.filter(pk=row.pk).update(created_at=old, next_attempt_at=old)
    assert mail.organizations_with_mail(due_before=timezone.now() - mail.SWEEP_GRACE) == sorted([org.pk, other_org.pk])
    assert sweep_outgoing_mail.apply().get() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.com", "cy@example.com"]  # not the fresh one yet
    assert [m.status for m in stored(org)] == ["sent", "queued"]
    assert mail.organizations_with_mail(due_before=timezone.now() - mail.SWEEP_GRACE) == []


def test_old_mail_is_purged(org, mailoutbox, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(org, "ada@example.com", "bo@example.com")
    [waiting] = queue(org, "cy@example.com")
    first, _second, _third = stored(org)
    long_ago = timezone.now() - mail.KEEP_FOR - timedelta(days=1)
    with organization_scope(org):
        OutgoingMail.objects.filter(pk__in=[first.pk, waiting.pk]).update(created_at=long_ago)
    assert purge_outgoing_mail.apply().get() == 1
    assert [m.to for m in stored(org)] == ["bo@example.com", "cy@example.com"]  # a queued one is never purged


def test_the_sweeps_are_beat_entries_of_the_mail_queue():
    schedule = beat_schedule()
    assert schedule["core-mail-sweep"] == {"task": "advocacy.core.tasks.sweep_outgoing_mail", "schedule": 60.0}
    assert schedule["core-mail-purge"]["task"] == "advocacy.core.tasks.purge_outgoing_mail"
    # the queue split routes tasks by name: every mail task says "mail"
    assert all("mail" in name for name in (send_outgoing_mail.name, sweep_outgoing_mail.name, mail.SEND_TASK))
