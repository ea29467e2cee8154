"""The cache contract: the one way anything in this project is cached.

An app declares what it caches in its own ``caching.py`` (discovered at start-up, like Django's
``admin.py``) and which models' writes make it stale; this module does the rest, the same way for
everyone:

    from advocacy.core.cache import Cached, On

    pending = Cached(
        "myapp.pending",                         # a unique name, the start of every key
        scope=("organization",),                 # what every key carries (organization and/or user ids)
        ttl=300,                                 # seconds (None: until invalidated); time-only changes
        on=[
            On("myapp.Acknowledgement", scope=("organization_id",)),      # fields of the written row
            On("accounts.User", scope=orgs_of_person, fields={"email"}),  # or a function of the instance
        ],
    )
    pending.get_or_compute((organization.pk,), user.pk, compute=lambda: ...)

Rules it keeps:

- **Keys carry the scope.** ``<name>:<scope ids>:<parts>``; a per-scope *generation* (a random token,
  not a counter: an evicted counter could come back to an old value) lives beside the entries, and an
  entry is served only while the generation it was built under is the current one. An entry is stored
  with the generation read *before* computing, so a reader that loaded old rows just before a writer
  committed never serves them afterwards.
- **Writes invalidate by themselves.** For every ``On`` the contract connects ``post_save``,
  ``post_delete``, ``m2m_changed`` (through models) and, for tenant models, the bulk writes of
  ``TenantQuerySet`` (``update``, ``bulk_create``, ``bulk_update``). It replaces the affected
  generations at once and again when the transaction commits (a reader racing the transaction cannot
  keep what it read), once per scope and transaction. Services, demo data and test factories write
  with the ORM and never think about the cache.
- **The request prefetch is a hook.** An app's ``caching.py`` registers ``@request_prefetch`` functions
  returning the keys its pages will read (``Cached.keys``); the organization middleware fetches all of
  them with the membership in one round trip, and reads through this module take them from there.
- **Redis down or hung is a miss.** Every call gives up within a second (settings: the cache's socket
  timeouts, ``IGNORE_EXCEPTIONS``): a read that fails is a miss, a store that fails stores nothing. A
  generation that could not be replaced (a write committed while Redis did not answer) is never lost: the
  process that wrote keeps it and replaces it before its next read (and serves nothing from the cache
  until it could), and the outbox (``advocacy.core.outbox``) replaces it again from a worker once the
  broker is back, for the other processes (until then they may serve what they cached before the write:
  the window is the dispatcher's period, a few seconds after Redis returns).
- Nothing else talks to the cache: a test scans the code for cache clients, cache calls and
  generations outside this module (``tests/core/test_cache_contract.py``). Selectors return data, never
  HTML; templates render it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import redis
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from redis.backoff import NoBackoff
from redis.retry import Retry

from .cache_backend import REDIS_ERRORS, connection_class
from .outbox import send_on_commit

__all__ = [
    "Cached",
    "connect",
    "On",
    "prefetch",
    "prefetch_scope",
    "prefetched_get",
    "read",
    "request_prefetch",
    "request_prefetch_keys",
    "rows_written",
    "store",
]

_MISSING = object()
_GENERATION = ":gen|"  # never in an entry key (parts with ":" or "|" are hashed)
_prefetched: ContextVar[dict | None] = ContextVar("cache_prefetched", default=None)

# --- declarations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class On:
    """Writes of `model` ("app_label.ModelName") make a `Cached` stale for the scopes they touch.

    `scope`: the row's fields giving the scope ids (in the order of the Cached's scope), or a function
    of a saved or deleted instance returning scope tuples (for rows whose scope is not on them; such a
    function is called before and after the write, so it can also name the scope the row leaves).
    `fields`: only writes that may change one of these fields count (None: every write)."""

    model: str
    scope: tuple[str, ...] | Callable[[object], Iterable[tuple]]
    fields: frozenset[str] | None = None

    def __post_init__(self):
        if self.fields is not None:
            object.__setattr__(self, "fields", frozenset(self.fields))


_REGISTRY: dict[str, Cached] = {}


class Cached:
    def __init__(self, name: str, *, scope: tuple[str, ...], ttl: int | None, on: list[On]):
        if name in _REGISTRY:
            raise ValueError(f"Cached {name!r} is declared twice")
        if not scope or not set(scope) <= {"organization", "user", "slug"}:
            raise ValueError(f"Cached {name!r}: its keys must carry an organization or user id")
        self.name, self.scope, self.ttl, self.on = name, tuple(scope), ttl, list(on)
        _REGISTRY[name] = self

    def __repr__(self):
        return f"Cached({self.name!r})"

    # keys
    def generation_key(self, scope: tuple) -> str:
        return f"{self.name}{_GENERATION}{_join(scope)}"

    def entry_key(self, scope: tuple, *parts) -> str:
        if len(scope) != len(self.scope):
            raise ValueError(f"{self.name} takes a scope of {self.scope}, got {scope!r}")
        return f"{self.name}:{_join(scope)}:{_digest(parts)}"

    def keys(self, scope: tuple, *parts) -> list[str]:
        """What a read of this entry fetches: for request prefetch hooks."""
        return [self.generation_key(scope), self.entry_key(scope, *parts)]

    # reads
    def get_or_compute(self, scope: tuple, *parts, compute: Callable[[], object], still_valid=None):
        """The value under (scope, parts), computed and stored when missing or stale. None is never stored.
        `still_valid(value)` may refuse a cached value for what time alone changes (a date passed)."""
        (entry,) = read([(self, scope, parts)])
        if entry.value is not None and (still_valid is None or still_valid(entry.value)):
            return entry.value
        value = compute()
        entry.store(value)
        return value

    def invalidate(self, scope: tuple) -> None:
        """Make every entry of `scope` stale (now and on commit): for writes the ORM does not see."""
        _bump({self.generation_key(tuple(scope))})


class Entry:
    """One entry as read: `value` (None when missing or stale) and `store(value)`, which keeps a new value
    under the generation seen by the read (so it is never served once a write happened since)."""

    __slots__ = ("cached", "key", "generation_key", "generation", "value")

    def __init__(self, cached: Cached, key: str, generation_key: str, generation, value):
        self.cached, self.key, self.generation_key = cached, key, generation_key
        self.generation, self.value = generation, value

    def store(self, value) -> None:
        if value is None or _unapplied:
            return
        if self.generation is None:  # first read (or evicted): start one, and store only if it is ours
            generation = secrets.token_hex(8)
            if not cache.add(self.generation_key, generation, None):
                return
            self.generation = generation
        cache.set(self.key, (self.generation, value), self.cached.ttl)


def read(requests: list[tuple[Cached, tuple, tuple]]) -> list[Entry]:
    """Entries of any declared caches, (cached, scope, parts) each, in ONE round trip (or from the
    request's prefetch)."""
    pairs = [cached.keys(tuple(scope), *parts) for cached, scope, parts in requests]
    found = _get_many(list(dict.fromkeys(key for pair in pairs for key in pair)))
    entries = []
    for (cached, _scope, _parts), (gkey, ekey) in zip(requests, pairs, strict=True):
        generation, stored = found.get(gkey), found.get(ekey)
        value = stored[1] if generation is not None and stored is not None and stored[0] == generation else None
        entries.append(Entry(cached, ekey, gkey, generation, value))
    return entries


def _join(scope) -> str:
    return ":".join(str(part) for part in scope)


def _digest(parts) -> str:
    if (
        all(isinstance(part, int | str) and ":" not in str(part) and "|" not in str(part) for part in parts)
        and len(parts) < 6
    ):
        return _join(parts) or "-"
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


# --- the request prefetch ---------------------------------------------------------------------------

_PREFETCH_HOOKS: list[Callable] = []


def request_prefetch(function: Callable) -> Callable:
    """Register f(request, organization, user_id, subpath) -> keys, read at the start of every request
    under /o/<slug>/ (subpath: the path after it, "" on the home page). The request is not yet
    authenticated: the session may be read, the user and membership may not."""
    if function not in _PREFETCH_HOOKS:
        _PREFETCH_HOOKS.append(function)
    return function


def request_prefetch_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    keys: list[str] = []
    for hook in _PREFETCH_HOOKS:
        keys += hook(request, organization, user_id, subpath)
    return keys


@contextmanager
def prefetch_scope():
    """Collect values fetched ahead with `prefetch()` for the rest of a request."""
    token = _prefetched.set({})
    try:
        yield
    finally:
        _prefetched.reset(token)


def prefetch(keys) -> None:
    """Fetch `keys` in one round trip now; reads through this module then take them from here (once)."""
    store_ = _prefetched.get()
    if store_ is None:
        return
    keys = [key for key in keys if key and key not in store_]
    if not keys or (_unapplied and not _reapply()):
        return
    found = cache.get_many(keys)
    for key in keys:
        store_[key] = found.get(key, _MISSING)


def _get_many(keys: list[str]) -> dict:
    if _unapplied and not _reapply():
        return {}  # this process's writes are not all visible in Redis yet: nothing it holds is trusted
    store_ = _prefetched.get()
    if store_ is not None and all(key in store_ for key in keys):
        # An entry is used once (a later read sees fresh data); a generation stays for the other entries
        # of its scope read in this request, until a write of this request replaces it (_bump).
        values = {key: store_[key] if _GENERATION in key else store_.pop(key) for key in keys}
        return {key: value for key, value in values.items() if value is not _MISSING}
    return cache.get_many(keys)


def prefetched_get(key: str):
    """A key owned by Django itself (the session store's): from the request's prefetch, else the cache."""
    return _get_many([key]).get(key)


def store(key: str, value, ttl: int | None) -> None:
    """Store a key owned by Django itself (the session store's), as Django would."""
    cache.set(key, value, ttl)


_stream_client = None


def stream_client():
    """A Redis client for what is not a cache entry (the tracked-link click buffer: streams, sets and a
    script, decoded as text); one per process, on the cache's server. Its keys carry the organization
    id like every other."""
    global _stream_client
    if _stream_client is None:
        _stream_client = redis.Redis.from_url(
            settings.REDIS_URL,
            decode_responses=True,
            socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 0),  # a caller that gets an error has its own fallback
            connection_class=connection_class(settings.REDIS_URL),  # fails fast (cache_backend.py)
        )
    return _stream_client


@receiver(setting_changed)
def _reset_stream_client(setting, **kwargs):
    global _stream_client
    if setting == "REDIS_URL":
        _stream_client = None


# --- invalidation -------------------------------------------------------------------------------------


# Generations this process could not replace (Redis did not answer): replaced before its next read.
_unapplied: set[str] = set()


def renew_generations(keys) -> None:
    """New generations for `keys`, or the Redis error."""
    cache.client.set_many({key: secrets.token_hex(8) for key in keys}, None)  # raises, unlike `cache`


def _reapply() -> bool:
    try:
        renew_generations(_unapplied)
    except REDIS_ERRORS:
        return False
    _unapplied.clear()
    return True


def _bump(generation_keys: set[str]) -> None:
    """New generations now, and again when the transaction commits (a reader that loaded the old rows
    while the transaction ran may have stored them under the first new generation). When Redis does not
    answer, the keys are kept (see "Redis down or hung is a miss" above): once in the outbox per write."""
    if not generation_keys:
        return
    store_ = _prefetched.get()
    if store_:
        for key in generation_keys:
            store_.pop(key, None)
    kept = []

    def renew():
        try:
            renew_generations(generation_keys)
        except REDIS_ERRORS:
            _unapplied.update(generation_keys)
            if not kept:  # in the write's transaction when it failed there, else after its commit
                kept.append(True)
                send_on_commit("advocacy.core.tasks.cache_renew_generations", [sorted(generation_keys)])

    renew()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(renew)


def _dependents(label: str) -> list[tuple[Cached, On]]:
    return [(cached, on) for cached in _REGISTRY.values() for on in cached.on if on.model == label]


def _touches(on: On, fields) -> bool:
    return on.fields is None or fields is None or bool(on.fields & set(fields))


def _scopes_of(on: On, instance) -> list[tuple]:
    if callable(on.scope):
        return [tuple(scope) for scope in on.scope(instance)]
    return [tuple(getattr(instance, field) for field in on.scope)]


def _instance_written(sender, instance, update_fields=None, when="post", **kwargs):
    keys = set()
    for cached, on in _DEPENDENTS.get(sender, ()):
        if when == "pre" and not callable(on.scope):
            continue
        if not _touches(on, update_fields):
            continue
        keys |= {cached.generation_key(scope) for scope in _scopes_of(on, instance)}
    _bump(keys)


def _pre_save(sender, instance, update_fields=None, **kwargs):
    if instance.pk is not None:
        _instance_written(sender, instance, update_fields, when="pre")


def _pre_delete(sender, instance, **kwargs):
    _instance_written(sender, instance, None, when="pre")


def rows_written(model, *, queryset=None, objs=None, fields=None, organization_id=None) -> None:
    """Bulk writes the ORM sends no signal for (TenantQuerySet calls this before them): the scopes are
    read from the objects, or from the rows of `queryset` (one query per kind of scope, only when
    something depends on them). `organization_id`: the organization the database lets this transaction
    write (row-level security), which is the whole scope of an organization-wide entry."""
    dependents = [(c, on) for c, on in _DEPENDENTS.get(model, ()) if _touches(on, fields)]
    if not dependents:
        return
    keys, found = set(), {}
    for cached, on in dependents:
        if callable(on.scope):
            if "rows" not in found:
                found["rows"] = list(objs) if objs is not None else list(queryset)
            scopes = {tuple(scope) for obj in found["rows"] for scope in on.scope(obj)}
        elif objs is not None:
            scopes = {tuple(getattr(obj, field) for field in on.scope) for obj in objs}
        elif on.scope == ("organization_id",) and organization_id is not None:
            scopes = {(organization_id,)}
        else:
            if on.scope not in found:
                found[on.scope] = set(queryset.order_by().values_list(*on.scope).distinct())
            scopes = found[on.scope]
        keys |= {cached.generation_key(scope) for scope in scopes}
    _bump(keys)


def _m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    dependents = _DEPENDENTS.get(sender, ())
    if not dependents:
        return
    keys = set()
    for cached, on in dependents:  # a through row's scope fields are on both its ends (the organization)
        if not callable(on.scope):
            keys.add(cached.generation_key(tuple(getattr(instance, field) for field in on.scope)))
    _bump(keys)


_DEPENDENTS: dict[type, list[tuple[Cached, On]]] = {}


def connect() -> None:
    """Wire every declaration to the writes of its models (the core's AppConfig.ready, after every app's
    caching module is imported)."""
    _DEPENDENTS.clear()
    for cached in _REGISTRY.values():
        for on in cached.on:
            model = apps.get_model(on.model)
            _DEPENDENTS.setdefault(model, []).append((cached, on))
    for model in _DEPENDENTS:
        uid = f"cache-contract-{model._meta.label}"
        post_save.connect(_instance_written, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(_instance_written, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
        if any(callable(on.scope) for _, on in _DEPENDENTS[model]):
            pre_save.connect(_pre_save, sender=model, dispatch_uid=f"{uid}-pre-save", weak=False)
            pre_delete.connect(_pre_delete, sender=model, dispatch_uid=f"{uid}-pre-delete", weak=False)
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=f"{uid}-m2m", weak=False)


def declarations() -> dict[str, Cached]:
    return dict(_REGISTRY)
