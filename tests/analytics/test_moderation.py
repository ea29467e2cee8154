"""The moderation figures against hand-computed values: flags raised and decided per period (days in the
organization's time zone), decided by their due time, time to decision, violations; the page's permissions."""

import datetime

import pytest
from django.urls import reverse

from advocacy.tenancy.context import organization_scope
from analytics import selectors
from analytics.services import rollup_range
from content_library.models import ContentSettings
from monitoring.review.models import ReviewItem

from .data import PERIOD, at

pytestmark = pytest.mark.django_db


def _item(org, key, created, due, decided=None, outcome=""):
    state = ReviewItem.State.RESOLVED if decided else ReviewItem.State.OPEN
    return ReviewItem.objects.create(
        organization=org,
        target_key=key,
        created_at=at(created),
        due_at=at(due),
        decided_at=at(decided) if decided else None,
        state=state,
        outcome=outcome,
    )


@pytest.fixture
def queue(org):
    with organization_scope(org):
        ContentSettings.objects.create(organization=org, timezone="America/New_York")
        _item(org, "post:1", "2026-11-11T10:00", "2026-11-12T10:00", "2026-11-11T16:00", "violation")  # 6 h, in time
        _item(org, "post:2", "2026-11-12T10:00", "2026-11-12T14:00", "2026-11-13T10:00", "no_violation")  # 24 h, late
        _item(org, "post:3", "2026-11-14T10:00", "2026-11-15T10:00")  # open
        _item(org, "post:4", "2026-11-10T04:00", "2026-11-10T08:00")  # 11-09 in New York: the period before
    rollup_range(organization=org, start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 20))


def test_moderation_figures(org, queue):
    with organization_scope(org):
        data = selectors.moderation(organization=org, filters=PERIOD)
    current = data["current"]
    assert (current["raised"], current["decided"], current["decided_in_time"], current["violations"]) == (3, 2, 1, 1)
    assert (current["in_time_percent"], current["hours_to_decision"], current["violation_percent"]) == (
        50.0,
        15.0,
        50.0,
    )
    assert data["previous"]["raised"] == 1
    assert data["now"]["overdue"] == 2  # post:3 and post:4 are past their due time
    days = {p["day"]: (p["raised"], p["decided"]) for p in data["series"]}
    assert days[datetime.date(2026, 11, 11)] == (1, 1) and days[datetime.date(2026, 11, 13)] == (0, 1)


def test_the_dashboard_headline_shows_flags_decided_in_time(org, queue):
    with organization_scope(org):
        lines = {
            line["key"]: line for line in selectors.headlines(selectors.dashboard(organization=org, filters=PERIOD))
        }
    assert lines["sla"]["value"] == 50.0 and lines["sla"]["previous"] is None


@pytest.mark.parametrize(("role", "status"), [("moderator", 200), ("admin", 200), ("hr", 403), ("employee", 403)])
def test_who_sees_the_moderation_page(request, org, client_for, role, status):
    response = client_for(request.getfixturevalue(role)).get(
        reverse("analytics_moderation", kwargs={"org_slug": org.slug})
    )
    assert response.status_code == status


def test_the_api_gives_the_same_moderation_figures(org, moderator, employee, queue, client_for):
    path = f"/api/v1/o/{org.slug}/analytics/moderation/?period=custom&start=2026-11-10&end=2026-11-16"
    body = client_for(moderator).get(path).json()
    assert (body["current"]["raised"], body["current"]["in_time_percent"], body["overdue_now"]) == (3, 50.0, 2)
    assert client_for(employee).get(path).status_code == 403
