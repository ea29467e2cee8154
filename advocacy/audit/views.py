"""The audit log of an organization: browse with filters, export as CSV."""

import json

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from advocacy.core.csv import csv_stream
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.decorators import org_view

from .forms import AuditFilterForm
from .selectors import audit_action_choices, audit_event_list
from .services import audit_export_record

PAGE_SIZE = 50
EXPORT_HEADER = ["time", "actor", "action", "target_type", "target_id", "target", "ip_address", "user_agent", "details"]


def _filter_form(request, organization) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None, actions=audit_action_choices(organization=organization))


@require_GET
@org_view("audit.view")
def audit_list(request):
    organization = request.organization
    form = _filter_form(request, organization)
    filters = form.filters()
    page = Paginator(audit_event_list(organization=organization, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/audit_list.html", {"form": form, "page": page, "filtered": bool(filters)})


@never_cache
@require_GET
@org_view("audit.export")
def audit_export(request):
    """Stream the (filtered) log as CSV. The export itself is recorded first, in the request's
    transaction; the rows are read inside the organization's scope again, because a streaming
    response is iterated after the middleware's scope has closed."""
    organization = request.organization
    user = request.user
    filters = _filter_form(request, organization).filters()
    audit_export_record(organization=organization, actor=user, filters=filters)

    def rows():
        with organization_scope(organization, user=user):
            events = audit_event_list(organization=organization, **filters)
            for event in events.iterator(chunk_size=2000):
                yield [
                    event.created_at,
                    event.actor_email,
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.target_repr,
                    event.ip_address,
                    event.user_agent,
                    json.dumps(event.data, sort_keys=True, default=str) if event.data else "",
                ]

    response = StreamingHttpResponse(csv_stream(rows(), header=EXPORT_HEADER), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{organization.slug}-{stamp}.csv"'
    return response
