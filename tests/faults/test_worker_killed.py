"""A worker killed in the middle of a roster import (SIGKILL to a real `celery worker` process on the test
database, with a Redis server and an SMTP server of the test's own): the import stalls with its message
unacknowledged in Redis (it would wait there for the broker's visibility timeout), its committed chunk's last
emails unsent; once a worker runs again the stall check notices and resumes it from its last committed chunk and
the mail sweep sends what the dead worker did not: every row imported once, every invitation mailed once.

The kill is placed, not timed: the SMTP server holds its answer to one invitation of the first chunk until the
worker is dead, so the worker dies after that chunk committed and while its emails are on the wire."""

import pytest
import redis

from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, RosterImport
from advocacy.tenancy.services import roster_import_create

from .conftest import poll

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [f"person{n:03d}@example.com" for n in range(1, 61)]  # 60 rows: chunks of 25, 25 and 10
HELD = PEOPLE[21]  # the 22nd invitation of the first chunk


def scoped(org, fn):
    with organization_scope(org):
        return fn()


def current(org, roster_import):
    return scoped(org, lambda: RosterImport.objects.get(pk=roster_import.pk))


def mail_statuses(org):
    return scoped(org, lambda: sorted(OutgoingMail.objects.values_list("to", "status")))


def test_a_killed_worker_stalls_an_import_that_is_resumed_with_nothing_lost(
    org, admin, private_redis, smtp_server, celery_worker
):
    from advocacy.celery import app

    smtp_server.hold_for = HELD
    celery_worker.start()
    roster = "name,email\n" + "".join(f"Person {n},{email}\n" for n, email in enumerate(PEOPLE, start=1))
    roster_import = scoped(
        org, lambda: roster_import_create(organization=org, actor=admin, filename="people.csv", content=roster)
    )

    # The first chunk committed, its emails are going out one by one; the 22nd is on the wire: kill the worker.
    poll(smtp_server.held.is_set, timeout=60)
    celery_worker.kill()
    smtp_server.release.set()  # the answer comes too late: nobody hears it, the message is not kept

    stalled = current(org, roster_import)
    assert (stalled.status, stalled.processed_rows, stalled.total_rows) == ("running", 25, 60), celery_worker.log()
    assert smtp_server.recipients() == PEOPLE[:21]
    queued = [to for to, status in mail_statuses(org) if status == "queued"]
    assert queued == PEOPLE[21:25]  # committed with its chunk, never sent: kept, not lost
    # the import's task message waits in Redis, unacknowledged, for the broker's visibility timeout (2 h)
    assert redis.Redis.from_url(private_redis.url).hlen("unacked") == 1

    # A worker runs again; the beat entries come (the stall check with the silence it waited for taken as
    # passed, the mail sweep likewise): the import resumes after row 26 and the four emails go out.
    smtp_server.hold_for = None
    celery_worker.start()
    app.send_task("advocacy.tenancy.tasks.resume_stalled_roster_imports", kwargs={"stalled_after_seconds": 0})
    app.send_task("advocacy.core.tasks.sweep_outgoing_mail", kwargs={"grace_seconds": 0})
    try:
        poll(
            lambda: current(org, roster_import).status == "done" and len(smtp_server.recipients()) >= len(PEOPLE),
            timeout=90,
            interval=0.2,
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{celery_worker.log()[-4000:]}") from None

    done = current(org, roster_import)
    assert done.processed_rows == 60 and done.auto_resumes == 0
    assert [entry["row"] for entry in done.report] == list(range(2, 62))  # each row once, in order
    assert {entry["outcome"] for entry in done.report} == {"created"}
    assert scoped(org, lambda: sorted(Invitation.objects.values_list("email", flat=True))) == PEOPLE
    assert sorted(smtp_server.recipients()) == PEOPLE  # every invitation mailed, none twice
    assert mail_statuses(org) == [(email, "sent") for email in PEOPLE]
    accepted = {message["To"]: message for _, message in smtp_server.messages}
    assert "/invitations/" in accepted[HELD].get_payload()[0].get_payload(decode=True).decode()
