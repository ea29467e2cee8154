"""Batch upserts of the intake in one statement each (INSERT ... VALUES (...), (...) ON CONFLICT ...), for the
pages a pull stores many times a minute.

Django's bulk_create with update_conflicts compiles every value of every row through the field machinery,
which cost more than VADER itself per post (bench/intake.py); here psycopg2 quotes the values and PostgreSQL
does the rest. The statement goes through Django's cursor (so the organization's row-level security settings
are applied first) and the cache contract is told of the write (`rows_written`), as the ORM's bulk writes
do. There is no ORM version of these statements beside them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from advocacy.core.cache import rows_written


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def upsert(
    model,
    rows: Sequence[Sequence],
    *,
    organization_id: int,
    columns: Sequence[str],
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert `rows` (tuples in `columns` order); on a conflict on `conflict` update the `update` columns from
    the new row (or do nothing; with no `conflict`, nothing on any unique key). Returns the `returning` columns
    of the rows inserted or updated."""
    if not rows:
        return []
    # table and column names are the caller's constants; every value is quoted by psycopg2
    sql = [f'INSERT INTO "{model._meta.db_table}" ({_quoted(columns)}) VALUES ']  # noqa: S608
    with connection.cursor() as cursor:
        template = "(" + ", ".join(["%s"] * len(columns)) + ")"
        mogrify = cursor.cursor.mogrify
        sql.append(",".join(mogrify(template, row).decode() for row in rows))
        sql.append(f" ON CONFLICT ({_quoted(conflict)}) " if conflict else " ON CONFLICT ")
        if update:
            sql.append("DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in update))
        else:
            sql.append("DO NOTHING")
        if returning:
            sql.append(f" RETURNING {_quoted(returning)}")
        cursor.execute("".join(sql))  # no parameters: the values are quoted above, a "%" in a text stays
        result = cursor.fetchall() if returning else []
    rows_written(model, organization_id=organization_id)
    return result
