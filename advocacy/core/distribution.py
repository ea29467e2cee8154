"""Keeping the schema distributable by organization (DESIGN "Tenancy" rule 5; the path past one server is
Citus).

A *tenant table* is any table with an `organization_id` column that is not classified below as a
reference or routing table. For every tenant table, in the database (not only in Django's state):

- the primary key is `(organization_id, id)` (plus the partition column of a partitioned table);
- every unique constraint and unique index includes `organization_id`;
- every foreign key to another tenant table is composite, `(organization_id, x_id) -> (organization_id, id)`;
- every foreign key to a table that is not a tenant table points at a reference table.

Every other table is classified here, by name, with the reason: a *reference table* is replicated to
every node (global, small, read often, written rarely); a *routing table* answers "which organization?"
for a key that arrives before the organization is known and is distributed by that key (its model says
so with a `routing_key` attribute); a
*coordinator-only* table stays on the coordinator (sessions, migrations, beat schedules, the admin log)
and no tenant table points at it. `catalogue_violations()` reads PostgreSQL's catalogue and names every
breach; the meta-test in tests/distribution runs it after the migrations, so a new app's tables fail
the build until they are distributable. `citus_plan()` derives the Citus statements from the same
catalogue.

A new app's migration makes its tenant tables distributable with one operation after `CreateModel`:

    from advocacy.core.distribution import DistributeTables
    operations = [migrations.CreateModel("Thing", ...), DistributeTables("thing")]

The model declares every foreign key to another tenant model with `db_constraint=False` (Django then
creates no single-column constraint, and still does its cascades in Python); `DistributeTables` swaps the
primary key and adds the composite foreign keys Django's state implies. A single-column foreign key to a
tenant table cannot even be created any more (there is no unique constraint on `id` alone), so a
forgotten `db_constraint=False` fails at `migrate`, not in production.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.db import migrations
from django.db.backends.postgresql.features import DatabaseFeatures

# table -> why it is replicated to every node
REFERENCE_TABLES: dict[str, str] = {
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
            f"{table}: not classified (give it an organization_id, or list it in advocacy/core/distribution.py "
            "as a reference, routing or coordinator-only table)"
        ]
    return [*_other_foreign_key_violations(cat, table, tenant), *_routing_key_violations(cat, table)]


def _missing_classified_tables(cat: Catalogue) -> list[str]:
    """Every table classified here exists."""
    return [
        f"{table}: classified in advocacy/core/distribution.py but no such table"
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


# --- the migration operation ------------------------------------------------------------------------


def _name(table: str, column: str, suffix: str) -> str:
    base = f"{table}_{column}"
    if len(base) + len(suffix) + 1 > 63:
        digest = hashlib.md5(base.encode(), usedforsecurity=False).hexdigest()[:8]
        base = f"{base[: 63 - len(suffix) - 10]}_{digest}"
    return f"{base}_{suffix}"


def composite_fk_name(table: str, column: str) -> str:
    return _name(table, column, "cfk")


def _is_tenant_model(model) -> bool:
    try:
        field = model._meta.get_field("organization")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
        return False
    return (
        field.column == TENANT_COLUMN and model._meta.db_table not in routing_tables().keys() | REFERENCE_TABLES.keys()
    )


def _tenant_foreign_keys(model):
    for field in model._meta.concrete_fields:
        if field.many_to_one and field.name != "organization" and _is_tenant_model(field.related_model):
            yield field


class IndexIds(migrations.operations.base.Operation):
    """`IndexIds("team", ...)`: a plain (not unique) index on `id` for each model's table. Django joins a
    tenant table by `id` alone (`select_related`, foreign keys), without repeating the organization; with
    the primary key `(organization_id, id)` such a join would otherwise read every organization's rows of
    the joined table (row-level security's condition cannot lead an index). Citus allows it: only unique
    indexes must include the distribution column. `DistributeTables` creates it too."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *model_names: str):
        self.model_names = model_names

    @staticmethod
    def create_sql(table: str) -> str:
        return f'CREATE INDEX IF NOT EXISTS "{_name(table, "id", "idx")}" ON "{table}" (id)'

    @staticmethod
    def drop_sql(table: str) -> str:
        return f'DROP INDEX IF EXISTS "{_name(table, "id", "idx")}"'

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for name in self.model_names:
            schema_editor.execute(self.create_sql(to_state.apps.get_model(app_label, name)._meta.db_table))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for name in self.model_names:
            schema_editor.execute(self.drop_sql(from_state.apps.get_model(app_label, name)._meta.db_table))

    def describe(self):
        return f"Index {', '.join(self.model_names)} by id"

    def deconstruct(self):
        return (self.__class__.__name__, list(self.model_names), {})


class DistributeTables(migrations.operations.base.Operation):
    """`DistributeTables("team", "membership")`: for each model's table, the primary key becomes
    `(organization_id, id[, partition columns])`, a plain index on `id` keeps joins by id fast (see
    `IndexIds`), and every foreign key to a tenant model (declared with
    `db_constraint=False`) gets its composite constraint `(organization_id, x_id) -> (organization_id, id)`,
    deferrable as Django's own; Django still does the cascades. Primary keys are swapped before any
    foreign key is added, so models in one operation may reference each other.

    Foreign keys that still point at a table's `(id)` must be gone first (declare them `db_constraint=False`
    and migrate that before); the operation names them if not."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *model_names: str, partition_columns: dict | None = None):
        self.model_names = model_names
        self.partition_columns = partition_columns or {}

    def state_forwards(self, app_label, state):
        pass

    def _models(self, app_label, state):
        return [state.apps.get_model(app_label, name) for name in self.model_names]

    def _pk_sql(self, model, columns):
        table = model._meta.db_table
        return (
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{table}_pkey";'
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_pkey" PRIMARY KEY ({", ".join(columns)});'
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        models_ = self._models(app_label, to_state)
        for model in models_:
            table = model._meta.db_table
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT conname, conrelid::regclass::text FROM pg_constraint "
                    "WHERE contype = 'f' AND confrelid = %s::regclass AND cardinality(confkey) = 1",
                    [table],
                )
                blockers = cursor.fetchall()
            if blockers:
                raise RuntimeError(
                    f"{table}: single-column foreign keys still reference its primary key: {blockers}; "
                    "declare them db_constraint=False and migrate that first"
                )
            extra = self.partition_columns.get(model._meta.model_name, [])
            schema_editor.execute(self._pk_sql(model, [TENANT_COLUMN, "id", *extra]))
            schema_editor.execute(IndexIds.create_sql(table))
        for model in models_:
            table = model._meta.db_table
            for field in _tenant_foreign_keys(model):
                if field.db_constraint:
                    raise RuntimeError(f"{table}.{field.column}: declare the field with db_constraint=False")
                target = field.related_model._meta.db_table
                schema_editor.execute(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{composite_fk_name(table, field.column)}" '
                    f'FOREIGN KEY ({TENANT_COLUMN}, "{field.column}") REFERENCES "{target}" ({TENANT_COLUMN}, id) '
                    "DEFERRABLE INITIALLY DEFERRED"
                )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        models_ = self._models(app_label, from_state)
        for model in models_:
            table = model._meta.db_table
            for field in _tenant_foreign_keys(model):
                schema_editor.execute(
                    f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{composite_fk_name(table, field.column)}"'
                )
        for model in models_:
            schema_editor.execute(IndexIds.drop_sql(model._meta.db_table))
            schema_editor.execute(self._pk_sql(model, ["id"]))

    def describe(self):
        return f"Make {', '.join(self.model_names)} distributable by organization"

    def deconstruct(self):
        kwargs = {"partition_columns": self.partition_columns} if self.partition_columns else {}
        return (self.__class__.__name__, list(self.model_names), kwargs)


# --- routing tables kept by a trigger ------------------------------------------------------------------


def maintain_route(*, source_table: str, column: str, route_table: str, route_column: str) -> migrations.RunSQL:
    """A RunSQL that keeps `route_table(route_column, organization_id)` in step with `source_table.column`:
    a row inserted with a key adds its route, a changed key moves it, a deleted row (or a key set to NULL)
    drops it, and the existing rows are routed. The route table's primary key makes the key unique
    platform-wide: a duplicate fails the source row's INSERT as a unique violation, as a unique column
    did. (Under Citus the routing table lives on other shards than the source row; there the route is
    written by the service in the same transaction, or the trigger allowed with `citus.enable_unsafe_triggers`
    - see docs/scaling.md.)"""
    fn = f"{source_table}_route"
    forward = f"""
CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.{column} IS NOT NULL THEN
        IF TG_OP = 'DELETE' OR NEW.{column} IS DISTINCT FROM OLD.{column} THEN
            DELETE FROM {route_table}
            WHERE {route_column} = OLD.{column} AND organization_id = OLD.organization_id;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.{column} IS NOT NULL THEN
        IF TG_OP = 'INSERT' OR NEW.{column} IS DISTINCT FROM OLD.{column} THEN
            INSERT INTO {route_table} ({route_column}, organization_id) VALUES (NEW.{column}, NEW.organization_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER {fn} AFTER INSERT OR UPDATE OF {column} OR DELETE ON {source_table}
    FOR EACH ROW EXECUTE FUNCTION {fn}();
SELECT set_config('app.bypass_rls', 'on', true);
INSERT INTO {route_table} ({route_column}, organization_id)
    SELECT {column}, organization_id FROM {source_table} WHERE {column} IS NOT NULL;
SELECT set_config('app.bypass_rls', '', true);
"""  # noqa: S608 - identifiers from the migration, not from input
    reverse = f"DROP TRIGGER IF EXISTS {fn} ON {source_table}; DROP FUNCTION IF EXISTS {fn}();"
    return migrations.RunSQL(forward, reverse)
