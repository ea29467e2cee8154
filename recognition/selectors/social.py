"""Reads of the wall, badges, rewards, stories and member profiles. Each list is one or two queries whatever
its size (select_related, bounded pages); look-ups by id answer 404 for missing and someone else's alike."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import Http404

from advocacy.tenancy.models import Membership
from content_library.models import Share

from ..models import Badge, BadgeAward, BoardPreference, Kudos, KudosReport, Redemption, Reward, Story
from .boards import leaderboard, own_points

WALL_PAGE = 20


def _get(model, pk, **filters):
    if not str(pk).isdigit():
        raise Http404
    found = model.objects.filter(pk=pk, **filters).first()
    if found is None:
        raise Http404
    return found


def get_member_for_org(organization, user_id) -> Membership:
    """An active member of the organization, by user id (404 otherwise)."""
    if not str(user_id).isdigit():
        raise Http404
    membership = Membership.objects.active().filter(user_id=user_id).select_related("user", "team").first()
    if membership is None:
        raise Http404
    return membership


def get_badge_for_org(organization, badge_id) -> Badge:
    return _get(Badge, badge_id)


def get_kudos_for_org(organization, kudos_id) -> Kudos:
    return _get(Kudos, kudos_id)


def get_reward_for_org(organization, reward_id) -> Reward:
    return _get(Reward, reward_id)


def get_redemption_for_org(organization, redemption_id) -> Redemption:
    return _get(Redemption, redemption_id)


def get_story_for_org(organization, story_id) -> Story:
    return _get(Story, story_id)


def member_choices(*, organization, exclude_user=None) -> list[tuple[int, str]]:
    """Active members to thank, by name."""
    rows = Membership.objects.active().values_list("user_id", "user__full_name", "user__email")
    choices = [
        (uid, name or email.split("@")[0]) for uid, name, email in rows if uid != getattr(exclude_user, "pk", None)
    ]
    return sorted(choices, key=lambda c: c[1].lower())


def shares_of(*, organization, user, limit: int = 50):
    return list(
        Share.objects.filter(user=user, status=Share.Status.CONFIRMED)
        .select_related("content")
        .order_by("-confirmed_at")[:limit]
    )


def kudos_wall(*, organization, page=1, receiver=None):
    """Visible kudos, newest first, a page at a time, with giver, receiver and share's item."""
    kudos = Kudos.objects.filter(hidden_at__isnull=True).select_related("giver", "receiver", "share__content")
    if receiver is not None:
        kudos = kudos.filter(receiver=receiver)
    return Paginator(kudos.order_by("-created_at", "-id"), WALL_PAGE).get_page(page)


def kudos_reports_open(*, organization):
    return list(
        KudosReport.objects.filter(resolved_at__isnull=True)
        .select_related("kudos__giver", "kudos__receiver", "reporter")
        .order_by("created_at")[:100]
    )


def badge_list(*, organization):
    return list(Badge.objects.order_by("rule", "threshold", "name"))


def badges_of(*, organization, user):
    return list(BadgeAward.objects.filter(user=user, badge__is_active=True).select_related("badge"))


def unseen_badges(*, organization, user):
    """Badges the member has not seen the notice of yet (shown on their pages until they dismiss it)."""
    return list(BadgeAward.objects.filter(user=user, seen_at__isnull=True).select_related("badge")[:5])


def badges_announced(*, organization, user, since: datetime.datetime):
    """Badges the member earned since a moment: for a weekly digest to announce."""
    return list(BadgeAward.objects.filter(user=user, awarded_at__gte=since).select_related("badge"))


def reward_list(*, organization, include_inactive=False):
    rewards = Reward.objects.all() if include_inactive else Reward.objects.filter(is_active=True)
    return list(rewards.order_by("cost", "name"))


def redemptions_of(*, organization, user):
    return list(Redemption.objects.filter(user=user).select_related("reward").order_by("-requested_at")[:50])


def redemptions_pending(*, organization):
    return list(
        Redemption.objects.filter(status=Redemption.Status.REQUESTED)
        .select_related("reward", "user")
        .order_by("requested_at")[:200]
    )


def wins(*, organization, page=1):
    """Published stories and milestones, newest first."""
    stories = Story.objects.filter(status=Story.Status.APPROVED).select_related("author")
    return Paginator(stories.order_by("-published_at", "-id"), WALL_PAGE).get_page(page)


def stories_pending(*, organization):
    return list(
        Story.objects.filter(status=Story.Status.SUBMITTED).select_related("author").order_by("submitted_at")[:200]
    )


def stories_of(*, organization, user):
    return list(Story.objects.filter(author=user, kind=Story.Kind.STORY).order_by("-submitted_at")[:50])


def member_profile(*, organization, membership, viewer, may_manage: bool) -> dict:
    """A member's points, all-time rank (unless they left the boards and the viewer is someone else), badges
    and the kudos they received."""
    user = membership.user
    visibility = BoardPreference.objects.filter(user=user).values_list("visibility", flat=True).first()
    is_self = user.pk == viewer.pk
    show_rank = is_self or may_manage or visibility in (None, BoardPreference.Visibility.SHOWN)
    board = leaderboard(organization=organization, viewer=user, period="all") if show_rank else None
    return {
        "member": membership,
        "is_self": is_self,
        "points": own_points(organization=organization, user=user),
        "rank": board.viewer_rank if board else None,
        "board_size": board.size if board else 0,
        "badges": badges_of(organization=organization, user=user),
        "kudos": kudos_wall(organization=organization, receiver=user),
    }
