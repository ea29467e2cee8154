"""Each figure of the dashboard against the hand-computed values of tests/analytics/data.py: period boundaries in
the organization's time zone, bots, deactivated members, opt-outs, filters."""

import datetime

import pytest

from advocacy.tenancy.context import organization_scope
from analytics import selectors
from analytics.selectors import Filters

from .data import END, FIGURES, PERIOD, PREVIOUS, START, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(org, admin):
    return build(org, admin)


def _dashboard(org, filters=PERIOD):
    with organization_scope(org):
        return selectors.dashboard(organization=org, filters=filters)


def test_headline_figures_of_the_period_and_the_one_before(org, data):
    board = _dashboard(org)
    current, previous = board["current"], board["previous"]
    for key, value in FIGURES.items():
        assert current[key] == value, key
    for key, value in PREVIOUS.items():
        assert previous[key] == value, key
    assert board["config"]["currency"] == "EUR"


def test_sentiment_of_members_posts_and_of_brand_mentions(org, data):
    current = _dashboard(org)["current"]
    assert current["post_sentiment"] == {"positive": 1, "neutral": 0, "negative": 1, "scored": 2, "net": 0}
    assert current["mentions"] == 3
    assert current["mention_sentiment"] == {"positive": 2, "neutral": 0, "negative": 1, "scored": 3, "net": 33}
    assert _dashboard(org)["previous"]["mention_sentiment"]["neutral"] == 1


def test_the_trend_has_every_day_of_the_period_in_the_organizations_time_zone(org, data):
    points = {p["day"]: p for p in _dashboard(org)["series"]}
    assert list(points) == [START + datetime.timedelta(days=n) for n in range(7)]
    assert points[datetime.date(2026, 11, 10)]["shares"] == 1  # s2 (s1 is 11-09 in New York)
    assert points[datetime.date(2026, 11, 16)]["shares"] == 1  # s3 at 23:30 local
    assert points[datetime.date(2026, 11, 12)]["shares"] == 2
    assert points[datetime.date(2026, 11, 11)]["shares"] == 0
    assert points[datetime.date(2026, 11, 10)]["clicks"] == 10
    assert sum(p["mentions"] for p in points.values()) == 3


def test_long_periods_are_shown_by_week(org, data):
    filters = Filters(start=datetime.date(2026, 9, 1), end=END, period="custom")
    series = _dashboard(org, filters)["series"]
    assert all(p["day"].weekday() == 0 for p in series)
    assert sum(p["shares"] for p in series) == 5  # s1 as well
    assert sum(p["clicks"] for p in series) == 20


def test_filters_by_team_campaign_and_network(org, data):
    sales = _dashboard(org, Filters(start=START, end=END, team_id=data["sales"].pk))["current"]
    assert (sales["shares"], sales["sharers"], sales["members"], sales["participation"]) == (2, 2, 2, 100.0)
    launch = _dashboard(org, Filters(start=START, end=END, campaign_id=data["launch"].pk))["current"]
    assert (launch["shares"], launch["clicks"]) == (1, 3)  # s3
    x = _dashboard(org, Filters(start=START, end=END, network="x"))["current"]
    assert (x["shares"], x["clicks"], x["reach"]) == (2, 13, 1000)


def test_breakdowns_by_team_with_the_teams_that_did_not_share(org, data):
    teams = _dashboard(org)["teams"]
    rows = {row["name"]: row for row in teams["rows"]}
    assert rows["Sales"]["shares"] == 2 and rows["Sales"]["participation"] == 100.0
    assert rows["Support"]["shares"] == 2 and rows["Support"]["members"] == 1  # dave is deactivated
    assert teams["silent"] == ["Legal"]


def test_campaigns_networks_and_content(org, data):
    board = _dashboard(org)
    assert [(r["name"], r["shares"]) for r in board["campaigns"]] == [("Launch", 1)]
    assert {r["network"]: r["shares"] for r in board["networks"]} == {"x": 2, "linkedin": 1, "mastodon": 1}
    content = {r["name"]: (r["shares"], r["clicks"]) for r in board["content"]}
    assert content == {"Culture post": (3, 12), "Launch post": (1, 3)}
    assert [r["title"] for r in board["unshared"]["rows"]] == ["Nobody shares this"]


def test_top_sharers_respect_the_board_preferences_and_leave_out_former_members(org, data):
    sharers = _dashboard(org)["sharers"]
    # bob left the boards, dave is deactivated, carol appears anonymously
    assert [(r["name"], r["anonymous"], r["shares"]) for r in sharers] == [("Alice", False, 1), ("", True, 1)]


def test_clicks_from_bots_never_reach_the_figures(org, admin):
    """A click through the real redirect path: a link-preview bot is redirected and not counted, a person is."""
    from content_library import links
    from tests.content_library.factories import ShareFactory
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(organization=org, user=user)
    share = ShareFactory(
        organization=org, user=user, status="confirmed", confirmed_at=datetime.datetime.now(datetime.UTC)
    )
    links.client().delete(links.stream_key(org.pk))
    for agent in ("Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", "facebookexternalhit/1.1", "LinkedInBot/1.0"):
        links.record_click(share.code, fingerprint=agent, countable=links.is_countable(agent))
    links.flush_clicks(organization=org)
    with organization_scope(org):
        selectors_today = selectors.local_today(selectors.organization_zone(org))
        from analytics.services import rollup_refresh

        rollup_refresh(organization=org)
        figures = selectors.dashboard(organization=org, filters=selectors.default_filters(selectors_today))
    assert figures["current"]["clicks"] == 1
    assert figures["current"]["shares"] == 1


def test_headlines_carry_the_change_on_the_period_before(org, data):
    lines = {line["key"]: line for line in selectors.headlines(_dashboard(org))}
    assert lines["shares"]["change"] == {"delta": 3, "percent": 300, "direction": "up"}
    assert lines["clicks"]["change"]["percent"] == 200
    assert lines["ctr"]["change"]["direction"] == "down"
    assert lines["reach"]["change"] == {"delta": 1200, "percent": None, "direction": "up"}
