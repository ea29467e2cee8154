"""Authentication backends whose per-request user lookup is served from the cache.

Django still checks the session's password hash against the user and that the user is active; the
cached copy is stale once the user row is saved or deleted (accounts.caching), so a password change, a
deactivation or a sign-in (last_login) is seen on the next request.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from .caching import user_cache


class CachedUserMixin:
    def get_user(self, user_id):
        user = user_cache.get_or_compute((user_id,), compute=lambda: super(CachedUserMixin, self).get_user(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None


class CachedModelBackend(CachedUserMixin, ModelBackend):
    pass


class CachedAuthenticationBackend(CachedUserMixin, AuthenticationBackend):
    pass
