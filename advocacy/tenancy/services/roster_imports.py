"""Roster imports: bulk invitations from a CSV file, processed in committed chunks by a task."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record

from .. import roster
from ..context import organization_scope
from ..jobs import enqueue
from ..models import Invitation, Membership, Organization, RosterImport, Team
from .invitations import invitation_create, send_invitation_email

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


def _roster_process_rows(
    *, organization: Organization, actor, rows, earlier: list[dict], outbox: list | None = None
) -> list[dict]:
    """Decide and apply one chunk of rows; `earlier` is the report so far (for duplicates). With an
    `outbox`, invitation emails are not sent here but listed there as (report index, invitation, token)
    for the caller to send once the chunk is committed."""
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
        try:
            invitation, raw = invitation_create(
                organization=organization,
                actor=actor,
                email=email,
                roles=roles,
                team=team,
                full_name=row.name,
                send_email=outbox is None,
            )
        except ValidationError as exc:
            known.seen.pop(email, None)
            report.append(_roster_outcome(row, "rejected", " ".join(exc.messages), roles))
            continue
        if outbox is not None:
            outbox.append((len(report), invitation, raw))
        report.append(_roster_outcome(row, "created", "Invitation sent", roles))
    return report


def roster_import_run(*, organization: Organization, roster_import_id: int, chunk_size: int | None = None) -> None:
    """Process a roster import from where it stopped. Each chunk of rows, its invitations, its report
    lines and the progress counter commit together, under a row lock on the import: a worker killed
    midway loses only the unfinished chunk, and a second run (retry, duplicate delivery) resumes
    without inviting anyone twice. Opens its own transactions (called from a task)."""
    with organization_scope(organization):
        roster_import = RosterImport.objects.filter(organization=organization, pk=roster_import_id).first()
        if roster_import is None or roster_import.status == RosterImport.Status.DONE:
            return
        rows = roster.parse(roster_import.content)
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=RosterImport.Status.RUNNING, total_rows=len(rows), error=""
        )
    size = chunk_size or _roster_chunk_size(len(rows))
    try:
        while True:
            with organization_scope(organization):
                locked = RosterImport.objects.select_for_update().get(organization=organization, pk=roster_import_id)
                if locked.status == RosterImport.Status.DONE:
                    return
                start = locked.processed_rows
                if start >= len(rows):
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
                    return
                report = list(locked.report)[:start]
                chunk = rows[start : start + size]
                outbox: list = []
                offset = len(report)
                report += _roster_process_rows(
                    organization=organization, actor=locked.uploaded_by, rows=chunk, earlier=report, outbox=outbox
                )
                locked.report = report
                locked.processed_rows = start + len(chunk)
                locked.status = RosterImport.Status.RUNNING
                locked.save(update_fields=["report", "processed_rows", "status"])
            # The chunk is committed: its emails go now (a rolled-back chunk sent nothing).
            _roster_send(organization, roster_import_id, [(offset + i, inv, raw) for i, inv, raw in outbox])
    except Exception as exc:
        with organization_scope(organization):
            RosterImport.objects.filter(organization=organization, pk=roster_import_id).update(
                status=RosterImport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000]
            )
        raise


def _roster_send(organization: Organization, roster_import_id: int, outbox: list) -> None:
    """Send a committed chunk's invitation emails. One the mail server refuses is withdrawn (so the
    address can be invited again) and its report line says why."""
    refused = {}
    for index, invitation, raw in outbox:
        try:
            send_invitation_email(invitation, raw, organization)
        except ValidationError as exc:
            refused[index] = (
                invitation.pk,
                " ".join(exc.messages).replace("so nothing was saved", "so it was withdrawn"),
            )
    if not refused:
        return
    with organization_scope(organization):
        locked = RosterImport.objects.select_for_update().get(organization=organization, pk=roster_import_id)
        report = list(locked.report)
        for index, (_pk, reason) in refused.items():
            report[index] = {**report[index], "outcome": "rejected", "reason": reason}
        locked.report = report
        locked.save(update_fields=["report"])
        Invitation.objects.filter(organization=organization, pk__in=[pk for pk, _ in refused.values()]).update(
            revoked_at=timezone.now()
        )


@transaction.atomic
def roster_import_resume(*, organization: Organization, actor, roster_import):
    """Queue an unfinished import again (after a failure); it continues from its last committed row."""
    if roster_import.organization_id != organization.pk:
        raise ValidationError("That import does not belong to this organization.")
    if roster_import.status == RosterImport.Status.DONE:
        raise ValidationError("This import has already finished.")
    RosterImport.objects.filter(organization=organization, pk=roster_import.pk).update(
        status=RosterImport.Status.QUEUED, error=""
    )
    audit_record(organization=organization, actor=actor, action="roster_import.resumed", target=roster_import)
    enqueue(PROCESS_TASK, organization, roster_import.pk)
    return roster_import


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
