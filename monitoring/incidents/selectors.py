"""Reads of incidents and the response plan, each with what its page needs fetched in a fixed number of
queries (the incident list's count does not grow with the incidents)."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import Membership

from .models import (
    Incident,
    IncidentResponder,
    IncidentStep,
    PlanRole,
    PlanVersion,
    ResponsePlan,
    TimelineEntry,
    WebhookDelivery,
)
from .models.incidents import SEVERITY_RANK

STATE_FILTERS = {
    "active": (_("In progress"), Q(state__in=Incident.ACTIVE)),
    "resolved": (_("Resolved, review due"), Q(state=Incident.State.RESOLVED)),
    "reviewed": (_("Reviewed"), Q(state=Incident.State.REVIEWED)),
    "all": (_("All"), Q()),
}


def get_incident_for_org(organization, incident_id) -> Incident:
    """The organization's incident `incident_id`: 404 alike for missing and someone else's."""
    try:
        return Incident.objects.select_related("declared_by", "post").get(
            organization=organization, pk=int(incident_id)
        )
    except (Incident.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("No such incident") from exc


def is_responder(*, organization, incident: Incident, user) -> bool:
    return IncidentResponder.objects.filter(organization=organization, incident=incident, user_id=user.pk).exists()


def incident_list(*, organization, state: str = "all"):
    """Open first (then contained, resolved, reviewed), the most severe first, the oldest first; with the
    checklist's progress and the number of responders."""
    match = STATE_FILTERS.get(state, STATE_FILTERS["all"])[1]
    state_rank = Case(
        *(When(state=s, then=Value(i)) for i, s in enumerate(Incident.State.values)), output_field=IntegerField()
    )
    severity_rank = Case(
        *(When(severity=s, then=Value(r)) for s, r in SEVERITY_RANK.items()), output_field=IntegerField()
    )
    return (
        Incident.objects.filter(match, organization=organization)
        .select_related("declared_by")
        .annotate(
            state_rank=state_rank,
            severity_rank=severity_rank,
            steps_total=Count("steps", distinct=True),
            steps_done=Count("steps", filter=Q(steps__done_at__isnull=False), distinct=True),
            responder_count=Count("responders", distinct=True),
        )
        .order_by("state_rank", "severity_rank", "declared_at", "id")
    )


def incident_counts(*, organization) -> dict[str, int]:
    rows = Incident.objects.filter(organization=organization).values("state").annotate(n=Count("id"))
    counts = {row["state"]: row["n"] for row in rows}
    return {
        "active": counts.get("open", 0) + counts.get("contained", 0),
        "resolved": counts.get("resolved", 0),
        "reviewed": counts.get("reviewed", 0),
        "all": sum(counts.values()),
    }


def incident_page(*, organization, incident: Incident) -> dict:
    """What the incident page shows: checklist, responders, timeline (oldest first), deliveries, and the plan's
    holding statements and escalation contacts."""
    steps = list(IncidentStep.objects.filter(organization=organization, incident=incident).select_related("done_by"))
    responders = list(
        IncidentResponder.objects.filter(organization=organization, incident=incident).select_related("user")
    )
    timeline = list(TimelineEntry.objects.filter(organization=organization, incident=incident).select_related("actor"))
    deliveries = list(WebhookDelivery.objects.filter(organization=organization, incident=incident)[:20])
    plan = plan_for_page(organization=organization)
    return {
        "steps": steps,
        "steps_done": sum(1 for s in steps if s.done_at),
        "responders": responders,
        "timeline": timeline,
        "deliveries": deliveries,
        "statements": list(plan.statements.all()) if plan else [],
        "contacts": list(plan.contacts.all()) if plan else [],
    }


def plan_for_page(*, organization) -> ResponsePlan | None:
    """The plan with its parts (roles with their people), or None before it was first saved."""
    return (
        ResponsePlan.objects.filter(organization=organization)
        .select_related("owner", "last_reviewed_by", "updated_by")
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=PlanRole.objects.filter(organization=organization).select_related("responder", "deputy"),
            ),
            "contacts",
            "statements",
            "steps",
        )
        .first()
    )


def plan_versions(*, organization, limit: int = 50):
    return PlanVersion.objects.filter(organization=organization).select_related("edited_by")[:limit]


def get_plan_version_for_org(organization, number) -> PlanVersion:
    try:
        return PlanVersion.objects.select_related("edited_by").get(organization=organization, number=int(number))
    except (PlanVersion.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("No such version") from exc


def member_choices(*, organization):
    """Active members, for the responder, deputy and owner choices (users)."""
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def recent_deliveries(*, organization, limit: int = 10):
    return WebhookDelivery.objects.filter(organization=organization).select_related("incident")[:limit]
