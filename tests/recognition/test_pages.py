"""The leaderboard page: who may see it, dense ranks with ties, near you, leaving the public boards, the
admin's switch, and a query count that does not grow with the members."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from recognition import services
from recognition.models import DEFAULT_POINTS, BoardPreference, Reason, RecognitionSettings
from recognition.sources import Candidate
from tests.factories import MembershipFactory, TeamFactory
from tests.recognition.factories import member

pytestmark = pytest.mark.django_db
_source_ids = itertools.count(1)


def give(org, user, points: int):
    """Award `points` (in shares of 10, an approved suggestion for 5s) through the awarding service."""
    now = timezone.now() - datetime.timedelta(minutes=5)
    candidates = []
    for _ in range(points // 10):
        candidates.append(Candidate(user.pk, Reason.SHARE_CONFIRMED, "content.share", next(_source_ids), now))
    for _ in range(points % 10 // 5):
        candidates.append(Candidate(user.pk, Reason.POLICY_ON_TIME, "policies.acknowledgement", next(_source_ids), now))
    with organization_scope(org):
        RecognitionSettings.objects.get_or_create(organization=org, defaults={"daily_cap": 10000})
        services.points_award(organization=org, candidates=candidates)


def url(org, **query):
    base = reverse("recognition_board", kwargs={"org_slug": org.slug})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows(response):
    """(rank, name, points) of the top ten as rendered."""
    return [(row.rank, row.name or "A colleague", row.points) for row in response.context["board"].top]


def test_dense_ranks_ties_shown_as_ties(org, employee, client_for):
    ann, ben, cal = member(org, name="Ann"), member(org, name="Ben"), member(org, name="Cal")
    give(org, ann, 20)
    give(org, ben, 20)
    give(org, cal, 10)
    give(org, employee, 5)
    response = client_for(employee).get(url(org))
    assert response.status_code == 200
    assert rows(response) == [(1, "Ann", 20), (1, "Ben", 20), (2, "Cal", 10), (3, employee.full_name, 5)]
    board = response.context["board"]
    assert (board.viewer_rank, board.viewer_points) == (3, 5)
    assert "Ann" in response.content.decode()


def test_near_you_and_own_rank_past_the_top_ten(org, employee, client_for):
    people = [member(org, name=f"Person {i:02d}") for i in range(14)]
    for i, person in enumerate(people):
        give(org, person, 200 - 10 * i)
    give(org, employee, 55)  # below everyone
    board = client_for(employee).get(url(org)).context["board"]
    assert len(board.top) == 10
    assert board.viewer_rank == 15
    assert [row.name for row in board.near] == ["Person 12", "Person 13", employee.full_name]
    assert board.near[-1].is_viewer


def test_opt_out_as_a_colleague_or_hidden(org, employee, client_for):
    ann, ben = member(org, name="Ann Private"), member(org, name="Ben Hidden")
    give(org, ann, 30)
    give(org, ben, 20)
    give(org, employee, 10)
    client_for(ann).post(reverse("recognition_visibility", kwargs={"org_slug": org.slug}), {"visibility": "anonymous"})
    client = client_for(ben)
    client.post(reverse("recognition_visibility", kwargs={"org_slug": org.slug}), {"visibility": "hidden"})
    own = client.get(url(org)).context["board"]
    assert (own.viewer_rank, own.viewer_points, own.viewer_hidden) == (2, 20, True)  # they still see their place

    response = client_for(employee).get(url(org))
    page = response.content.decode()
    assert "Ann Private" not in page and "Ben Hidden" not in page and "A colleague" in page
    assert rows(response) == [(1, "A colleague", 30), (2, employee.full_name, 10)]
    bad = client_for(employee).post(
        reverse("recognition_visibility", kwargs={"org_slug": org.slug}), {"visibility": "x"}
    )
    assert bad.status_code == 302
    with organization_scope(org):
        assert not BoardPreference.objects.filter(user=employee).exists()


def test_periods_and_team_boards(org, employee, client_for):
    team = TeamFactory(organization=org, name="Sales")
    seller = member(org, name="Sal Seller", team=team)
    give(org, seller, 10)
    give(org, employee, 15)
    with organization_scope(org):
        old = timezone.now() - datetime.timedelta(days=400)
        services.points_award(
            organization=org,
            candidates=[Candidate(seller.pk, Reason.SHARE_CONFIRMED, "content.share", next(_source_ids), old)],
        )
    client = client_for(employee)
    assert rows(client.get(url(org, team=team.pk))) == [(1, "Sal Seller", 10)]
    assert rows(client.get(url(org, period="all")))[0] == (1, "Sal Seller", 20)
    assert rows(client.get(url(org, period="quarter"))) == [(1, employee.full_name, 15), (2, "Sal Seller", 10)]
    assert client.get(url(org, period="decade")).status_code == 404


def test_another_organizations_team_is_404(org, other_org, employee, client_for):
    theirs = TeamFactory(organization=other_org, name="Theirs")
    assert client_for(employee).get(url(org, team=theirs.pk)).status_code == 404
    assert client_for(employee).get(url(org, team="abc")).status_code == 404


def test_non_members_get_404_and_strangers_sign_in(org, other_admin, client_for, client):
    assert client.get(url(org)).status_code == 302
    assert client_for(other_admin).get(url(org)).status_code == 404


def test_only_admins_switch_the_boards_off(org, admin, employee, client_for):
    give(org, employee, 10)
    switch = reverse("recognition_switch", kwargs={"org_slug": org.slug})
    assert client_for(employee).post(switch, {"enabled": "off"}).status_code == 403
    with organization_scope(org):
        assert RecognitionSettings.objects.get().leaderboards_enabled
    assert client_for(admin).post(switch, {"enabled": "off"}).status_code == 302
    response = client_for(employee).get(url(org))
    page = response.content.decode()
    assert "Leaderboards are switched off" in page and "board" not in response.context
    assert "Switch leaderboards" not in page  # the employee has no switch
    assert [points for _, points in response.context["own"]] == [10, 10, 10, 10]


def test_nobody_is_told_to_post(org, employee, client_for):
    page = client_for(employee).get(url(org)).content.decode().lower()
    for pressure in ("share more", "post more", "you should", "don't fall behind", "climb"):
        assert pressure not in page


def _queries(client, org) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(org, period="month")).status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_members(org, employee, client_for):
    give(org, employee, 10)
    for i in range(3):
        give(org, member(org, name=f"Small {i}"), 10 * (i + 1))
    client = client_for(employee)
    client.get(url(org))  # the session's first page
    small = _queries(client, org)
    for i in range(25):
        person = member(org, name=f"Large {i}")
        give(org, person, 10 * (i % 7 + 1))
        if i % 5 == 0:
            with organization_scope(org):
                services.board_preference_set(organization=org, actor=person, visibility="anonymous")
    assert _queries(client, org) == small


def test_admin_sets_points_and_cap_with_every_error_at_once(org, admin, employee, client_for):
    settings_url = reverse("recognition_settings", kwargs={"org_slug": org.slug})
    assert client_for(employee).get(settings_url).status_code == 403
    client = client_for(admin)
    assert client.get(settings_url).status_code == 200
    bad = client.post(
        settings_url, {"daily_cap": "-1", "points_share_confirmed": "abc", "points_suggestion_approved": "5000"}
    )
    assert bad.status_code == 200
    form = bad.context["form"]
    assert {"daily_cap", "points_share_confirmed", "points_suggestion_approved", "points_policy_on_time"} <= set(
        form.errors
    )
    with organization_scope(org):
        assert not RecognitionSettings.objects.exists()
    good = {
        "daily_cap": "40",
        "points_share_confirmed": "7",
        "points_suggestion_approved": "30",
        "points_policy_on_time": "0",
        "leaderboards_enabled": "on",
        "clicks_per_share_per_day": "15",
        "excluded_roles": ["admin", "hr"],
    } | {
        f"points_{reason}": str(points)
        for reason, points in DEFAULT_POINTS.items()
        if reason not in ("share_confirmed", "suggestion_approved", "policy_on_time")
    }
    assert client.post(settings_url, good).status_code == 302
    with organization_scope(org):
        row = RecognitionSettings.objects.get()
        assert (row.daily_cap, row.points["share_confirmed"], row.points["policy_on_time"]) == (40, 7, 0)
        assert (row.clicks_per_share_per_day, row.excluded_roles) == (15, ["admin", "hr"])
        assert AuditEvent.objects.filter(action="recognition.settings_changed", actor=admin).count() == 1
    page = client_for(employee).get(url(org)).content.decode()
    assert "Points and daily cap" not in page


def test_a_renamed_person_shows_on_the_boards_of_each_of_their_organizations(org, other_org, employee, client_for):
    """The board is cached per organization; a person's new name is found in every organization they belong
    to (tenancy.caching.organizations_of_person: their own memberships, read across organizations)."""
    ann = member(org, name="Ann")
    MembershipFactory(organization=other_org, user=ann)
    colleague = member(other_org, name="Colleague")
    give(org, ann, 20)
    give(other_org, ann, 10)
    assert rows(client_for(colleague).get(url(other_org)))[0] == (1, "Ann", 10)
    client = client_for(employee)
    assert rows(client.get(url(org)))[0] == (1, "Ann", 20)
    ann.full_name = "Ann Renamed"
    ann.save()
    assert rows(client.get(url(org)))[0] == (1, "Ann Renamed", 20)
    assert rows(client_for(colleague).get(url(other_org)))[0] == (1, "Ann Renamed", 10)
