"""Breakdowns of the dashboard by team, campaign, network, content item and member, with names: from the
rollups, plus one query per kind of name (teams, campaigns, items, members)."""

from __future__ import annotations

from advocacy.tenancy.models import Membership
from advocacy.tenancy.selectors import team_list
from content_library import selectors as content
from content_library.networks import Network
from recognition.selectors import board_visibility

from .figures import TOP, _grouped, _percent, _sums, _unsum, active_members, activity
from .periods import Filters

HIDDEN, ANONYMOUS = "hidden", "anonymous"
SHARER_CANDIDATES = 50  # top sharers are read from this many, then those who left the boards are dropped


def by_team(organization, f: Filters) -> dict:
    """Every team (those that did not share included), with its active members and participation."""
    rows = {row["team_id"]: row for row in _grouped(organization, f, "team_id")}
    teams = list(team_list(organization=organization).values_list("pk", "name", "member_count"))
    if f.team_id:
        teams = [team for team in teams if team[0] == f.team_id]
    result = []
    for pk, name, members in teams:
        row = rows.get(pk) or {"shares": 0, "clicks": 0, "engagement": 0, "reach": 0, "sharers": 0, "ctr": None}
        result.append({**row, "team_id": pk, "name": name, "members": members})
    for row in result:
        row["participation"] = _percent(row["sharers"], row["members"])
    result.sort(key=lambda row: (-row["shares"], row["name"].lower()))
    return {"rows": result, "silent": [row["name"] for row in result if not row["shares"]]}


def by_campaign(organization, f: Filters) -> list[dict]:
    rows = [row for row in _grouped(organization, f, "campaign_id") if row["campaign_id"] and row["shares"]]
    names = dict(
        content.campaign_list(organization=organization, with_item_count=False)
        .filter(pk__in=[row["campaign_id"] for row in rows])
        .values_list("pk", "name")
    )
    return [{**row, "name": names.get(row["campaign_id"], "")} for row in rows]


def by_network(organization, f: Filters) -> list[dict]:
    labels = dict(Network.choices)
    return [
        {**row, "name": labels.get(row["network"], row["network"])}
        for row in _grouped(organization, f, "network")
        if row["shares"] or row["clicks"] or row["posts"]
    ]


def top_content(organization, f: Filters) -> list[dict]:
    rows = [row for row in _grouped(organization, f, "content_id", limit=TOP + 1) if row["content_id"]][:TOP]
    rows = [row for row in rows if row["shares"] or row["clicks"]]
    titles = dict(
        content.library_list(organization=organization)
        .filter(pk__in=[row["content_id"] for row in rows])
        .values_list("pk", "title")
    )
    return [{**row, "name": titles.get(row["content_id"], "")} for row in rows]


def unshared_content(organization, f: Filters) -> dict:
    """Items live now that nobody shared in the period (the campaign filter applies; team and network do not
    change what is live)."""
    shared = activity(organization, f).filter(shares__gt=0, content_id__isnull=False).values("content_id")
    live = content.live_items(organization=organization).exclude(pk__in=shared)
    if f.campaign_id:
        live = live.filter(campaign_id=f.campaign_id)
    rows = list(live.order_by("-publish_at", "-id").values("pk", "title", "publish_at")[: TOP + 1])
    return {"rows": rows[:TOP], "more": len(rows) > TOP}


def _names(organization, user_ids) -> dict[int, str]:
    rows = Membership.objects.filter(organization=organization, user_id__in=user_ids).values_list(
        "user_id", "user__full_name", "user__email"
    )
    return {user_id: full_name or email.split("@")[0] for user_id, full_name, email in rows}


def top_sharers(organization, f: Filters) -> list[dict]:
    """The members who shared most (active members only). Those who left the recognition boards are not named
    here either; those who chose to appear anonymously appear as "A colleague"."""
    active = active_members(organization).values("user_id")
    rows = list(
        activity(organization, f)
        .filter(user_id__in=active)
        .order_by()
        .values("user_id")
        .annotate(**_sums(("shares", "clicks", "engagement")))
        .filter(shares_sum__gt=0)
        .order_by("-shares_sum", "-clicks_sum", "user_id")[:SHARER_CANDIDATES]
    )
    rows = [_unsum(row) for row in rows]
    ids = [row["user_id"] for row in rows]
    visibility = board_visibility(organization=organization, user_ids=ids)
    rows = [row for row in rows if visibility.get(row["user_id"]) != HIDDEN][:TOP]
    names = _names(organization, [row["user_id"] for row in rows])
    for row in rows:
        row["anonymous"] = visibility.get(row["user_id"]) == ANONYMOUS
        row["name"] = "" if row["anonymous"] else names.get(row["user_id"], "")
    return rows
