"""Every non-trivial read of recognition: the settings (or their defaults) and the leaderboards, read from the
rollups (never by summing the ledger on a page request) through the cache contract."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.tenancy.models import Membership

from ..caching import board_cache
from ..models import (
    DEFAULT_CLICKS_PER_SHARE_PER_DAY,
    DEFAULT_DAILY_CAP,
    DEFAULT_POINTS,
    EARNING_REASONS,
    BoardPreference,
    PointsDaily,
    PointsTotal,
    RecognitionSettings,
)

PERIODS = {
    "week": _("This week"),
    "month": _("This month"),
    "quarter": _("This quarter"),
    "all": _("All time"),
}
DEFAULT_PERIOD = "week"
TOP = 10
NEAR = 2  # people shown just above and just below the member


@dataclass(frozen=True)
class Settings:
    leaderboards_enabled: bool
    points: dict[str, int]
    daily_cap: int
    clicks_per_share_per_day: int = DEFAULT_CLICKS_PER_SHARE_PER_DAY
    excluded_roles: tuple[str, ...] = ()

    def points_for(self, reason: str) -> int:
        return self.points.get(reason, DEFAULT_POINTS.get(reason, 0))

    @property
    def reasons(self) -> list[tuple[str, str, int]]:
        return [(reason.value, reason.label, self.points_for(reason.value)) for reason in EARNING_REASONS]


def recognition_settings(organization) -> Settings:
    row = RecognitionSettings.objects.filter(organization=organization).first()
    if row is None:
        return Settings(True, {r.value: p for r, p in DEFAULT_POINTS.items()}, DEFAULT_DAILY_CAP)
    points = {r.value: row.points.get(r.value, p) for r, p in DEFAULT_POINTS.items()}
    return Settings(
        row.leaderboards_enabled, points, row.daily_cap, row.clicks_per_share_per_day, tuple(row.excluded_roles)
    )


def _board_members(organization, team_id):
    """Active members who may be on the boards: of one team if asked, without the roles the admin left off."""
    members = Membership.objects.active()
    if team_id is not None:
        members = members.filter(team_id=team_id)
    excluded = RecognitionSettings.objects.values_list("excluded_roles", flat=True).first() or []
    if excluded:
        members = members.exclude(roles__overlap=excluded)
    return members


def period_start(period: str, today: datetime.date) -> datetime.date | None:
    """The first day of the period containing `today` (weeks start on Monday); None for all time."""
    if period == "week":
        return today - datetime.timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    if period == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return None


def _ranking(organization, period: str, start, team_id) -> list[dict]:
    """Members with points in the period (active members only; of one team if asked), most first, with
    their name and how they appear on the boards."""
    members = _board_members(organization, team_id)
    if start is None:
        rows = PointsTotal.objects.filter(points__gt=0, user_id__in=members.values("user_id")).values_list(
            "user_id", "points"
        )
    else:
        rows = (
            PointsDaily.objects.filter(day__gte=start, user_id__in=members.values("user_id"))
            .values("user_id")
            .annotate(total=Sum("points"))
            .filter(total__gt=0)
            .values_list("user_id", "total")
        )
    points = dict(rows)
    names = {
        user_id: (full_name or email.split("@")[0])
        for user_id, full_name, email in members.filter(user_id__in=list(points)).values_list(
            "user_id", "user__full_name", "user__email"
        )
    }
    visibility = dict(BoardPreference.objects.filter(user_id__in=list(points)).values_list("user_id", "visibility"))
    ranked = sorted(points.items(), key=lambda item: (-item[1], names.get(item[0], "").lower(), item[0]))
    return [
        {
            "user_id": user_id,
            "points": total,
            "name": names.get(user_id, ""),
            "visibility": visibility.get(user_id, BoardPreference.Visibility.SHOWN),
        }
        for user_id, total in ranked
    ]


def ranking(*, organization, period: str, team_id: int | None = None, today=None) -> list[dict]:
    today = today or timezone.localdate()
    start = period_start(period, today)
    return board_cache.get_or_compute(
        (organization.pk,),
        "ranking",
        period,
        start.isoformat() if start else "",
        team_id or 0,
        compute=lambda: _ranking(organization, period, start, team_id) or [],
    )


@dataclass
class Row:
    rank: int
    points: int
    name: str
    is_viewer: bool
    anonymous: bool


@dataclass
class Board:
    period: str
    top: list[Row] = field(default_factory=list)
    near: list[Row] = field(default_factory=list)
    viewer_rank: int | None = None  # None: no points in the period
    viewer_points: int = 0
    viewer_hidden: bool = False
    size: int = 0  # people on the public board


def _row(entry: dict, rank: int, viewer_id: int) -> Row:
    is_viewer = entry["user_id"] == viewer_id
    anonymous = entry["visibility"] == BoardPreference.Visibility.ANONYMOUS and not is_viewer
    return Row(rank, entry["points"], "" if anonymous else entry["name"], is_viewer, anonymous)


def leaderboard(*, organization, viewer, period: str, team_id: int | None = None, today=None) -> Board:
    """The top ten, the people near the viewer and the viewer's own rank, with dense ranks (equal points,
    equal rank). Members who left the public boards are not on them; one who did still sees the rank their
    points would hold."""
    entries = ranking(organization=organization, period=period, team_id=team_id, today=today)
    public = [e for e in entries if e["visibility"] != BoardPreference.Visibility.HIDDEN]
    ranks, rank, previous = [], 0, None
    for entry in public:
        if entry["points"] != previous:
            rank, previous = rank + 1, entry["points"]
        ranks.append(rank)
    board = Board(period=period, size=len(public))
    board.top = [_row(e, r, viewer.pk) for e, r in zip(public[:TOP], ranks[:TOP], strict=True)]
    own = next((e for e in entries if e["user_id"] == viewer.pk), None)
    if own is None:
        return board
    board.viewer_points = own["points"]
    board.viewer_hidden = own["visibility"] == BoardPreference.Visibility.HIDDEN
    if board.viewer_hidden:
        board.viewer_rank = 1 + len({e["points"] for e in public if e["points"] > own["points"]})
        return board
    index = next(i for i, e in enumerate(public) if e["user_id"] == viewer.pk)
    board.viewer_rank = ranks[index]
    if index >= TOP:  # near you: for a member outside the top ten
        low, high = max(index - NEAR, 0), index + NEAR + 1
        board.near = [_row(e, r, viewer.pk) for e, r in zip(public[low:high], ranks[low:high], strict=True)]
    return board


def board_preference(*, organization, user) -> str:
    row = BoardPreference.objects.filter(user=user).values_list("visibility", flat=True).first()
    return row or BoardPreference.Visibility.SHOWN


def board_visibility(*, organization, user_ids) -> dict[int, str]:
    """How each of these members chose to appear on the boards (shown, anonymous, hidden): for other apps that
    name members (analytics' top sharers)."""
    chosen = dict(
        BoardPreference.objects.filter(organization=organization, user_id__in=list(user_ids)).values_list(
            "user_id", "visibility"
        )
    )
    return {user_id: chosen.get(user_id, BoardPreference.Visibility.SHOWN) for user_id in user_ids}


def points_by_day(*, organization, user, start, end) -> dict:
    """The member's net points per day of [start, end] (days without points left out), from the rollup."""
    return dict(
        PointsDaily.objects.filter(organization=organization, user=user, day__gte=start, day__lte=end).values_list(
            "day", "points"
        )
    )


def own_points(*, organization, user, today=None) -> dict[str, int]:
    """The member's points per period, from the rollups."""
    today = today or timezone.localdate()
    result = {}
    for period in PERIODS:
        start = period_start(period, today)
        if start is None:
            result[period] = PointsTotal.objects.filter(user=user).values_list("points", flat=True).first() or 0
        else:
            result[period] = (
                PointsDaily.objects.filter(user=user, day__gte=start).aggregate(total=Sum("points"))["total"] or 0
            )
    return result
