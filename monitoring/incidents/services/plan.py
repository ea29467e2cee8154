"""The incident response plan: saved whole (every save a numbered version, audited), reviewed, the annual
review reminder to its owner, and the webhook that tells a chat channel about incidents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.audit.services import audit_record
from advocacy.core import mail, outbound, secrets
from advocacy.tenancy.models import Membership

from ..models import (
    EscalationContact,
    HoldingStatement,
    PlanReviewReminder,
    PlanRole,
    PlanStep,
    PlanVersion,
    ResponsePlan,
)
from .common import active_member_ids, org_url, users_by_id

MAX_PROTOCOL = 50_000
MAX_PARTS = 50  # roles, contacts, statements or steps
REMIND_DAYS_AHEAD = 30  # the owner hears about the review this long before it is due


@dataclass
class RoleInput:
    name: str
    responder_id: int | None
    deputy_id: int | None = None
    duties: str = ""


@dataclass
class ContactInput:
    name: str
    role: str
    email: str = ""
    phone: str = ""


@dataclass
class StatementInput:
    title: str
    text: str


@dataclass
class PlanInput:
    owner_id: int | None = None
    protocol: str = ""
    roles: list[RoleInput] = field(default_factory=list)
    contacts: list[ContactInput] = field(default_factory=list)
    statements: list[StatementInput] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


def plan_get_or_create(*, organization) -> ResponsePlan:
    plan, _created = ResponsePlan.objects.get_or_create(organization=organization)
    return plan


def _role_errors(data: PlanInput, members: set[int]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for index, role in enumerate(data.roles):
        problems = []
        if not role.name.strip():
            problems.append(_("Name the role."))
        if role.responder_id is None:
            problems.append(_("Choose the responder."))
        elif role.responder_id not in members:
            problems.append(_("The responder must be an active member of the organization."))
        if role.deputy_id is not None and role.deputy_id not in members:
            problems.append(_("The deputy must be an active member of the organization."))
        if role.deputy_id is not None and role.deputy_id == role.responder_id:
            problems.append(_("The deputy must be someone other than the responder."))
        if problems:
            errors[f"roles-{index}"] = problems
    return errors


def _other_errors(data: PlanInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for index, contact in enumerate(data.contacts):
        if not contact.name.strip() or not contact.role.strip():
            errors[f"contacts-{index}"] = [_("Give the contact's name and role.")]
        elif not (contact.email or contact.phone).strip():
            errors[f"contacts-{index}"] = [_("Give an email address or a phone number to reach them.")]
    for index, statement in enumerate(data.statements):
        if not statement.title.strip() or not statement.text.strip():
            errors[f"statements-{index}"] = [_("A holding statement needs a title and its text.")]
    if len(data.protocol) > MAX_PROTOCOL:
        errors["protocol"] = [
            _("The communication protocol is too long (at most %(n)s characters).") % {"n": MAX_PROTOCOL}
        ]
    for name in ("roles", "contacts", "statements", "steps"):
        if len(getattr(data, name)) > MAX_PARTS:
            errors[name] = [_("At most %(n)s entries.") % {"n": MAX_PARTS}]
    return errors


def plan_validate(*, organization, data: PlanInput) -> None:
    """Every problem at once, as a ValidationError keyed by part (`roles-0`, `contacts-2`, `owner`, ...)."""
    ids = [data.owner_id] + [r.responder_id for r in data.roles] + [r.deputy_id for r in data.roles]
    members = active_member_ids(organization, ids)
    errors = _role_errors(data, members) | _other_errors(data)
    if data.owner_id is not None and data.owner_id not in members:
        errors["owner"] = [_("The owner must be an active member of the organization.")]
    if errors:
        raise ValidationError(errors)


def plan_snapshot(plan: ResponsePlan) -> dict:
    """The plan as it reads, for its version history (names kept as they were)."""
    roles = list(plan.roles.all())
    people = users_by_id([r.responder_id for r in roles] + [r.deputy_id for r in roles] + [plan.owner_id])

    def name(user_id):
        user = people.get(user_id)
        return user.display_name if user else ""

    return {
        "owner": name(plan.owner_id),
        "protocol": plan.protocol,
        "roles": [
            {"name": r.name, "duties": r.duties, "responder": name(r.responder_id), "deputy": name(r.deputy_id)}
            for r in roles
        ],
        "contacts": [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in plan.contacts.all()],
        "statements": [{"title": s.title, "text": s.text} for s in plan.statements.all()],
        "steps": [s.text for s in plan.steps.all()],
    }


def _replace_parts(organization, plan: ResponsePlan, data: PlanInput) -> None:
    for model in (PlanRole, EscalationContact, HoldingStatement, PlanStep):
        model.objects.filter(organization=organization, plan=plan).delete()
    common = {"organization": organization, "plan": plan}
    PlanRole.objects.bulk_create(
        PlanRole(
            position=i,
            name=r.name.strip(),
            duties=r.duties.strip(),
            responder_id=r.responder_id,
            deputy_id=r.deputy_id,
            **common,
        )
        for i, r in enumerate(data.roles)
    )
    EscalationContact.objects.bulk_create(
        EscalationContact(
            position=i, name=c.name.strip(), role=c.role.strip(), email=c.email.strip(), phone=c.phone.strip(), **common
        )
        for i, c in enumerate(data.contacts)
    )
    HoldingStatement.objects.bulk_create(
        HoldingStatement(position=i, title=s.title.strip(), text=s.text.strip(), **common)
        for i, s in enumerate(data.statements)
    )
    PlanStep.objects.bulk_create(
        PlanStep(position=i, text=text.strip(), **common) for i, text in enumerate(data.steps) if text.strip()
    )


@transaction.atomic
def plan_save(*, organization, actor, data: PlanInput, summary: str = "") -> ResponsePlan:
    """Replace the plan's content with `data` (validated whole first: nothing changes on an error), keep the
    result as the next version, audit it."""
    plan_validate(organization=organization, data=data)
    plan = plan_get_or_create(organization=organization)
    plan = ResponsePlan.objects.select_for_update().get(pk=plan.pk)
    plan.owner_id = data.owner_id
    plan.protocol = data.protocol.replace("\r\n", "\n").strip()
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.updated_by = actor
    plan.save()
    _replace_parts(organization, plan, data)
    snapshot = plan_snapshot(plan)
    PlanVersion.objects.create(
        organization=organization,
        plan=plan,
        number=plan.version,
        snapshot=snapshot,
        summary=summary.strip()[:300],
        edited_by=actor,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="incident_plan.saved",
        target=plan,
        data={
            "version": plan.version,
            "summary": summary.strip()[:300],
            "roles": len(data.roles),
            "steps": len(snapshot["steps"]),
        },
    )
    return plan


@transaction.atomic
def plan_mark_reviewed(*, organization, actor, on: date | None = None) -> ResponsePlan:
    plan = ResponsePlan.objects.select_for_update().get(pk=plan_get_or_create(organization=organization).pk)
    plan.last_reviewed_on = on or timezone.localdate()
    plan.last_reviewed_by = actor
    plan.save(update_fields=["last_reviewed_on", "last_reviewed_by"])
    audit_record(
        organization=organization,
        actor=actor,
        action="incident_plan.reviewed",
        target=plan,
        data={"reviewed_on": plan.last_reviewed_on.isoformat(), "next_due": plan.review_due_on.isoformat()},
    )
    return plan


def webhook_url_check(url: str) -> str:
    """The address as stored, or ValidationError in words: https to a public address (the outbound guard)."""
    url = url.strip()
    try:
        scheme, host, port = outbound.check_url(url)
        outbound.check_scheme(scheme, outbound.resolve(host, port), ("https",))
    except outbound.OutboundError as exc:
        raise ValidationError({"webhook_url": [str(exc)]}) from exc
    return url


@transaction.atomic
def plan_webhook_set(*, organization, actor, url: str, secret: str = "", fmt: str = "slack") -> ResponsePlan:
    """Set (or with an empty `url`, remove) the webhook. An empty `secret` keeps the stored one; a webhook is
    never saved without a secret to sign with."""
    errors = {}
    if fmt not in ResponsePlan.WebhookFormat.values:
        errors["webhook_format"] = [_("Choose Slack or Microsoft Teams.")]
    plan = ResponsePlan.objects.select_for_update().get(pk=plan_get_or_create(organization=organization).pk)
    if url.strip():
        try:
            url = webhook_url_check(url)
        except ValidationError as exc:
            errors |= exc.message_dict
        if not secret and not plan.webhook_secret_encrypted:
            errors["webhook_secret"] = [_("Give a secret: each message is signed with it.")]
        elif secret and len(secret) < 16:
            errors["webhook_secret"] = [_("Use a secret of at least 16 characters.")]
    if errors:
        raise ValidationError(errors)
    plan.webhook_url = url.strip()
    plan.webhook_format = fmt
    if not plan.webhook_url:
        plan.webhook_secret_encrypted = ""
    elif secret:
        plan.webhook_secret_encrypted = secrets.encrypt(secret)
    plan.save(update_fields=["webhook_url", "webhook_format", "webhook_secret_encrypted"])
    audit_record(
        organization=organization,
        actor=actor,
        action="incident_plan.webhook_set",
        target=plan,
        data={"url": plan.webhook_url, "format": fmt, "secret_changed": bool(secret)},
    )
    return plan


def _reminder_recipients(organization, plan: ResponsePlan) -> list[str]:
    active = Membership.objects.filter(organization=organization, is_active=True).select_related("user")
    owners = [m.user.email for m in active.filter(user_id=plan.owner_id)] if plan.owner_id else []
    return owners or [m.user.email for m in active.filter(roles__contains=["admin"])]


@transaction.atomic
def plan_review_reminders_run(*, organization, today: date | None = None) -> int:
    """The daily job: when the plan's review is due within REMIND_DAYS_AHEAD days (or overdue), its owner (or,
    without one, every admin) is told, once per due date (a unique claim, queued with the mail)."""
    today = today or timezone.localdate()
    plan = ResponsePlan.objects.filter(organization=organization).first()
    if plan is None or plan.version == 0:
        return 0
    due = plan.review_due_on
    if today < due - timedelta(days=REMIND_DAYS_AHEAD):
        return 0
    recipients = [to for to in _reminder_recipients(organization, plan) if to]
    claim, created = PlanReviewReminder.objects.get_or_create(
        organization=organization, plan=plan, due_on=due, defaults={"sent_to": ", ".join(recipients)[:254]}
    )
    if not created or not recipients:
        return 0
    url = org_url(organization, "incidents_plan")
    body = _(
        "The incident response plan of %(org)s is due for its review on %(due)s.\n\n"
        "Check the responders, deputies and contacts are still right, read the holding statements and the "
        "checklist again, then mark the plan reviewed:\n%(url)s\n"
    ) % {"org": organization.name, "due": f"{due:%d %B %Y}", "url": url}
    mail.queue(
        organization,
        [
            mail.Mail(
                to=to,
                subject=_("Review the incident response plan by %(due)s") % {"due": f"{due:%d %B %Y}"},
                body=body,
                kind="incident_plan_review",
                refs={"plan_id": plan.pk, "due_on": due.isoformat()},
            )
            for to in recipients
        ],
    )
    return len(recipients)


def plan_input_from_snapshot(data: dict) -> PlanInput:
    """For tests and the demo: a PlanInput from plain dicts."""
    return PlanInput(
        owner_id=data.get("owner_id"),
        protocol=data.get("protocol", ""),
        roles=[RoleInput(**r) for r in data.get("roles", [])],
        contacts=[ContactInput(**c) for c in data.get("contacts", [])],
        statements=[StatementInput(**s) for s in data.get("statements", [])],
        steps=list(data.get("steps", [])),
    )
