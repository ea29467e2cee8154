"""Celery tasks of the review queue: hourly, per organization, edit and delete requests past their deadline
are marked missed and ended suspensions are closed (beat fan-out)."""

from celery import shared_task

from advocacy.tenancy.jobs import fan_out, tenant_task

from .services import consequences_expire


@tenant_task()
def expire_consequences(*, organization) -> dict:
    return consequences_expire(organization=organization)


@shared_task(acks_late=True)
def expire_consequences_all() -> int:
    return fan_out(expire_consequences)
