"""Layer 1 of tenancy: the organization comes from the URL and the caller's membership.

Everything under /o/<slug>/ and /api/v1/o/<slug>/ runs inside `organization_scope` (one
transaction, with row-level security set to that organization). A signed-in non-member gets the
same 404 as for a slug that does not exist.
"""

import re

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect

from advocacy.core.cache import prefetch_scope

from .caching import organization_by_slug, prefetch_for_membership, prefetch_for_request
from .context import organization_scope
from .selectors import membership_for_request, staff_needs_mfa

ORG_PATH = re.compile(r"^/(?P<api>api/v1/)?o/(?P<slug>[-\w]+)/")


def api_error(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, "details": {}}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


class OrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        match = ORG_PATH.match(request.path_info)
        if match is None:
            return self.get_response(request)
        is_api = bool(match["api"])
        if is_api and getattr(request, "api_token_invalid", False):
            return api_error(401, "not_authenticated", "Invalid, expired or revoked API token.")
        with prefetch_scope():
            return self._in_organization(request, match, is_api)

    def _in_organization(self, request, match, is_api):
        session_user_id = request.session.get(SESSION_KEY) if getattr(request, "api_token", None) is None else None
        if session_user_id is not None:
            prefetch_for_request(slug=match["slug"], user_id=session_user_id)
        user = request.user
        if not user.is_authenticated:
            if is_api:
                return api_error(401, "not_authenticated", "Authentication credentials were not provided.")
            return redirect_to_login(request.get_full_path())

        token = getattr(request, "api_token", None)
        with organization_scope_for(match["slug"], user) as (organization, membership):
            if membership is None or (token is not None and token.organization_id != organization.pk):
                if is_api:
                    return api_error(404, "not_found", "Not found.")
                raise Http404("No such organization")
            request.organization = organization
            request.membership = membership
            if staff_needs_mfa(membership=membership, user=user):
                if is_api:
                    return api_error(
                        403, "mfa_required", "This organization requires two-factor authentication for your role."
                    )
                from django.contrib import messages

                messages.warning(
                    request,
                    f"{organization.name} requires two-factor authentication for your role. "
                    "Set up an authenticator app to continue.",
                )
                return redirect("mfa_activate_totp")
            return self.get_response(request)


class organization_scope_for:  # noqa: N801 - used as a context manager
    """Resolve slug + user to (organization, membership) and enter the organization's scope.
    Yields (None-like org, None) for unknown slugs and non-members alike."""

    def __init__(self, slug, user):
        self.slug = slug
        self.user = user
        self._cm = None

    def __enter__(self):
        from .models import Organization

        organization = organization_by_slug(self.slug)
        if organization is None:
            return (Organization(slug=self.slug), None)
        prefetch_for_membership(organization_id=organization.pk, user_id=self.user.pk)
        self._cm = organization_scope(organization, user=self.user)
        self._cm.__enter__()
        return (organization, membership_for_request(organization=organization, user=self.user))

    def __exit__(self, *exc):
        if self._cm is not None:
            return self._cm.__exit__(*exc)
        return False
