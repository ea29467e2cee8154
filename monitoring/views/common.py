"""What the monitoring pages share: pagination and the filters read from the query string."""

from __future__ import annotations

from django.core.paginator import Paginator

from advocacy.tenancy.selectors import get_team_for_org
from monitoring import selectors
from monitoring.models import Network

PAGE_SIZE = 25


def page_of(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def filters_from(request) -> dict:
    """The filters of a list page, each checked (an id from the query string is looked up in the organization:
    404 for another organization's)."""
    organization = request.organization
    get = request.GET
    team = get_team_for_org(organization, get["team"]) if get.get("team") else None
    rule = selectors.get_rule_for_org(organization, get["rule"]) if get.get("rule") else None
    period = get.get("period") if get.get("period") in selectors.PERIODS else selectors.DEFAULT_PERIOD
    return {
        "network": get.get("network") if get.get("network") in Network.values else "",
        "team": team,
        "sentiment": get.get("sentiment") if get.get("sentiment") in selectors.SENTIMENTS else "",
        "rule": rule,
        "flagged": get.get("flagged") == "1",
        "period": period,
    }
