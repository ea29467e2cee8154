from advocacy.navigation import nav_for

from .selectors import memberships_for_user


def tenancy(request):
    """The active organization, the caller's membership and allowed actions, and the switcher."""
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)

    def switcher():
        return memberships_for_user(user=user) if user is not None else []

    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "can": membership.actions if membership is not None else frozenset(),
        "my_memberships": switcher,
        "nav_sections": lambda: nav_for(request),
    }
