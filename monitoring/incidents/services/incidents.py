"""Incidents: declared (from scratch, from a review item, by the virality trigger), moved through their states,
their checklist ticked, notes written, responders changed, the post-incident review written. Every write
adds to the timeline and is audited; responders hear of a new incident at once (notifications.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from advocacy.audit.services import audit_record

from ..models import (
    Incident,
    IncidentResponder,
    IncidentStep,
    PlanRole,
    PlanStep,
    ResponsePlan,
    Severity,
    TimelineEntry,
)
from ..review_link import linked_item
from . import notifications
from .common import active_member_ids, users_by_id
from .engagement import engagement_backfill

Kind = TimelineEntry.Kind
TRANSITIONS = {
    "contain": gettext_lazy("Contained"),
    "resolve": gettext_lazy("Resolved"),
    "reopen": gettext_lazy("Reopened"),
    "complete_review": gettext_lazy("Review completed"),
}
MAX_NOTE = 5000


def timeline_add(*, organization, incident, kind, text: str, actor=None, data: dict | None = None, key: str = ""):
    return TimelineEntry.objects.create(
        organization=organization,
        incident=incident,
        kind=kind,
        text=text[:2000],
        actor=actor,
        data=data or {},
        key=key,
    )


def _declare_errors(title: str, severity: str) -> dict:
    errors = {}
    if not title.strip():
        errors["title"] = [_("Give the incident a title.")]
    elif len(title.strip()) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    if severity not in Severity.values:
        errors["severity"] = [_("Choose a severity.")]
    return errors


def _active_for(organization, *, post_id=None, item_id=None) -> Incident | None:
    match = Q()
    if post_id:
        match |= Q(post_id=post_id)
    if item_id:
        match |= Q(review_item_id=item_id)
    if not match:
        return None
    return Incident.objects.filter(match, organization=organization, state__in=Incident.ACTIVE).first()


def _plan_responders(organization) -> list[tuple[int, str, bool]]:
    """(user id, role, is deputy) of the plan's roles whose people are still active members."""
    roles = list(PlanRole.objects.filter(organization=organization).order_by("position", "id"))
    members = active_member_ids(organization, [r.responder_id for r in roles] + [r.deputy_id for r in roles])
    people: dict[int, tuple[int, str, bool]] = {}
    for role in roles:
        if role.responder_id in members and role.responder_id not in people:
            people[role.responder_id] = (role.responder_id, role.name, False)
        if role.deputy_id in members and role.deputy_id not in people:
            people[role.deputy_id] = (role.deputy_id, _("%(role)s (deputy)") % {"role": role.name}, True)
    return list(people.values())


def _create(organization, actor, *, title, severity, summary, source, item_id, post_id) -> Incident:
    now = timezone.now()
    incident = Incident.objects.create(
        organization=organization,
        title=title.strip(),
        severity=severity,
        summary=summary.strip(),
        source=source,
        review_item_id=item_id,
        post_id=post_id,
        declared_by=actor if getattr(actor, "pk", None) else None,
        declared_at=now,
        updated_at=now,
    )
    steps = PlanStep.objects.filter(organization=organization).order_by("position", "id")
    IncidentStep.objects.bulk_create(
        IncidentStep(organization=organization, incident=incident, position=s.position, text=s.text) for s in steps
    )
    people = _plan_responders(organization)
    if not people and getattr(actor, "pk", None):
        people = [(actor.pk, _("Incident lead"), False)]
    IncidentResponder.objects.bulk_create(
        IncidentResponder(organization=organization, incident=incident, user_id=uid, role=role, is_deputy=deputy)
        for uid, role, deputy in people
    )
    return incident


def incident_declare(
    *,
    organization,
    actor,
    title: str,
    severity: str,
    summary: str = "",
    item_id: int | None = None,
    source: str = Incident.Source.MANUAL,
    post_id: int | None = None,
) -> tuple[Incident, bool]:
    """A new incident (checklist from the plan, responders from the plan's roles, notified at once), or the one
    already in progress for the same post or review item: (incident, created)."""
    errors = _declare_errors(title, severity)
    if errors:
        raise ValidationError(errors)
    if item_id is not None:
        item = linked_item(organization, item_id)  # 404 for another organization's item
        post_id = post_id or item.post_id
        source = Incident.Source.VIRALITY if source == Incident.Source.VIRALITY else Incident.Source.ITEM
    existing = _active_for(organization, post_id=post_id, item_id=item_id)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            incident = _create(
                organization,
                actor,
                title=title,
                severity=severity,
                summary=summary,
                source=source,
                item_id=item_id,
                post_id=post_id,
            )
            _declared_record(organization, actor, incident)
            if incident.post_id:
                engagement_backfill(organization=organization, incident=incident)
    except IntegrityError:  # declared at the same moment by someone (or something) else: join theirs
        existing = _active_for(organization, post_id=post_id, item_id=item_id)
        if existing is None:
            raise
        return existing, False
    return incident, True


def _declared_record(organization, actor, incident: Incident) -> None:
    how = {
        Incident.Source.MANUAL: _("Declared."),
        Incident.Source.ITEM: _("Declared from review item #%(id)s.") % {"id": incident.review_item_id},
        Incident.Source.VIRALITY: _("Opened automatically: the post is spreading faster than the threshold."),
    }[incident.source]
    timeline_add(
        organization=organization,
        incident=incident,
        kind=Kind.DECLARED,
        actor=incident.declared_by,
        text=_("%(how)s Severity: %(severity)s.") % {"how": how, "severity": incident.get_severity_display()},
        data={"severity": incident.severity, "source": incident.source},
        key="declared",
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="incident.declared",
        target=incident,
        data={"severity": incident.severity, "source": incident.source, "review_item_id": incident.review_item_id},
    )
    notifications.incident_declared_notify(organization=organization, incident=incident)


def _locked(organization, incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(organization=organization, pk=incident.pk)


@transaction.atomic
def incident_transition(*, organization, actor, incident: Incident, transition: str, note: str = "") -> Incident:
    """contain, resolve, reopen or complete_review. The review must be written before complete_review."""
    if transition not in TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    incident = _locked(organization, incident)
    method = getattr(incident, transition)
    if not can_proceed(method, check_conditions=False):
        raise ValidationError(
            _("An incident that is %(state)s cannot be %(step)s.")
            % {"state": incident.get_state_display().lower(), "step": TRANSITIONS[transition].lower()}
        )
    if not can_proceed(method):
        raise ValidationError(
            _("Write the post-incident review (what happened, what worked, what to change) before completing it.")
        )
    before = incident.state
    method()
    incident.updated_at = timezone.now()
    incident.save()
    text = _("%(step)s.") % {"step": TRANSITIONS[transition]}
    if note.strip():
        text = f"{text} {note.strip()[:MAX_NOTE]}"
    timeline_add(
        organization=organization,
        incident=incident,
        kind=Kind.STATE,
        actor=actor,
        text=text,
        data={"from": before, "to": incident.state},
    )
    audit_record(
        organization=organization,
        actor=actor,
        action=f"incident.{transition}",
        target=incident,
        data={"from": before, "to": incident.state},
    )
    notifications.incident_changed_notify(organization=organization, incident=incident, change=text)
    return incident


@transaction.atomic
def incident_severity_set(*, organization, actor, incident: Incident, severity: str) -> Incident:
    if severity not in Severity.values:
        raise ValidationError({"severity": [_("Choose a severity.")]})
    incident = _locked(organization, incident)
    if incident.severity == severity:
        return incident
    before, incident.severity, incident.updated_at = incident.severity, severity, timezone.now()
    incident.save(update_fields=["severity", "updated_at"])
    text = _("Severity changed to %(severity)s.") % {"severity": incident.get_severity_display()}
    timeline_add(
        organization=organization,
        incident=incident,
        kind=Kind.SEVERITY,
        actor=actor,
        text=text,
        data={"from": before, "to": severity},
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="incident.severity_changed",
        target=incident,
        data={"from": before, "to": severity},
    )
    notifications.incident_changed_notify(organization=organization, incident=incident, change=text)
    return incident


@transaction.atomic
def incident_step_set(*, organization, actor, incident: Incident, step_id, done: bool) -> IncidentStep:
    """Tick (or untick) a step of the incident's checklist: who and when are kept."""
    try:
        step = IncidentStep.objects.select_for_update().get(
            organization=organization, incident=incident, pk=int(step_id)
        )
    except (IncidentStep.DoesNotExist, TypeError, ValueError) as exc:
        raise ValidationError(_("That step is not on this incident's checklist.")) from exc
    if bool(step.done_at) == done:
        return step
    step.done_at, step.done_by = (timezone.now(), actor) if done else (None, None)
    step.save(update_fields=["done_at", "done_by"])
    text = (_("Done: %(step)s") if done else _("Not done after all: %(step)s")) % {"step": step.text}
    timeline_add(
        organization=organization,
        incident=incident,
        kind=Kind.STEP,
        actor=actor,
        text=text,
        data={"step_id": step.pk, "done": done},
    )
    return step


@transaction.atomic
def incident_note_add(*, organization, actor, incident: Incident, text: str) -> TimelineEntry:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the note.")]})
    if len(text) > MAX_NOTE:
        raise ValidationError({"text": [_("Keep a note under %(n)s characters.") % {"n": MAX_NOTE}]})
    return timeline_add(organization=organization, incident=incident, kind=Kind.NOTE, actor=actor, text=text)


@transaction.atomic
def incident_responder_add(*, organization, actor, incident: Incident, user_id, role: str = "") -> IncidentResponder:
    """Add a member as a responder; they are told at once."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"user": [_("Choose a member.")]}) from exc
    if user_id not in active_member_ids(organization, [user_id]):
        raise ValidationError({"user": [_("Choose an active member of the organization.")]})
    if IncidentResponder.objects.filter(organization=organization, incident=incident, user_id=user_id).exists():
        raise ValidationError({"user": [_("They are already a responder.")]})
    responder = IncidentResponder.objects.create(
        organization=organization, incident=incident, user_id=user_id, role=role.strip()[:120]
    )
    name = users_by_id([user_id])[user_id].display_name
    timeline_add(
        organization=organization,
        incident=incident,
        kind=Kind.RESPONDER,
        actor=actor,
        text=_("%(name)s joined the responders.") % {"name": name},
        data={"user_id": user_id},
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="incident.responder_added",
        target=incident,
        data={"user_id": user_id, "role": responder.role},
    )
    notifications.responders_email(organization=organization, incident=incident, responders=[responder])
    return responder


@transaction.atomic
def incident_responder_remove(*, organization, actor, incident: Incident, responder_id) -> None:
    try:
        responder = IncidentResponder.objects.select_related("user").get(
            organization=organization, incident=incident, pk=int(responder_id)
        )
    except (IncidentResponder.DoesNotExist, TypeError, ValueError) as exc:
        raise ValidationError(_("That person is not a responder to this incident.")) from exc
    responder.delete()
    timeline_add(
        organization=organization,
        incident=incident,
        kind=Kind.RESPONDER,
        actor=actor,
        text=_("%(name)s left the responders.") % {"name": responder.user.display_name},
        data={"user_id": responder.user_id},
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="incident.responder_removed",
        target=incident,
        data={"user_id": responder.user_id},
    )


REVIEW_FIELDS = ("what_happened", "what_worked", "what_to_change", "follow_ups")


@transaction.atomic
def incident_review_save(*, organization, actor, incident: Incident, **answers) -> Incident:
    """Write the post-incident review (once resolved). The first three answers are needed to complete it."""
    incident = _locked(organization, incident)
    if incident.state not in (Incident.State.RESOLVED, Incident.State.REVIEWED):
        raise ValidationError(_("The post-incident review is written once the incident is resolved."))
    errors = {
        name: [_("Keep it under 10,000 characters.")] for name in REVIEW_FIELDS if len(answers.get(name, "")) > 10_000
    }
    if errors:
        raise ValidationError(errors)
    for name in REVIEW_FIELDS:
        setattr(incident, name, (answers.get(name) or "").strip())
    incident.review_by, incident.updated_at = actor, timezone.now()
    incident.save()
    timeline_add(
        organization=organization,
        incident=incident,
        kind=Kind.REVIEW,
        actor=actor,
        text=_("Post-incident review saved."),
    )
    audit_record(organization=organization, actor=actor, action="incident.review_saved", target=incident)
    return incident


def plan_exists(organization) -> bool:
    return ResponsePlan.objects.filter(organization=organization, version__gt=0).exists()
