"""The API for business-intelligence tools: the same figures, series and breakdowns as the page, the same
permissions, 400 for bad filters."""

import pytest

from .data import FIGURES, build

pytestmark = pytest.mark.django_db
QUERY = "?period=custom&start=2026-11-10&end=2026-11-16"


def api(org, tail=""):
    return f"/api/v1/o/{org.slug}/analytics/{tail}"


def test_figures_series_and_breakdowns(org, admin, client_for):
    data = build(org, admin)
    client = client_for(admin)
    figures = client.get(api(org, QUERY)).json()
    assert figures["period"]["previous_start"] == "2026-11-03"
    current = figures["current"]
    assert (current["shares"], current["clicks"], current["reach"], current["sharers"]) == (4, 15, 1200, 3)
    assert current["participation"] == FIGURES["participation"] and current["emv"] == "27.00"
    assert figures["prices"]["currency"] == "EUR"
    series = client.get(api(org, "series/" + QUERY)).json()
    assert series["by"] == "day" and len(series["points"]) == 7
    assert sum(p["shares"] for p in series["points"]) == 4
    breakdowns = client.get(api(org, "breakdowns/" + QUERY + f"&team={data['sales'].pk}")).json()
    assert [t["name"] for t in breakdowns["teams"]] == ["Sales"]
    assert breakdowns["content_without_shares"] == ["Nobody shares this"]
    mine = client_for(data["alice"]).get(api(org, "me/" + QUERY)).json()
    assert (mine["current"]["shares"], mine["current"]["clicks"]) == (1, 10)


def test_bad_filters_answer_400_with_the_reason(org, admin, client_for):
    response = client_for(admin).get(api(org, "?period=custom&start=2026-11-20&end=2026-11-10"))
    assert response.status_code == 400
    assert "on or before the last day" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "tail", "status"),
    [
        ("employee", "", 403),
        ("hr", "series/", 403),
        ("hr", "compliance/", 200),
        ("employee", "compliance/", 403),
        ("employee", "me/", 200),
        ("moderator", "breakdowns/", 403),
    ],
)
def test_same_permissions_as_the_pages(request, org, client_for, role, tail, status):
    assert client_for(request.getfixturevalue(role)).get(api(org, tail)).status_code == status


def test_another_organization_is_404(org, other_admin, client_for):
    assert client_for(other_admin).get(api(org)).status_code == 404
