"""Which organization is active: for the ORM managers (a context variable) and for PostgreSQL
row-level security (transaction-local settings `app.organization_id`, `app.user_id`).

`organization_scope(org)` is the one way in. It opens a transaction (row-level security settings
are set with `SET LOCAL` semantics, so they need one), sets both layers, and restores what was
active before. The application's database role cannot cross organizations: what must (resolving a
tracked link, the click rollup's partitions) is a SECURITY DEFINER function of the owner role, and
look-ups that start from a token go through a routing table to the one organization
(advocacy/core/roles.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import connection, transaction

if TYPE_CHECKING:
    from .models import Organization

_current_org: ContextVar[Organization | None] = ContextVar("current_organization", default=None)
_scope_user_id: ContextVar[int | None] = ContextVar("tenancy_scope_user_id", default=None)

SETTING_ORG = "app.organization_id"
SETTING_USER = "app.user_id"


class NoActiveOrganization(RuntimeError):
    """A tenant-owned model was queried with no organization active."""


def current_organization() -> Organization | None:
    return _current_org.get()


def scope_user_id() -> int | None:
    """The user whose own rows the database admits in the active scope (`app.user_id`), if any."""
    return _scope_user_id.get()


def _swap_sql(values: dict[str, str]) -> tuple[str, list[str]]:
    names = list(values)
    select = ", ".join(["current_setting(%s, true)"] * len(names) + ["set_config(%s, %s, true)"] * len(names))
    params: list[str] = list(names)
    for name in names:
        params += [name, values[name]]
    return f"SELECT {select}", params  # only placeholders are interpolated


def _swap_on(cursor, values: dict[str, str]) -> dict[str, str]:
    sql, params = _swap_sql(values)
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return {name: (row[i] or "") for i, name in enumerate(values)}


def _swap_db_settings(values: dict[str, str]) -> dict[str, str]:
    """Set transaction-local settings and return their previous values (one round trip)."""
    with connection.cursor() as cursor:
        return _swap_on(cursor, values)


class _SetBeforeFirstQuery:
    """A database execute wrapper that applies the scope's settings just before the first statement
    of the scope, in the same transaction. A request served entirely from caches then costs no
    database round trip at all (no BEGIN, no set_config, no COMMIT); every statement that does run
    still sees the organization's settings first."""

    def __init__(self, values: dict[str, str]):
        self.values = values
        self.previous: dict[str, str] | None = None

    def __call__(self, execute, sql, params, many, context):
        if self.previous is None:
            self.previous = {}  # the set_config below goes through this wrapper too
            # a cursor of its own: the statement's cursor may be a named (server-side) one
            with context["connection"].cursor() as cursor:
                self.previous = _swap_on(cursor, self.values)
        return execute(sql, params, many, context)


@contextmanager
def _db_settings(values: dict[str, str], *, lazy: bool = False):
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if lazy:
            applier = _SetBeforeFirstQuery(values)
            with connection.execute_wrapper(applier):
                yield
            previous = applier.previous
        else:
            previous = _swap_db_settings(values)
            yield
        # Leaving the outermost transaction discards SET LOCAL values by itself; inside an outer
        # transaction (a request inside a test, a nested scope) put the previous values back.
        if previous is not None and not outermost and not connection.needs_rollback:
            _swap_db_settings(previous)


@contextmanager
def organization_scope(organization: Organization, *, user=None):
    """Activate `organization` for the ORM and for row-level security, inside a transaction."""
    if organization is None or organization.pk is None:
        raise ValueError("organization_scope needs a saved organization")
    token = _current_org.set(organization)
    user_token = _scope_user_id.set(user.pk if user is not None and getattr(user, "pk", None) else None)
    try:
        values = {SETTING_ORG: str(organization.pk)}
        values[SETTING_USER] = str(user.pk) if user is not None and getattr(user, "pk", None) else ""
        with _db_settings(values, lazy=True):
            yield organization
    finally:
        _scope_user_id.reset(user_token)
        _current_org.reset(token)


@contextmanager
def user_scope(user):
    """Let the database show `user`'s own memberships in every organization (the switcher)."""
    if _scope_user_id.get() == user.pk:  # the active organization scope already admits them
        yield
        return
    token = _scope_user_id.set(user.pk)
    try:
        with _db_settings({SETTING_USER: str(user.pk)}):
            yield
    finally:
        _scope_user_id.reset(token)
