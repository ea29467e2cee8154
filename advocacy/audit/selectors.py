"""Reads of the audit log. `organization` always comes first."""

from __future__ import annotations

import datetime

from django.utils import timezone

from advocacy.tenancy.models import Organization

from .models import AuditEvent


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_event_list(
    *,
    organization: Organization,
    action: str = "",
    actor: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """Events of one organization, newest first, filtered by exact action, actor email (substring)
    and an inclusive date range. No joins: the actor's email is stored on the event."""
    qs = AuditEvent.objects.filter(organization=organization)
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_email__icontains=actor.strip())
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def audit_action_choices(*, organization: Organization) -> list[str]:
    """The distinct actions recorded in the organization, for the filter."""
    return list(
        AuditEvent.objects.filter(organization=organization)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
