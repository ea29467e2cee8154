"""What accounts caches (see advocacy.core.cache): the signed-in person, read on every request.

Django still checks the session's password hash against the user and that the user is active; any
save or delete of the user row (a password change, a deactivation, a sign-in) makes the copy stale."""

from advocacy.core.cache import Cached, On, request_prefetch

user_cache = Cached(
    "accounts.user", scope=("user",), ttl=300, on=[On("accounts.User", scope=lambda user: [(user.pk,)])]
)


@request_prefetch
def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """The person, for pages (the API authenticates by token, without the session's user)."""
    if getattr(request, "api_token", None) is not None:
        return []
    return user_cache.keys((user_id,))
