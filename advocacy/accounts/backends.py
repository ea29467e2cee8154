"""Authentication backends whose per-request user lookup is served from the cache.

Django still checks the session's password hash against the user and that the user is active; the
cached copy is dropped whenever the user row is saved or deleted (accounts.signals), so a password
change, a deactivation or a sign-in (last_login) is seen on the next request.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from advocacy.core.cache import versioned_cached

USER_TTL = 300


def user_cache_key(user_id) -> str:
    return f"accounts:user:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id):
        user = versioned_cached(
            user_cache_key(user_id), USER_TTL, lambda: super(CachedUserMixin, self).get_user(user_id)
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class CachedModelBackend(CachedUserMixin, ModelBackend):
    pass


class CachedAuthenticationBackend(CachedUserMixin, AuthenticationBackend):
    pass
