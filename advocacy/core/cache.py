"""Cached reads on the request path (the cache contract)."""

import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

_MISSING = object()
_prefetched: ContextVar[dict | None] = ContextVar("cache_prefetched", default=None)


@contextmanager
def prefetch_scope():
    """Collect values fetched ahead with `prefetch()` for the rest of a request."""
    token = _prefetched.set({})
    try:
        yield
    finally:
        _prefetched.reset(token)


def prefetch(keys) -> None:
    """Fetch `keys` in one round trip now; `cached`/`versioned_cached` then read them from here."""
    store = _prefetched.get()
    if store is None:
        return
    keys = [key for key in keys if key not in store]
    if not keys:
        return
    found = cache.get_many(keys)
    for key in keys:
        store[key] = found.get(key, _MISSING)


def _get(key: str):
    store = _prefetched.get()
    if store is not None and key in store:
        value = store.pop(key)  # used once: a later read in the same request sees fresh data
        return None if value is _MISSING else value
    return cache.get(key)


def _get_many(keys: list[str]) -> dict:
    store = _prefetched.get()
    if store is not None and all(key in store for key in keys):
        values = {key: store.pop(key) for key in keys}
        return {key: value for key, value in values.items() if value is not _MISSING}
    return cache.get_many(keys)


def cached(key: str, ttl: int | None, compute):
    """The value under `key`, computed and stored when missing (for display data)."""
    value = _get(key)
    if value is None:
        value = compute()
        cache.set(key, value, ttl)
    return value


def version_key(key: str) -> str:
    return f"{key}:version"


def versioned_cached(key: str, ttl: int, load):
    """Like `cached`, for data that grants access (a membership, a user): safe against a reader that
    loads the old row just before a writer drops the key and then stores it after. The entry is
    stored with the key's version as read *before* loading; `drop()` replaces the version (now and on
    commit), so such a late store is never served. None is never stored."""
    vkey = version_key(key)
    found = _get_many([key, vkey])
    version = found.get(vkey)
    entry = found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    value = load()
    if version is None:
        cache.add(vkey, secrets.token_hex(8), None)  # stored from the next read on
    elif value is not None:
        cache.set(key, (version, value), ttl)
    return value


def drop(*keys: str) -> None:
    """Forget cached values (and invalidate versioned entries), now and again when the current
    transaction commits, so a reader racing the transaction cannot keep the old value."""

    def do():
        cache.delete_many(keys)
        cache.set_many({version_key(key): secrets.token_hex(8) for key in keys}, None)

    do()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(do)
