"""Workshops: a member's view (register, cancel, calendar files) and HR's (schedule, change, cancel, record
attendance)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors, services
from ..calendar import calendar_bytes
from ..models import WorkshopRegistration
from ..training_forms import WorkshopForm
from .common import add_errors, may, page_url


def _absolute(request, workshop) -> str:
    return settings.SITE_URL + page_url(request, "workshop", workshop_id=workshop.pk)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@org_view("policies.view")
def workshop_detail(request, workshop_id):
    organization = request.organization
    workshop = selectors.get_workshop_for_org(organization, workshop_id)
    registration = selectors.registration_of(organization=organization, user=request.user, workshop=workshop)
    taken = services.workshops.seats_taken(organization, workshop)
    context = {
        "workshop": workshop,
        # naive wall-clock time in the workshop's zone: templates would convert an aware one to the site's zone
        "local_start": workshop.starts_at.astimezone(ZoneInfo(workshop.time_zone)).replace(tzinfo=None),
        "registration": registration,
        "registered": registration is not None and registration.status == WorkshopRegistration.Status.REGISTERED,
        "taken": taken,
        "full": workshop.capacity is not None and taken >= workshop.capacity,
        "started": workshop.starts_at <= timezone.now(),
        "may_manage": may(request, "policies.train"),
    }
    return render(request, "policies/training/workshop.html", context)


@require_POST
@org_view("policies.view")
def workshop_register(request, workshop_id):
    workshop = selectors.get_workshop_for_org(request.organization, workshop_id)
    try:
        services.workshop_register(organization=request.organization, actor=request.user, workshop=workshop)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You are registered. Add it to your calendar below; we remind you the day before."))
    return redirect(page_url(request, "workshop", workshop_id=workshop.pk))


@require_POST
@org_view("policies.view")
def workshop_unregister(request, workshop_id):
    workshop = selectors.get_workshop_for_org(request.organization, workshop_id)
    try:
        services.workshop_unregister(organization=request.organization, actor=request.user, workshop=workshop)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your registration is cancelled; your seat is free for someone else."))
    return redirect(page_url(request, "workshop", workshop_id=workshop.pk))


@require_GET
@org_view("policies.view")
def workshop_ics(request, workshop_id):
    workshop = selectors.get_workshop_for_org(request.organization, workshop_id)
    body = calendar_bytes([workshop], lambda w: _absolute(request, w))
    return _ics_response(body, f"workshop-{workshop.pk}.ics")


@require_GET
@org_view("policies.view")
def my_calendar(request):
    """Every workshop the member registered for (the past month and after), one file to import or subscribe."""
    workshops = selectors.my_workshops(organization=request.organization, user=request.user)
    name = f"{request.organization.name} workshops"
    return _ics_response(calendar_bytes(workshops, lambda w: _absolute(request, w), name=name), "my-workshops.ics")


# --- HR --------------------------------------------------------------------------------------------------


def _form_values(form, organization):
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "local_start": data["starts_at"],
        "time_zone": data["time_zone"],
        "duration_minutes": data["duration_minutes"],
        "location": data["location"],
        "video_url": data["video_url"],
        "capacity": data["capacity"],
        "course": data["course"],
    }


def _add_service_rules(form, post):
    """The service's rules for what the form could parse, so every problem shows at once."""
    errors = services.workshops.workshop_errors(
        title=post.get("title", ""),
        local_start=form.cleaned_data.get("starts_at"),
        time_zone=post.get("time_zone", ""),
        duration_minutes=form.cleaned_data.get("duration_minutes") or 60,
        location=post.get("location", ""),
        video_url=form.cleaned_data.get("video_url", ""),
        capacity=form.cleaned_data.get("capacity"),
    )
    for field, messages_ in errors.items():
        if field not in form.errors:
            form.add_error(field, messages_)


def _default_zone(organization) -> str:
    return (organization.settings or {}).get("time_zone") or settings.TIME_ZONE


@require_http_methods(["GET", "POST"])
@org_view("policies.train")
def workshop_create(request):
    organization = request.organization
    form = WorkshopForm(
        request.POST or None, organization=organization, initial={"time_zone": _default_zone(organization)}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                workshop = services.workshop_create(
                    organization=organization, actor=request.user, **_form_values(form, organization)
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Workshop scheduled. Members can register from their Training page."))
                return redirect(page_url(request, "workshop_manage", workshop_id=workshop.pk))
        else:
            _add_service_rules(form, request.POST)
    return render(request, "policies/training/workshop_form.html", {"form": form}, status=400 if form.errors else 200)


def _manage_context(request, workshop, form=None):
    organization = request.organization
    local = workshop.starts_at.astimezone(ZoneInfo(workshop.time_zone)).replace(tzinfo=None)
    form = form or WorkshopForm(
        organization=organization,
        initial={
            "title": workshop.title,
            "description": workshop.description,
            "starts_at": local,
            "time_zone": workshop.time_zone,
            "duration_minutes": workshop.duration_minutes,
            "location": workshop.location,
            "video_url": workshop.video_url,
            "capacity": workshop.capacity,
            "course": workshop.course_id,
        },
    )
    return {
        "workshop": workshop,
        "local_start": local,
        "form": form,
        "registrations": list(selectors.workshop_registrations(organization=organization, workshop=workshop)),
        "started": workshop.starts_at <= timezone.now(),
    }


@require_http_methods(["GET", "POST"])
@org_view("policies.train")
def workshop_manage(request, workshop_id):
    organization = request.organization
    workshop = selectors.get_workshop_for_org(organization, workshop_id)
    form = None
    if request.method == "POST":
        form = WorkshopForm(request.POST, organization=organization)
        if form.is_valid():
            try:
                services.workshop_update(
                    organization=organization, actor=request.user, workshop=workshop, **_form_values(form, organization)
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Workshop saved. People registered get the change by email."))
                return redirect(page_url(request, "workshop_manage", workshop_id=workshop.pk))
        else:
            _add_service_rules(form, request.POST)
    context = _manage_context(request, workshop, form)
    return render(request, "policies/training/workshop_manage.html", context, status=400 if form else 200)


@require_POST
@org_view("policies.train")
def workshop_cancel(request, workshop_id):
    workshop = selectors.get_workshop_for_org(request.organization, workshop_id)
    services.workshop_cancel(organization=request.organization, actor=request.user, workshop=workshop)
    messages.success(request, _("Workshop cancelled. People registered were told by email."))
    return redirect(page_url(request, "workshop_manage", workshop_id=workshop.pk))


@require_POST
@org_view("policies.train")
def workshop_attendance(request, workshop_id):
    workshop = selectors.get_workshop_for_org(request.organization, workshop_id)
    try:
        result = services.workshop_attendance_record(
            organization=request.organization,
            actor=request.user,
            workshop=workshop,
            attended_user_ids=[v for v in request.POST.getlist("attended") if v.isdigit()],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        extra = (" " + _("%(completed)s completed the course.") % result) if workshop.course_id else ""
        messages.success(request, _("Attendance saved: %(attended)s of %(registered)s came.") % result + extra)
    return redirect(page_url(request, "workshop_manage", workshop_id=workshop.pk))
