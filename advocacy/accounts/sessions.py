"""Django's cached_db session store, whose cache read can come from a request's prefetch.

Pages under /o/<slug>/ fetch the session together with the organization in one Redis round trip
(advocacy.tenancy.middleware, through advocacy.core.cache); everywhere else this is Django's
cached_db store.

Redis down or hung: a session is read from PostgreSQL (a cache miss), so signed-in people stay signed in.
A sign-out or a change saved while Redis did not answer could leave the old copy in Redis, served again
once Redis is back (a signed-out cookie working again): this process deletes such keys before it reads
them again (it reads PostgreSQL until it could), and a task from the outbox deletes them for the other
processes once the broker is back.
"""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.core.cache import DEFAULT_CACHE_ALIAS

from advocacy.core.cache import prefetched_get, store
from advocacy.core.cache_backend import REDIS_ERRORS, delete_keys
from advocacy.core.outbox import send_on_commit

from .models import UserSession

# Session cache keys this process could not delete or replace (Redis did not answer).
_stale: set[str] = set()


def _stale_copy_left(key: str) -> None:
    if key not in _stale:
        _stale.add(key)
        send_on_commit("advocacy.core.tasks.cache_delete_keys", [[key]])


def _delete_stale() -> None:
    try:
        delete_keys(_stale)
    except REDIS_ERRORS:
        return
    _stale.clear()


class SessionStore(CachedDbSessionStore):
    def cycle_key(self):
        """A signed-in session that gets a new key (a password change keeps the person signed in under
        one) stays known as theirs, so ending their sessions (deactivation) reaches it too."""
        old = self.session_key
        super().cycle_key()
        if old and self.session_key and self.session_key != old:
            UserSession.objects.filter(session_key=old).update(session_key=self.session_key)

    def load(self):
        stale = self.cache_key in _stale  # its copy in Redis (or in this request's prefetch) may be old
        if _stale:
            _delete_stale()
        data = None
        if not stale:
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

    def save(self, must_create=False):
        """Django's (the database, then the cache), noting a copy Redis did not take (set answers None)."""
        super(CachedDbSessionStore, self).save(must_create)
        if self._cache.set(self.cache_key, self._session, self.get_expiry_age()) is None:
            _stale_copy_left(self.cache_key)

    def delete(self, session_key=None):
        """Django's (the database, then the cache), noting a copy Redis did not delete."""
        super(CachedDbSessionStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        key = self.cache_key_prefix + session_key
        if self._cache.delete(key) is None:
            _stale_copy_left(key)


def session_cache_key(session) -> str | None:
    """The cache key of a request's session, without loading it (None with no session cookie)."""
    key = session.session_key
    if not key or not isinstance(session, SessionStore) or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
        return None
    return session.cache_key_prefix + key
