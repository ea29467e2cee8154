"""The webhook: each message signed with an HMAC-SHA256 of its exact body, delivered through the outbound guard
to a real local server that checks the signature; retried on 5xx, 429 and timeouts (Retry-After honoured), not
on other 4xx; every attempt recorded."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from advocacy.core import secrets
from advocacy.tenancy.context import organization_scope
from monitoring.incidents.models import ResponsePlan, TimelineEntry, WebhookDelivery
from monitoring.incidents.services import notifications
from monitoring.incidents.services import plan as plan_services
from monitoring.incidents.tasks import deliver_webhook

from .conftest import SECRET
from .factories import incident, plan

pytestmark = pytest.mark.django_db


def _delivery(org, inc) -> WebhookDelivery:
    with organization_scope(org):
        return WebhookDelivery.objects.get(organization=org, incident=inc)


def _attempt(org, delivery):
    return notifications.webhook_attempt(organization=org, delivery_id=delivery.pk)


def _make_due(org, delivery):
    with organization_scope(org):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def declared(org, hr, webhook):
    plan(org, hr, webhook_url=webhook.url, secret=SECRET)
    inc = incident(org, hr, title="Leaked roadmap", severity="critical", summary="A screenshot of the roadmap.")
    return inc, _delivery(org, inc)


def test_a_declared_incident_is_posted_signed_and_the_server_verifies_it(org, declared, webhook):
    inc, delivery = declared
    assert deliver_webhook(org.pk, delivery.pk) == "delivered"  # the Celery task, run in this process
    [received] = webhook.state.received
    assert received.signature_valid
    assert received.headers["X-Advocacy-Signature"] == notifications.sign(SECRET, received.body)
    assert received.headers["X-Advocacy-Event"] == "incident.declared"
    body = received.json
    assert "Leaked roadmap" in body["text"] and body["attachments"][0]["color"] == "#b42318"  # Slack-compatible
    assert f"/monitoring/incidents/{inc.pk}/" in body["attachments"][0]["title_link"]
    with organization_scope(org):
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    with organization_scope(org):
        texts = list(TimelineEntry.objects.filter(incident=inc, kind="message").values_list("text", flat=True))
    assert "Message posted to the webhook." in texts


def test_teams_format_is_a_message_card(org, hr, webhook):
    plan(org, hr)
    with organization_scope(org):
        plan_services.plan_webhook_set(organization=org, actor=hr, url=webhook.url, secret=SECRET, fmt="teams")
    inc = incident(org, hr, title="Teams check")
    _attempt(org, _delivery(org, inc))
    body = webhook.state.received[0].json
    assert body["@type"] == "MessageCard" and body["title"] == "New incident: Teams check"
    assert webhook.state.received[0].signature_valid


def test_a_5xx_with_retry_after_is_retried_then_the_same_bytes_are_sent(org, declared, webhook):
    _inc, delivery = declared
    webhook.state.answers.append((503, {"Retry-After": "120"}))
    before = timezone.now()
    delivery = _attempt(org, delivery)
    assert delivery.status == "retrying" and delivery.last_status_code == 503
    assert before + timedelta(seconds=119) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=121)
    assert _attempt(org, delivery) is None  # not due yet: nothing sent
    assert len(webhook.state.received) == 1
    _make_due(org, delivery)
    delivery = _attempt(org, delivery)
    assert delivery.status == "delivered" and delivery.attempts == 2
    first, second = webhook.state.received
    assert first.body == second.body and second.signature_valid
    assert [a["status_code"] for a in delivery.attempt_log] == [503, 200]


def test_a_5xx_without_retry_after_backs_off_and_429_with_a_date_is_honoured(org, declared, webhook):
    _inc, delivery = declared
    webhook.state.answers.append((502, {}))
    delivery = _attempt(org, delivery)
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert delivery.status == "retrying" and 25 <= wait <= 31
    _make_due(org, delivery)
    when = timezone.now() + timedelta(minutes=10)
    webhook.state.answers.append((429, {"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}))
    delivery = _attempt(org, delivery)
    assert delivery.status == "retrying" and abs((delivery.next_attempt_at - when).total_seconds()) <= 2


@pytest.mark.parametrize("status", [400, 404, 410])
def test_other_4xx_fail_at_once_and_are_not_retried(org, declared, webhook, status):
    inc, delivery = declared
    webhook.state.answers.append((status, {}))
    delivery = _attempt(org, delivery)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
    with organization_scope(org):
        assert notifications.webhook_due(organization=org) == []
        assert TimelineEntry.objects.filter(incident=inc, key=f"webhook:{delivery.pk}").exists()
    _make_due(org, delivery)
    assert _attempt(org, delivery) is None and len(webhook.state.received) == 1


def test_a_wrong_signature_is_refused_by_the_server_and_not_retried(org, declared, webhook):
    _inc, delivery = declared
    webhook.state.secret = "the receiver expects another secret"
    delivery = _attempt(org, delivery)
    assert webhook.state.received[0].signature_valid is False
    assert (delivery.status, delivery.last_status_code) == ("failed", 401)


def test_a_timeout_is_retried(org, declared, webhook, monkeypatch):
    _inc, delivery = declared
    monkeypatch.setattr(notifications, "TIMEOUT", 0.3)
    webhook.state.answers.append("hang")
    delivery = _attempt(org, delivery)
    webhook.state.release.set()
    assert delivery.status == "retrying" and delivery.last_status_code is None and delivery.last_error


def test_it_gives_up_after_the_last_attempt(org, declared, webhook):
    _inc, delivery = declared
    webhook.state.answers.extend([(500, {})] * notifications.MAX_ATTEMPTS)
    for _ in range(notifications.MAX_ATTEMPTS):
        _make_due(org, delivery)
        delivery = _attempt(org, delivery)
    assert (delivery.status, delivery.attempts) == ("failed", notifications.MAX_ATTEMPTS)
    assert len(webhook.state.received) == notifications.MAX_ATTEMPTS


def test_the_sweep_sends_what_is_due(org, declared, webhook):
    from monitoring.incidents.tasks import sweep_webhooks

    _inc, delivery = declared
    assert sweep_webhooks(org.pk) == 1
    with organization_scope(org):
        delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_the_secret_is_stored_encrypted_and_never_shown(org, hr, admin, webhook, client):
    plan(org, hr, webhook_url=webhook.url, secret=SECRET)
    with organization_scope(org):
        stored = ResponsePlan.objects.get().webhook_secret_encrypted
    assert SECRET not in stored and secrets.decrypt(stored) == SECRET
    client.force_login(admin)
    page = client.get(f"/o/{org.slug}/monitoring/incidents/plan/notifications/")
    assert page.status_code == 200 and SECRET.encode() not in page.content and stored.encode() not in page.content


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/hook", "Only https addresses are allowed."),
        ("https://10.1.2.3/hook", "not allowed"),
        ("https://user:pw@example.com/hook", "credentials"),
    ],
)
def test_the_address_goes_through_the_outbound_guard(org, hr, url, message):
    plan(org, hr)
    with organization_scope(org), pytest.raises(ValidationError) as caught:
        plan_services.plan_webhook_set(organization=org, actor=hr, url=url, secret=SECRET)
    assert message in " ".join(caught.value.message_dict["webhook_url"])


def test_loopback_is_refused_without_the_sandbox_setting(org, hr, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    plan(org, hr)
    with organization_scope(org), pytest.raises(ValidationError):
        plan_services.plan_webhook_set(organization=org, actor=hr, url="https://127.0.0.1:9/hook", secret=SECRET)


def test_a_webhook_needs_a_long_enough_secret(org, hr, webhook):
    plan(org, hr)
    with organization_scope(org), pytest.raises(ValidationError) as caught:
        plan_services.plan_webhook_set(organization=org, actor=hr, url=webhook.url, secret="")
    assert "webhook_secret" in caught.value.message_dict
    with organization_scope(org), pytest.raises(ValidationError) as caught:
        plan_services.plan_webhook_set(organization=org, actor=hr, url=webhook.url, secret="short")
    assert "webhook_secret" in caught.value.message_dict


def test_the_test_message_from_the_page(org, hr, admin, webhook, client):
    plan(org, hr, webhook_url=webhook.url, secret=SECRET)
    client.force_login(admin)
    response = client.post(f"/o/{org.slug}/monitoring/incidents/plan/notifications/", {"action": "test"})
    assert response.status_code == 302
    with organization_scope(org):
        delivery = WebhookDelivery.objects.get(event="test")
    _attempt(org, delivery)
    assert json.loads(webhook.state.received[0].body)["text"].startswith("Test message from")
