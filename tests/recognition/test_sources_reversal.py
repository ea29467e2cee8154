"""More reasons and sources (unique human clicks per share and day with a cap, engagement on an attributed post,
completed courses), and taking back / giving back every point a source earned (a violation decision and an
overturned appeal): idempotent, cyclable, audited, and the boards follow."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from recognition import services
from recognition.models import PointsEntry, PointsTotal, Reason
from recognition.selectors import ranking
from tests.recognition.factories import attributed_post, clicks, confirmed_share, course_completion, member

pytestmark = pytest.mark.django_db


def _run(org, **kwargs):
    with organization_scope(org):
        return services.points_award_run(organization=org, **kwargs)


def _total(org, user) -> int:
    with organization_scope(org):
        return PointsTotal.objects.filter(user=user).values_list("points", flat=True).first() or 0


def _settings(org, admin, **kwargs):
    with organization_scope(org):
        services.recognition_settings_update(
            organization=org, actor=admin, points={}, daily_cap=1000, leaderboards_enabled=True, **kwargs
        )


def test_unique_clicks_earn_per_share_and_finished_day_capped(org, admin):
    _settings(org, admin, clicks_per_share_per_day=5)
    alice = member(org)
    share = confirmed_share(org, alice, at=timezone.now() - datetime.timedelta(days=3))
    today = timezone.localdate()
    clicks(org, share, today - datetime.timedelta(days=2), 3)
    clicks(org, share, today - datetime.timedelta(days=1), 40)  # past the cap per share and day
    clicks(org, share, today, 7)  # today is not over: counted tomorrow
    result = _run(org)
    assert result.awarded == 3  # the confirmation and two finished days
    assert _total(org, alice) == 10 + 3 + 5
    with organization_scope(org):
        days = PointsEntry.objects.filter(reason=Reason.SHARE_CLICKS).order_by("day").values_list("day", "points")
        assert list(days) == [(today - datetime.timedelta(days=2), 3), (today - datetime.timedelta(days=1), 5)]
    assert _run(org).awarded == 0
    # tomorrow's run counts today's clicks, once
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert _run(org, now=tomorrow).awarded == 1
    assert _run(org, now=tomorrow).awarded == 0
    assert _total(org, alice) == 18 + 5


def test_engagement_on_an_attributed_post_earns_once_at_the_threshold(org):
    alice = member(org)
    share = confirmed_share(org, alice)
    quiet = attributed_post(org, share, likes=3)
    _run(org)
    assert _total(org, alice) == 10
    from monitoring.models import Post

    with organization_scope(org):
        Post.objects.filter(pk=quiet.pk).update(likes=8, reposts=2, last_seen_at=timezone.now())
    assert _run(org, now=timezone.now() + datetime.timedelta(seconds=5)).awarded == 1
    with organization_scope(org):
        Post.objects.filter(pk=quiet.pk).update(likes=80, last_seen_at=timezone.now())
    assert _run(org, now=timezone.now() + datetime.timedelta(seconds=10)).awarded == 0
    assert _total(org, alice) == 15


def test_a_completed_course_earns(org):
    alice = member(org)
    course_completion(org, alice)
    assert _run(org).awarded == 1
    assert _total(org, alice) == 20


def test_reverse_and_restore_for_a_post_cover_its_share_idempotently(org, moderator):
    alice, bob = member(org, name="Alice"), member(org, name="Bob")
    share = confirmed_share(org, alice, at=timezone.now() - datetime.timedelta(days=2))
    clicks(org, share, timezone.localdate() - datetime.timedelta(days=1), 4)
    post = attributed_post(org, share, likes=12)
    confirmed_share(org, bob)
    _run(org)
    assert (_total(org, alice), _total(org, bob)) == (10 + 4 + 5, 10)
    with organization_scope(org):
        reversed_ = services.points_reverse_for_source(
            organization=org, actor=moderator, source_kind="monitoring.post", source_id=post.pk, note="Violation"
        )
        assert (reversed_.entries, reversed_.points, reversed_.members) == (3, -19, frozenset({alice.pk}))
        again = services.points_reverse_for_source(
            organization=org, actor=moderator, source_kind="content.share", source_id=share.pk, note="Replay"
        )
        assert again.entries == 0
    assert (_total(org, alice), _total(org, bob)) == (0, 10)
    with organization_scope(org):
        assert [e["user_id"] for e in ranking(organization=org, period="all")] == [bob.pk]
    # while reversed, the share earns no new clicks
    clicks(org, share, timezone.localdate(), 9)
    assert _run(org, now=timezone.now() + datetime.timedelta(days=1)).awarded == 0
    with organization_scope(org):
        restored = services.points_restore_for_source(
            organization=org, actor=moderator, source_kind="monitoring.post", source_id=post.pk, note="Appeal upheld"
        )
        assert (restored.entries, restored.points) == (3, 19)
        assert (
            services.points_restore_for_source(
                organization=org, actor=moderator, source_kind="monitoring.post", source_id=post.pk, note="Replay"
            ).entries
            == 0
        )
        # a second cycle: a later decision and a later appeal, each once
        assert (
            services.points_reverse_for_source(
                organization=org, actor=moderator, source_kind="content.share", source_id=share.pk, note="Again"
            ).entries
            == 3
        )
        assert (
            services.points_restore_for_source(
                organization=org, actor=moderator, source_kind="content.share", source_id=share.pk, note="Again"
            ).entries
            == 3
        )
        generations = set(
            PointsEntry.objects.exclude(kind=PointsEntry.Kind.AWARD).values_list("kind", "generation").distinct()
        )
        assert generations == {("reversal", 0), ("reversal", 1), ("restoration", 0), ("restoration", 1)}
        actions = list(AuditEvent.objects.filter(action__startswith="recognition.points_re").values_list("action"))
        assert len(actions) == 4  # replays write no audit record
    assert _total(org, alice) == 19
    # rebuilding from the ledger agrees with the rollups kept along the way
    with organization_scope(org):
        services.rollups_rebuild(organization=org)
    assert (_total(org, alice), _total(org, bob)) == (19, 10)


def test_reverse_for_source_needs_a_reason_and_changes_nothing_without(org, moderator):
    alice = member(org)
    share = confirmed_share(org, alice)
    _run(org)
    with organization_scope(org), pytest.raises(ValidationError):
        services.points_reverse_for_source(
            organization=org, actor=moderator, source_kind="content.share", source_id=share.pk, note=" "
        )
    with organization_scope(org):
        assert PointsEntry.objects.count() == 1
    assert _total(org, alice) == 10


def test_reverse_for_source_stays_in_its_organization(org, other_org, moderator):
    alice, zed = member(org), member(other_org)
    mine = confirmed_share(org, alice)
    theirs = confirmed_share(other_org, zed)
    _run(org)
    _run(other_org)
    with organization_scope(org):
        result = services.points_reverse_for_source(
            organization=org, actor=moderator, source_kind="content.share", source_id=theirs.pk, note="Not ours"
        )
    assert result.entries == 0
    assert (_total(org, alice), _total(other_org, zed)) == (10, 10)
    assert mine.pk != theirs.pk


def test_admins_leave_roles_off_the_boards(org, admin):
    alice, boss = member(org, name="Alice"), member(org, name="Boss", roles=("employee", "hr"))
    confirmed_share(org, alice)
    confirmed_share(org, boss)
    _run(org)
    with organization_scope(org):
        assert {e["user_id"] for e in ranking(organization=org, period="all")} == {alice.pk, boss.pk}
    _settings(org, admin, excluded_roles=["hr", "admin"])
    with organization_scope(org):
        assert [e["user_id"] for e in ranking(organization=org, period="all")] == [alice.pk]
    assert _total(org, boss) == 10  # still earns, just not ranked
    with organization_scope(org), pytest.raises(ValidationError, match="Unknown role"):
        services.recognition_settings_update(
            organization=org, actor=admin, points={}, daily_cap=60, leaderboards_enabled=True, excluded_roles=["ceo"]
        )
