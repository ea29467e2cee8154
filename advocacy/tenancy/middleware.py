"""Layer 1 of tenancy: the organization comes from the URL and the caller's membership.

Everything under /o/<slug>/ and /api/v1/o/<slug>/ runs inside `organization_scope` (one
transaction, with row-level security set to that organization). A signed-in non-member gets the
same 404 as for a slug that does not exist.
"""

import re

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect

from advocacy.accounts.sessions import session_cache_key
from advocacy.core.cache import prefetch, prefetch_scope, request_prefetch_keys

from .caching import organization_by_slug, organization_by_slug_cache
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
        slug = match["slug"]
        token = getattr(request, "api_token", None)
        # one round trip for the organization and the session, one for what the apps' pages read
        keys = organization_by_slug_cache.keys((slug,))
        if token is None:
            prefetch([*keys, session_cache_key(request.session)])
            user_id = request.session.get(SESSION_KEY)
        else:
            prefetch(keys)
            user_id = token.user_id
        organization = organization_by_slug(slug)
        if organization is not None and user_id is not None:
            prefetch(request_prefetch_keys(request, organization, user_id, request.path_info[match.end() :]))
        user = request.user
        if not user.is_authenticated:
            if is_api:
                return api_error(401, "not_authenticated", "Authentication credentials were not provided.")
            return redirect_to_login(request.get_full_path())
        if organization is None:  # the same answer as for a non-member
            if is_api:
                return api_error(404, "not_found", "Not found.")
            raise Http404("No such organization")

        # The organization only: the database admits this organization's rows and nothing else, not even
        # the caller's own memberships elsewhere (the switcher reads those in a user_scope of its own).
        with organization_scope(organization):
            membership = membership_for_request(organization=organization, user=user)
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
                messages.warning(
                    request,
                    f"{organization.name} requires two-factor authentication for your role. "
                    "Set up an authenticator app to continue.",
                )
                return redirect("mfa_activate_totp")
            return self.get_response(request)
