"""Redis that may be down or hung, under the cache contract (advocacy/core/cache.py) and django-redis.

- `FailFastConnection`: every connection to Redis (the cache's and the click buffer's) gives up fast.
  The socket timeouts come from settings (REDIS_CONNECT_TIMEOUT, REDIS_SOCKET_TIMEOUT); after a server
  failed to answer, this process does not try it again for `BREAKER_SECONDS` (a hung Redis costs one
  timeout per process and pause, not one per call). Anything that goes wrong while connecting is raised
  as a `redis.ConnectionError`: a `redis.TimeoutError` always means a command was sent and not answered
  (`unanswered`), which a hung server runs when it resumes.
- `FailSafeClient` (django-redis's CLIENT_CLASS): the cache with that connection, and counters that fail
  safe. With IGNORE_EXCEPTIONS every failure is a miss; rate limits (allauth's, DRF's throttles) and
  allauth's used-TOTP markers would then either refuse everyone (allauth's lock is never taken) or nobody,
  so while Redis does not answer they are counted in this process's memory instead: each process still
  limits what it sees, and nobody is locked out because the counter store is down.
"""

from __future__ import annotations

import time

import redis
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

BREAKER_SECONDS = 1.0
REDIS_ERRORS = (ConnectionInterrupted, redis.RedisError, OSError)

# server address -> monotonic time before which it is not tried again
_down_until: dict[tuple, float] = {}


def unanswered(exc: BaseException) -> bool:
    """A command was written and no answer came in time (a hung server runs it when it resumes); any other
    failure ran nothing, or lost it with the server."""
    return isinstance(exc, redis.TimeoutError)


class _FailFast:
    def _address(self) -> tuple:
        return (getattr(self, "host", None), getattr(self, "port", None), getattr(self, "path", None))

    def _trip(self) -> None:
        _down_until[self._address()] = time.monotonic() + BREAKER_SECONDS

    def connect(self, *args, **kwargs):
        if getattr(self, "_sock", None) is not None:
            return None
        until = _down_until.get(self._address())
        if until is not None and time.monotonic() < until:
            raise redis.ConnectionError("Redis did not answer just now; tried again shortly")
        try:
            result = super().connect(*args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            self._trip()
            raise redis.ConnectionError(f"Error connecting to Redis: {exc}") from exc
        _down_until.pop(self._address(), None)
        return result

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            self._trip()
            raise
        if _down_until:  # it answers again (on a connection opened before it failed)
            _down_until.pop(self._address(), None)
        return response

    def send_packed_command(self, *args, **kwargs):
        try:
            return super().send_packed_command(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            self._trip()
            raise


class FailFastConnection(_FailFast, redis.Connection):
    pass


class FailFastSSLConnection(_FailFast, redis.SSLConnection):
    pass


class FailFastUnixConnection(_FailFast, redis.UnixDomainSocketConnection):
    pass


def connection_class(url: str):
    if url.startswith("rediss://"):
        return FailFastSSLConnection
    if url.startswith("unix://"):
        return FailFastUnixConnection
    return FailFastConnection


# --- counters that fail safe --------------------------------------------------------------------------

FAIL_SAFE_KEYS = ("allauth:rl:", "allauth.mfa.totp.used", "throttle_")
_local = LocMemCache("advocacy-fail-safe", {"OPTIONS": {"MAX_ENTRIES": 50_000}})


def _counter(key) -> bool:
    return isinstance(key, str) and key.startswith(FAIL_SAFE_KEYS)


class FailSafeClient(DefaultClient):
    def __init__(self, server, params, backend):
        options = dict(params.get("OPTIONS") or {})
        url = server[0] if isinstance(server, list | tuple) else str(server).split(",")[0]
        pool_kwargs = {**options.get("CONNECTION_POOL_KWARGS", {}), "connection_class": connection_class(url)}
        options["CONNECTION_POOL_KWARGS"] = pool_kwargs
        super().__init__(server, {**params, "OPTIONS": options}, backend)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        try:
            return super().add(key, value, timeout, version=version, client=client)
        except ConnectionInterrupted:
            if not _counter(key):
                raise
            return _local.add(key, value, timeout, version=version)

    def get(self, key, default=None, version=None, client=None):
        try:
            return super().get(key, default=default, version=version, client=client)
        except ConnectionInterrupted:
            if not _counter(key):
                raise
            return _local.get(key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None, nx=False, xx=False):
        try:
            return super().set(key, value, timeout, version=version, client=client, nx=nx, xx=xx)
        except ConnectionInterrupted:
            if not _counter(key):
                raise
            if nx:
                return _local.add(key, value, timeout, version=version)
            _local.set(key, value, timeout, version=version)
            return True

    def delete(self, key, version=None, prefix=None, client=None):
        try:
            return super().delete(key, version=version, prefix=prefix, client=client)
        except ConnectionInterrupted:
            if not _counter(key):
                raise
            return _local.delete(key, version=version)


def delete_keys(keys) -> None:
    """Delete cache keys owned by Django itself (the session store's), or raise the Redis error (the cache
    itself would ignore it)."""
    cache.client.delete_many(list(keys))
