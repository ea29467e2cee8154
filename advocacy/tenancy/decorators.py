"""Views under /o/<slug>/: the middleware has resolved the organization and membership; these
check the permission map."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from advocacy.permissions import ACTIONS


def org_view(action: str | None = "org.view"):
    """Require an active organization (set by OrganizationMiddleware) and, optionally, an action from
    the permission map. Members without the action get 403; non-members never get this far (404)."""
    if action is not None and action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, org_slug=None, **kwargs):
            if getattr(request, "membership", None) is None:
                raise Http404("No such organization")
            if action is not None and not request.membership.may(action):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        wrapper.required_action = action
        return wrapper

    return decorator
