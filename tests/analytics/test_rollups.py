"""The rollups: idempotent (a second run writes nothing), rebuilt for a date range to the same rows, kept current
by the incremental run from its watermark, and invalidating the dashboard's cache only when they change."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from analytics import selectors
from analytics.models import ActivityDaily, MentionDaily, RollupState
from analytics.services import rollup_range, rollup_refresh
from content_library.models import Share
from tests.content_library.factories import ShareFactory
from tests.factories import MembershipFactory, UserFactory

from .data import PERIOD, build

pytestmark = pytest.mark.django_db

RANGE = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 20))


def _rows(org):
    with organization_scope(org):
        activity = sorted(
            ActivityDaily.objects.values_list(
                "day",
                "user_id",
                "content_id",
                "network",
                "team_id",
                "campaign_id",
                "shares",
                "clicks",
                "reach",
                "posts",
                "engagement",
                "positive",
                "neutral",
                "negative",
            )
        )
        mentions = sorted(MentionDaily.objects.values_list("day", "network", "mentions", "positive", "negative"))
    return activity, mentions


def test_a_second_run_writes_nothing_and_a_rebuild_gives_the_same_rows(org, admin):
    build(org, admin)
    before = _rows(org)
    assert rollup_range(organization=org, start=RANGE[0], end=RANGE[1]) == 0
    with organization_scope(org):
        ActivityDaily.objects.filter(day=datetime.date(2026, 11, 12)).delete()
        ActivityDaily.objects.filter(day=datetime.date(2026, 11, 10)).update(clicks=999)
    call_command(
        "analytics_rebuild", org.slug, "--start", "2026-11-01", "--end", "2026-11-20", stdout=open("/dev/null", "w")
    )
    assert _rows(org) == before


def test_rows_leave_when_their_source_leaves(org, admin):
    data = build(org, admin)
    with organization_scope(org):
        Share.objects.filter(user=data["carol"], network="mastodon").delete()
    rollup_range(organization=org, start=RANGE[0], end=RANGE[1])
    with organization_scope(org):
        assert selectors.dashboard(organization=org, filters=PERIOD)["current"]["shares"] == 3


def test_the_incremental_run_takes_what_arrived_since_its_watermark(org, admin):
    user = UserFactory(full_name="Nia")
    MembershipFactory(organization=org, user=user)
    with organization_scope(org):
        first = rollup_refresh(organization=org)
        assert first.days > 2  # the first run covers the retained quarter
        assert RollupState.objects.get().watermark is not None
        again = rollup_refresh(organization=org)
        assert again.written == 0
    ShareFactory(organization=org, user=user, status=Share.Status.CONFIRMED, confirmed_at=timezone.now())
    with organization_scope(org):
        assert rollup_refresh(organization=org).written == 1
        today = selectors.local_today(selectors.organization_zone(org))
        figures = selectors.dashboard(organization=org, filters=selectors.default_filters(today))["current"]
    assert (figures["shares"], figures["sharers"]) == (1, 1)


def test_a_late_change_to_an_old_day_is_picked_up(org, admin):
    """A pull that updates a fortnight-old post's counts: its day is rolled up again."""
    data = build(org, admin)
    from monitoring.models import Post

    with organization_scope(org):
        RollupState.objects.update_or_create(organization=org, defaults={"watermark": timezone.now()})
        Post.objects.filter(external_id="p1").update(likes=50, last_seen_at=timezone.now())
        rollup_refresh(organization=org)
        current = selectors.dashboard(organization=org, filters=PERIOD)["current"]
    assert current["engagement"] == 50 + 2 + 1
    assert data["carol"]


def test_the_dashboard_cache_is_served_until_the_rollups_change(org, admin, django_assert_num_queries):
    build(org, admin)
    with organization_scope(org):
        selectors.dashboard(organization=org, filters=PERIOD)
        with django_assert_num_queries(0):
            selectors.dashboard(organization=org, filters=PERIOD)
        rollup_range(organization=org, start=RANGE[0], end=RANGE[1])  # nothing changed: still cached
        with django_assert_num_queries(0):
            selectors.dashboard(organization=org, filters=PERIOD)
        ActivityDaily.objects.filter(day=datetime.date(2026, 11, 10)).update(clicks=0)
        assert selectors.dashboard(organization=org, filters=PERIOD)["current"]["clicks"] == 5
