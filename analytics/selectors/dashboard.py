"""The dashboard as one value: the headline figures of the period and the one before, the trend, the
breakdowns. Cached per organization and filters through the one cache contract (caching.py)."""

from __future__ import annotations

from ..caching import dashboard_cache
from .breakdowns import by_campaign, by_network, by_team, top_content, top_sharers, unshared_content
from .figures import active_members, analytics_settings, series, totals
from .moderation import moderation_totals
from .periods import Filters

# (key, label, kind) of the headline figures; kind tells the template how to write the value
HEADLINES = (
    ("participation", "Participation", "percent"),
    ("shares", "Shares", "count"),
    ("clicks", "Human clicks", "count"),
    ("ctr", "Clicks per share", "ratio"),
    ("engagement", "Attributed engagement", "count"),
    ("reach", "Estimated reach", "count"),
    ("emv", "Earned media value", "money"),
)


def _compute(organization, f: Filters) -> dict:
    config = analytics_settings(organization)
    members = active_members(organization, f.team_id).count()
    return {
        "current": totals(organization, f, members=members, config=config),
        "previous": totals(organization, f.previous(), members=members, config=config),
        "series": series(organization, f),
        "teams": by_team(organization, f),
        "campaigns": by_campaign(organization, f),
        "networks": by_network(organization, f),
        "content": top_content(organization, f),
        "unshared": unshared_content(organization, f),
        "sharers": top_sharers(organization, f),
        "config": {"cpm": config.cpm, "cpc": config.cpc, "currency": config.currency},
        # the review queue is the organization's (the team, campaign and network filters do not apply to it)
        "moderation": {
            "current": moderation_totals(organization, f),
            "previous": moderation_totals(organization, f.previous()),
        },
    }


def dashboard(*, organization, filters: Filters) -> dict:
    return dashboard_cache.get_or_compute(
        (organization.pk,), "v2", *filters.key(), compute=lambda: _compute(organization, filters)
    )


def headline(*, organization, filters: Filters) -> dict:
    """The headline figures only (for the organization home page): a small entry of its own beside the
    dashboard's, so a page that shows only these unpickles only these."""

    def compute():
        data = dashboard(organization=organization, filters=filters)
        return {key: data[key] for key in ("current", "previous", "moderation", "config")}

    return dashboard_cache.get_or_compute((organization.pk,), "headline", *filters.key(), compute=compute)


def home_headline(*, organization, filters: Filters) -> dict:
    """The headline of the default period for the organization home page, under a key that names no date (so
    the page's request prefetch can name it without knowing the organization's time zone): a value kept for
    another period (yesterday's) is computed again."""

    def compute():
        return {**headline(organization=organization, filters=filters), "period": filters.key()}

    return dashboard_cache.get_or_compute(
        (organization.pk,),
        "home-headline",
        compute=compute,
        still_valid=lambda value: value.get("period") == filters.key(),
    )


def change(current, previous) -> dict:
    """How a figure moved: the difference and, when the previous value is not zero, the percentage."""
    if current is None or previous is None:
        return {"delta": None, "percent": None, "direction": "none"}
    delta = current - previous
    percent = round(100 * float(delta) / float(previous)) if previous else None
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    return {"delta": delta, "percent": percent, "direction": direction}


def headlines(data: dict) -> list[dict]:
    current, previous = data["current"], data["previous"]
    moderation = data["moderation"]
    lines = [
        {
            "key": key,
            "label": label,
            "kind": kind,
            "value": current[key],
            "previous": previous[key],
            "change": change(current[key], previous[key]),
        }
        for key, label, kind in HEADLINES
    ]
    lines.append(
        {
            "key": "sla",
            "label": "Flags decided within their service level",
            "kind": "percent",
            "value": moderation["current"]["in_time_percent"],
            "previous": moderation["previous"]["in_time_percent"],
            "change": change(moderation["current"]["in_time_percent"], moderation["previous"]["in_time_percent"]),
        }
    )
    return lines
