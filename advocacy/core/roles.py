"""The two database roles: an owner that migrates, a runtime role that owns nothing.

* The **owner** (`MIGRATE_DATABASE_URL`) owns the database and everything migrations create in it.
  `manage.py migrate` and `manage.py flush` connect as it (their commands in
  advocacy/core/management/commands/), and so does the test suite while it creates, migrates and drops
  the test database (tests/conftest.py).
* The **runtime role** (`DATABASE_URL`) is what web, worker and beat connect as. It owns nothing; at the
  end of every migrate the owner grants it what the application needs (`after_migrate`): SELECT, INSERT,
  UPDATE, DELETE on every table except UPDATE and DELETE on the append-only ones (a table with a trigger
  named `*_append_only`, such as audit_auditevent and policies_acknowledgement), USAGE on sequences,
  EXECUTE on functions. Never TRUNCATE, REFERENCES or TRIGGER, no CREATE on the schema, no temporary
  tables; owning no table, it can neither ALTER nor DISABLE TRIGGER nor turn row-level security off.
  Tables created later (the next migration, a partition made at run time) get the same grants by default.
* **Crossing organizations.** Each tenant table's `tenant_crossing` policy applies to the owner only
  (advocacy/tenancy/rls.py), so `app.bypass_rls` means something in the owner's own sessions
  (migrations) and inside the SECURITY DEFINER functions the runtime role may only execute: resolving a
  tracked link (content_library) and the click rollup's partitions (advocacy/core/partitioning.py). A
  runtime session may set `app.bypass_rls`; it then sees exactly what it saw before.

When `MIGRATE_DATABASE_URL` is unset, or names the runtime role itself, one role does both: it owns what it
migrates and nothing above holds (its sessions may cross organizations with `app.bypass_rls`). `make
run`, `make test`, `.ci/run` and docker-compose.yml all use two roles (docker/postgres-init/roles.psql).
"""

from __future__ import annotations

from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from advocacy.tenancy.rls import upgrade_policies

from .partitioning import install_functions

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
APPEND_ONLY_TRIGGER_SUFFIX = "_append_only"
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def _credentials(url: str) -> dict:
    parsed = dj_database_url.parse(url)
    return {key: parsed[key] for key in CREDENTIALS} | {"OPTIONS": parsed.get("OPTIONS") or {}}


def owner_credentials() -> dict | None:
    return _credentials(settings.MIGRATE_DATABASE_URL) if settings.MIGRATE_DATABASE_URL else None


def runtime_credentials() -> dict:
    return _credentials(settings.DATABASE_URL)


def runtime_role() -> str:
    return runtime_credentials()["USER"]


def owner_role() -> str:
    owner = owner_credentials()
    return owner["USER"] if owner else runtime_role()


def two_roles() -> bool:
    """Whether migrations run as a role of their own (else the runtime role owns what it migrates)."""
    return owner_role() != runtime_role()


@contextmanager
def _connected_as(credentials: dict | None, using: str):
    """Inside the block, this thread's connection `using` is a new one with `credentials` (the database
    name and every other setting stay); the previous connection is put back afterwards. Other threads
    (a live test server) keep theirs."""
    if credentials is None or not two_roles():
        yield connections[using]
        return
    previous = connections[using]
    settings_dict = {**settings.DATABASES[using], **{key: credentials[key] for key in CREDENTIALS}}
    settings_dict["OPTIONS"] = {**settings.DATABASES[using].get("OPTIONS", {}), **credentials["OPTIONS"]}
    connection = type(previous)(settings_dict, using)
    connections[using] = connection
    try:
        yield connection
    finally:
        connection.close()
        connections[using] = previous


def as_owner(using: str = DEFAULT_DB_ALIAS):
    """`with as_owner(): ...` connects as the owner role (no change with a single role)."""
    return _connected_as(owner_credentials(), using)


def as_runtime(using: str = DEFAULT_DB_ALIAS):
    """`with as_runtime(): ...` connects as the runtime role, e.g. inside `as_owner()` (the tests)."""
    return _connected_as(runtime_credentials(), using)


def after_migrate(connection) -> None:
    """Run as the owner at the end of every migrate: the tenant policies in their current form, the
    SECURITY DEFINER functions, then the runtime role's privileges. Idempotent."""
    with connection.cursor() as cursor:
        upgrade_policies(cursor)
        install_functions(cursor)
        if two_roles():
            grant_runtime_privileges(cursor, runtime_role())


def append_only_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
        "AND right(t.tgname, %s) = %s ORDER BY 1",
        [len(APPEND_ONLY_TRIGGER_SUFFIX), APPEND_ONLY_TRIGGER_SUFFIX],
    )
    return [name for (name,) in cursor.fetchall()]


def grant_runtime_privileges(cursor, role: str) -> None:
    """Grant first and revoke what must not be held, so a running application never misses a privilege
    while a deploy migrates."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    cursor.execute("SELECT current_schema(), current_database()")
    schema, database = (qn(name) for name in cursor.fetchone())
    role = qn(role)
    statements = [
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        # no CREATE in the schema and no temporary tables, for anyone but the owner (public may have
        # been created before PostgreSQL 15 made that the default)
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
        f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC",
        f"REVOKE CREATE, TEMPORARY ON DATABASE {database} FROM {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {role}",
        # what the owner creates later: the next migration's tables, a partition made at run time
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {TABLE_PRIVILEGES} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    statements += [f"REVOKE UPDATE, DELETE ON {qn(table)} FROM {role}" for table in append_only_tables(cursor)]
    for statement in statements:
        cursor.execute(statement)
