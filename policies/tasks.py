"""Celery tasks for policies: reminders (beat, daily, one task per organization: to acknowledge, and to the
owners of policies whose review is coming up) and at publish.
Services queue these by name (advocacy.tenancy.jobs.enqueue), so this module imports them, not the
reverse."""

from celery import shared_task
from django.contrib.auth import get_user_model

from advocacy.tenancy.jobs import fan_out, tenant_task
from advocacy.tenancy.selectors import get_team_for_org

from .selectors import get_version_for_org
from .services import (
    reminder_send_to_team,
    reminders_at_publish,
    reminders_run,
    review_reminders_run,
    training_run,
)


@tenant_task()
def send_policy_reminders(*, organization):
    return reminders_run(organization=organization)


@shared_task(acks_late=True)
def send_policy_reminders_all():
    return fan_out(send_policy_reminders)


@tenant_task()
def send_publish_reminders(version_id, *, organization):
    return reminders_at_publish(organization=organization, version_id=version_id)


@tenant_task()
def send_team_reminder(version_id, team_id, actor_id, *, organization):
    actor = get_user_model().objects.get(pk=actor_id)
    version = get_version_for_org(organization, version_id)
    team = get_team_for_org(organization, team_id)
    return reminder_send_to_team(organization=organization, actor=actor, version=version, team=team)


@tenant_task()
def send_review_reminders(*, organization):
    return review_reminders_run(organization=organization)


@shared_task(acks_late=True)
def send_review_reminders_all():
    return fan_out(send_review_reminders)


@tenant_task()
def run_training(*, organization):
    return training_run(organization=organization)


@shared_task(acks_late=True)
def run_training_all():
    return fan_out(run_training)
