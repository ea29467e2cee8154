"""Incident pages under /o/<slug>/monitoring/incidents/: the list, declaring, an incident's page and what is
done on it (status, severity, checklist, notes, responders, the post-incident review)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.tenancy.decorators import org_view

from .. import selectors
from ..forms import STATE_BUTTONS, DeclareForm, NoteForm, ResponderForm, ReviewForm
from ..models import Incident, Severity
from ..review_link import linked_item
from ..services import incidents as services
from .common import MANAGE, back_to, incident_url, incident_view

PAGE_SIZE = 50


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_http_methods(["GET"])
@org_view(MANAGE)
def incident_list(request):
    organization = request.organization
    state = request.GET.get("state") or "active"
    if state not in selectors.STATE_FILTERS:
        raise Http404("No such filter")
    counts = selectors.incident_counts(organization=organization)
    page = Paginator(selectors.incident_list(organization=organization, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "monitoring_incidents/list.html",
        {
            "page": page,
            "incidents": page.object_list,
            "state": state,
            "filters": [(key, label, counts[key]) for key, (label, _q) in selectors.STATE_FILTERS.items()],
            "may_edit_plan": request.membership.may("monitoring.plan"),
        },
    )


def _item_initial(organization, item_id):
    if not item_id:
        return None, {}
    try:
        item = linked_item(organization, int(item_id))
    except (TypeError, ValueError) as exc:
        raise Http404("No such item") from exc
    return item, {"item": item.id, "title": item.title, "severity": Severity.HIGH}


@require_http_methods(["GET", "POST"])
@org_view(MANAGE)
def incident_declare(request):
    organization = request.organization
    data = request.POST if request.method == "POST" else None
    item, initial = _item_initial(organization, (data or request.GET).get("item"))
    form = DeclareForm(data, initial=initial)
    if data is not None and form.is_valid():
        try:
            incident, created = services.incident_declare(
                organization=organization,
                actor=request.user,
                title=form.cleaned_data["title"],
                severity=form.cleaned_data["severity"],
                summary=form.cleaned_data["summary"],
                item_id=item.id if item else None,
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            if created:
                messages.success(request, _("Incident declared. The responders have been told."))
            else:
                messages.info(request, _("An incident is already in progress for this post: you are on its page."))
            return redirect(incident_url(request, incident))
    return render(
        request,
        "monitoring_incidents/declare.html",
        {"form": form, "item": item, "plan_ready": services.plan_exists(organization)},
    )


@require_http_methods(["GET"])
@incident_view()
def incident_detail(request, incident):
    return render(request, "monitoring_incidents/detail.html", _context(request, incident))


def _manage_only(request):
    if not request.may_manage_incidents:
        raise PermissionDenied("Your role does not allow this.")


@require_POST
@incident_view()
def incident_transition(request, incident):
    _manage_only(request)
    try:
        services.incident_transition(
            organization=request.organization,
            actor=request.user,
            incident=incident,
            transition=request.POST.get("transition", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        incident.refresh_from_db()
        messages.success(request, _("The incident is now %(state)s.") % {"state": incident.get_state_display().lower()})
    return back_to(request, incident)


@require_POST
@incident_view()
def incident_severity(request, incident):
    _manage_only(request)
    try:
        services.incident_severity_set(
            organization=request.organization,
            actor=request.user,
            incident=incident,
            severity=request.POST.get("severity", ""),
        )
    except ValidationError as exc:
        _errors(request, exc)
    return back_to(request, incident)


@require_POST
@incident_view()
def incident_step(request, incident):
    try:
        services.incident_step_set(
            organization=request.organization,
            actor=request.user,
            incident=incident,
            step_id=request.POST.get("step"),
            done=request.POST.get("done") == "1",
        )
    except ValidationError as exc:
        _errors(request, exc)
    return back_to(request, incident, "checklist")


@require_POST
@incident_view()
def incident_note(request, incident):
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.incident_note_add(
                organization=request.organization, actor=request.user, incident=incident, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Note added to the timeline."))
            return back_to(request, incident, "timeline")
    return _rerender(request, incident, note_form=form)


@require_POST
@incident_view()
def incident_responders(request, incident):
    _manage_only(request)
    organization = request.organization
    if request.POST.get("remove"):
        try:
            services.incident_responder_remove(
                organization=organization, actor=request.user, incident=incident, responder_id=request.POST["remove"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        return back_to(request, incident, "responders")
    form = ResponderForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            services.incident_responder_add(
                organization=organization,
                actor=request.user,
                incident=incident,
                user_id=form.cleaned_data["user"].pk,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Responder added and told by email."))
            return back_to(request, incident, "responders")
    return _rerender(request, incident, responder_form=form)


@require_POST
@incident_view()
def incident_review(request, incident):
    _manage_only(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.incident_review_save(
                organization=request.organization, actor=request.user, incident=incident, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if request.POST.get("complete"):
                try:
                    services.incident_transition(
                        organization=request.organization,
                        actor=request.user,
                        incident=incident,
                        transition="complete_review",
                    )
                except ValidationError as exc:
                    incident.refresh_from_db()
                    form.add_error(None, exc.messages)
                    return _rerender(request, incident, review_form=form)
                messages.success(request, _("Review completed. The incident is closed."))
            else:
                messages.success(request, _("Review saved."))
            return back_to(request, incident, "review")
    return _rerender(request, incident, review_form=form)


def _context(request, incident, **forms) -> dict:
    organization = request.organization
    may_manage = request.may_manage_incidents
    context = selectors.incident_page(organization=organization, incident=incident)
    return context | {
        "incident": incident,
        "may_manage": may_manage,
        "buttons": STATE_BUTTONS[incident.state] if may_manage else (),
        "severities": Severity.choices,
        "note_form": NoteForm(),
        "responder_form": ResponderForm(organization=organization) if may_manage else None,
        "review_form": ReviewForm(initial={name: getattr(incident, name) for name in services.REVIEW_FIELDS}),
        "review_open": incident.state in (Incident.State.RESOLVED, Incident.State.REVIEWED),
        "review_editable": may_manage and incident.state == Incident.State.RESOLVED,
        "states": Incident.State.choices,
        "current_index": Incident.State.values.index(incident.state),
        **forms,
    }


def _rerender(request, incident, **forms):
    """The incident page again with a form's errors and what was typed (status 400)."""
    return render(request, "monitoring_incidents/detail.html", _context(request, incident, **forms), status=400)
