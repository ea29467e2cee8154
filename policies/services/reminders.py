"""Reminders to acknowledge (at publication, on a schedule, overdue, by HR for a team) and to review a
policy: claimed once per person and interval, and queued in the mail outbox with the claim."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.tenancy.jobs import enqueue
from advocacy.tenancy.models import Membership, Team

from .. import selectors
from ..models import Policy, PolicyVersion, ReminderLog
from .common import org_url

# called by advocacy.core.mail, by name, when the server refuses a reminder
REFUSED_HOOK = "policies.services.reminders.reminder_mail_refused"

CLAIM_SQL = """
WITH claimed AS (
    INSERT INTO policies_reminderlog (organization_id, version_id, user_id, interval_key, sent_at)
    SELECT %s, %s, p.user_id, %s, now() FROM ({people}) AS p
    ON CONFLICT (organization_id, version_id, user_id, interval_key) DO NOTHING
    RETURNING user_id
)
SELECT c.user_id, u.email FROM claimed c JOIN "{users}" u ON u.id = c.user_id
"""


def _claim_reminders(*, organization, version: PolicyVersion, interval_key: str, people_qs) -> list[tuple[int, str]]:
    """Insert one ReminderLog per person in `people_qs` (a Membership queryset) for this interval, skipping
    those already reminded, and return (user_id, email) of the rows this call inserted: a second run of the
    same job inserts nothing and so sends nothing."""
    sub_sql, sub_params = people_qs.order_by().values("user_id").query.sql_with_params()
    users = get_user_model()._meta.db_table
    # Only the ORM-compiled subquery and a model's table name are interpolated; values are parameters.
    sql = CLAIM_SQL.format(people=sub_sql, users=users)
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization.pk, version.pk, interval_key, *sub_params])
        return list(cursor.fetchall())


def _deliver(organization, version: PolicyVersion, interval_key: str, claimed, subject: str, body: str) -> int:
    """Queue the claimed reminders in the mail outbox, in the claims' transaction: a run that rolls back sends
    nothing, a redelivered task finds them claimed, and a worker that dies after the commit only delays them
    (the outbox sends them, retried while the mail server is unreachable; advocacy.core.mail). A reminder the
    server refuses gives its claim back (`reminder_mail_refused`), so the next run tries that person again;
    a claim with no address to write to is given back at once. Returns how many were claimed."""
    mails = [
        mail.Mail(
            to=email,
            subject=subject,
            body=body,
            kind="policy_reminder",
            on_refused=REFUSED_HOOK,
            refs={"version_id": version.pk, "user_id": user_id, "interval_key": interval_key},
        )
        for user_id, email in claimed
        if email
    ]
    no_address = [user_id for user_id, email in claimed if not email]
    if no_address:
        ReminderLog.objects.filter(
            organization=organization, version=version, interval_key=interval_key, user_id__in=no_address
        ).delete()
    mail.queue(organization, mails)
    return len(claimed)


def reminder_mail_refused(*, organization, mail, reason: str) -> None:
    """The mail server refused a reminder (advocacy.core.mail, in the transaction that records it): its claim
    is given back, so the next run tries that person again."""
    refs = mail.refs or {}
    ReminderLog.objects.filter(
        organization=organization,
        version_id=refs.get("version_id"),
        user_id=refs.get("user_id"),
        interval_key=refs.get("interval_key"),
    ).delete()


def _send_reminder_emails(organization, version: PolicyVersion, interval_key: str, claimed, reason: str) -> int:
    if not claimed:
        return 0
    url = org_url(organization, "detail", policy_id=version.policy_id)
    due = f" It is due by {version.due_on:%d %B %Y}." if version.due_on else ""
    subject = f"Please acknowledge: {version.policy.title}"
    body = (
        f"{reason}\n\n“{version.policy.title}” ({version.label}) is waiting for your acknowledgement.{due}\n\n"
        f"Read it and acknowledge: {url}\n"
    )
    return _deliver(organization, version, interval_key, claimed, subject, body)


def _pending_people(organization, version):
    return selectors.report_people(organization=organization, version=version, status="pending")


@transaction.atomic
def reminders_send_for_version(
    *, organization, actor=None, version: PolicyVersion, interval_key: str, team: Team | None = None, reason: str = ""
) -> int:
    """Remind everyone (or one team) still pending on `version`, once per person per `interval_key`."""
    if version.status != PolicyVersion.Status.PUBLISHED or version.policy.status != Policy.Status.ACTIVE:
        raise ValidationError("Reminders go out for the current version of an active policy only.")
    people = _pending_people(organization, version)
    if team is not None:
        people = people.filter(team=team)
    claimed = _claim_reminders(organization=organization, version=version, interval_key=interval_key, people_qs=people)
    sent = _send_reminder_emails(organization, version, interval_key, claimed, reason or "A reminder from HR.")
    if actor is not None:
        audit_record(
            organization=organization,
            actor=actor,
            action="policy.reminder_sent",
            target=version,
            data={"team": team.name if team else None, "sent": sent, "interval": interval_key},
        )
    return sent


def reminder_send_to_team(*, organization, actor, version: PolicyVersion, team: Team) -> int:
    """HR's manual reminder to one team: at most once per person per day."""
    key = f"manual-{timezone.localdate():%Y%m%d}"
    return reminders_send_for_version(
        organization=organization,
        actor=actor,
        version=version,
        interval_key=key,
        team=team,
        reason=f"HR sent a reminder to the {team.name} team.",
    )


@transaction.atomic
def reminders_run(*, organization, today: date | None = None) -> dict:
    """The scheduled job: for each active policy's current version, remind pending people when it is
    overdue (once) and every N days after publication (N from the organization's settings); remind the
    owner (or every HR member) of policies whose review date has come. Safe to run twice."""
    with mail.batch():  # one connection to the mail server for the whole run, once it commits
        return _reminders_run(organization, today or timezone.localdate())


def _reminders_run(organization, today: date) -> dict:
    days = selectors.reminder_days(organization)
    sent = {"overdue": 0, "scheduled": 0, "review": 0}
    versions = PolicyVersion.objects.filter(
        organization=organization,
        status=PolicyVersion.Status.PUBLISHED,
        policy__status=Policy.Status.ACTIVE,
        policy__current_version_id=F("pk"),
    ).select_related("policy")
    for version in versions:
        people = _pending_people(organization, version)
        if selectors.is_overdue(version, today):  # the rule the pages show
            claimed = _claim_reminders(
                organization=organization, version=version, interval_key="overdue", people_qs=people
            )
            sent["overdue"] += _send_reminder_emails(
                organization, version, "overdue", claimed, "This policy is now overdue."
            )
        if days:
            # at most one reminder per person per interval, whatever its reason
            recent = ReminderLog.objects.filter(
                organization=organization, version=version, sent_at__gte=timezone.now() - timedelta(days=days)
            ).values("user_id")
            people = people.exclude(user_id__in=recent)
            elapsed = (today - timezone.localtime(version.published_at).date()).days
            cycle = elapsed // days
            if cycle >= 1:
                key = f"every{days}d-{cycle}"
                claimed = _claim_reminders(
                    organization=organization, version=version, interval_key=key, people_qs=people
                )
                sent["scheduled"] += _send_reminder_emails(organization, version, key, claimed, "A friendly reminder.")
    for policy in selectors.policies_due_for_review(organization=organization, today=today):
        if policy.current_version_id is None:
            continue
        active = Membership.objects.filter(organization=organization, is_active=True)
        reviewers = active.filter(user_id=policy.owner_id) if policy.owner_id else active.none()
        if not reviewers.exists():  # no owner, or they left: every HR member is told
            reviewers = active.filter(roles__contains=["hr"])
        key = f"review-{policy.review_due_on:%Y%m%d}"
        claimed = _claim_reminders(
            organization=organization, version=policy.current_version, interval_key=key, people_qs=reviewers
        )
        if claimed:
            url = org_url(organization, "manage", policy_id=policy.pk)
            sent["review"] += _deliver(
                organization,
                policy.current_version,
                key,
                claimed,
                f"Review due: {policy.title}",
                f"“{policy.title}” was due for review on {policy.review_due_on:%d %B %Y}.\n\n"
                f"Check it is still right, then publish an update or choose the next review date: {url}\n",
            )
    return sent


@transaction.atomic
def reminders_at_publish(*, organization, version_id: int) -> int:
    version = PolicyVersion.objects.select_related("policy").get(organization=organization, pk=version_id)
    if version.status != PolicyVersion.Status.PUBLISHED or version.policy.status != Policy.Status.ACTIVE:
        return 0
    people = _pending_people(organization, version)
    claimed = _claim_reminders(organization=organization, version=version, interval_key="publish", people_qs=people)
    return _send_reminder_emails(
        organization, version, "publish", claimed, "A policy you must read has been published."
    )


# queued by name: the task module imports the services
TEAM_REMINDER_TASK = "policies.tasks.send_team_reminder"


def reminder_request_for_team(*, organization, actor, version: PolicyVersion, team: Team) -> None:
    """HR asks for a reminder to one team: checked now, sent by a task once the request commits."""
    if version.status != PolicyVersion.Status.PUBLISHED or version.policy.status != Policy.Status.ACTIVE:
        raise ValidationError("Reminders go out for the current version of an active policy only.")
    enqueue(TEAM_REMINDER_TASK, organization, version.pk, team.pk, actor.pk)
