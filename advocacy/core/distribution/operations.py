"""Migration operations that keep tenant tables distributable (see the package's docstring)."""

from __future__ import annotations

import hashlib

from django.db import migrations

from .catalogue import REFERENCE_TABLES, TENANT_COLUMN, routing_tables

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
