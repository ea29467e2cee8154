"""Django's cached_db session store, whose cache read can come from a request's prefetch.

Pages under /o/<slug>/ fetch the session together with the organization in one Redis round trip
(advocacy.tenancy.middleware, through advocacy.core.cache); everywhere else this is Django's
cached_db store.
"""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.core.cache import DEFAULT_CACHE_ALIAS

from advocacy.core.cache import prefetched_get, store


class SessionStore(CachedDbSessionStore):
    def cycle_key(self):
        """A signed-in session that gets a new key (a password change keeps the person signed in under
        one) stays known as theirs, so ending their sessions (deactivation) reaches it too."""
        old = self.session_key
        super().cycle_key()
        if old and self.session_key and self.session_key != old:
            from .models import UserSession

            UserSession.objects.filter(session_key=old).update(session_key=self.session_key)

    def load(self):
        try:
            shared = settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS  # the cache prefetch reads
            data = prefetched_get(self.cache_key) if shared else self._cache.get(self.cache_key)
        except Exception:  # as Django's: a backend refusing the key resets the session (#17810)
            data = None
        if data is None:
            stored = self._get_session_from_db()
            if stored:
                data = self.decode(stored.session_data)
                store(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
            else:
                data = {}
        return data


def session_cache_key(session) -> str | None:
    """The cache key of a request's session, without loading it (None with no session cookie)."""
    key = session.session_key
    if not key or not isinstance(session, SessionStore) or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
        return None
    return session.cache_key_prefix + key
