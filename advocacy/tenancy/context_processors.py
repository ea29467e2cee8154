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
        # Computed when first used (the top bar), then reused: a template calls a callable at every lookup.
        "my_memberships": once(switcher),
    }


def once(function):
    """`function` called at most once; later calls return its first result."""
    results = []

    def wrapper():
        if not results:
            results.append(function())
        return results[0]

    return wrapper
