"""Demo data: the organization's incident response plan filled in (reviewed ten months ago, so its review
reminder is coming up), one incident in progress with a timeline, and one closed with its post-incident review.
Written through the services, as people would; idempotent (the plan is saved once, incidents found by title).
An incident is linked to a monitored post when the monitoring demo has one about the confidential project."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import Incident, IncidentStep, ResponsePlan, TimelineEntry
from .services import incidents as services
from .services import plan as plan_services
from .services.engagement import engagement_recorded

PROTOCOL = """## Who speaks

Only the **Communications** responder (or their deputy) speaks for the organization, on any channel. Everyone
else answers questions with: *"Thanks for asking, our communications team will be in touch."*

## Channels

1. The company's own accounts first, with the holding statement that fits.
2. The press office's agency for journalists.
3. Internal: a note in the all-staff channel once the statement is out.

## Never

- Never comment on an individual employee.
- Never delete a post the organization published without Legal's agreement.
"""

IN_PROGRESS = "Confidential roadmap shared on Mastodon"
CLOSED = "Heated reply to a customer on Bluesky"


def _plan(demo) -> None:
    organization, people = demo.organization, demo.people
    if ResponsePlan.objects.filter(organization=organization, version__gt=0).exists():
        return
    data = plan_services.PlanInput(
        owner_id=people["hr"].pk,
        protocol=PROTOCOL,
        roles=[
            plan_services.RoleInput(
                name="Incident lead",
                responder_id=people["moderator"].pk,
                deputy_id=people["admin"].pk,
                duties="Runs the checklist, decides when the incident is contained.",
            ),
            plan_services.RoleInput(
                name="Communications",
                responder_id=people["hr"].pk,
                deputy_id=people["hr2"].pk,
                duties="Publishes holding statements, answers the press through the agency.",
            ),
        ],
        contacts=[
            plan_services.ContactInput(
                name="Dana Whitfield",
                role="Legal counsel (Whitfield & Co)",
                email="dana@whitfield-law.example",
                phone="+44 20 7946 0321",
            ),
            plan_services.ContactInput(
                name="Press office agency",
                role="Media relations",
                email="press@brightpr.example",
                phone="+44 20 7946 0999",
            ),
        ],
        statements=[
            plan_services.StatementInput(
                title="We are aware",
                text="We are aware of a post circulating about us and are looking into it. We will share more as "
                "soon as we can.",
            ),
            plan_services.StatementInput(
                title="Employee's personal view",
                text="The post reflects a personal view and not the position of the company. We have reminded our "
                "colleagues of our social media policy.",
            ),
        ],
        steps=[
            "Screenshot the post and its replies",
            "Tell the incident lead and communications",
            "Contact the author and ask for the post to be edited or removed",
            "Publish the holding statement if the post is spreading",
            "Brief Legal if confidential information is involved",
            "Write the post-incident review",
        ],
    )
    plan_services.plan_save(organization=organization, actor=people["hr"], data=data, summary="First version")
    plan_services.plan_mark_reviewed(
        organization=organization, actor=people["hr"], on=timezone.localdate() - timedelta(days=305)
    )


def _backdate(organization, incident: Incident, *, hours_ago: float, span_hours: float) -> None:
    """Spread the incident's timeline over `span_hours` starting `hours_ago` (the demo is seeded in one go); its
    status times follow their timeline entries."""
    start = timezone.now() - timedelta(hours=hours_ago)
    entries = list(TimelineEntry.objects.filter(organization=organization, incident=incident).order_by("at", "id"))
    step = timedelta(hours=span_hours) / (len(entries) + 1)
    times = {"declared_at": start}
    for index, entry in enumerate(entries):
        entry.at = start + step * index
        if entry.kind == TimelineEntry.Kind.STATE and entry.data.get("to") in ("contained", "resolved", "reviewed"):
            times[f"{entry.data['to']}_at"] = entry.at
    TimelineEntry.objects.bulk_update(entries, ["at"])
    Incident.objects.filter(organization=organization, pk=incident.pk).update(**times)


def _linked_post(organization):
    from monitoring.models import Post

    return (
        Post.objects.filter(organization=organization, text__icontains="Project Falcon").order_by("posted_at").first()
    )


def _in_progress(demo) -> None:
    organization, people = demo.organization, demo.people
    if Incident.objects.filter(organization=organization, title=IN_PROGRESS).exists():
        return
    post = _linked_post(organization)
    incident, created = services.incident_declare(
        organization=organization,
        actor=people["moderator"],
        title=IN_PROGRESS,
        severity="high",
        summary="A member posted a screenshot of the unreleased Project Falcon roadmap. Replies are asking "
        "about launch dates.",
        post_id=post.pk if post else None,
    )
    if not created:
        return
    steps = list(IncidentStep.objects.filter(organization=organization, incident=incident).order_by("position"))
    for step, who in zip(steps[:3], (people["moderator"], people["hr"], people["moderator"]), strict=False):
        services.incident_step_set(organization=organization, actor=who, incident=incident, step_id=step.pk, done=True)
    services.incident_note_add(
        organization=organization,
        actor=people["moderator"],
        incident=incident,
        text="Spoke to the author: they did not know the roadmap was confidential and deleted the post.",
    )
    services.incident_transition(
        organization=organization,
        actor=people["moderator"],
        incident=incident,
        transition="contain",
        note="The post is deleted; quotes are still up.",
    )
    services.incident_note_add(
        organization=organization,
        actor=people["hr"],
        incident=incident,
        text="Two journalists asked the press office. Sent them the 'We are aware' statement.",
    )
    if post is not None:
        from monitoring.models import EngagementSnapshot

        for run_id in EngagementSnapshot.objects.filter(organization=organization, post=post).values_list(
            "run_id", flat=True
        ):
            engagement_recorded(organization=organization, post_ids=[post.pk], run_id=run_id)
    _backdate(organization, incident, hours_ago=5, span_hours=4.5)


def _closed(demo) -> None:
    organization, people = demo.organization, demo.people
    if Incident.objects.filter(organization=organization, title=CLOSED).exists():
        return
    incident, _created = services.incident_declare(
        organization=organization,
        actor=people["moderator"],
        title=CLOSED,
        severity="medium",
        summary="A member answered a customer's complaint in anger from their personal account.",
    )
    for step in IncidentStep.objects.filter(organization=organization, incident=incident):
        services.incident_step_set(
            organization=organization, actor=people["moderator"], incident=incident, step_id=step.pk, done=True
        )
    services.incident_transition(
        organization=organization,
        actor=people["moderator"],
        incident=incident,
        transition="resolve",
        note="The member apologised publicly.",
    )
    services.incident_review_save(
        organization=organization,
        actor=people["hr"],
        incident=incident,
        what_happened="A customer complained about a late delivery; a member replied rudely from a personal account.",
        what_worked="The moderator saw it within the hour; the member apologised the same day.",
        what_to_change="Add customer-complaint examples to the social media training.",
        follow_ups="Update the training course (HR, end of month)",
    )
    services.incident_transition(
        organization=organization, actor=people["hr"], incident=incident, transition="complete_review"
    )
    _backdate(organization, incident, hours_ago=24 * 20, span_hours=24 * 3)


def seed(demo):
    _plan(demo)
    _closed(demo)
    _in_progress(demo)
