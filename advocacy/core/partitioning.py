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
fails and nothing is lost. Every partition gets the same forced row-level security as its parent.

One level (not LIST by class, then RANGE by month) because Citus distributes partitioned tables but not
multi-level ones: under Citus the parent is distributed by organization_id like every tenant table and its
partitions follow; `ensure_partitions` runs the same DDL on the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


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
        cursor.execute("SELECT set_config('app.bypass_rls', 'on', true)")  # to move rows out of the default
        default = spec.default_table()
        if not _exists(cursor, default):
            cursor.execute(f'CREATE TABLE "{default}" PARTITION OF "{spec.table}" DEFAULT')
            cursor.execute(enable_sql(default))
            created.append(default)
        for months in RETENTION_CHOICES:
            first = expiry_cutoff(today, months)
            if since is not None:
                first = min(first, month_start(since))
            last = add_months(month_start(today), MONTHS_AHEAD)
            while first <= last:
                name = spec.month_table(months, first)
                if not _exists(cursor, name):
                    _create_month(cursor, spec, months, name, first)
                    created.append(name)
                first = add_months(first, 1)
        cursor.execute("SELECT set_config('app.bypass_rls', '', true)")
    return created


def _create_month(cursor, spec: RetainedTable, months: int, name: str, first: date) -> None:
    end = add_months(first, 1)
    day, klass, default = spec.day_column, spec.class_column, spec.default_table()
    # Standalone first, take the rows the default partition holds for this month, then attach: attaching
    # a partition whose month still has rows in the default partition would be refused.
    cursor.execute(f'CREATE TABLE "{name}" (LIKE "{spec.table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    cursor.execute(
        f'ALTER TABLE "{name}" ADD CONSTRAINT "{name}_month" CHECK ("{klass}" IS NOT NULL AND "{klass}" = %s '
        f'AND "{day}" IS NOT NULL AND "{day}" >= %s AND "{day}" < %s)',
        [months, first, end],
    )
    move = (
        f'WITH moved AS (DELETE FROM "{default}" WHERE "{klass}" = %s AND "{day}" >= %s AND "{day}" < %s '  # noqa: S608
        f'RETURNING *) INSERT INTO "{name}" SELECT * FROM moved'
    )
    cursor.execute(move, [months, first, end])
    cursor.execute(
        f'ALTER TABLE "{spec.table}" ATTACH PARTITION "{name}" FOR VALUES FROM (%s, %s) TO (%s, %s)',
        [months, first, months, end],
    )
    cursor.execute(f'ALTER TABLE "{name}" DROP CONSTRAINT "{name}_month"')  # the partition bound says it now
    cursor.execute(enable_sql(name))


def drop_expired_partitions(connection, spec: RetainedTable, *, today: date) -> list[str]:
    """Detach and drop every month that has expired for its retention class. Returns the dropped tables.

    Rows that the default partition caught for a month that was never created (a clock far off) are the one
    exception: they are deleted from the default partition once expired."""
    dropped = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # A table with deferred foreign-key checks pending in this transaction cannot be dropped; check now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, months, first in _months(cursor, spec):
            if first < expiry_cutoff(today, months):
                cursor.execute(f'ALTER TABLE "{spec.table}" DETACH PARTITION "{name}"')
                cursor.execute(f'DROP TABLE "{name}"')
                dropped.append(name)
        if _exists(cursor, spec.default_table()):
            cursor.execute("SELECT set_config('app.bypass_rls', 'on', true)")
            for months in RETENTION_CHOICES:
                cursor.execute(
                    f'DELETE FROM "{spec.default_table()}" WHERE "{spec.class_column}" = %s '  # noqa: S608
                    f'AND "{spec.day_column}" < %s',
                    [months, expiry_cutoff(today, months)],
                )
            cursor.execute("SELECT set_config('app.bypass_rls', '', true)")
    return dropped


def partitions(connection, spec: RetainedTable) -> dict[int, list[date]]:
    """Retention class -> the first days of its month partitions (for tests and the operator)."""
    with connection.cursor() as cursor:
        found = _months(cursor, spec)
    return {months: [first for _name, k, first in found if k == months] for months in RETENTION_CHOICES}
