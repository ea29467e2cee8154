"""The daily share rollup (`ShareDaily`, content_library_sharedaily): confirmed shares per item and day, for
the feed's "most shared this week".

Partitioned like the click rollup (advocacy.core.partitioning): by range over the organization's retention
class and the day, one partition per class and month. Each row carries the class of its organization when it
was written (`Organization.click_retention_months`, the retention of both daily rollups), so an expired month
leaves by DROP TABLE, never by DELETE; the totals pages read (`share_count` on items, campaigns, hashtags) are
counters and stay. The upserts are SQL because they add to the row (Django's upsert replaces)."""

from __future__ import annotations

from datetime import date

from django.db import connection

from advocacy.core.partitioning import RetainedTable, drop_expired_partitions, ensure_partitions

SHARE_ROLLUP = RetainedTable("content_library_sharedaily")

_ADD = (
    "INSERT INTO content_library_sharedaily (organization_id, content_id, day, shares, keep_months) "
    "VALUES (%s, %s, %s, 1, %s) ON CONFLICT (organization_id, content_id, day, keep_months) "
    "DO UPDATE SET shares = content_library_sharedaily.shares + 1"
)

_REBUILD = (
    "INSERT INTO content_library_sharedaily (organization_id, content_id, day, shares, keep_months) "
    "SELECT organization_id, content_id, (confirmed_at AT TIME ZONE 'UTC')::date, count(*), %s "
    "FROM content_library_share WHERE organization_id = %s AND status = 'confirmed' "
    "AND confirmed_at IS NOT NULL GROUP BY 1, 2, 3"
)


def share_day_add(*, organization, content_id: int, day: date) -> None:
    """One more confirmed share of the item on `day` (UTC), in the organization's retention class. Inside the
    caller's transaction (share_confirm's)."""
    with connection.cursor() as cursor:
        cursor.execute(_ADD, [organization.pk, content_id, day, organization.click_retention_months])


def share_days_rebuild(*, organization) -> None:
    """Rebuild the organization's rollup from its confirmed shares (after shares were written in bulk: demo
    and scale data)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM content_library_sharedaily WHERE organization_id = %s", [organization.pk])
        cursor.execute(_REBUILD, [organization.click_retention_months, organization.pk])


def maintain_share_partitions(*, today: date) -> dict:
    """Create the share rollup's months ahead and drop the expired ones (each a DROP TABLE)."""
    return {
        "created": ensure_partitions(connection, SHARE_ROLLUP, today=today),
        "dropped": drop_expired_partitions(connection, SHARE_ROLLUP, today=today),
    }
