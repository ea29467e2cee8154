"""Outgoing mail: an outbox of emails (advocacy.core.models.OutgoingMail), so a killed process delays mail and
never drops it.

* **Written with what it announces.** `queue(organization, [Mail(...)])` writes one row per message in the
  caller's transaction (an invitation, a reminder's claim, a digest's weekly record): the mail exists exactly
  when that committed, and a transaction that rolls back leaves no mail.
* **Sent after the commit,** by the process that committed (one connection to the mail server for what it
  queued; `batch()` groups several `queue` calls), with `deliver()`: each row is sent under its own row lock
  and marked sent in the transaction that holds the lock, so two senders never both send it.
* **Retried.** A server that cannot be reached (refused connection, timeout, a 4xx answer) leaves the row
  queued with its next attempt after a backoff (30 s doubling to 30 min), and the Celery task
  `advocacy.core.tasks.send_outgoing_mail` sends it then; after two days of that it is given up as refused.
* **Swept.** The beat task `advocacy.core.tasks.sweep_outgoing_mail` (every minute) finds organizations with
  rows whose attempt is more than two minutes overdue (the process died between the commit and the sending,
  the retry's message was lost with its worker) and sends them.
* **Refused.** A 5xx answer for the recipient (or for the message) marks the row failed and calls its
  `on_refused` hook in the same transaction: an invitation is withdrawn, a reminder's claim given back.
* **Interactive.** `send_now()` tries one message inside the caller's transaction, for a person waiting on
  the answer (an admin inviting one address): a refusal raises `MailRefused` and the caller undoes what the
  mail announced; an unreachable server leaves it queued.

At least once, never lost: a process killed after the server accepted a message and before its row was marked
sent sends it again (the same Message-ID, which lets mail clients fold the copies). The other side, marking
first and sending after, would lose that message instead; a duplicate invitation or reminder is the lesser
harm. Once sent, a row keeps who, what and when, not the body (an invitation's link is only ever in the
email); sent and failed rows are purged after 30 days.

Plain-text bodies are rendered with `render_text` (no HTML autoescaping: an organization called
`Acme "><b>` reads as typed); HTML alternatives with Django's escaping as usual.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlparse

from celery import current_app
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django.utils.module_loading import import_string

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization

from .models import OutgoingMail

log = logging.getLogger("advocacy.mail")

SEND_TASK = "advocacy.core.tasks.send_outgoing_mail"
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 30 * 60  # well under the broker's visibility timeout (a countdown is held unacknowledged)
GIVE_UP_AFTER = timedelta(days=2)
SWEEP_GRACE = timedelta(minutes=2)  # a row this overdue was not sent by the process that queued it
KEEP_FOR = timedelta(days=30)
BATCH_LIMIT = 200  # rows one sweep task sends for one organization (the next sweep takes the rest)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    html: str = ""
    kind: str = "notification"
    on_refused: str = ""  # dotted path of f(*, organization, mail, reason)
    refs: dict = field(default_factory=dict)


class MailRefused(Exception):
    """The mail server refused a message for good (a 5xx answer)."""

    def __init__(self, address: str, reason: str):
        super().__init__(f"{address}: {reason}")
        self.address = address
        self.reason = reason


@dataclass
class Delivery:
    sent: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    retry_in: int = 0  # seconds until the deferred rows' next attempt


# --- writing -------------------------------------------------------------------------------------------------

_batch: ContextVar[dict[int, list[int]] | None] = ContextVar("mail_batch", default=None)


def render_text(template_name: str, context: dict) -> str:
    """A plain-text body: the template rendered without HTML autoescaping (included templates too)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def queue(organization: Organization, mails: Iterable[Mail], *, deliver: bool = True) -> list[OutgoingMail]:
    """Write `mails` in the current transaction (inside the organization's scope). With `deliver`, they are
    sent once it commits (together with the rest of an enclosing `batch()`); without, the caller sends them
    (`send_now`) or the sweep does."""
    now = timezone.now()
    rows = OutgoingMail.objects.bulk_create(
        [
            OutgoingMail(
                organization=organization,
                kind=mail.kind,
                to=mail.to,
                subject=mail.subject[:300],
                body=mail.body,
                html=mail.html,
                on_refused=mail.on_refused,
                refs=mail.refs,
                created_at=now,
                next_attempt_at=now,
            )
            for mail in mails
        ]
    )
    if deliver and rows:
        pending = _batch.get()
        if pending is not None:
            pending.setdefault(organization.pk, []).extend(row.pk for row in rows)
        else:
            deliver_on_commit(organization.pk, [row.pk for row in rows])
    return rows


@contextmanager
def batch():
    """Mail queued inside the block is sent together (one connection to the mail server) once the transaction
    around the block commits, or at once when there is none. A block that raises sends nothing (what it queued
    and committed anyway is the sweep's)."""
    if _batch.get() is not None:  # inside another batch: that one sends
        yield
        return
    pending: dict[int, list[int]] = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for organization_id, ids in pending.items():
        deliver_on_commit(organization_id, ids)


def deliver_on_commit(organization_id: int, ids: list[int]) -> None:
    # robust: the transaction that queued the mail is committed whatever happens to the sending
    transaction.on_commit(partial(deliver_or_retry, organization_id, list(ids)), robust=True)


def deliver_or_retry(organization_id: int, ids: list[int]) -> Delivery:
    """Send `ids` now; what the server did not take is handed to the retrying task."""
    result = deliver(organization_id=organization_id, ids=ids)
    if result.deferred:
        schedule_retry(organization_id, result.deferred, result.retry_in)
    return result


def schedule_retry(organization_id: int, ids: list[int], countdown: int) -> None:
    """Publish the send task for `ids` in `countdown` seconds. With no broker to hold it (eager tasks) or a
    broker that does not answer, the sweep sends them once they are due."""
    if current_app.conf.task_always_eager:
        return
    try:
        current_app.send_task(SEND_TASK, args=[organization_id, list(ids)], countdown=countdown)
    except Exception as exc:  # noqa: BLE001 - the broker is down or hung: the rows wait for the sweep
        log.warning("mail retry for %d message(s) left to the sweep: the broker did not take it (%s)", len(ids), exc)


# --- sending -------------------------------------------------------------------------------------------------


def _message_id(row: OutgoingMail) -> str:
    domain = urlparse(settings.SITE_URL).hostname or "advocacy.invalid"
    return f"<mail-{row.organization_id}-{row.pk}@{domain}>"


def _message(row: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, to=[row.to], headers={"Message-ID": _message_id(row)}
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def refusal(exc: BaseException) -> str | None:
    """Why the server refused the message for good, or None when trying again may work."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        if answers and all(500 <= code < 600 for code, _ in answers):
            code, text = answers[0]
            text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            return f"the mail server refused the address: {code} {text}".strip()
        return None
    if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"the mail server refused the message: {exc.smtp_code} {text}".strip()
    if isinstance(exc, BadHeaderError):
        return f"the message cannot be sent: {exc}"
    return None


def retry_delay(attempts: int) -> int:
    return min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))


class _Server:
    """One connection to the mail server, opened for the first message that needs it."""

    def __init__(self):
        self.connection = None

    def send(self, message) -> None:
        if self.connection is None:
            self.connection = get_connection()
            if hasattr(self.connection, "open"):
                self.connection.open()
        self.connection.send_messages([message])

    def close(self) -> None:
        if self.connection is not None and hasattr(self.connection, "close"):
            try:
                self.connection.close()
            except Exception as exc:  # noqa: BLE001 - what was sent is marked; a failed goodbye changes nothing
                log.info("mail server connection not closed cleanly (%s)", exc)
        self.connection = None


def _mark_sent(row: OutgoingMail) -> None:
    row.status = OutgoingMail.Status.SENT
    row.sent_at = timezone.now()
    row.attempts += 1
    row.body = row.html = ""
    row.last_error = ""
    row.save(update_fields=["status", "sent_at", "attempts", "body", "html", "last_error"])


def _mark_refused(organization: Organization, row: OutgoingMail, reason: str) -> None:
    row.status = OutgoingMail.Status.FAILED
    row.attempts += 1
    row.body = row.html = ""
    row.last_error = reason[:500]
    row.save(update_fields=["status", "attempts", "body", "html", "last_error"])
    log.warning("mail #%s (%s) not delivered: %s", row.pk, row.kind, reason)
    if row.on_refused:
        import_string(row.on_refused)(organization=organization, mail=row, reason=reason)


def _mark_deferred(row: OutgoingMail, exc: BaseException) -> int:
    """The next attempt after a backoff; returns the seconds until then (`row.next_attempt_at`)."""
    row.attempts += 1
    delay = retry_delay(row.attempts)
    row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
    row.save(update_fields=["attempts", "next_attempt_at", "last_error"])
    return delay


def _failed(organization: Organization, row: OutgoingMail, exc: BaseException) -> tuple[str, OutgoingMail | None]:
    """Record a failed attempt: ("refused", None) or ("deferred", the row with its next attempt)."""
    reason = refusal(exc)
    if reason is None and timezone.now() - row.created_at > GIVE_UP_AFTER:
        reason = f"not delivered for {GIVE_UP_AFTER.days} days ({type(exc).__name__}: {exc})"
    if reason is not None:
        _mark_refused(organization, row, reason)
        return "refused", None
    if not isinstance(exc, smtplib.SMTPException | OSError):
        log.exception("mail #%s: unexpected error while sending; it is tried again", row.pk, exc_info=exc)
    _mark_deferred(row, exc)
    return "deferred", row


def _deliver_one(organization: Organization, pk: int, server: _Server) -> tuple[str, OutgoingMail | None]:
    with organization_scope(organization):
        row = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutgoingMail.Status.QUEUED)
            .first()
        )
        if row is None:  # sent or refused already, or being sent by another process right now
            return "skipped", None
        try:
            server.send(_message(row))
        except Exception as exc:  # noqa: BLE001 - classified: refused for good, or tried again later
            server.close()
            return _failed(organization, row, exc)
        _mark_sent(row)
        return "sent", row


def deliver(*, organization_id: int, ids: list[int] | None = None, due_before: datetime | None = None) -> Delivery:
    """Send the queued rows `ids` of an organization (or, for the sweep, those due before `due_before`), each
    in its own transaction. Stops at the first message the server could not take for a reason that is not
    the message's own (it is unreachable): the rest wait as long as that one."""
    organization = Organization.objects.get(pk=organization_id)
    if ids is None:
        ids = _due(organization, due_before or timezone.now())
    result = Delivery()
    server = _Server()
    try:
        for index, pk in enumerate(ids):
            outcome, row = _deliver_one(organization, pk, server)
            if outcome == "sent":
                result.sent.append(pk)
            elif outcome == "refused":
                result.refused.append(pk)
            elif outcome == "deferred":
                result.deferred = [pk, *_defer(organization, ids[index + 1 :], row.next_attempt_at)]
                result.retry_in = retry_delay(row.attempts)
                break
    finally:
        server.close()
    return result


def _due(organization: Organization, due_before: datetime) -> list[int]:
    with organization_scope(organization):
        rows = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=due_before)
        return list(rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH_LIMIT])


def _defer(organization: Organization, ids: list[int], next_attempt_at: datetime) -> list[int]:
    """The rows not tried because the server is unreachable: their next attempt with the one that failed."""
    if not ids:
        return []
    with organization_scope(organization):
        rows = OutgoingMail.objects.filter(pk__in=ids, status=OutgoingMail.Status.QUEUED)
        waiting = list(rows.values_list("pk", flat=True))
        rows.update(next_attempt_at=next_attempt_at)
    return sorted(waiting)


def send_now(organization: Organization, row: OutgoingMail) -> bool:
    """One attempt at `row` inside the caller's transaction (the row is not visible to other senders yet), for
    a person waiting on the answer. Returns True when sent. A refusal raises MailRefused, so the caller can
    undo what the mail announced; an unreachable server leaves the row queued and the retrying task sends it
    after the commit (False)."""
    server = _Server()
    try:
        server.send(_message(row))
    except Exception as exc:  # noqa: BLE001 - classified below
        reason = refusal(exc)
        if reason is not None:
            raise MailRefused(row.to, reason) from exc
        delay = _mark_deferred(row, exc)
        transaction.on_commit(partial(schedule_retry, organization.pk, [row.pk], delay), robust=True)
        log.warning("mail #%s (%s) queued: the mail server could not be reached (%s)", row.pk, row.kind, exc)
        return False
    finally:
        server.close()
    _mark_sent(row)
    return True


# --- the sweep -----------------------------------------------------------------------------------------------


def organizations_with_mail(*, due_before: datetime | None, purge_before: datetime | None = None) -> list[int]:
    """Organizations with rows due before `due_before` (not sent by the process that queued them), or sent or
    failed before `purge_before`: the one read across organizations, through a function the runtime role may
    only execute (advocacy/core/migrations/0002_outgoingmail.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM outgoing_mail_organizations(%s, %s)", [due_before, purge_before])
        return sorted(organization_id for (organization_id,) in cursor.fetchall())


def purge(*, organization_id: int, before: datetime) -> int:
    """Forget sent and failed mail older than `before`."""
    with organization_scope(Organization.objects.get(pk=organization_id)):
        old = OutgoingMail.objects.exclude(status=OutgoingMail.Status.QUEUED).filter(created_at__lt=before)
        return old.delete()[0]
