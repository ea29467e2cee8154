"""The API side of the one permission map (advocacy.permissions): each org-scoped viewset names the
action its every endpoint needs, and `HasOrgAction` checks the caller's membership against it."""

from rest_framework.permissions import BasePermission

from advocacy.permissions import ACTIONS


class HasOrgAction(BasePermission):
    """Allow a request when the caller's membership in the URL's organization may perform the action
    the viewset's `required_actions` maps the current viewset action to.

    Fail-closed: a routed action with no entry in the map is refused. A method the viewset does not
    route at all (`view.action is None`, and OPTIONS, which the base answers with 405 because the
    OpenAPI schema is the description of the API) is let through so DRF answers 405.
    """

    message = "Your role in this organization does not allow this."

    def has_permission(self, request, view) -> bool:
        membership = getattr(view, "membership", None)
        if membership is None:
            return False
        if view.action is None or (view.action == "metadata" and view.metadata_class is None):
            return True
        action = required_action(view, view.action)
        return action is not None and membership.may(action)


def required_action(view, viewset_action: str) -> str | None:
    required = getattr(view, "required_actions", {})
    action = required.get(viewset_action)
    if action is not None and action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}: add it to advocacy.permissions.ACTIONS")
    return action
