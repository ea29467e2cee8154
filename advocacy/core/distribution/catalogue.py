"""The schema's catalogue: how tables are classified, the rules a tenant table keeps, the Citus plan
(see the package's docstring)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from django.apps import apps
from django.db.backends.postgresql.features import DatabaseFeatures

# table -> why it is replicated to every node: the core's own (apps declare theirs, see ReferenceTables)
CORE_REFERENCE_TABLES: dict[str, str] = {
    "tenancy_organization": "the tenants themselves; every tenant table points at it",
    "accounts_user": "one login for many organizations; email is unique platform-wide",
    "accounts_user_groups": "Django permissions of a user (operators only)",
    "accounts_user_user_permissions": "Django permissions of a user (operators only)",
    "auth_group": "Django permission groups",
    "auth_permission": "Django permissions",
    "auth_group_permissions": "Django permissions",
    "django_content_type": "Django's model registry",
    "account_emailaddress": "a user's addresses (allauth), looked up by address at sign-in",
    "mfa_authenticator": "a user's second factors (allauth), read at sign-in before any organization",
    "accounts_apitoken": (
        "the routing table of API tokens: looked up by key hash before the organization is known; "
        "a few rows per member, read on every API call, written rarely (its organization_id routes the "
        "request)"
    ),
}


class ReferenceTables(Mapping):
    """table -> why it is replicated to every node: the core's tables, and every model that declares itself a
    reference table with a `reference_table = "why"` class attribute (apps declare their own; the core names
    none). Read lazily, once the app registry is ready."""

    @functools.cached_property
    def _tables(self) -> dict[str, str]:
        declared = {
            model._meta.db_table: model.reference_table
            for model in apps.get_models()
            if isinstance(getattr(model, "reference_table", None), str)
        }
        return {**CORE_REFERENCE_TABLES, **declared}

    def __getitem__(self, table: str) -> str:
        return self._tables[table]

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


REFERENCE_TABLES = ReferenceTables()


@functools.cache
def routing_tables() -> dict[str, tuple[str, str]]:
    """table -> (distribution column, why), for every model that declares itself a routing table with a
    `routing_key = ("column", "why")` class attribute (apps declare their own; the core names none).
    Distributed by their own key, not co-located with the tenants."""
    return {
        model._meta.db_table: model.routing_key
        for model in apps.get_models()
        if isinstance(getattr(model, "routing_key", None), tuple)
    }


# table -> why it stays on the coordinator (a local table: no tenant table references it)
COORDINATOR_TABLES: dict[str, str] = {
    "django_migrations": "schema history",
    "django_session": "sessions are keyed by a random key and read once per request before routing",
    "accounts_usersession": "which sessions belong to a user (sign-out everywhere)",
    "account_emailconfirmation": "pending address confirmations (allauth)",
    "django_admin_log": "the platform operator's admin history",
    "core_outbox": "tasks waiting for the broker (advocacy.core.outbox), read only by the dispatcher",
    "django_celery_beat_periodictask": "the one beat's schedule",
    "django_celery_beat_periodictasks": "the one beat's schedule",
    "django_celery_beat_crontabschedule": "the one beat's schedule",
    "django_celery_beat_intervalschedule": "the one beat's schedule",
    "django_celery_beat_solarschedule": "the one beat's schedule",
    "django_celery_beat_clockedschedule": "the one beat's schedule",
}

TENANT_COLUMN = "organization_id"
COLOCATION_ANCHOR = "tenancy_membership"


# --- GROUP BY on tenant tables ----------------------------------------------------------------------


def _is_distributed_model(model) -> bool:
    return any(f.column == TENANT_COLUMN for f in model._meta.concrete_fields) and model._meta.db_table not in (
        REFERENCE_TABLES.keys() | routing_tables().keys()
    )


def install_group_by_rule() -> None:
    """Django groups by a model's primary key alone and drops its other columns, relying on PostgreSQL
    knowing they depend on `id`. A tenant table's primary key is `(organization_id, id)`, so `id` alone no
    longer proves that; for tenant models Django groups by every selected column (same results). Installed
    once, from the module that defines the tenant model base."""
    if getattr(DatabaseFeatures, "_tenant_group_by_rule", False):
        return
    original = DatabaseFeatures.allows_group_by_selected_pks_on_model

    def allows_group_by_selected_pks_on_model(self, model):
        return original(self, model) and not _is_distributed_model(model)

    DatabaseFeatures.allows_group_by_selected_pks_on_model = allows_group_by_selected_pks_on_model
    DatabaseFeatures._tenant_group_by_rule = True


# --- reading the catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class Constraint:
    table: str
    name: str
    kind: str  # p, u, f, or i (a unique index that backs no constraint)
    columns: tuple[str, ...]
    ref_table: str | None = None
    ref_columns: tuple[str, ...] = ()


_TABLES_SQL = """
SELECT c.relname, c.relkind,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = %s AND NOT a.attisdropped),
       pt.partattrs::int2[]
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname
"""

_CONSTRAINTS_SQL = """
SELECT t.relname, k.conname, k.contype,
       ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),
       r.relname,
       ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
             JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i)
FROM pg_constraint k
JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_class r ON r.oid = k.confrelid
WHERE n.nspname = current_schema() AND k.contype IN ('p', 'u', 'f') AND NOT t.relispartition
  AND k.conparentid = 0
UNION ALL
SELECT t.relname, ic.relname, 'i',
       ARRAY(SELECT coalesce(a.attname::text, '<expression>') FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n ORDER BY u.o),
       NULL, ARRAY[]::text[]
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND i.indisunique AND NOT t.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
"""


@dataclass
class Catalogue:
    tables: dict[str, dict]  # name -> {"partitioned": bool, "partition_columns": tuple, "has_org": bool}
    constraints: list[Constraint]
    id_indexes: dict[str, list[tuple[str, ...]]]  # table -> the column lists of its indexes

    def tenant_tables(self) -> list[str]:
        return sorted(
            name
            for name, info in self.tables.items()
            if info["has_org"] and name not in REFERENCE_TABLES and name not in routing_tables()
        )

    def of(self, table: str, kind: str) -> list[Constraint]:
        return [c for c in self.constraints if c.table == table and c.kind == kind]


def read_catalogue(connection) -> Catalogue:
    with connection.cursor() as cursor:
        cursor.execute(_TABLES_SQL, [TENANT_COLUMN])
        rows = cursor.fetchall()
        partitioned = {}
        for name, relkind, has_org, partattrs in rows:
            partitioned[name] = {"partitioned": relkind == "p", "has_org": has_org, "partattrs": partattrs or []}
        # partition key column names
        # a partitioned table's partition columns: its own key and those of its partitioned partitions
        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_partitioned_table top
            JOIN pg_class c ON c.oid = top.partrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL pg_partition_tree(top.partrelid) tree
            JOIN pg_partitioned_table pt ON pt.partrelid = tree.relid
            JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = ANY (pt.partattrs::int2[])
            WHERE n.nspname = current_schema() AND NOT c.relispartition
            """
        )
        part_columns: dict[str, list[str]] = {}
        for name, column in cursor.fetchall():
            if column not in part_columns.setdefault(name, []):
                part_columns[name].append(column)
        cursor.execute(
            """
            SELECT t.relname, ARRAY(SELECT coalesce(a.attname::text, '<expression>')
                                    FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o)
                                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n ORDER BY u.o)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND NOT t.relispartition
            """
        )
        indexes: dict[str, list[tuple[str, ...]]] = {}
        for name, columns in cursor.fetchall():
            indexes.setdefault(name, []).append(tuple(columns))
        cursor.execute(_CONSTRAINTS_SQL)
        constraints = [
            Constraint(table, name, kind, tuple(cols), ref, tuple(ref_cols or ()))
            for table, name, kind, cols, ref, ref_cols in cursor.fetchall()
        ]
    tables = {
        name: {
            "partitioned": info["partitioned"],
            "partition_columns": tuple(sorted(part_columns.get(name, []))),
            "has_org": info["has_org"],
        }
        for name, info in partitioned.items()
    }
    return Catalogue(tables=tables, constraints=constraints, id_indexes=indexes)


def _primary_key_violations(cat: Catalogue, table: str) -> list[str]:
    """A tenant table's primary key is `(organization_id, id[, partition columns])`, organization first."""
    partition_columns = cat.tables[table]["partition_columns"]
    expected_pk = {TENANT_COLUMN, "id", *partition_columns}
    pks = cat.of(table, "p")
    problems = [f"{table}: no primary key (expected {sorted(expected_pk)})"] if not pks else []
    for pk in pks:
        if set(pk.columns) != expected_pk or pk.columns[0] != TENANT_COLUMN:
            problems.append(
                f"{table}: primary key {pk.name} is ({', '.join(pk.columns)}), "
                f"expected ({', '.join([TENANT_COLUMN, 'id', *partition_columns])})"
            )
    return problems


def _id_index_violations(cat: Catalogue, table: str) -> list[str]:
    """A tenant table that is not partitioned has an index leading with `id` (see `IndexIds`)."""
    if cat.tables[table]["partitioned"] or any(ix[0] == "id" for ix in cat.id_indexes.get(table, [])):
        return []
    return [f"{table}: no index leading with id (a join by id would read every organization's rows)"]


def _unique_violations(cat: Catalogue, table: str) -> list[str]:
    """Every unique constraint and unique index of a tenant table includes `organization_id`."""
    problems = []
    for unique in cat.of(table, "u") + cat.of(table, "i"):
        if TENANT_COLUMN not in unique.columns:
            kind = "unique index" if unique.kind == "i" else "unique constraint"
            problems.append(f"{table}: {kind} {unique.name} on ({', '.join(unique.columns)}) lacks {TENANT_COLUMN}")
    return problems


def _tenant_foreign_key_violations(cat: Catalogue, table: str, tenant: set[str]) -> list[str]:
    """A tenant table's foreign keys: composite to another tenant table, else to a reference table."""
    problems = []
    for fk in cat.of(table, "f"):
        if fk.ref_table in tenant:
            if len(fk.columns) != 2 or fk.columns[0] != TENANT_COLUMN or fk.ref_columns != (TENANT_COLUMN, "id"):
                problems.append(
                    f"{table}: foreign key {fk.name} ({', '.join(fk.columns)}) -> {fk.ref_table}"
                    f"({', '.join(fk.ref_columns)}) is not (organization_id, x_id) -> (organization_id, id)"
                )
        elif fk.ref_table not in REFERENCE_TABLES:
            problems.append(
                f"{table}: foreign key {fk.name} points at {fk.ref_table}, which is neither a tenant table "
                "nor a reference table"
            )
    return problems


def _tenant_table_violations(cat: Catalogue, table: str, tenant: set[str]) -> list[str]:
    return [
        *_primary_key_violations(cat, table),
        *_id_index_violations(cat, table),
        *_unique_violations(cat, table),
        *_tenant_foreign_key_violations(cat, table, tenant),
    ]


def _other_foreign_key_violations(cat: Catalogue, table: str, tenant: set[str]) -> list[str]:
    """A table that is not a tenant table points at no tenant table; a reference table only at reference
    tables."""
    problems = []
    for fk in cat.of(table, "f"):
        if fk.ref_table in tenant:
            problems.append(
                f"{table}: foreign key {fk.name} points at tenant table {fk.ref_table} from a non-tenant table"
            )
        elif table in REFERENCE_TABLES and fk.ref_table not in REFERENCE_TABLES:
            problems.append(f"{table}: reference table points at {fk.ref_table}, which is not a reference table")
    return problems


def _routing_key_violations(cat: Catalogue, table: str) -> list[str]:
    """A routing table's primary key is its routing key."""
    if table not in routing_tables():
        return []
    column = routing_tables()[table][0]
    if any(pk.columns == (column,) for pk in cat.of(table, "p")):
        return []
    return [f"{table}: a routing table's primary key must be its routing key ({column})"]


def _other_table_violations(cat: Catalogue, table: str, tenant: set[str]) -> list[str]:
    """A table without an organization is classified (reference, routing or coordinator-only) and keeps
    its class's rules."""
    classified = table in REFERENCE_TABLES or table in routing_tables() or table in COORDINATOR_TABLES
    if not classified:
        return [
            f"{table}: not classified (give it an organization_id, or list it in "
            "advocacy/core/distribution/catalogue.py as a reference, routing or coordinator-only table)"
        ]
    return [*_other_foreign_key_violations(cat, table, tenant), *_routing_key_violations(cat, table)]


def _missing_classified_tables(cat: Catalogue) -> list[str]:
    """Every table classified here exists."""
    return [
        f"{table}: classified in advocacy/core/distribution/catalogue.py but no such table"
        for table in (*REFERENCE_TABLES, *routing_tables(), *COORDINATOR_TABLES)
        if table not in cat.tables
    ]


def catalogue_violations(connection, *, catalogue: Catalogue | None = None) -> list[str]:
    """Every breach of the distribution rules, one readable line each (empty: distributable)."""
    cat = catalogue or read_catalogue(connection)
    tenant = set(cat.tenant_tables())
    problems: list[str] = []
    for table in sorted(tenant):
        problems += _tenant_table_violations(cat, table, tenant)
    for table in sorted(cat.tables):
        if table not in tenant:
            problems += _other_table_violations(cat, table, tenant)
    problems += _missing_classified_tables(cat)
    return problems


def model_foreign_keys_without_constraint(connection, apps) -> list[str]:
    """Django foreign keys between tenant models that have no composite constraint in the database (a
    `db_constraint=False` field whose `DistributeTables` was forgotten)."""
    cat = read_catalogue(connection)
    tenant = set(cat.tenant_tables())
    problems = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table not in tenant:
            continue
        for field in model._meta.concrete_fields:
            if not field.many_to_one or field.remote_field is None:
                continue
            target = field.related_model._meta.db_table
            if target not in tenant:
                continue
            if not any(
                fk.columns == (TENANT_COLUMN, field.column) and fk.ref_table == target for fk in cat.of(table, "f")
            ):
                problems.append(
                    f"{table}.{field.column} -> {target}: no composite foreign key in the database "
                    "(add DistributeTables to the migration)"
                )
    return problems


# --- the Citus plan ---------------------------------------------------------------------------------


def citus_plan(connection) -> list[str]:
    """The statements that distribute the current schema, derived from the catalogue: reference tables
    first (tenant tables point at them), then the colocation anchor and every other tenant table
    co-located with it, then the routing tables on their own keys."""
    cat = read_catalogue(connection)
    tenant = cat.tenant_tables()
    lines = ["-- reference tables: replicated to every node"]
    for table in sorted(t for t in REFERENCE_TABLES if t in cat.tables):
        lines.append(f"SELECT create_reference_table('{table}');")
    lines.append("-- tenant tables: distributed by organization_id, co-located with each other")
    anchor = COLOCATION_ANCHOR if COLOCATION_ANCHOR in tenant else tenant[0]
    lines.append(f"SELECT create_distributed_table('{anchor}', '{TENANT_COLUMN}');")
    for table in tenant:
        if table != anchor:
            lines.append(f"SELECT create_distributed_table('{table}', '{TENANT_COLUMN}', colocate_with => '{anchor}');")
    lines.append("-- routing tables: distributed by the key that arrives before the organization is known")
    for table, (column, _why) in sorted(routing_tables().items()):
        if table in cat.tables:
            lines.append(f"SELECT create_distributed_table('{table}', '{column}', colocate_with => 'none');")
    lines.append("-- coordinator-only (local) tables: " + ", ".join(sorted(t for t in COORDINATOR_TABLES)))
    return lines
