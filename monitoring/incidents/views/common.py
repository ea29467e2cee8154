"""What the incident views share: the decorator that lets an incident's responders in alongside the roles that
manage incidents, and small helpers."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from advocacy.tenancy.decorators import org_view

from .. import selectors

MANAGE = "monitoring.incidents"
PLAN = "monitoring.plan"


def incident_view(*, responders: bool = True):
    """A view of one incident (`incident_id`): members who may manage incidents, and, with `responders`, the
    incident's responders whatever their role. The incident is looked up in the organization first (404 for
    another organization's), then the permission (403). The view receives `incident`."""

    def decorator(view):
        @org_view(None)
        @wraps(view)
        def wrapper(request, *args, incident_id=None, **kwargs):
            incident = selectors.get_incident_for_org(request.organization, incident_id)
            may_manage = request.membership.may(MANAGE)
            if not may_manage and not (
                responders
                and selectors.is_responder(organization=request.organization, incident=incident, user=request.user)
            ):
                raise PermissionDenied("Your role does not allow this.")
            request.may_manage_incidents = may_manage
            return view(request, *args, incident=incident, **kwargs)

        wrapper.required_action = MANAGE
        return wrapper

    return decorator


def incident_url(request, incident, anchor: str = "") -> str:
    url = reverse("incidents_detail", kwargs={"org_slug": request.organization.slug, "incident_id": incident.pk})
    return f"{url}#{anchor}" if anchor else url


def back_to(request, incident, anchor: str = ""):
    return redirect(incident_url(request, incident, anchor))
