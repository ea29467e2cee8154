"""Roster imports: bulk invitations from a CSV file, processed in committed chunks by a task. Each chunk's
invitation emails are written with it (advocacy.core.mail) and sent once it commits; an import whose worker
died is noticed by its silence (`heartbeat_at`) and resumed from its last committed chunk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail

from .. import roster
from ..context import organization_scope
from ..jobs import enqueue
from ..models import ROSTER_MAX_AUTO_RESUMES, Invitation, Membership, Organization, RosterImport, Team
from .invitations import invitation_create, invitation_email_refused

# called by advocacy.core.mail, by name, when the server refuses a roster invitation's email
REFUSED_HOOK = "advocacy.tenancy.services.roster_imports.roster_invitation_refused"

# queued by name: the task module imports this one
PROCESS_TASK = "advocacy.tenancy.tasks.process_roster_import"


ROSTER_CHUNK_MIN = 25


@transaction.atomic
def roster_import_create(*, organization: Organization, actor, filename: str, content: str):
    """Store a validated roster and queue its processing. Raises ValidationError for a bad file
    (nothing is created then)."""
    rows = roster.parse(content)
    roster_import = RosterImport.objects.create(
        organization=organization,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        filename=(filename or "roster.csv")[:200],
        content=content,
        total_rows=len(rows),
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="roster_import.created",
        target=roster_import,
        data={"filename": roster_import.filename, "rows": len(rows)},
    )
    enqueue(PROCESS_TASK, organization, roster_import.pk)
    return roster_import


def _roster_chunk_size(total: int) -> int:
    """Progress is committed every N rows: often enough for a lively bar, at most ~100 commits."""
    return max(ROSTER_CHUNK_MIN, -(-total // 100))


def _roster_outcome(row, outcome: str, reason: str, roles: list[str] | None = None) -> dict:
    return {
        "row": row.row,
        "name": row.name,
        "email": row.email,
        "team": row.team,
        "roles": " ".join(roles) if roles is not None else row.roles,
        "outcome": outcome,
        "reason": reason,
    }


@dataclass
class _Known:
    """What one chunk's rows are checked against, read once per chunk."""

    teams: dict[str, Team]  # lower-cased name -> team
    members: set[str]  # lower-cased emails of members
    invited: set[str]  # lower-cased emails with a pending invitation
    seen: dict[str, int]  # lower-cased email -> the row that first named it in this file


def _roster_known(organization: Organization, rows, earlier: list[dict]) -> _Known:
    emails = {r.email.strip().lower() for r in rows if r.email.strip()}
    members = Membership.objects.filter(organization=organization, user__email__in=emails)
    invited = Invitation.objects.filter(
        organization=organization,
        email__in=emails,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return _Known(
        teams={t.name.lower(): t for t in Team.objects.filter(organization=organization)},
        members={e.lower() for e in members.values_list("user__email", flat=True)},
        invited={e.lower() for e in invited.values_list("email", flat=True)},
        seen={e["email"].strip().lower(): e["row"] for e in earlier if e["outcome"] != "rejected" and e["email"]},
    )


def _roster_refusal(row, email: str, known: _Known) -> tuple[dict | None, list[str] | None, Team | None]:
    """(the report line of a row refused for what it says, else None; its roles; its team)."""
    if not email:
        return _roster_outcome(row, "rejected", "Missing email address"), None, None
    try:
        validate_email(email)
    except ValidationError:
        return _roster_outcome(row, "rejected", f"“{row.email}” is not a valid email address"), None, None
    if email in known.seen:
        return _roster_outcome(row, "skipped", f"Duplicate of row {known.seen[email]} in this file"), None, None
    roles, unknown = roster.parse_roles(row.roles)
    if unknown:
        names = ", ".join(f"“{u}”" for u in unknown)
        reason = f"Unknown role {names}: use employee, hr, moderator or admin"
        return _roster_outcome(row, "rejected", reason), None, None
    team = known.teams.get(row.team.lower()) if row.team else None
    if row.team and team is None:
        return _roster_outcome(row, "rejected", f"No team named “{row.team}”", roles), None, None
    return None, roles, team


def _roster_process_rows(*, organization: Organization, actor, rows, earlier: list[dict], roster_import_id=None):
    """Decide and apply one chunk of rows; `earlier` is the report so far (for duplicates). Invitation emails
    are queued with the invitations and sent after the chunk commits (or, without an enclosing
    `mail.batch()`, after the caller's transaction does)."""
    known = _roster_known(organization, rows, earlier)
    report = []
    for row in rows:
        email = row.email.strip().lower()
        refusal, roles, team = _roster_refusal(row, email, known)
        if refusal is not None:
            report.append(refusal)
            continue
        known.seen[email] = row.row
        if email in known.members:
            report.append(_roster_outcome(row, "skipped", "Already a member", roles))
            continue
        if email in known.invited:
            report.append(_roster_outcome(row, "skipped", "Already invited (invitation pending)", roles))
            continue
        refs = {"roster_import_id": roster_import_id, "report_index": len(earlier) + len(report)}
        try:
            invitation_create(
                organization=organization,
                actor=actor,
                email=email,
                roles=roles,
                team=team,
                full_name=row.name,
                send_email=False,
                mail_options={"on_refused": REFUSED_HOOK, "refs": refs} if roster_import_id else None,
            )
        except ValidationError as exc:
            known.seen.pop(email, None)
            report.append(_roster_outcome(row, "rejected", " ".join(exc.messages), roles))
            continue
        report.append(_roster_outcome(row, "created", "Invitation sent", roles))
    return report


def _roster_finish(organization: Organization, locked: RosterImport) -> None:
    locked.status = RosterImport.Status.DONE
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    counts = {o: sum(1 for e in locked.report if e["outcome"] == o) for o in roster.OUTCOMES}
    audit_record(
        organization=organization,
        actor=locked.uploaded_by,
        action="roster_import.finished",
        target=locked,
        data=counts,
    )


def _roster_chunk(organization: Organization, roster_import_id: int, rows, size: int) -> bool:
    """Process the next chunk under the import's row lock; its invitations, their emails, its report lines
    and the progress commit together. Returns False once the import is done."""
    with organization_scope(organization), mail.batch():
        locked = RosterImport.objects.select_for_update().get(organization=organization, pk=roster_import_id)
        if locked.status == RosterImport.Status.DONE:
            return False
        start = locked.processed_rows
        if start >= len(rows):
            _roster_finish(organization, locked)
            return False
        report = list(locked.report)[:start]
        chunk = rows[start : start + size]
        report += _roster_process_rows(
            organization=organization,
            actor=locked.uploaded_by,
            rows=chunk,
            earlier=report,
            roster_import_id=roster_import_id,
        )
        locked.report = report
        locked.processed_rows = start + len(chunk)
        locked.status = RosterImport.Status.RUNNING
        locked.heartbeat_at = timezone.now()
        locked.auto_resumes = 0  # it moved
        locked.save(update_fields=["report", "processed_rows", "status", "heartbeat_at", "auto_resumes"])
    return True


def roster_import_run(*, organization: Organization, roster_import_id: int, chunk_size: int | None = None) -> None:
    """Process a roster import from where it stopped. Each chunk of rows, its invitations, their emails (in
    the mail outbox), its report lines and the progress counter commit together, under a row lock on the
    import: a worker killed midway loses only the unfinished chunk (the emails of a committed one are sent by
    the mail sweep), and a second run (retry, duplicate delivery, a resume while it still ran) continues
    without inviting anyone twice. Opens its own transactions (called from a task)."""
    with organization_scope(organization):
        roster_import = RosterImport.objects.filter(organization=organization, pk=roster_import_id).first()
        if roster_import is None or roster_import.status == RosterImport.Status.DONE:
            return
        rows = roster.parse(roster_import.content)
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=RosterImport.Status.RUNNING, total_rows=len(rows), error="", heartbeat_at=timezone.now()
        )
    size = chunk_size or _roster_chunk_size(len(rows))
    try:
        while _roster_chunk(organization, roster_import_id, rows, size):
            pass
    except Exception as exc:
        with organization_scope(organization):
            RosterImport.objects.filter(organization=organization, pk=roster_import_id).update(
                status=RosterImport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000]
            )
        raise


def roster_invitation_refused(*, organization: Organization, mail, reason: str) -> None:
    """The server refused a roster invitation's email (advocacy.core.mail, in the transaction that records
    it): the invitation is withdrawn, so the address can be invited again, and its report line says why."""
    invitation_email_refused(organization=organization, mail=mail, reason=reason)
    refs = mail.refs or {}
    locked = (
        RosterImport.objects.select_for_update()
        .filter(organization=organization, pk=refs.get("roster_import_id"))
        .first()
    )
    index = refs.get("report_index")
    if locked is None or not isinstance(index, int) or not 0 <= index < len(locked.report):
        return
    report = list(locked.report)
    report[index] = {
        **report[index],
        "outcome": "rejected",
        "reason": f"The invitation email to {mail.to} could not be sent ({reason}), so it was withdrawn",
    }
    locked.report = report
    locked.save(update_fields=["report"])


@transaction.atomic
def roster_import_resume(*, organization: Organization, actor, roster_import):
    """An admin resumes an import that stopped (failed) or stalled; it continues from its last committed row
    and invites nobody twice. One still moving is left alone."""
    if roster_import.organization_id != organization.pk:
        raise ValidationError("That import does not belong to this organization.")
    locked = RosterImport.objects.select_for_update().get(organization=organization, pk=roster_import.pk)
    if locked.status == RosterImport.Status.DONE:
        raise ValidationError("This import has already finished.")
    if locked.status != RosterImport.Status.FAILED and not locked.is_stalled:
        raise ValidationError("This import is still running; it continues by itself.")
    _roster_requeue(organization, locked, actor=actor, automatic=False)
    return locked


def _roster_requeue(organization: Organization, locked: RosterImport, *, actor, automatic: bool) -> None:
    stalled_since = locked.heartbeat_at
    locked.status = RosterImport.Status.QUEUED
    locked.error = ""
    locked.heartbeat_at = timezone.now()
    locked.auto_resumes = locked.auto_resumes + 1 if automatic else 0
    locked.save(update_fields=["status", "error", "heartbeat_at", "auto_resumes"])
    audit_record(
        organization=organization,
        actor=actor,
        action="roster_import.resumed",
        target=locked,
        data={"automatic": automatic, "after_row": locked.processed_rows, "silent_since": stalled_since.isoformat()},
    )
    enqueue(PROCESS_TASK, organization, locked.pk)


@transaction.atomic
def roster_import_resume_stalled(*, organization: Organization, stalled_before: datetime) -> int:
    """The stall check (beat): resume each unfinished import of the organization silent since before
    `stalled_before` (its worker was killed, its task message lost), unless it was resumed
    ROSTER_MAX_AUTO_RESUMES times in a row without moving (then an admin decides, from its page). Resuming one
    whose worker is in fact alive is harmless: chunks are taken under the import's row lock. Returns how many
    were resumed."""
    stalled = (
        RosterImport.objects.select_for_update(skip_locked=True)
        .filter(
            organization=organization,
            status__in=[RosterImport.Status.QUEUED, RosterImport.Status.RUNNING],
            heartbeat_at__lt=stalled_before,
            auto_resumes__lt=ROSTER_MAX_AUTO_RESUMES,
        )
        .defer("content", "report")
    )
    resumed = 0
    for locked in stalled:
        _roster_requeue(organization, locked, actor=None, automatic=True)
        resumed += 1
    return resumed


def organizations_with_stalled_imports(*, stalled_before: datetime) -> list[int]:
    """The organizations with an unfinished import silent since before `stalled_before`: the stall check's one
    read across organizations, through a function the runtime role may only execute
    (advocacy/tenancy/migrations/0007_roster_import_heartbeat.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM roster_import_stalled_organizations(%s)", [stalled_before])
        return sorted(organization_id for (organization_id,) in cursor.fetchall())


@transaction.atomic
def roster_import_export_report(*, organization: Organization, actor, roster_import: RosterImport) -> str:
    """The import's per-row report as CSV, the download recorded in the audit log."""
    report = roster_import.report or []
    audit_record(
        organization=organization,
        actor=actor,
        action="roster_import.report_exported",
        target=roster_import,
        data={"rows": len(report)},
    )
    return roster.report_csv(report)
