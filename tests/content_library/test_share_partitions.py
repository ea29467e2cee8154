"""The daily share rollup, partitioned like the click rollup: by the organization's retention class, then by
month. share_confirm writes into its organization's class; the feed's "most shared this week" reads every
class; months are created ahead and expire whole (DROP TABLE) by a beat task; migration 0011 converted the
table keeping its rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.utils import timezone

from advocacy.core import partitioning
from advocacy.core.partitioning import add_months, expiry_cutoff
from advocacy.core.registry import beat_schedule
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from content_library import selectors, services, tasks
from content_library.models import ContentItem, ShareDaily
from content_library.services.share_days import SHARE_ROLLUP, maintain_share_partitions
from tests.content_library.factories import ContentItemFactory, ShareFactory
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TABLE = SHARE_ROLLUP.table


def _one(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()


def _exists(name):
    return _one("SELECT to_regclass(%s) IS NOT NULL", [name])[0]


def _partition_of(org, content, day):
    with organization_scope(org):
        sql = f"SELECT tableoid::regclass::text FROM {TABLE} WHERE content_id = %s AND day = %s"  # noqa: S608
        return _one(sql, [content.pk, day])[0]


def _confirm(org, user, item):
    with organization_scope(org):
        share = services.share_prepare(organization=org, actor=user, content=item, network="linkedin", caption="Yes")
        return services.share_confirm(organization=org, actor=user, share=share)


def _retention(org, months):
    org.click_retention_months = months
    org.save(update_fields=["click_retention_months"])


def test_the_share_rollup_is_partitioned_by_retention_class_and_month_in_one_level():
    assert _one("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE])[0] == "p"
    assert _one("SELECT pg_get_partkeydef(%s::regclass)", [TABLE])[0] == "RANGE (keep_months, day)"
    assert _one("SELECT max(level) FROM pg_partition_tree(%s)", [TABLE])[0] == 1
    today = date.today()
    for months in partitioning.RETENTION_CHOICES:
        kept = partitioning.partitions(connection, SHARE_ROLLUP)[months]
        assert expiry_cutoff(today, months) in kept
        assert add_months(today.replace(day=1), partitioning.MONTHS_AHEAD) in kept
    assert _exists(SHARE_ROLLUP.default_table())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_partition_tree(%s) t JOIN pg_class c ON c.oid = t.relid "
            "WHERE NOT (c.relrowsecurity AND c.relforcerowsecurity)",
            [TABLE],
        )
        assert cursor.fetchall() == []  # every partition has forced row-level security


def test_share_confirm_writes_into_its_organizations_class_and_month(org, other_org, employee):
    _retention(other_org, 6)
    theirs = MembershipFactory(organization=other_org, roles=[Role.EMPLOYEE]).user
    ours_item = ContentItemFactory(organization=org)
    their_item = ContentItemFactory(organization=other_org)
    _confirm(org, employee, ours_item)
    _confirm(other_org, theirs, their_item)
    today = timezone.now().astimezone(UTC).date()
    assert _partition_of(org, ours_item, today) == SHARE_ROLLUP.month_table(24, today.replace(day=1))
    assert _partition_of(other_org, their_item, today) == SHARE_ROLLUP.month_table(6, today.replace(day=1))
    with organization_scope(other_org):
        row = ShareDaily.objects.get(content=their_item)
        assert (row.day, row.shares, row.keep_months) == (today, 1, 6)


def test_most_shared_this_week_counts_the_rows_of_every_class(org, employee):
    """An organization that changed its retention mid-week has this week's rows in two classes: the feed
    counts both, as it did before the table was partitioned."""
    steady = ContentItemFactory(organization=org, title="Steady", publish_at=timezone.now() - timedelta(days=9))
    split = ContentItemFactory(organization=org, title="Split", publish_at=timezone.now() - timedelta(days=8))
    for _ in range(3):
        ShareFactory(organization=org, content=steady, status="confirmed", confirmed_at=timezone.now())
    for _ in range(2):
        ShareFactory(
            organization=org, content=split, status="confirmed", confirmed_at=timezone.now() - timedelta(days=2)
        )
    _retention(org, 12)
    for _ in range(2):
        ShareFactory(organization=org, content=split, status="confirmed", confirmed_at=timezone.now())
    with organization_scope(org):
        assert set(ShareDaily.objects.filter(content=split).values_list("keep_months", flat=True)) == {24, 12}
        membership = Membership.objects.get(organization=org, user=employee)
        ranked = list(selectors.feed(organization=org, membership=membership, sort="popular")[:2])
    assert [(item.title, item.week_shares) for item in ranked] == [("Split", 4), ("Steady", 3)]


def test_the_beat_task_creates_months_ahead_and_drops_expired_months_whole(org, other_org, employee):
    assert beat_schedule()["content-share-partitions"]["task"] == "content_library.tasks.maintain_share_partitions"
    assert tasks.maintain_share_partitions.run()["created"] == []  # today's months exist already
    _retention(other_org, 6)
    this_month = date.today().replace(day=1)
    old_day = add_months(this_month, -5)  # kept today by every class
    ours = ContentItemFactory(organization=org)
    theirs = ContentItemFactory(organization=other_org)
    at = datetime(old_day.year, old_day.month, old_day.day, 12, tzinfo=UTC)
    ShareFactory(organization=org, content=ours, status="confirmed", confirmed_at=at)
    ShareFactory(organization=other_org, content=theirs, status="confirmed", confirmed_at=at)
    for organization, item in ((org, ours), (other_org, theirs)):  # the total, as share_confirm keeps it
        with organization_scope(organization):
            ContentItem.objects.filter(organization=organization, pk=item.pk).update(share_count=1)

    later = add_months(this_month, 2)  # the month is past the 6-month class's retention, not the 24-month one
    result = maintain_share_partitions(today=later)
    assert SHARE_ROLLUP.month_table(24, add_months(later, partitioning.MONTHS_AHEAD)) in result["created"]
    expired = SHARE_ROLLUP.month_table(6, old_day)
    assert expired in result["dropped"] and not _exists(expired)
    assert _exists(SHARE_ROLLUP.month_table(24, old_day))
    with organization_scope(other_org):
        assert not ShareDaily.objects.filter(content=theirs).exists()
        assert ContentItem.objects.get(pk=theirs.pk).share_count == 1  # the total stays
    with organization_scope(org):
        assert ShareDaily.objects.filter(content=ours).aggregate(n=Sum("shares"))["n"] == 1
    assert maintain_share_partitions(today=later) == {"created": [], "dropped": []}


BEFORE = ("content_library", "0010_clickspool")
AFTER = ("content_library", "0011_sharedaily_partitioned")


def test_the_migration_keeps_the_rows_written_before_it(owner_connection):
    """Migration 0011 run backwards and forwards as the owner (in a transaction rolled back at the end):
    rows written to the unpartitioned table are read after it, with their ids, in their organization's
    class and month."""
    executor = MigrationExecutor(owner_connection)
    executor.migrate([BEFORE])
    old_model = executor.loader.project_state(BEFORE).apps.get_model("content_library", "ShareDaily")
    assert "keep_months" not in {f.name for f in old_model._meta.fields}
    ours, theirs = OrganizationFactory(), OrganizationFactory(click_retention_months=6)
    today = timezone.now().astimezone(UTC).date()
    written = {}
    for organization, days in ((ours, [today, today - timedelta(days=3)]), (theirs, [today - timedelta(days=40)])):
        item = ContentItemFactory(organization=organization, publish_at=timezone.now() - timedelta(days=60))
        with organization_scope(organization):
            for n, day in enumerate(days, start=2):
                row = old_model.objects.create(organization_id=organization.pk, content_id=item.pk, day=day, shares=n)
                written[row.pk] = (organization.pk, item.pk, day, n, organization.click_retention_months)
    with owner_connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked now: ALTER TABLE refuses pending checks
    executor.loader.build_graph()
    executor.migrate([AFTER])

    assert _one("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE])[0] == "p"
    read = {}
    for organization in (ours, theirs):
        with organization_scope(organization):
            for row in ShareDaily.objects.all():
                read[row.pk] = (row.organization_id, row.content_id, row.day, row.shares, row.keep_months)
                expected = SHARE_ROLLUP.month_table(row.keep_months, row.day.replace(day=1))
                assert _one(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [row.pk])[0] == expected
    assert read == written
    with organization_scope(ours):
        membership = MembershipFactory(organization=ours, roles=[Role.EMPLOYEE])
        (item,) = selectors.feed(organization=ours, membership=membership, sort="popular")
        assert item.week_shares == 2 + 3  # "most shared this week" reads the migrated rows
