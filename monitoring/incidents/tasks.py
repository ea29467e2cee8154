"""Celery tasks of incidents: load by id, call a service. The webhook delivery retries itself at the time the
service names; the sweep (beat, one task per organization) sends what is due and was not sent; the daily plan
review reminder fans out one task per organization."""

import logging

from celery import current_app, shared_task
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.jobs import fan_out, tenant_task

from .models import WebhookDelivery
from .services import notifications, plan

log = logging.getLogger("advocacy.incidents")


@tenant_task(own_transactions=True)
def deliver_webhook(delivery_id, *, organization):
    """One attempt (no transaction is held while the request is in flight); a retry is scheduled at the time
    the answer named. With eager tasks (tests) or a broker that does not take it, the sweep sends it."""
    delivery = notifications.webhook_attempt(organization=organization, delivery_id=delivery_id)
    if delivery is None or delivery.status != WebhookDelivery.Status.RETRYING or current_app.conf.task_always_eager:
        return getattr(delivery, "status", None)
    countdown = max(1, int((delivery.next_attempt_at - timezone.now()).total_seconds()))
    try:
        deliver_webhook.apply_async(args=[organization.pk, delivery.pk], countdown=countdown)
    except Exception as exc:  # noqa: BLE001 - the broker did not take it: the sweep sends it when due
        log.warning("webhook retry left to the sweep: the broker did not take it (%s)", exc)
    return delivery.status


@tenant_task(own_transactions=True)
def sweep_webhooks(*, organization):
    with organization_scope(organization):
        due = notifications.webhook_due(organization=organization)
    for delivery_id in due:
        notifications.webhook_attempt(organization=organization, delivery_id=delivery_id)
    return len(due)


@shared_task(acks_late=True)
def sweep_webhooks_all():
    return fan_out(sweep_webhooks)


@tenant_task()
def send_plan_review_reminder(*, organization):
    return plan.plan_review_reminders_run(organization=organization)


@shared_task(acks_late=True)
def send_plan_review_reminders_all():
    return fan_out(send_plan_review_reminder)
