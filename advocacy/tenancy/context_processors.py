from functools import lru_cache

from django.urls import reverse

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
        # Computed when a template first uses them, then reused: a template calls a callable at every
        # lookup, and base.html looks nav_sections up twice (menu and sidebar), pages once more.
        "my_memberships": once(switcher),
        "account_urls": account_urls(),
        "nav_sections": once(lambda: nav_for(request)),
    }


def once(function):
    """`function` called at most once; later calls return its first result."""
    results = []

    def wrapper():
        if not results:
            results.append(function())
        return results[0]

    return wrapper


@lru_cache(maxsize=1)
def account_urls() -> dict[str, str]:
    """The account menu's links: the same on every page, reversed once."""
    return {
        "email": reverse("account_email"),
        "password": reverse("account_change_password"),
        "mfa": reverse("mfa_index"),
        "tokens": reverse("api_tokens"),
        "logout": reverse("account_logout"),
    }
