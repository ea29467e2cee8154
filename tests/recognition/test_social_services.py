"""Badges, kudos, rewards and stories: the services' rules (limits, every error at once, idempotent awarding,
stock and balance under concurrency, reversal when a kudos is hidden) and that nothing changes on a refusal."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from content_library.models import ContentItem
from recognition import selectors, services
from recognition.models import Badge, BadgeAward, Kudos, PointsEntry, PointsTotal, Redemption, Reward, Story
from tests.content_library.factories import png_bytes
from tests.recognition.factories import confirmed_share, member

pytestmark = pytest.mark.django_db


def _run(org, **kwargs):
    with organization_scope(org):
        return services.points_award_run(organization=org, **kwargs)


def _balance(org, user) -> tuple[int, int]:
    with organization_scope(org):
        return PointsTotal.objects.filter(user=user).values_list("points", "spent").first() or (0, 0)


def _badges(org, user) -> set[str]:
    with organization_scope(org):
        return set(BadgeAward.objects.filter(user=user).values_list("badge__key", flat=True))


def test_badges_are_awarded_by_the_runs_once(org):
    alice = member(org)
    for week in range(4):
        confirmed_share(org, alice, at=timezone.now() - datetime.timedelta(weeks=week, minutes=1))
    _run(org)
    assert _badges(org, alice) == {"first-share", "streak-4"}
    with organization_scope(org):
        assert services.badges_evaluate(organization=org, user_ids=[alice.pk]) == 0
        assert BadgeAward.objects.count() == 2
        assert [a.badge.key for a in selectors.unseen_badges(organization=org, user=alice)]
        services.badge_notices_seen(organization=org, actor=alice)
        assert selectors.unseen_badges(organization=org, user=alice) == []


def test_kudos_daily_limit_errors_and_points(org):
    alice, bob = member(org, name="Alice"), member(org, name="Bob")
    outsider_share = confirmed_share(org, alice)
    with organization_scope(org):
        with pytest.raises(ValidationError) as problems:
            services.kudos_give(organization=org, actor=alice, receiver_id=alice.pk, message=" ", share_id="x")
        assert set(problems.value.message_dict) == {"receiver", "message", "share"}
        with pytest.raises(ValidationError) as problems:  # a share that is not the receiver's
            services.kudos_give(
                organization=org, actor=alice, receiver_id=bob.pk, message="hi", share_id=outsider_share.pk
            )
        assert set(problems.value.message_dict) == {"share"}
        for i in range(services.KUDOS_PER_DAY):
            services.kudos_give(organization=org, actor=alice, receiver_id=bob.pk, message=f"Thanks {i}")
        with pytest.raises(ValidationError, match="most for one day"):
            services.kudos_give(organization=org, actor=alice, receiver_id=bob.pk, message="one more")
        assert Kudos.objects.count() == services.KUDOS_PER_DAY
    assert "first-kudos-given" in _badges(org, alice)
    _run(org)
    assert _balance(org, bob)[0] == 5 * services.KUDOS_PER_DAY


def test_a_hidden_kudos_takes_its_points_back(org, admin):
    alice, bob, carol = member(org), member(org), member(org)
    with organization_scope(org):
        kudos = services.kudos_give(organization=org, actor=alice, receiver_id=bob.pk, message="Great post")
    _run(org)
    with organization_scope(org):
        services.kudos_report(organization=org, actor=carol, kudos=kudos, reason="Sarcastic")
        with pytest.raises(ValidationError, match="already reported"):
            services.kudos_report(organization=org, actor=carol, kudos=kudos, reason="Again")
        assert len(selectors.kudos_reports_open(organization=org)) == 1
        services.kudos_resolve(organization=org, actor=admin, kudos=kudos, hide=True, note="Not kind")
        assert selectors.kudos_reports_open(organization=org) == []
        assert selectors.kudos_wall(organization=org).paginator.count == 0
        assert AuditEvent.objects.filter(action="recognition.kudos_hidden").count() == 1
    assert _balance(org, bob)[0] == 0


def _reward(org, admin, *, cost=30, stock=1, name="Coffee voucher"):
    with organization_scope(org):
        return services.reward_save(organization=org, actor=admin, name=name, cost=cost, stock=stock)


def test_reward_errors_at_once_and_nothing_created(org, admin):
    with organization_scope(org), pytest.raises(ValidationError) as problems:
        services.reward_save(organization=org, actor=admin, name="", cost=0, stock=-1)
    assert set(problems.value.message_dict) == {"name", "cost", "stock"}
    with organization_scope(org):
        assert not Reward.objects.exists()


def test_redeeming_debits_the_ledger_but_not_the_boards(org, admin):
    alice = member(org)
    for minute in range(4):
        confirmed_share(org, alice, at=timezone.now() - datetime.timedelta(minutes=minute + 1))
    _run(org)
    reward = _reward(org, admin, cost=30, stock=2)
    with organization_scope(org):
        first = services.redemption_request(organization=org, actor=alice, reward=reward)
        with pytest.raises(ValidationError, match="left to spend"):  # 40 earned, 30 asked for already
            services.redemption_request(organization=org, actor=alice, reward=reward)
        services.redemption_approve(organization=org, actor=admin, redemption=first)
        with pytest.raises(ValidationError, match="already decided"):
            services.redemption_approve(organization=org, actor=admin, redemption=first)
        entry = PointsEntry.objects.get(kind=PointsEntry.Kind.REDEMPTION)
        assert (entry.points, entry.source_id) == (-30, first.pk)
        assert Reward.objects.get().stock == 1
        assert services.points_left(organization=org, user=alice) == 10
        assert selectors.ranking(organization=org, period="all")[0]["points"] == 40  # the boards rank earnings
        services.rollups_rebuild(organization=org)
    assert _balance(org, alice) == (40, 30)


def test_declining_needs_a_reason_and_debits_nothing(org, admin):
    alice = member(org)
    confirmed_share(org, alice)
    _run(org)
    reward = _reward(org, admin, cost=10)
    with organization_scope(org):
        asked = services.redemption_request(organization=org, actor=alice, reward=reward)
        with pytest.raises(ValidationError, match="Say why"):
            services.redemption_decline(organization=org, actor=admin, redemption=asked, note="")
        services.redemption_decline(organization=org, actor=admin, redemption=asked, note="Out of season")
        assert Redemption.objects.get().status == "declined"
        assert not PointsEntry.objects.filter(kind="redemption").exists()
    assert _balance(org, alice) == (10, 0)


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_never_take_stock_below_zero(org, admin):
    alice, bob = member(org), member(org)
    confirmed_share(org, alice)
    confirmed_share(org, bob)
    _run(org)
    reward = _reward(org, admin, cost=10, stock=1)
    with organization_scope(org):
        asks = [services.redemption_request(organization=org, actor=u, reward=reward) for u in (alice, bob)]
    outcomes = []
    barrier = threading.Barrier(2)

    def approve(redemption):
        try:
            with organization_scope(org):
                barrier.wait()
                services.redemption_approve(organization=org, actor=admin, redemption=redemption)
            outcomes.append("approved")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve, args=(ask,)) for ask in asks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["This reward is out of stock.", "approved"]
    with organization_scope(org):
        assert Reward.objects.get().stock == 0
        assert PointsEntry.objects.filter(kind="redemption").count() == 1


def test_story_flow_points_wins_and_content(org, admin):
    alice = member(org)
    share = confirmed_share(org, alice)
    picture = SimpleUploadedFile("win.png", png_bytes(), content_type="image/png")
    with organization_scope(org):
        with pytest.raises(ValidationError) as problems:
            services.story_submit(organization=org, actor=alice, title="", what_happened="", share_ids=[999999])
        assert set(problems.value.message_dict) == {"title", "what_happened", "shares"}
        assert not Story.objects.exists()
        story = services.story_submit(
            organization=org,
            actor=alice,
            title="Our post won a client",
            what_happened="A prospect saw my share and called.",
            result="A signed contract.",
            picture=picture,
            share_ids=[share.pk],
        )
        assert selectors.wins(organization=org).paginator.count == 0
        services.story_decide(organization=org, actor=admin, story=story, approve=True)
        services.milestone_announce(organization=org, actor=admin, title="We launched", what_happened="v2 is out")
        assert selectors.wins(organization=org).paginator.count == 2
    _run(org)
    assert _balance(org, alice)[0] == 10 + 30
    with organization_scope(org):
        item = services.story_to_content(organization=org, actor=admin, story=story)
        assert (item.kind, item.status, item.title) == ("text", "draft", "Our post won a client")
        assert item.image
        with pytest.raises(ValidationError, match="already in the library"):
            services.story_to_content(organization=org, actor=admin, story=story)
        assert ContentItem.objects.filter(title="Our post won a client").count() == 1


def test_admin_badges_by_hand_and_their_own(org, admin):
    alice = member(org)
    picture = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
    with organization_scope(org):
        with pytest.raises(ValidationError) as problems:
            services.badge_create(organization=org, actor=admin, name="", rule="nonsense", threshold=0)
        assert set(problems.value.message_dict) == {"name", "rule", "threshold"}
        hero = services.badge_create(
            organization=org, actor=admin, name="Launch hero", rule=Badge.Rule.MANUAL, threshold=None, picture=picture
        )
        assert hero.picture
        with pytest.raises(ValidationError) as problems:
            services.badge_award_by_hand(organization=org, actor=admin, badge=hero, user=alice, note="")
        assert set(problems.value.message_dict) == {"note"}
        services.badge_award_by_hand(organization=org, actor=admin, badge=hero, user=alice, note="Ran the launch")
        with pytest.raises(ValidationError, match="already have"):
            services.badge_award_by_hand(organization=org, actor=admin, badge=hero, user=alice, note="again")
        assert AuditEvent.objects.filter(action="recognition.badge_awarded").count() == 1
        five = services.badge_create(organization=org, actor=admin, name="Five shares", rule="shares", threshold=5)
    for minute in range(5):
        confirmed_share(org, alice, at=timezone.now() - datetime.timedelta(minutes=minute + 1))
    _run(org)
    with organization_scope(org):
        assert BadgeAward.objects.filter(badge=five, user=alice).exists()
