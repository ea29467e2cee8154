"""Celery tasks of recognition: every minute, one awarding run per organization (beat fan-out)."""

from celery import shared_task

from advocacy.tenancy.jobs import fan_out, tenant_task

from .services import points_award_run


@tenant_task()
def award_points(*, organization) -> int:
    return points_award_run(organization=organization).awarded


@shared_task(acks_late=True)
def award_points_all() -> int:
    return fan_out(award_points)
