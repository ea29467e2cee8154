"""The daily training job (one task per organization) and HR's reminder to a team: courses for new members,
refreshers that assign themselves again when a completion expires, reminders before and after a due date
(claimed once per assignment and due date, queued in the mail outbox with the claim), and workshop reminders
the day before."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.tenancy.models import Membership, Team

from ..models import Course, CourseAssignment, CourseCompletion, Workshop, WorkshopRegistration
from .common import org_url

SOON_DAYS = 3
REFRESHER_DUE_DAYS = 30

CLAIM_SQL = """
INSERT INTO policies_trainingreminderlog (organization_id, assignment_id, interval_key, sent_at)
SELECT %s, a.id, %s, now() FROM ({assignments}) AS a
ON CONFLICT (organization_id, assignment_id, interval_key) DO NOTHING
RETURNING assignment_id
"""


def _claim(organization, assignments_qs, interval_key: str) -> list[int]:
    """Insert one claim per assignment for this interval, skipping those already claimed; the ids this call
    claimed (a second run of the same job claims, and so sends, nothing)."""
    sub_sql, params = assignments_qs.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        # only the ORM-compiled subquery is interpolated; values are parameters
        cursor.execute(CLAIM_SQL.format(assignments=sub_sql), [organization.pk, interval_key, *params])
        return [row[0] for row in cursor.fetchall()]


def _claim_per_due_date(organization, assignments_qs, prefix: str) -> list[int]:
    """One claim per assignment and due date: the key carries the due date, so a new due date is reminded
    again and the same one never twice."""
    claimed: list[int] = []
    for due_on in set(assignments_qs.values_list("due_on", flat=True)):
        claimed += _claim(organization, assignments_qs.filter(due_on=due_on), f"{prefix}-{due_on:%Y%m%d}")
    return claimed


def _reminder_mails(organization, assignment_ids: list[int], why: str) -> list[mail.Mail]:
    assignments = CourseAssignment.objects.filter(organization=organization, pk__in=assignment_ids).select_related(
        "course"
    )
    emails = dict(get_user_model().objects.filter(pk__in=[a.user_id for a in assignments]).values_list("pk", "email"))
    out = []
    for assignment in assignments:
        email = emails.get(assignment.user_id)
        if not email:
            continue
        url = org_url(organization, "course", course_id=assignment.course_id)
        body = (
            f"{why}\n\n“{assignment.course.title}” was due by {assignment.due_on:%d %B %Y}. "
            f"Pick it up where you stopped: {url}\n"
        )
        if assignment.due_on >= timezone.localdate():
            body = body.replace("was due by", "is due by")
        out.append(mail.Mail(to=email, subject=f"Reminder: {assignment.course.title}", body=body, kind="training"))
    return out


def _open_assignments(organization):
    return CourseAssignment.objects.filter(
        organization=organization, completion__isnull=True, course__status=Course.Status.ACTIVE
    ).filter(user_id__in=Membership.objects.filter(organization=organization, is_active=True).values("user_id"))


@transaction.atomic
def training_run(*, organization, today: date | None = None) -> dict:
    """The scheduled job. Safe to run twice: assignments are unique per person, course and cycle, and each
    reminder is claimed before it is queued."""
    today = today or timezone.localdate()
    with mail.batch():
        counts = {
            "new_members": _assign_new_members(organization, today),
            "refreshers": _assign_refreshers(organization, today),
        }
        open_ = _open_assignments(organization)
        soon = _claim_per_due_date(
            organization, open_.filter(due_on__gte=today, due_on__lte=today + timedelta(SOON_DAYS)), "soon"
        )
        overdue = _claim_per_due_date(organization, open_.filter(due_on__lt=today), "overdue")
        mail.queue(organization, _reminder_mails(organization, soon, "A course you were given is due soon."))
        mail.queue(organization, _reminder_mails(organization, overdue, "A course you were given is overdue."))
        counts.update(soon=len(soon), overdue=len(overdue), workshops=_workshop_reminders(organization, today))
    return counts


def _assign_new_members(organization, today: date) -> int:
    """Courses marked for new members go to members who joined since the course was created and have never
    had it."""
    created = 0
    for course in Course.objects.filter(
        organization=organization, status=Course.Status.ACTIVE, assign_new_members=True, current_version__isnull=False
    ):
        members = (
            Membership.objects.filter(organization=organization, is_active=True, joined_at__gte=course.created_at)
            .exclude(
                user_id__in=CourseAssignment.objects.filter(organization=organization, course=course).values("user_id")
            )
            .values_list("user_id", "joined_at")
        )
        new = [
            CourseAssignment(
                organization=organization,
                course=course,
                user_id=user_id,
                due_on=max(today, timezone.localtime(joined).date() + timedelta(days=course.new_member_due_days)),
                source=CourseAssignment.Source.NEW_MEMBER,
                reason="Part of your onboarding.",
            )
            for user_id, joined in members
        ]
        created += len(CourseAssignment.objects.bulk_create(new, ignore_conflicts=True))
    return created


def _assign_refreshers(organization, today: date) -> int:
    """A refresher whose latest completion has expired is assigned again (the next cycle), due in 30 days."""
    now = timezone.now()
    expired = CourseCompletion.objects.filter(
        organization=organization,
        course__status=Course.Status.ACTIVE,
        course__recur_months__isnull=False,
        valid_until__lte=now,
    ).filter(user_id__in=Membership.objects.filter(organization=organization, is_active=True).values("user_id"))
    latest: dict[tuple[int, int], CourseCompletion] = {}
    for completion in expired.order_by("cycle"):
        latest[(completion.course_id, completion.user_id)] = completion
    if not latest:
        return 0
    later = set(
        CourseAssignment.objects.filter(
            organization=organization, course_id__in={k[0] for k in latest}, user_id__in={k[1] for k in latest}
        ).values_list("course_id", "user_id", "cycle")
    )
    new = [
        CourseAssignment(
            organization=organization,
            course_id=course_id,
            user_id=user_id,
            cycle=completion.cycle + 1,
            due_on=today + timedelta(days=REFRESHER_DUE_DAYS),
            source=CourseAssignment.Source.REFRESHER,
            reason="Time for your refresher.",
        )
        for (course_id, user_id), completion in latest.items()
        if (course_id, user_id, completion.cycle + 1) not in later
    ]
    return len(CourseAssignment.objects.bulk_create(new, ignore_conflicts=True))


def _workshop_reminders(organization, today: date) -> int:
    """The day before a workshop (in its own time zone), each registered person is reminded once."""
    sent = 0
    upcoming = Workshop.objects.filter(
        organization=organization,
        status=Workshop.Status.SCHEDULED,
        starts_at__gt=timezone.now(),
        starts_at__lt=timezone.now() + timedelta(days=3),
    )
    for workshop in upcoming:
        zone = ZoneInfo(workshop.time_zone)
        local_day = workshop.starts_at.astimezone(zone).date()
        if local_day != today + timedelta(days=1):
            continue
        registrations = WorkshopRegistration.objects.select_for_update(skip_locked=True).filter(
            organization=organization,
            workshop=workshop,
            status=WorkshopRegistration.Status.REGISTERED,
            reminded_on__isnull=True,
        )
        user_ids = list(registrations.values_list("user_id", flat=True))
        registrations.filter(user_id__in=user_ids).update(reminded_on=today)
        emails = get_user_model().objects.filter(pk__in=user_ids).values_list("email", flat=True)
        start = workshop.starts_at.astimezone(zone)
        where = workshop.location or workshop.video_url
        url = org_url(organization, "workshop", workshop_id=workshop.pk)
        body = (
            f"See you tomorrow at “{workshop.title}”, {start:%A %d %B at %H:%M} ({workshop.time_zone})"
            f"{', ' + where if where else ''}.\n\nDetails and the calendar file: {url}\n"
        )
        mail.queue(
            organization,
            [mail.Mail(to=e, subject=f"Tomorrow: {workshop.title}", body=body, kind="training") for e in emails if e],
        )
        sent += len(user_ids)
    return sent


@transaction.atomic
def training_remind_team(*, organization, actor, course: Course, team: Team | None) -> int:
    """HR's reminder to the people of one team (or everyone) who have not completed `course`: at most once per
    person per day. Audited."""
    people = _open_assignments(organization).filter(course=course)
    if team is not None:
        people = people.filter(
            user_id__in=Membership.objects.filter(organization=organization, team=team).values("user_id")
        )
    claimed = _claim(organization, people, f"manual-{timezone.localdate():%Y%m%d}")
    mail.queue(organization, _reminder_mails(organization, claimed, "A reminder from HR."))
    audit_record(
        organization=organization,
        actor=actor,
        action="training.reminder_sent",
        target=course,
        data={"team": team.name if team else None, "sent": len(claimed)},
    )
    return len(claimed)
