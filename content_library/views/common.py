"""What the content library's pages share: links within the organization, a service's errors on a
form, the items a member may open, the reviewer check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from .. import selectors, services
from ..models import ContentItem


def org_url(request, name, **kwargs):
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


def errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def every_error(form, check) -> bool:
    """Validate a form and the service's rules together, so the page shows every field's error at once:
    the form's (what did not parse) and `check(**form.service_kwargs())` on everything else. True when all
    is well."""
    form.is_valid()
    for field, messages in check(**form.service_kwargs()).items():
        name = field if field in form.fields else None
        if name is None or name not in form.errors:  # a field that did not parse says so already
            form.add_error(name, messages)
    return not form.errors


def optional(getter, organization, value):
    if value in (None, ""):
        return None
    return getter(organization, value)


def visible_item(request, content_id) -> ContentItem:
    """The item, for a curator; for anyone else only while it is live for their team (else 404)."""
    item = selectors.get_content_for_org(request.organization, content_id)
    if request.membership.may("content.manage"):
        return item
    if not selectors.is_live_for(organization=request.organization, membership=request.membership, content=item):
        raise Http404("No such content")
    return item


def check_approver(request) -> None:
    if not services.may_approve(request.organization, request.membership):
        raise PermissionDenied("Your role does not allow approving content.")
