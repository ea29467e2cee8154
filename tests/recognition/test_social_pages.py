"""The recognition pages: the wall, rewards, wins, stories, profiles and badges. Permissions (a denied request
changes nothing), every error at once with what was typed kept, and constant query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from recognition import services
from recognition.models import Badge, BadgeAward, Kudos, PointsEntry, Redemption, Reward, Story
from tests.content_library.factories import png_bytes
from tests.recognition.factories import confirmed_share, member

pytestmark = pytest.mark.django_db


def u(org, name, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def _run(org):
    with organization_scope(org):
        services.points_award_run(organization=org)


def test_give_kudos_from_the_wall_and_see_it_on_the_profile(org, employee, client_for):
    bob = member(org, name="Bob Builder")
    client = client_for(employee)
    page = client.get(u(org, "recognition_wall"))
    assert page.status_code == 200 and "Bob Builder" in page.content.decode()
    bad = client.post(u(org, "recognition_kudos_give"), {"receiver": "", "message": "x" * 600})
    assert bad.status_code == 400
    assert set(bad.context["errors"]) == {"receiver", "message"}
    assert "x" * 600 in bad.content.decode()  # what was typed is kept
    ok = client.post(u(org, "recognition_kudos_give"), {"receiver": bob.pk, "message": "Thanks for the <b>demo</b>"})
    assert ok.status_code == 302
    wall = client.get(u(org, "recognition_wall")).content.decode()
    assert "Thanks for the &lt;b&gt;demo&lt;/b&gt;" in wall
    _run(org)
    profile = client.get(u(org, "recognition_member", member_user_id=bob.pk))
    assert profile.status_code == 200
    assert profile.context["points"]["all"] == 5
    assert profile.context["kudos"].paginator.count == 1


def test_member_actions_denied_without_the_action_change_nothing(org, employee, client_for):
    alice = member(org)
    with organization_scope(org):
        reward = Reward.objects.create(organization=org, name="Mug", cost=1, stock=5)
        story = services.story_submit(organization=org, actor=alice, title="Win", what_happened="It went well.")
        kudos = services.kudos_give(organization=org, actor=alice, receiver_id=employee.pk, message="Hi")
        redemption = Redemption.objects.create(organization=org, reward=reward, user=alice, cost=1)
    client = client_for(employee)
    denied = [
        u(org, "recognition_reward_create"),
        u(org, "recognition_reward_update", reward_id=reward.pk),
        u(org, "recognition_redemption_decide", redemption_id=redemption.pk),
        u(org, "recognition_story_decide", story_id=story.pk),
        u(org, "recognition_story_to_content", story_id=story.pk),
        u(org, "recognition_milestone_new"),
        u(org, "recognition_kudos_resolve", kudos_id=kudos.pk),
        u(org, "recognition_badge_create"),
        u(org, "recognition_badge_award"),
    ]
    for url in denied:
        assert client.post(url, {"decision": "approve", "name": "X", "cost": "5", "stock": "1"}).status_code == 403
    assert client.get(u(org, "recognition_badges")).status_code == 403
    with organization_scope(org):
        assert Reward.objects.get().stock == 5 and Reward.objects.count() == 1
        assert Redemption.objects.get().status == "requested"
        assert Story.objects.get().status == "submitted"
        assert Kudos.objects.get().hidden_at is None
        assert not Badge.objects.filter(key__isnull=True).exists()
        assert not PointsEntry.objects.exists()


def test_redeem_and_admin_approves(org, employee, admin, client_for):
    for minute in range(3):
        confirmed_share(org, employee, at=timezone.now() - datetime.timedelta(minutes=minute + 1))
    _run(org)
    bad = client_for(admin).post(u(org, "recognition_reward_create"), {"name": "", "cost": "x", "stock": "-2"})
    assert bad.status_code == 400 and set(bad.context["errors"]) == {"name", "cost", "stock"}
    client_for(admin).post(u(org, "recognition_reward_create"), {"name": "Team lunch", "cost": "25", "stock": "2"})
    with organization_scope(org):
        reward = Reward.objects.get()
    assert client_for(employee).get(u(org, "recognition_rewards")).context["left"] == 30
    client_for(employee).post(u(org, "recognition_reward_request", reward_id=reward.pk))
    assert client_for(employee).get(u(org, "recognition_rewards")).context["left"] == 5
    with organization_scope(org):
        redemption = Redemption.objects.get()
    client_for(admin).post(
        u(org, "recognition_redemption_decide", redemption_id=redemption.pk), {"decision": "approve"}
    )
    with organization_scope(org):
        assert Redemption.objects.get().status == "approved"
        assert Reward.objects.get().stock == 1
    assert client_for(employee).get(u(org, "recognition_rewards")).context["left"] == 5


def test_story_submit_keeps_input_and_admin_publishes_and_turns_it_into_content(org, employee, admin, client_for):
    bad = client_for(employee).post(
        u(org, "recognition_story_new"), {"title": "", "what_happened": "", "result": "A lot"}
    )
    assert bad.status_code == 400 and {"title", "what_happened"} <= set(bad.context["errors"])
    assert "A lot" in bad.content.decode()
    picture = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    client_for(employee).post(
        u(org, "recognition_story_new"),
        {"title": "A client called", "what_happened": "They saw my post.", "picture": picture},
    )
    with organization_scope(org):
        story = Story.objects.get()
    assert "A client called" in client_for(admin).get(u(org, "recognition_wins")).content.decode()
    assert (
        "A client called"
        not in client_for(employee).get(u(org, "recognition_wins")).content.decode().split("Your stories")[0]
    )
    client_for(admin).post(u(org, "recognition_story_decide", story_id=story.pk), {"decision": "approve"})
    response = client_for(admin).post(u(org, "recognition_story_to_content", story_id=story.pk))
    assert response.status_code == 302 and "/edit/" in response["Location"]
    with organization_scope(org):
        assert Story.objects.get().content_item_id


def test_admin_gives_a_badge_by_hand_and_the_member_sees_the_notice(org, employee, admin, client_for):
    assert client_for(admin).get(u(org, "recognition_badges")).status_code == 200
    client_for(admin).post(u(org, "recognition_badge_create"), {"name": "Launch crew", "rule": "manual"})
    with organization_scope(org):
        badge = Badge.objects.get(name="Launch crew")
    bad = client_for(admin).post(u(org, "recognition_badge_award"), {"badge": badge.pk, "user": "", "note": ""})
    assert bad.status_code == 400 and set(bad.context["errors"]) == {"user"}
    client_for(admin).post(
        u(org, "recognition_badge_award"), {"badge": badge.pk, "user": employee.pk, "note": "v2 launch"}
    )
    board = client_for(employee).get(u(org, "recognition_board")).content.decode()
    assert "New badge: Launch crew" in board
    client_for(employee).post(u(org, "recognition_notices_seen"), {"next": "https://evil.example/"})
    assert "New badge" not in client_for(employee).get(u(org, "recognition_board")).content.decode()
    with organization_scope(org):
        assert BadgeAward.objects.get().seen_at is not None


def test_a_foreign_badge_or_member_is_404_or_a_field_error(org, other_org, admin, client_for):
    stranger = member(other_org)
    with organization_scope(other_org):
        services.badges_ensure_built_in(organization=other_org)
        theirs = Badge.objects.order_by("pk").first()
    with organization_scope(org):
        services.badges_ensure_built_in(organization=org)
        mine = Badge.objects.order_by("pk").first()
    client = client_for(admin)
    assert client.post(u(org, "recognition_badge_award"), {"badge": theirs.pk, "user": stranger.pk}).status_code == 404
    response = client.post(u(org, "recognition_badge_award"), {"badge": mine.pk, "user": stranger.pk, "note": "x"})
    assert response.status_code == 400
    assert client.get(u(org, "recognition_member", member_user_id=stranger.pk)).status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_pages_query_counts_do_not_grow(org, employee, admin, client_for):
    def add(n):
        for i in range(n):
            giver, receiver = member(org), member(org)
            share = confirmed_share(org, receiver)
            with organization_scope(org):
                services.kudos_give(
                    organization=org, actor=giver, receiver_id=receiver.pk, message=f"Thanks {i}", share_id=share.pk
                )
                services.kudos_give(organization=org, actor=giver, receiver_id=employee.pk, message=f"You {i}")
                reward = Reward.objects.create(organization=org, name=f"R{Reward.objects.count()}", cost=1, stock=1)
                Redemption.objects.create(organization=org, reward=reward, user=receiver, cost=1)
                story = services.story_submit(organization=org, actor=receiver, title=f"S{i}", what_happened="x")
                services.story_decide(organization=org, actor=admin, story=story, approve=(i % 2 == 0), note="ok")
        _run(org)

    add(2)
    client = client_for(admin)
    pages = [
        u(org, "recognition_wall"),
        u(org, "recognition_rewards"),
        u(org, "recognition_wins"),
        u(org, "recognition_member", member_user_id=employee.pk),
        u(org, "recognition_badges"),
    ]
    client.get(pages[0])
    small = [_count(client, p) for p in pages]
    add(12)
    assert [_count(client, p) for p in pages] == small
