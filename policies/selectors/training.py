"""Reads of training: courses, a member's assignments and progress, the completion report (cached summary,
one query for a page of people), workshops and registrations."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from advocacy.tenancy.models import Membership, Team

from ..caching import training_report_cache
from ..models import (
    CheckIn,
    CheckInResponse,
    Course,
    CourseAssignment,
    CourseCompletion,
    CourseProgress,
    CourseVersion,
    Workshop,
    WorkshopRegistration,
)
from .common import _int

REPORT_STATUSES = ("completed", "in_progress", "overdue")


def get_course_for_org(organization, course_id) -> Course:
    course = (
        Course.objects.filter(organization=organization, pk=_int(course_id)).select_related("current_version").first()
    )
    if course is None:
        raise Http404("No such course")
    return course


def get_workshop_for_org(organization, workshop_id) -> Workshop:
    workshop = Workshop.objects.filter(organization=organization, pk=_int(workshop_id)).select_related("course").first()
    if workshop is None:
        raise Http404("No such workshop")
    return workshop


def course_list_for_staff(*, organization, status: str = "active"):
    """Courses with their current version, draft flag and counts of open and completed assignments."""
    assignments = CourseAssignment.objects.filter(organization=organization, course=OuterRef("pk"))
    draft = CourseVersion.objects.filter(organization=organization, course=OuterRef("pk"), status="draft")
    qs = Course.objects.filter(organization=organization).select_related("current_version")
    if status in (Course.Status.ACTIVE, Course.Status.ARCHIVED):
        qs = qs.filter(status=status)
    return qs.annotate(
        has_draft=Exists(draft),
        open_count=Subquery(
            assignments.filter(completion__isnull=True).order_by().values("course").annotate(n=Count("pk")).values("n")
        ),
        completed_count=Subquery(
            assignments.filter(completion__isnull=False).order_by().values("course").annotate(n=Count("pk")).values("n")
        ),
    ).order_by("title")


def my_assignments(*, organization, user):
    """The member's assignments (latest cycle of each course first by due date), with their course."""
    return (
        CourseAssignment.objects.filter(organization=organization, user=user, course__status=Course.Status.ACTIVE)
        .select_related("course", "course__current_version", "completion")
        .order_by("completed_at", "due_on", "pk")
    )


def open_courses_for_member(*, organization, user) -> list[CourseAssignment]:
    return [a for a in my_assignments(organization=organization, user=user) if a.completion_id is None]


def available_courses(*, organization, user):
    """Published courses the member has no assignment for (they may take them on their own)."""
    mine = CourseAssignment.objects.filter(organization=organization, user=user).values("course_id")
    done = CourseCompletion.objects.filter(organization=organization, user=user).values("course_id")
    return (
        Course.objects.filter(organization=organization, status=Course.Status.ACTIVE, current_version__isnull=False)
        .exclude(pk__in=mine)
        .exclude(pk__in=done)
        .select_related("current_version")
        .order_by("title")
    )


def progress_of(*, organization, user, version: CourseVersion) -> CourseProgress | None:
    return CourseProgress.objects.filter(organization=organization, user=user, version=version).first()


def completion_of(*, organization, user, course: Course) -> CourseCompletion | None:
    """The member's latest completion of the course that is still valid (a refresher's may have expired)."""
    now = timezone.now()
    return (
        CourseCompletion.objects.filter(organization=organization, user=user, course=course)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("version")
        .order_by("-completed_at")
        .first()
    )


def open_assignment(*, organization, user, course: Course) -> CourseAssignment | None:
    return CourseAssignment.objects.filter(
        organization=organization, user=user, course=course, completion__isnull=True
    ).first()


def completions_of(*, organization, user):
    return (
        CourseCompletion.objects.filter(organization=organization, user=user)
        .select_related("course", "version")
        .order_by("-completed_at")
    )


# --- the completion report --------------------------------------------------------------------------------


def _current_assignments(organization, course: Course):
    """Each active member's latest assignment of the course (a refresher's earlier cycles are history)."""
    later = CourseAssignment.objects.filter(
        organization=organization, course=course, user_id=OuterRef("user_id"), cycle__gt=OuterRef("cycle")
    )
    active = Membership.objects.filter(organization=organization, is_active=True).values("user_id")
    return CourseAssignment.objects.filter(organization=organization, course=course, user_id__in=active).exclude(
        Exists(later)
    )


def _status_filter(status: str, today) -> Q:
    if status == "completed":
        return Q(completion__isnull=False)
    if status == "overdue":
        return Q(completion__isnull=True, due_on__lt=today)
    if status == "in_progress":
        return Q(completion__isnull=True, due_on__gte=today)
    return Q()


def _compute_report_summary(organization, course: Course, today) -> dict:
    current = _current_assignments(organization, course)
    totals = current.aggregate(
        assigned=Count("pk"),
        completed=Count("pk", filter=_status_filter("completed", today)),
        overdue=Count("pk", filter=_status_filter("overdue", today)),
    )
    team_of = Membership.objects.filter(organization=organization, user_id=OuterRef("user_id")).values("team_id")[:1]
    rows = (
        current.annotate(team_id=Subquery(team_of))
        .order_by()
        .values("team_id")
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=_status_filter("completed", today)),
            overdue=Count("pk", filter=_status_filter("overdue", today)),
        )
    )
    names = dict(Team.objects.filter(organization=organization).values_list("pk", "name"))
    teams = [
        {
            "team_id": row["team_id"],
            "team": names.get(row["team_id"], "No team"),
            "assigned": row["assigned"],
            "completed": row["completed"],
            "overdue": row["overdue"],
            "percent": round(100 * row["completed"] / row["assigned"]) if row["assigned"] else 0,
        }
        for row in rows
    ]
    teams.sort(key=lambda t: (-t["overdue"], t["team"]))
    totals["in_progress"] = totals["assigned"] - totals["completed"] - totals["overdue"]
    totals["percent"] = round(100 * totals["completed"] / totals["assigned"]) if totals["assigned"] else 0
    return {"totals": totals, "teams": teams, "team_ids": sorted(names)}


def course_report_summary(*, organization, course: Course, today=None) -> dict:
    """Counts overall and by team (assigned, completed, overdue), cached per organization under the training
    tables' generation and the day (overdue changes at midnight without a write)."""
    today = today or timezone.localdate()
    return training_report_cache.get_or_compute(
        (organization.pk,),
        "summary",
        course.pk,
        str(today),
        compute=lambda: _compute_report_summary(organization, course, today),
    )


def course_report_people(*, organization, course: Course, team_id=None, status: str = "", today=None):
    """The people of the report as (name, email, team, due_on, completed_at, version number) rows, filtered
    by team (checked by the caller) and status; one query for any page."""
    today = today or timezone.localdate()
    qs = _current_assignments(organization, course).filter(_status_filter(status, today))
    if team_id:
        qs = qs.filter(
            user_id__in=Membership.objects.filter(organization=organization, team_id=team_id).values("user_id")
        )
    team_name = Membership.objects.filter(organization=organization, user_id=OuterRef("user_id")).values("team__name")[
        :1
    ]
    return (
        qs.annotate(team_name=Subquery(team_name))
        .order_by("user__full_name", "user__email", "pk")
        .values_list(
            "user__full_name", "user__email", "team_name", "due_on", "completed_at", "completion__version__number"
        )
    )


# --- workshops ---------------------------------------------------------------------------------------------


def upcoming_workshops(*, organization, user=None, include_past_days: int = 0):
    """Scheduled workshops from today on, with their seats taken and (for `user`) whether they registered."""
    since = timezone.now() - timedelta(days=include_past_days)
    registered = WorkshopRegistration.objects.filter(
        organization=organization, workshop=OuterRef("pk"), status=WorkshopRegistration.Status.REGISTERED
    )
    qs = (
        Workshop.objects.filter(organization=organization, starts_at__gte=since)
        .select_related("course")
        .annotate(
            taken=Subquery(registered.order_by().values("workshop").annotate(n=Count("pk")).values("n")),
        )
        .order_by("starts_at", "pk")
    )
    if user is not None:
        qs = qs.annotate(mine=Exists(registered.filter(user=user)))
    return qs


def with_local_times(workshops) -> list:
    """The workshops with `local_start`: their start in their own time zone, as people will attend (naive, so a
    template shows it as it is instead of converting it to the site's zone)."""
    out = list(workshops)
    for workshop in out:
        workshop.local_start = workshop.starts_at.astimezone(ZoneInfo(workshop.time_zone)).replace(tzinfo=None)
    return out


def registration_of(*, organization, user, workshop) -> WorkshopRegistration | None:
    return WorkshopRegistration.objects.filter(organization=organization, user=user, workshop=workshop).first()


def workshop_registrations(*, organization, workshop):
    return (
        WorkshopRegistration.objects.filter(organization=organization, workshop=workshop)
        .select_related("user")
        .order_by("status", "user__full_name", "user__email")
    )


def my_workshops(*, organization, user):
    """The member's registered workshops (for their calendar feed), past month included."""
    mine = WorkshopRegistration.objects.filter(
        organization=organization, user=user, status=WorkshopRegistration.Status.REGISTERED
    ).values("workshop_id")
    since = timezone.now() - timedelta(days=31)
    return Workshop.objects.filter(organization=organization, pk__in=mine, starts_at__gte=since).order_by("starts_at")


# --- check-ins ---------------------------------------------------------------------------------------------


def get_checkin_for_org(organization, checkin_id) -> CheckIn:
    checkin = CheckIn.objects.filter(organization=organization, pk=_int(checkin_id)).select_related("team").first()
    if checkin is None:
        raise Http404("No such check-in")
    return checkin


def checkin_list(*, organization):
    responses = CheckInResponse.objects.filter(organization=organization, checkin=OuterRef("pk"))
    return (
        CheckIn.objects.filter(organization=organization)
        .select_related("team")
        .annotate(answers=Subquery(responses.order_by().values("checkin").annotate(n=Count("pk")).values("n")))
        .order_by("-is_active", "-starts_on", "-pk")
    )
