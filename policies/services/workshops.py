"""Workshops: HR schedules live sessions (a room or a video link, a capacity, an optional course they count
for); members register and cancel; HR records attendance, which completes the tied course."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from advocacy.audit.services import audit_record
from advocacy.core import mail
from advocacy.tenancy.models import Membership

from ..models import Course, Workshop, WorkshopRegistration
from .common import org_url
from .learning import course_complete

MAX_DURATION = 8 * 60
# changes that make calendar programs update the event (SEQUENCE goes up)
CALENDAR_FIELDS = ("title", "description", "starts_at", "time_zone", "duration_minutes", "location", "video_url")


def workshop_errors(
    *, title, local_start: datetime | None, time_zone: str, duration_minutes, location, video_url, capacity
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Give the workshop a title."]
    elif len(title) > 160:
        errors["title"] = ["Keep the title under 160 characters."]
    try:
        ZoneInfo(time_zone or "")
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = ["Choose a time zone from the list."]
    if local_start is None:
        errors["starts_at"] = ["Choose the day and time it starts."]
    if duration_minutes is None or not 15 <= int(duration_minutes) <= MAX_DURATION:
        errors["duration_minutes"] = [f"A workshop lasts 15 to {MAX_DURATION} minutes."]
    if not (location or "").strip() and not (video_url or "").strip():
        errors["location"] = ["Say where it happens: a place, a video link, or both."]
    if video_url:
        try:
            URLValidator(schemes=["https"])(video_url)
        except ValidationError:
            errors["video_url"] = ["The video link must be an https:// address."]
    if capacity is not None and not 1 <= int(capacity) <= 10_000:
        errors["capacity"] = ["Capacity is 1 to 10,000 people (leave it empty for no limit)."]
    return errors


def aware_start(local_start: datetime, time_zone: str) -> datetime:
    """The wall-clock time HR typed, in the workshop's time zone, as an aware datetime."""
    return local_start.replace(tzinfo=ZoneInfo(time_zone))


def _check(values: dict, *, is_new: bool) -> datetime | None:
    errors = workshop_errors(
        **{
            k: values.get(k)
            for k in ("title", "local_start", "time_zone", "duration_minutes", "location", "video_url", "capacity")
        }
    )
    start = None
    if values.get("local_start") is not None and "time_zone" not in errors:
        start = aware_start(values["local_start"], values["time_zone"])
        if is_new and start <= timezone.now():
            errors["starts_at"] = ["Choose a time in the future."]
    if errors:
        raise ValidationError(errors)
    return start


@transaction.atomic
def workshop_create(
    *,
    organization,
    actor,
    title: str,
    local_start: datetime | None,
    time_zone: str,
    duration_minutes: int | None,
    description: str = "",
    location: str = "",
    video_url: str = "",
    capacity: int | None = None,
    course: Course | None = None,
) -> Workshop:
    values = locals()
    start = _check(values, is_new=True)
    workshop = Workshop.objects.create(
        organization=organization,
        title=title.strip(),
        description=(description or "").strip(),
        starts_at=start,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
        location=(location or "").strip(),
        video_url=(video_url or "").strip(),
        capacity=capacity,
        course=course,
        created_by=actor,
    )
    audit_record(organization=organization, actor=actor, action="training.workshop_scheduled", target=workshop)
    return workshop


def _tell_registered(organization, workshop: Workshop, subject: str, text: str) -> None:
    user_ids = WorkshopRegistration.objects.filter(
        organization=organization, workshop=workshop, status=WorkshopRegistration.Status.REGISTERED
    ).values("user_id")
    emails = get_user_model().objects.filter(pk__in=user_ids).values_list("email", flat=True)
    url = org_url(organization, "workshop", workshop_id=workshop.pk)
    body = f"{text}\n\nDetails and the updated calendar file: {url}\n"
    mail.queue(organization, [mail.Mail(to=e, subject=subject, body=body, kind="training") for e in emails if e])


@transaction.atomic
def workshop_update(
    *,
    organization,
    actor,
    workshop: Workshop,
    title: str,
    local_start: datetime | None,
    time_zone: str,
    duration_minutes: int | None,
    description: str = "",
    location: str = "",
    video_url: str = "",
    capacity: int | None = None,
    course: Course | None = None,
) -> Workshop:
    """Change a workshop; a change to what a calendar shows bumps its SEQUENCE and tells who registered."""
    values = locals()
    start = _check(values, is_new=False)
    workshop = Workshop.objects.select_for_update().get(organization=organization, pk=workshop.pk)
    if workshop.status == Workshop.Status.CANCELLED:
        raise ValidationError({NON_FIELD_ERRORS: ["This workshop was cancelled; schedule a new one."]})
    new = {
        "title": title.strip(),
        "description": (description or "").strip(),
        "starts_at": start,
        "time_zone": time_zone,
        "duration_minutes": duration_minutes,
        "location": (location or "").strip(),
        "video_url": (video_url or "").strip(),
    }
    changed = [name for name in CALENDAR_FIELDS if getattr(workshop, name) != new[name]]
    for name, value in new.items():
        setattr(workshop, name, value)
    workshop.capacity = capacity
    workshop.course = course
    if changed:
        workshop.sequence += 1
    workshop.save()
    if changed:
        _tell_registered(organization, workshop, f"Changed: {workshop.title}", f"“{workshop.title}” has changed.")
    audit_record(
        organization=organization,
        actor=actor,
        action="training.workshop_updated",
        target=workshop,
        data={"changed": changed},
    )
    return workshop


@transaction.atomic
def workshop_cancel(*, organization, actor, workshop: Workshop) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(organization=organization, pk=workshop.pk)
    if workshop.status == Workshop.Status.CANCELLED:
        return workshop
    workshop.status = Workshop.Status.CANCELLED
    workshop.sequence += 1
    workshop.save(update_fields=["status", "sequence", "updated_at"])
    _tell_registered(organization, workshop, f"Cancelled: {workshop.title}", f"“{workshop.title}” has been cancelled.")
    audit_record(organization=organization, actor=actor, action="training.workshop_cancelled", target=workshop)
    return workshop


def seats_taken(organization, workshop: Workshop) -> int:
    return WorkshopRegistration.objects.filter(
        organization=organization, workshop=workshop, status=WorkshopRegistration.Status.REGISTERED
    ).count()


@transaction.atomic
def workshop_register(*, organization, actor, workshop: Workshop) -> WorkshopRegistration:
    """Take a seat (the workshop row is locked, so two people cannot take the last one)."""
    workshop = Workshop.objects.select_for_update().get(organization=organization, pk=workshop.pk)
    existing = WorkshopRegistration.objects.filter(organization=organization, workshop=workshop, user=actor).first()
    if existing is not None and existing.status == WorkshopRegistration.Status.REGISTERED:
        return existing
    problems = []
    if workshop.status == Workshop.Status.CANCELLED:
        problems.append("This workshop was cancelled.")
    elif workshop.starts_at <= timezone.now():
        problems.append("This workshop has already started.")
    elif workshop.capacity is not None and seats_taken(organization, workshop) >= workshop.capacity:
        problems.append("This workshop is full.")
    if not Membership.objects.filter(organization=organization, user=actor, is_active=True).exists():
        problems.append("Only members of the organization can register.")
    if problems:
        raise ValidationError(problems)
    if existing is not None:
        existing.status = WorkshopRegistration.Status.REGISTERED
        existing.reminded_on = None
        existing.save(update_fields=["status", "reminded_on", "updated_at"])
        return existing
    return WorkshopRegistration.objects.create(organization=organization, workshop=workshop, user=actor)


@transaction.atomic
def workshop_unregister(*, organization, actor, workshop: Workshop) -> WorkshopRegistration | None:
    registration = (
        WorkshopRegistration.objects.select_for_update()
        .filter(organization=organization, workshop=workshop, user=actor)
        .first()
    )
    if registration is None or registration.status == WorkshopRegistration.Status.CANCELLED:
        return registration
    if workshop.starts_at <= timezone.now():
        raise ValidationError("This workshop has already started.")
    registration.status = WorkshopRegistration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    return registration


@transaction.atomic
def workshop_attendance_record(*, organization, actor, workshop: Workshop, attended_user_ids) -> dict:
    """HR ticks who came (among those registered), after the session started. Those who came complete the
    workshop's course, when it has one (a completion "via workshop" of its current version)."""
    workshop = Workshop.objects.select_for_update().get(organization=organization, pk=workshop.pk)
    if workshop.starts_at > timezone.now():
        raise ValidationError("Attendance is recorded once the workshop has started.")
    registrations = list(
        WorkshopRegistration.objects.select_for_update().filter(
            organization=organization, workshop=workshop, status=WorkshopRegistration.Status.REGISTERED
        )
    )
    attended = {int(i) for i in attended_user_ids}
    unknown = attended - {r.user_id for r in registrations}
    if unknown:
        raise ValidationError("Attendance can only be recorded for people who registered.")
    for registration in registrations:
        registration.attended = registration.user_id in attended
    WorkshopRegistration.objects.bulk_update(registrations, ["attended"])
    completed = 0
    course = workshop.course
    if course is not None and course.status == Course.Status.ACTIVE and course.current_version_id:
        users = get_user_model().objects.in_bulk(list(attended))
        for user in users.values():
            course_complete(
                organization=organization,
                actor=actor,
                course=course,
                version=course.current_version,
                via="workshop",
                user=user,
            )
            completed += 1
    audit_record(
        organization=organization,
        actor=actor,
        action="training.attendance_recorded",
        target=workshop,
        data={"attended": sorted(attended), "registered": len(registrations), "completed": completed},
    )
    return {"attended": len(attended), "registered": len(registrations), "completed": completed}


def default_end(workshop: Workshop) -> datetime:
    return workshop.starts_at + timedelta(minutes=workshop.duration_minutes)
