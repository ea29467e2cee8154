"""The points ledger: idempotent awarding from what the other apps record, the daily cap, reversals, the
append-only table and rebuilding the rollups from the ledger."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from policies import services as policy_services
from policies.models import Acknowledgement
from recognition import services
from recognition.models import AwardState, PointsDaily, PointsEntry, PointsTotal, Reason
from recognition.tasks import award_points, award_points_all
from tests.content_library.factories import ShareFactory
from tests.policies.factories import make_policy, publish
from tests.recognition.factories import approved_suggestion, confirmed_share, member

pytestmark = pytest.mark.django_db


def _run(org, **kwargs):
    with organization_scope(org):
        return services.points_award_run(organization=org, **kwargs)


def _total(org, user) -> int:
    with organization_scope(org):
        return PointsTotal.objects.filter(user=user).values_list("points", flat=True).first() or 0


def test_awarding_is_idempotent_and_reads_only_what_happened(org, other_org):
    alice, bob = member(org, name="Alice"), member(org, name="Bob")
    confirmed_share(org, alice)
    confirmed_share(org, alice)
    confirmed_share(org, bob)
    approved_suggestion(org, bob)
    ShareFactory(organization=org, user=bob)  # prepared, never confirmed: earns nothing
    outsider = member(other_org)
    confirmed_share(other_org, outsider)

    first = _run(org)
    assert (first.awarded, first.points) == (4, 10 + 10 + 10 + 25)
    # a re-run, and a run over the whole history again (no watermark), award nothing twice
    assert _run(org).awarded == 0
    with organization_scope(org):
        AwardState.objects.update(watermark=None)
    assert _run(org).awarded == 0
    assert (_total(org, alice), _total(org, bob)) == (20, 35)
    with organization_scope(org):
        assert PointsEntry.objects.count() == 4
        assert set(PointsEntry.objects.values_list("reason", flat=True)) == {
            Reason.SHARE_CONFIRMED,
            Reason.SUGGESTION_APPROVED,
        }
    assert _total(other_org, outsider) == 0  # the other organization has its own run


def test_a_late_commit_behind_the_watermark_is_still_found(org):
    alice = member(org)
    now = timezone.now()
    _run(org, now=now)
    # confirmed before the last run's watermark, committed after it
    confirmed_share(org, alice, at=now - datetime.timedelta(minutes=3))
    assert _run(org, now=now + datetime.timedelta(minutes=1)).awarded == 1
    assert _total(org, alice) == 10


def test_policy_acknowledged_on_time_earns_late_does_not(org):
    alice, bob = member(org), member(org)
    today = timezone.localdate()
    version = publish(org, make_policy(org, title="Social"), due_on=today + datetime.timedelta(days=7))
    late = timezone.now() + datetime.timedelta(days=9)
    with organization_scope(org):
        policy_services.acknowledge(organization=org, actor=alice, version=version)
        # bob acknowledges two days after the due date (recorded as the policies app records it)
        Acknowledgement.objects.create(
            policy_id=version.policy_id,
            version=version,
            anchor=version,
            user=bob,
            user_email=bob.email,
            content_sha256=version.content_sha256,
            acknowledged_at=late,
        )
    assert _run(org, now=late + datetime.timedelta(minutes=1)).awarded == 1
    assert (_total(org, alice), _total(org, bob)) == (5, 0)


def test_daily_cap_per_member_and_day(org, admin):
    alice = member(org)
    with organization_scope(org):
        services.recognition_settings_update(
            organization=org, actor=admin, points={}, daily_cap=25, leaderboards_enabled=True
        )
    day = timezone.now() - datetime.timedelta(days=2)
    for minute in range(4):
        confirmed_share(org, alice, at=day + datetime.timedelta(minutes=minute))
    confirmed_share(org, alice, at=day + datetime.timedelta(days=1))
    result = _run(org)
    assert (result.awarded, result.points, result.capped) == (5, 35, 2)
    with organization_scope(org):
        points = list(PointsEntry.objects.order_by("occurred_at").values_list("points", flat=True))
        assert points == [10, 10, 5, 0, 10]
        assert sorted(PointsDaily.objects.values_list("points", flat=True)) == [10, 25]
    assert _run(org).awarded == 0  # a capped source is in the ledger too: never awarded later


def test_reversal_is_an_entry_once_per_award_and_audited(org, admin):
    alice = member(org)
    confirmed_share(org, alice)
    _run(org)
    with organization_scope(org):
        award = PointsEntry.objects.get()
        with pytest.raises(ValidationError) as problems:
            services.points_reverse(organization=org, actor=admin, entry=award, note="")
        assert problems.value.messages == ["Say why the points are taken back."]
        reversal = services.points_reverse(organization=org, actor=admin, entry=award, note="Post was removed")
        assert (reversal.kind, reversal.points, reversal.day) == ("reversal", -10, award.day)
        with pytest.raises(ValidationError, match="already taken back"):
            services.points_reverse(organization=org, actor=admin, entry=award, note="again")
        with pytest.raises(ValidationError, match="Only an award"):
            services.points_reverse(organization=org, actor=admin, entry=reversal, note="undo")
        assert PointsEntry.objects.count() == 2
        assert AuditEvent.objects.filter(action="recognition.points_reversed").count() == 1
    assert _total(org, alice) == 0
    assert _run(org).awarded == 0  # the reversed source is not awarded again


def test_the_ledger_is_append_only(org):
    confirmed_share(org, member(org))
    _run(org)
    with organization_scope(org):
        for sql in ("UPDATE recognition_pointsentry SET points = 99", "DELETE FROM recognition_pointsentry"):
            refused = "append-only|permission denied for table recognition_pointsentry"
            with pytest.raises(Exception, match=refused), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        assert list(PointsEntry.objects.values_list("points", flat=True)) == [10]


def test_rebuild_recomputes_the_rollups_from_the_ledger(org, admin):
    alice, bob = member(org), member(org)
    confirmed_share(org, alice, at=timezone.now() - datetime.timedelta(days=10))
    confirmed_share(org, alice)
    confirmed_share(org, bob)
    _run(org)
    with organization_scope(org):
        services.points_reverse(
            organization=org, actor=admin, entry=PointsEntry.objects.filter(user=bob).get(), note="removed"
        )
        PointsTotal.objects.update(points=999)
        PointsDaily.objects.filter(user=alice).delete()
    call_command("rebuild_recognition_rollups", "--organization", org.slug, stdout=open("/dev/null", "w"))
    assert (_total(org, alice), _total(org, bob)) == (20, 0)
    with organization_scope(org):
        assert sorted(PointsDaily.objects.filter(user=alice).values_list("points", flat=True)) == [10, 10]
        assert not PointsDaily.objects.filter(user=bob).exists()


def test_settings_report_every_error_at_once(org, admin):
    with organization_scope(org), pytest.raises(ValidationError) as problems:
        services.recognition_settings_update(
            organization=org,
            actor=admin,
            points={"share_confirmed": -1, "nonsense": 3},
            daily_cap=-5,
            leaderboards_enabled=True,
        )
    assert len(problems.value.messages) == 3


def test_beat_task_fans_out_and_awards(org, other_org):
    from advocacy.celery import app

    alice, zed = member(org), member(other_org)
    confirmed_share(org, alice)
    confirmed_share(other_org, zed)
    app.conf.task_always_eager = True  # Celery read its settings at start-up: the app's own switch
    try:
        assert award_points_all() >= 2
    finally:
        app.conf.task_always_eager = False
    assert (_total(org, alice), _total(other_org, zed)) == (10, 10)
    assert award_points(org.pk) == 0
