"""The daily click rollup: partitioned by retention class, then by month; months are created ahead by the
beat task, an expired month leaves by DROP TABLE, and the totals the pages read stay."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Sum

from advocacy.core import partitioning
from advocacy.core.partitioning import RetainedTable, add_months, expiry_cutoff
from advocacy.tenancy.context import organization_scope
from content_library import links, tasks
from content_library.models import ClickDaily, ContentItem
from tests.content_library.factories import ShareFactory

pytestmark = pytest.mark.django_db

SPEC = links.CLICK_ROLLUP


def _one(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()


def _exists(name):
    return _one("SELECT to_regclass(%s) IS NOT NULL", [name])[0]


def _partition_of(org, share, day):
    with organization_scope(org):
        return _one(
            "SELECT tableoid::regclass::text FROM content_library_clickdaily WHERE share_id = %s AND day = %s",
            [share.pk, day],
        )[0]


def _flush_rows(org, share, day, n):
    """What the click flush stores for `n` clicks on `share` that day (links._apply, minus Redis)."""
    from datetime import UTC, datetime

    timestamp = int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp())
    entries = [(f"{i}-0", {"c": share.code, "t": str(timestamp)}) for i in range(n)]
    with organization_scope(org):
        return links._apply(org, entries)


def test_the_rollup_is_partitioned_by_retention_class_and_month_in_one_level():
    assert _one("SELECT relkind FROM pg_class WHERE relname = 'content_library_clickdaily'")[0] == "p"
    assert _one("SELECT pg_get_partkeydef('content_library_clickdaily'::regclass)")[0] == "RANGE (keep_months, day)"
    # one level (Citus distributes partitioned tables, not multi-level ones)
    assert _one("SELECT max(level) FROM pg_partition_tree('content_library_clickdaily')")[0] == 1
    today = date.today()
    for months in partitioning.RETENTION_CHOICES:
        kept = partitioning.partitions(connection, SPEC)[months]
        assert expiry_cutoff(today, months) in kept  # the oldest month kept exists
        assert add_months(today.replace(day=1), partitioning.MONTHS_AHEAD) in kept  # and months ahead


def test_every_partition_has_forced_row_level_security():
    rows = connection.cursor()
    rows.execute(
        "SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity FROM pg_partition_tree("
        "'content_library_clickdaily') t JOIN pg_class c ON c.oid = t.relid"
    )
    unprotected = [name for name, protected in rows.fetchall() if not protected]
    assert not unprotected


def test_clicks_are_stored_in_their_organizations_class_and_month(org, other_org):
    other_org.click_retention_months = 6
    other_org.save(update_fields=["click_retention_months"])
    day = date.today()
    ours = ShareFactory(organization=org, code="part0001")
    theirs = ShareFactory(organization=other_org, code="part0002")
    assert _flush_rows(org, ours, day, 3) == 3
    assert _flush_rows(other_org, theirs, day, 2) == 2
    assert _flush_rows(org, ours, day, 1) == 1  # the upsert adds to the same row
    assert _partition_of(org, ours, day) == SPEC.month_table(24, day.replace(day=1))
    assert _partition_of(other_org, theirs, day) == SPEC.month_table(6, day.replace(day=1))
    with organization_scope(org):
        assert ClickDaily.objects.get(share=ours).clicks == 4


def test_the_beat_task_creates_months_ahead_and_is_idempotent(settings):
    from advocacy.core.registry import beat_schedule

    assert beat_schedule()["content-click-partitions"]["task"] == "content_library.tasks.maintain_click_partitions"
    assert tasks.maintain_click_partitions.run()["created"] == []  # today's months exist already
    later = add_months(date.today().replace(day=1), 5)
    result = links.maintain_partitions(today=later)
    ahead = add_months(later, partitioning.MONTHS_AHEAD)
    assert SPEC.month_table(24, ahead) in result["created"]
    assert _exists(SPEC.month_table(6, ahead))
    assert links.maintain_partitions(today=later)["created"] == []


def test_an_expired_month_is_dropped_whole_and_the_totals_stay(org, other_org):
    other_org.click_retention_months = 6
    other_org.save(update_fields=["click_retention_months"])
    this_month = date.today().replace(day=1)
    old_day = add_months(this_month, -5)  # kept today by every class
    ours = ShareFactory(organization=org, code="part0003")
    theirs = ShareFactory(organization=other_org, code="part0004")
    _flush_rows(org, ours, old_day, 5)
    _flush_rows(other_org, theirs, old_day, 7)
    with organization_scope(other_org):
        total_before = ContentItem.objects.get(pk=theirs.content_id).click_count
    assert total_before == 7

    # Two months on, the month is past the 6-month class's retention but not the 24-month one.
    later = add_months(this_month, 2)
    result = links.maintain_partitions(today=later)
    expired = SPEC.month_table(6, old_day)
    assert expired in result["dropped"] and not _exists(expired)
    assert SPEC.month_table(24, old_day) not in result["dropped"] and _exists(SPEC.month_table(24, old_day))
    with organization_scope(other_org):
        assert not ClickDaily.objects.filter(share=theirs).exists()
        assert ContentItem.objects.get(pk=theirs.content_id).click_count == total_before  # the total stays
    with organization_scope(org):
        assert ClickDaily.objects.filter(share=ours).aggregate(n=Sum("clicks"))["n"] == 5


def test_a_row_outside_every_month_is_kept_and_moves_into_its_month_when_created(org):
    far = add_months(date.today().replace(day=1), partitioning.MONTHS_AHEAD + 4)
    share = ShareFactory(organization=org, code="part0005")
    _flush_rows(org, share, far, 2)  # no month partition yet: the default partition keeps it
    assert _partition_of(org, share, far) == SPEC.default_table()
    created = links.maintain_partitions(today=far)["created"]
    assert SPEC.month_table(24, far) in created
    assert _partition_of(org, share, far) == SPEC.month_table(24, far)
    with organization_scope(org):
        assert ClickDaily.objects.get(share=share).clicks == 2


def test_partitions_follow_a_spec_for_any_table():
    spec = RetainedTable("content_library_clickdaily")
    assert spec.month_table(12, date(2027, 3, 1)) == "content_library_clickdaily_k12_2027_03"
    assert expiry_cutoff(date(2027, 3, 15), 12) == date(2026, 3, 1)
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
