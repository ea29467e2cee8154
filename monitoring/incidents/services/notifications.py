"""Telling the responders: an email to each at once (the mail outbox), and a message to the organization's
webhook (Slack- or Teams-compatible JSON, signed with an HMAC-SHA256 of the body in X-Advocacy-Signature),
delivered by a Celery task through the outbound guard: retried on 5xx, 429 and timeouts (a Retry-After is
honoured), never on other 4xx, every attempt recorded."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import timedelta
from email.utils import parsedate_to_datetime

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core import mail, outbound, secrets
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.jobs import enqueue

from ..models import Incident, IncidentResponder, ResponsePlan, TimelineEntry, WebhookDelivery
from .common import org_url

log = logging.getLogger("advocacy.incidents")

DELIVER_TASK = "monitoring.incidents.tasks.deliver_webhook"
SIGNATURE_HEADER = "X-Advocacy-Signature"
MAX_ATTEMPTS = 6
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 60 * 60
MAX_RETRY_AFTER = 6 * 60 * 60  # a Retry-After is honoured up to this
LEASE_SECONDS = 90  # an attempt in flight: no other worker takes the delivery meanwhile
TIMEOUT = 10.0
DEADLINE = 20.0
COLOURS = {"critical": "#b42318", "high": "#dc6803", "medium": "#1570ef", "low": "#667085"}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- email ----------------------------------------------------------------------------------------------------


def responders_email(*, organization, incident: Incident, responders: list[IncidentResponder]) -> int:
    """One email per responder, in the caller's transaction (sent once it commits), and a timeline entry."""
    people = [r for r in responders if r.user.email]
    if not people:
        return 0
    url = org_url(organization, "incidents_detail", incident_id=incident.pk)
    subject = _("[%(severity)s] Incident %(ref)s: %(title)s") % {
        "severity": incident.get_severity_display(),
        "ref": incident.reference,
        "title": incident.title,
    }
    mails = []
    for responder in people:
        body = _(
            "You are a responder to an incident at %(org)s%(role)s.\n\n%(title)s\nSeverity: %(severity)s\n"
            "Status: %(state)s\n\n%(summary)s\n\nOpen the incident, its checklist and holding statements:\n%(url)s\n"
        ) % {
            "org": organization.name,
            "role": f" ({responder.role})" if responder.role else "",
            "title": incident.title,
            "severity": incident.get_severity_display(),
            "state": incident.get_state_display(),
            "summary": incident.summary,
            "url": url,
        }
        mails.append(
            mail.Mail(
                to=responder.user.email,
                subject=subject,
                body=body,
                kind="incident_notification",
                refs={"incident_id": incident.pk, "user_id": responder.user_id},
            )
        )
    mail.queue(organization, mails)
    now = timezone.now()
    IncidentResponder.objects.filter(organization=organization, pk__in=[r.pk for r in people]).update(notified_at=now)
    names = ", ".join(r.user.display_name for r in people)
    TimelineEntry.objects.create(
        organization=organization,
        incident=incident,
        kind=TimelineEntry.Kind.MESSAGE,
        text=_("Email sent to %(names)s.") % {"names": names},
        data={"channel": "email", "count": len(people)},
    )
    return len(people)


def incident_declared_notify(*, organization, incident: Incident) -> None:
    responders = list(
        IncidentResponder.objects.filter(organization=organization, incident=incident).select_related("user")
    )
    responders_email(organization=organization, incident=incident, responders=responders)
    webhook_queue(
        organization=organization,
        incident=incident,
        event="incident.declared",
        headline=_("New incident: %(title)s") % {"title": incident.title},
    )


def incident_changed_notify(*, organization, incident: Incident, change: str) -> None:
    webhook_queue(
        organization=organization,
        incident=incident,
        event="incident.updated",
        headline=f"{incident.reference} {incident.title}: {change}",
    )


# --- the webhook's message --------------------------------------------------------------------------------------


def _payload(fmt: str, *, organization, incident: Incident | None, headline: str) -> dict:
    if incident is None:
        lines = [_("A test message from the incident response plan of %(org)s.") % {"org": organization.name}]
        url = org_url(organization, "incidents_plan")
    else:
        lines = [
            _("Severity: %(s)s · Status: %(t)s")
            % {"s": incident.get_severity_display(), "t": incident.get_state_display()},
            incident.summary[:500],
        ]
        url = org_url(organization, "incidents_detail", incident_id=incident.pk)
    text = "\n".join(line for line in lines if line)
    colour = COLOURS.get(getattr(incident, "severity", ""), "#667085")
    if fmt == ResponsePlan.WebhookFormat.TEAMS:
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": headline,
            "themeColor": colour.lstrip("#"),
            "title": headline,
            "text": text.replace("\n", "<br>"),
            "potentialAction": [{"@type": "OpenUri", "name": _("Open"), "targets": [{"os": "default", "uri": url}]}],
        }
    return {
        "text": f"{headline}\n{text}\n<{url}|{_('Open')}>",
        "attachments": [{"color": colour, "title": headline, "title_link": url, "text": text}],
    }


def webhook_queue(*, organization, incident: Incident | None, event: str, headline: str) -> WebhookDelivery | None:
    """Write the delivery (the exact body) in the caller's transaction; the task sends it once that commits."""
    plan = ResponsePlan.objects.filter(organization=organization).first()
    if plan is None or not plan.webhook_url or not plan.webhook_secret_encrypted:
        return None
    body = json.dumps(
        _payload(plan.webhook_format, organization=organization, incident=incident, headline=headline),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    delivery = WebhookDelivery.objects.create(
        organization=organization,
        incident=incident,
        event=event,
        url=plan.webhook_url,
        body=body,
        next_attempt_at=timezone.now(),
    )
    enqueue(DELIVER_TASK, organization, delivery.pk)
    return delivery


# --- delivering ---------------------------------------------------------------------------------------------------


def retry_after_seconds(value: str | None) -> int | None:
    """A Retry-After header (seconds or an HTTP date) in whole seconds, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((when - timezone.now()).total_seconds()))


def backoff(attempts: int) -> int:
    return min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def _claim(organization, delivery_id: int) -> tuple[WebhookDelivery | None, str]:
    """Take the delivery for one attempt (a lease) in a transaction of its own, with the secret to sign it: (None,
    "") when it is done, failed, not yet due or in another worker's hands."""
    with organization_scope(organization):
        now = timezone.now()
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(organization=organization, pk=delivery_id)
            .filter(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING])
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return None, ""
        delivery.next_attempt_at = now + timedelta(seconds=LEASE_SECONDS)
        delivery.save(update_fields=["next_attempt_at"])
        plan = ResponsePlan.objects.filter(organization=organization).first()
        try:
            secret = secrets.decrypt(plan.webhook_secret_encrypted) if plan else ""
        except secrets.SecretUnreadable:
            secret = ""
        return delivery, secret


def _post(delivery: WebhookDelivery, secret: str) -> tuple[int | None, str, int | None]:
    """(status code or None, error in words, Retry-After seconds; -1 for never again) of one POST through the
    outbound guard. No database work here: nothing is held while the request is in flight."""
    if not secret:
        return None, _("The webhook has no secret to sign with any more."), -1
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body),
        "X-Advocacy-Event": delivery.event,
        "X-Advocacy-Delivery": str(delivery.pk),
    }
    session = outbound.guarded_session(timeout=TIMEOUT, deadline=DEADLINE, max_bytes=64 * 1024)
    try:
        response = session.post(delivery.url, data=body, headers=headers, allow_redirects=False)
    except requests.RequestException as exc:
        refused = outbound.refusal_of(exc)
        if isinstance(refused, outbound.Refused):
            return None, str(refused), -1
        return None, str(refused or _("The webhook could not be reached.")), None
    except outbound.Refused as exc:
        return None, str(exc), -1
    except outbound.OutboundError as exc:
        return None, str(exc), None
    finally:
        session.close()
    return response.status_code, response.reason or "", retry_after_seconds(response.headers.get("Retry-After"))


def _outcome(status: int | None, retry_after: int | None) -> str:
    if status is not None and 200 <= status < 300:
        return WebhookDelivery.Status.DELIVERED
    if retry_after == -1:
        return WebhookDelivery.Status.FAILED
    if status is None or status >= 500 or status in (408, 429):
        return WebhookDelivery.Status.RETRYING
    return WebhookDelivery.Status.FAILED  # other answers (4xx, a redirect) will not change by asking again


def webhook_attempt(*, organization, delivery_id: int) -> WebhookDelivery | None:
    """One attempt at a delivery, in its own transactions (claim; request; record): returns it as recorded, or
    None when there was nothing to do. A delivery still retrying has `next_attempt_at` set to when to try again."""
    delivery, secret = _claim(organization, delivery_id)
    if delivery is None:
        return None
    status, error, retry_after = _post(delivery, secret)
    with organization_scope(organization):
        return _record(organization, delivery.pk, status, error, retry_after)


def _record(organization, delivery_id: int, status: int | None, error: str, retry_after: int | None):
    outcome = _outcome(status, retry_after)
    delivery = WebhookDelivery.objects.select_for_update().get(organization=organization, pk=delivery_id)
    now = timezone.now()
    delivery.attempts += 1
    delivery.attempt_log = [*delivery.attempt_log, {"at": now.isoformat(), "status_code": status, "error": error[:300]}]
    delivery.last_status_code = status
    delivery.last_error = "" if outcome == WebhookDelivery.Status.DELIVERED else (error or str(status))[:500]
    if outcome == WebhookDelivery.Status.RETRYING and delivery.attempts >= MAX_ATTEMPTS:
        outcome = WebhookDelivery.Status.FAILED
    delivery.status, delivery.next_attempt_at = outcome, None
    if outcome == WebhookDelivery.Status.RETRYING:
        wait = backoff(delivery.attempts) if retry_after is None else max(1, min(retry_after, MAX_RETRY_AFTER))
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    elif outcome == WebhookDelivery.Status.DELIVERED:
        delivery.delivered_at = now
    delivery.save()
    _record_on_timeline(organization, delivery)
    return delivery


def _record_on_timeline(organization, delivery: WebhookDelivery) -> None:
    if delivery.incident_id is None or delivery.status == WebhookDelivery.Status.RETRYING:
        return
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        text = _("Message posted to the webhook.")
    else:
        text = _("The webhook message could not be delivered (%(error)s).") % {
            "error": delivery.last_error or delivery.last_status_code
        }
    TimelineEntry.objects.get_or_create(
        organization=organization,
        incident_id=delivery.incident_id,
        key=f"webhook:{delivery.pk}",
        defaults={
            "kind": TimelineEntry.Kind.MESSAGE,
            "text": text,
            "data": {"channel": "webhook", "status": delivery.status, "event": delivery.event},
        },
    )


def webhook_due(*, organization, limit: int = 100) -> list[int]:
    """Deliveries whose next attempt is due (a retry whose message was lost, one queued while the broker was
    down): the sweep sends them."""
    return list(
        WebhookDelivery.objects.filter(
            organization=organization,
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def webhook_test_send(*, organization, actor) -> WebhookDelivery | None:
    """A test message from the plan page, recorded like any other delivery."""
    delivery = webhook_queue(
        organization=organization,
        incident=None,
        event="test",
        headline=_("Test message from %(org)s") % {"org": organization.name},
    )
    if delivery is not None:
        audit_record(organization=organization, actor=actor, action="incident_plan.webhook_tested", target=delivery)
    return delivery
