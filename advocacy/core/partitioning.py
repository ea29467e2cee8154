"""Time-series tables partitioned by month, kept for as long as each organization chose (DESIGN "Tenancy"
rule 5). A retained table is partitioned by range over (retention class, day), one level:

    content_library_clickdaily                 PARTITION BY RANGE (keep_months, day)
      content_library_clickdaily_k12_2026_11     FOR VALUES FROM (12, '2026-11-01') TO (12, '2026-12-01')
      content_library_clickdaily_k24_2026_11     FOR VALUES FROM (24, '2026-11-01') TO (24, '2026-12-01')
      content_library_clickdaily_default         a safety net: a row outside every month is stored, not refused

Each row carries the retention (in months) of its organization when it was written (`keep_months`), one of
`RETENTION_CHOICES`. A month of class k expires when it ends more than k months before the current month;
expiring it is `DETACH PARTITION` + `DROP TABLE` (metadata, no row is visited). `ensure_partitions` (a daily
beat task) creates the months ahead before anything is written to them; a month created later than rows
that fell into the default partition takes those rows with it (moved, then attached), so a write never
fails and nothing is lost. Every partition gets the same forced row-level security as its parent. The DDL
runs in SECURITY DEFINER functions of the owner role, which the runtime role may only execute (below).

One level (not LIST by class, then RANGE by month) because Citus distributes partitioned tables but not
multi-level ones: under Citus the parent is distributed by organization_id like every tenant table and its
partitions follow; `ensure_partitions` runs the same DDL on the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction

from advocacy.tenancy.rls import enable_sql

RETENTION_CHOICES = (6, 12, 24, 36)  # months
DEFAULT_RETENTION = 24
MONTHS_AHEAD = 3


@dataclass(frozen=True)
class RetainedTable:
    table: str
    day_column: str = "day"
    class_column: str = "keep_months"

    def default_table(self) -> str:
        return f"{self.table}_default"

    def month_table(self, months: int, first: date) -> str:
        return f"{self.table}_k{months}_{first:%Y_%m}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, n: int) -> date:
    return first + relativedelta(months=n)


def expiry_cutoff(today: date, months: int) -> date:
    """The first day still kept for retention class `months`: the current month and the `months` before it."""
    return add_months(month_start(today), -months)


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return cursor.fetchone()[0]


def _months(cursor, spec: RetainedTable) -> list[tuple[str, int, date]]:
    """The month partitions: (table, retention class, first day)."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
        [spec.table],
    )
    prefix = f"{spec.table}_k"
    result = []
    for (name,) in cursor.fetchall():
        if not name.startswith(prefix):
            continue  # the default partition
        months, year, month = name[len(prefix) :].split("_")
        result.append((name, int(months), date(int(year), int(month), 1)))
    return sorted(result, key=lambda item: (item[1], item[2]))


def ensure_partitions(connection, spec: RetainedTable, *, today: date, since: date | None = None) -> list[str]:
    """Create every missing partition from the oldest kept month (or `since`, if later rows exist from
    before) to `MONTHS_AHEAD` months after `today`. Idempotent; returns the tables it created."""
    created = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _install_if_missing(cursor)
        if not _exists(cursor, spec.default_table()):
            created += _call(cursor, "retained_partition_create_default", spec)
        for months in RETENTION_CHOICES:
            first = expiry_cutoff(today, months)
            if since is not None:
                first = min(first, month_start(since))
            last = add_months(month_start(today), MONTHS_AHEAD)
            while first <= last:
                if not _exists(cursor, spec.month_table(months, first)):
                    created += _call(cursor, "retained_partition_create_month", spec, months, first)
                first = add_months(first, 1)
    return created


def drop_expired_partitions(connection, spec: RetainedTable, *, today: date) -> list[str]:
    """Detach and drop every month that has expired for its retention class. Returns the dropped tables.

    Rows that the default partition caught for a month that was never created (a clock far off) are the one
    exception: they are deleted from the default partition once expired."""
    dropped = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _install_if_missing(cursor)
        # A table with deferred foreign-key checks pending in this transaction cannot be dropped; check now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, months, first in _months(cursor, spec):
            if first < expiry_cutoff(today, months):
                dropped += _call(cursor, "retained_partition_drop_month", spec, name)
        if _exists(cursor, spec.default_table()):
            for months in RETENTION_CHOICES:
                _call(cursor, "retained_partition_purge_default", spec, months, expiry_cutoff(today, months))
    return dropped


# --- the DDL, in functions the runtime role may only execute ------------------------------------------------
# The runtime role owns no table and may not create or drop one (advocacy/core/roles.py): partitions are made
# and dropped by these SECURITY DEFINER functions, owned by the owner role, which check that `parent` is a
# table partitioned by (class, day) and touch nothing but its partitions. The owner installs them after
# every migrate (and the first migration that partitions a table, when they are missing).

_TABLE = "__TABLE__"
COLUMNS = "parent text, class_column text, day_column text"

FUNCTIONS = {
    "retained_partition_parent": (
        COLUMNS,
        """
RETURNS regclass LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    rel regclass := to_regclass(quote_ident(parent));
BEGIN
    IF rel IS NULL OR (SELECT relkind FROM pg_class WHERE oid = rel) <> 'p'
            OR pg_get_partkeydef(rel) <> format('RANGE (%s, %s)', quote_ident(class_column),
                                                quote_ident(day_column)) THEN
        RAISE EXCEPTION '% is not a table partitioned by (%, %)', parent, class_column, day_column
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN rel;
END
$fn$""",
    ),
    "retained_partition_create_default": (
        COLUMNS,
        """
RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS $fn$
DECLARE
    part text := parent || '_default';
BEGIN
    PERFORM retained_partition_parent(parent, class_column, day_column);
    IF to_regclass(quote_ident(part)) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', part, parent);
    EXECUTE replace($rls${rls}$rls$, '"{table}"', quote_ident(part));
    RETURN part;
END
$fn$""",
    ),
    "retained_partition_create_month": (
        f"{COLUMNS}, months integer, first_day date",
        """
RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS $fn$
DECLARE
    part text := format('%s_k%s_%s', parent, months, to_char(first_day, 'YYYY_MM'));
    finish date := (first_day + interval '1 month')::date;
    fallback text := parent || '_default';
    previous text := current_setting('app.bypass_rls', true);
BEGIN
    PERFORM retained_partition_parent(parent, class_column, day_column);
    IF first_day <> date_trunc('month', first_day)::date THEN
        RAISE EXCEPTION 'a month partition starts on the first of a month, not %', first_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_regclass(quote_ident(part)) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    -- Standalone first, take the rows the default partition holds for this month, then attach: attaching
    -- a partition whose month still has rows in the default partition would be refused.
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I IS NOT NULL AND %I = %L '
                   'AND %I IS NOT NULL AND %I >= %L AND %I < %L)', part, part || '_month',
                   class_column, class_column, months, day_column, day_column, first_day, day_column, finish);
    -- every organization's rows: those moved, and the foreign keys ATTACH checks them against
    PERFORM set_config('app.bypass_rls', 'on', true);
    IF to_regclass(quote_ident(fallback)) IS NOT NULL THEN
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I = %L AND %I >= %L AND %I < %L RETURNING *) '
                       'INSERT INTO %I SELECT * FROM moved', fallback, class_column, months, day_column, first_day,
                       day_column, finish, part);
    END IF;
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L, %L) TO (%L, %L)',
                   parent, part, months, first_day, months, finish);
    PERFORM set_config('app.bypass_rls', coalesce(previous, ''), true);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_month');  -- the bound says it now
    EXECUTE replace($rls${rls}$rls$, '"{table}"', quote_ident(part));
    RETURN part;
END
$fn$""",
    ),
    "retained_partition_drop_month": (
        f"{COLUMNS}, part text",
        """
RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS $fn$
BEGIN
    IF left(part, length(parent) + 2) <> parent || '_k' OR NOT EXISTS (
            SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = retained_partition_parent(parent, class_column, day_column) AND c.relname = part) THEN
        RAISE EXCEPTION '% is not a month partition of %', part, parent USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, part);
    EXECUTE format('DROP TABLE %I', part);
    RETURN part;
END
$fn$""",
    ),
    "retained_partition_purge_default": (
        f"{COLUMNS}, months integer, cutoff date",
        """
RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS $fn$
DECLARE
    previous text := current_setting('app.bypass_rls', true);
BEGIN
    PERFORM retained_partition_parent(parent, class_column, day_column);
    PERFORM set_config('app.bypass_rls', 'on', true);
    EXECUTE format('DELETE FROM %I WHERE %I = %L AND %I < %L', parent || '_default', class_column, months,
                   day_column, cutoff);
    PERFORM set_config('app.bypass_rls', coalesce(previous, ''), true);
    RETURN NULL;
END
$fn$""",
    ),
}


def _signature(name: str) -> str:
    arguments = FUNCTIONS[name][0]
    return f"{name}({', '.join(argument.split()[1] for argument in arguments.split(', '))})"


def install_functions(cursor) -> None:
    """CREATE OR REPLACE the functions (as the owner); only their owner and the roles granted EXECUTE
    (the runtime role, advocacy/core/roles.py) may call them."""
    cursor.execute("SELECT current_schema()")
    schema = cursor.fetchone()[0]
    rls = enable_sql(_TABLE)
    for name, (arguments, body) in FUNCTIONS.items():
        body = body.replace("{rls}", rls).replace("{table}", _TABLE).strip()
        cursor.execute(
            f'CREATE OR REPLACE FUNCTION "{schema}".{name}({arguments}) {body}\nSET search_path = "{schema}", pg_temp'
        )
        cursor.execute(f'REVOKE ALL ON FUNCTION "{schema}".{_signature(name)} FROM PUBLIC')


def _install_if_missing(cursor) -> None:
    signatures = [_signature(name) for name in FUNCTIONS]
    cursor.execute("SELECT bool_and(to_regprocedure(s) IS NOT NULL) FROM unnest(%s::text[]) s", [signatures])
    if not cursor.fetchone()[0]:
        install_functions(cursor)


def _call(cursor, function: str, spec: RetainedTable, *args) -> list[str]:
    """Call one of the functions above on `spec`'s table; the table it created or dropped, if any."""
    placeholders = ", ".join(["%s"] * (3 + len(args)))
    cursor.execute(f"SELECT {function}({placeholders})", [spec.table, spec.class_column, spec.day_column, *args])
    name = cursor.fetchone()[0]
    return [name] if name else []


def partitions(connection, spec: RetainedTable) -> dict[int, list[date]]:
    """Retention class -> the first days of its month partitions (for tests and the operator)."""
    with connection.cursor() as cursor:
        found = _months(cursor, spec)
    return {months: [first for _name, k, first in found if k == months] for months in RETENTION_CHOICES}
