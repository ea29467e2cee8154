"""The acknowledgement report at size: the CSV export streams in bounded memory, the page's cached
summary follows every change, and the page's people query agrees with the report's selector."""

import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership, Team
from policies import selectors, services
from policies.models import PolicyTeam
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .factories import published_policy

pytestmark = pytest.mark.django_db


def _add_members(org, team, start, stop):
    """Members person-<i> (bulk: thousands of them), every third one having acknowledged nothing."""
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(email=f"bulk{i:05d}@example.com", full_name=f"Bulk Person {i:05d}") for i in range(start, stop)]
    )
    with organization_scope(org):
        Membership.objects.bulk_create(
            [Membership(organization=org, user=u, roles=[Role.EMPLOYEE], team=team) for u in users]
        )


def _export_peak(client, path) -> tuple[int, int]:
    """(rows received, peak bytes allocated while the streamed export was consumed)."""
    tracemalloc.start()
    try:
        response = client.get(path)
        assert response.status_code == 200 and response.streaming
        lines = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, peak


def test_csv_export_memory_does_not_grow_with_rows(org, hr, client_for):
    """4,000 then 10,000 rows: the export reads the people in chunks of 2,000 (at most two alive at once),
    so the peak memory while streaming stays the same; a list of all the members with their users and
    teams would take two and a half times as much at 10,000 as at 4,000."""
    team = TeamFactory(organization=org, name="Field")
    policy, version = published_policy(org, actor=hr)
    client = client_for(hr)
    path = f"/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/report.csv"
    _add_members(org, team, 0, 4000)
    client.get(path)  # warm imports and caches outside the measurement
    small_rows, small_peak = _export_peak(client, path)
    _add_members(org, team, 4000, 10000)
    large_rows, large_peak = _export_peak(client, path)
    assert large_rows - small_rows == 6000
    assert large_rows > 10000  # header + the 10,000 + the fixtures' members
    assert large_peak < small_peak * 1.2, (small_peak, large_peak)


def _page(client, org, policy, version, query=""):
    response = client.get(f"/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/report/{query}")
    assert response.status_code == 200
    return response


def test_report_counts_follow_acknowledgements_and_team_changes(org, hr, client_for):
    """The counts are cached; an acknowledgement, a member moving team and a team rename show at once."""
    red, blue = TeamFactory(organization=org, name="Red team"), TeamFactory(organization=org, name="Blue team")
    policy, version = published_policy(org, actor=hr)
    people = [MembershipFactory(organization=org, user=UserFactory(), team=red) for _ in range(3)]
    client = client_for(hr)
    page = _page(client, org, policy, version, f"?team={red.pk}")
    assert b"3 matches" in page.content
    with organization_scope(org):
        services.acknowledge(organization=org, actor=people[0].user, version=version)
    page = _page(client, org, policy, version, f"?team={red.pk}&status=acknowledged")
    assert b"1 match<" in page.content and people[0].user.email.encode() in page.content
    with organization_scope(org):
        people[1].team = blue
        people[1].save()
        blue.name = "Ocean team"
        blue.save()
    page = _page(client, org, policy, version, f"?team={red.pk}")
    assert b"2 matches" in page.content
    page = _page(client, org, policy, version, f"?team={blue.pk}&status=pending")
    assert b"1 match<" in page.content and b"Ocean team" in page.content and b"Blue team" not in page.content


def test_report_query_count_is_constant_cold_and_warm(org, hr, client_for):
    """Built (cold) and cached (warm) pages each cost the same at two sizes, with and without filters."""
    team = TeamFactory(organization=org, name="Field")
    policy, version = published_policy(org, actor=hr)
    client = client_for(hr)
    base = f"/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/report/"
    queries = [f"?team={team.pk}", "", "?status=pending", f"?team={team.pk}&status=acknowledged&page=2"]

    def measure():
        client.get(base)  # the session, the member and the sidebar, as on any page
        found = {}
        for query in queries:
            with organization_scope(org):  # any change (here a bulk update) makes the next page build again
                Team.objects.filter(organization=org, pk=team.pk).update(name="Field")
            with CaptureQueriesContext(connection) as cold:
                assert client.get(base + query).status_code == 200
            with CaptureQueriesContext(connection) as warm:
                assert client.get(base + query).status_code == 200
            found[query] = (len(cold), len(warm))
        return found

    _add_members(org, team, 0, 5)
    small = measure()
    _add_members(org, team, 5, 400)
    large = measure()
    assert small == large
    assert all(warm < cold for cold, warm in large.values())


FILTERS = [
    {},
    {"status": "acknowledged"},
    {"status": "pending"},
    {"status": "overdue"},
    {"search": "bulk0001"},
    {"status": "pending", "search": "person"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()) or "all")
def test_counts_match_the_people(org, hr, filters):
    """report_match_count (the page's pagination count, from the cached counts) equals the number of
    people report_people returns, for every filter without a search."""
    red, blue = TeamFactory(organization=org, name="Red"), TeamFactory(organization=org, name="Blue")
    policy, version = published_policy(org, actor=hr)
    _add_members(org, red, 0, 12)
    _add_members(org, blue, 12, 20)
    with organization_scope(org):
        for membership in Membership.objects.filter(organization=org, team=red).select_related("user")[:5]:
            services.acknowledge(organization=org, actor=membership.user, version=version)
        counts = selectors.report_counts(organization=org, version=version)
        for team_id in (None, red.pk, blue.pk):
            people = selectors.report_people(organization=org, version=version, team_id=team_id, **filters)
            if "search" not in filters:
                expected = selectors.report_match_count(counts, team_id=team_id, status=filters.get("status", ""))
                assert people.count() == expected
            acked = {person.ack_at is not None for person in people}
            if filters.get("status") == "acknowledged":
                assert acked <= {True}
            elif filters.get("status") in ("pending", "overdue"):
                assert acked <= {False}


PAGE_FILTERS = FILTERS + [{"search": "50%_"}, {"search": "BULK PERSON 0000"}, {"status": "acknowledged", "search": "1"}]


@pytest.mark.parametrize("filters", PAGE_FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()) or "all")
def test_page_query_returns_what_report_people_returns(org, hr, filters):
    """The report page's pages of people (ReportPeoplePage) and the selector the CSV and the API use
    agree: same people, same order, same acknowledgement times, with a team audience, page by page."""
    red, blue, green = (TeamFactory(organization=org, name=n) for n in ("Red", "Blue", "Green"))
    policy, version = published_policy(org, actor=hr)
    _add_members(org, red, 0, 12)
    _add_members(org, blue, 12, 20)
    _add_members(org, green, 20, 24)
    MembershipFactory(organization=org, user=UserFactory(full_name="Half 50%_ off"), team=red)
    with organization_scope(org):
        Membership.objects.filter(organization=org, user__email="bulk00003@example.com").update(is_active=False)
        members = Membership.objects.filter(organization=org, team=red, is_active=True).order_by("user__email")
        for membership in members.select_related("user")[:5]:
            services.acknowledge(organization=org, actor=membership.user, version=version)
        policy.audience_all = False
        policy.save()
        PolicyTeam.objects.bulk_create([PolicyTeam(organization=org, policy=policy, team=t) for t in (red, blue)])
        version = selectors._report_version(org, policy.pk, version.pk)
        for team_id in (None, red.pk, green.pk):
            expected = [
                (m.user.full_name, m.user.email, m.team.name if m.team else None, m.ack_at)
                for m in selectors.report_people(organization=org, version=version, team_id=team_id, **filters)
            ]
            page = selectors.ReportPeoplePage(organization=org, version=version, team_id=team_id, **filters)
            assert page.count() == len(expected)
            assert list(page[0:7]) + list(page[7:100]) == expected
            if team_id == green.pk:
                assert expected == []  # not in the audience


def test_by_team_card_shows_the_teams_needing_attention_and_links_to_all(org, hr, employee, client_for):
    """With many teams the report shows the ten with the most people pending; the teams page shows all,
    by name or most pending first. Staff without tracking rights get neither."""
    teams = [TeamFactory(organization=org, name=f"Team {i:02d}") for i in range(14)]
    for i, team in enumerate(teams):
        for _ in range(i + 1):  # Team 13 has the most people, all pending
            MembershipFactory(organization=org, team=team)
    policy, version = published_policy(org, actor=hr)
    client = client_for(hr)
    html = _page(client, org, policy, version).content.decode()
    card = html[html.index("<h2>By team</h2>") : html.index('id="people"')]
    shown = [f"Team {i:02d}" for i in range(14) if f">Team {i:02d}</a>" in card]
    assert shown == [f"Team {i:02d}" for i in range(4, 14)]  # the ten with the most pending
    assert "of 15" in card and "All 15 teams" in card  # the 14 and "No team" (the fixtures' staff)
    teams_url = f"/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/report/teams/"
    assert f'href="{teams_url}"' in card

    page = client.get(teams_url)
    assert page.status_code == 200
    body = page.content.decode()
    names = [f"Team {i:02d}" for i in range(14)]
    positions = [body.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)  # by name
    by_pending = client.get(teams_url + "?sort=pending").content.decode()
    assert by_pending.index(">Team 13</a>") < by_pending.index(">Team 00</a>")

    assert client_for(employee).get(teams_url).status_code in (403, 404)


def test_few_teams_are_all_shown_without_a_link(org, hr, client_for):
    for i in range(3):
        MembershipFactory(organization=org, team=TeamFactory(organization=org, name=f"Small {i}"))
    policy, version = published_policy(org, actor=hr)
    html = _page(client_for(hr), org, policy, version).content.decode()
    card = html[html.index("<h2>By team</h2>") : html.index('id="people"')]
    assert all(f">Small {i}</a>" in card for i in range(3)) and "teams/" not in card


def _reads(ctx) -> list[str]:
    """The statements of a request besides the savepoint of its scope (the test runs in a transaction)."""
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_cached_pages_of_people_follow_names_and_acknowledgements(org, hr, employee, client_for):
    """The report keeps its pages of people between changes: a second visit reads no database; a renamed
    person, a new acknowledgement or a member leaving shows on the next visit. A sign-in does not
    invalidate anything."""
    policy, version = published_policy(org, actor=hr)
    client = client_for(hr)
    _page(client, org, policy, version)
    with CaptureQueriesContext(connection) as ctx:
        html = _page(client, org, policy, version).content.decode()
    assert _reads(ctx) == []
    assert employee.email in html

    employee.full_name = "Renamed Person"
    employee.save()
    assert "Renamed Person" in _page(client, org, policy, version).content.decode()

    hr.save(update_fields=["last_login"])  # what a sign-in saves
    with CaptureQueriesContext(connection) as ctx:
        _page(client, org, policy, version)
    assert [q for q in _reads(ctx) if "accounts_user" not in q] == []  # only the signed-in user, reloaded

    with organization_scope(org):
        services.acknowledge(organization=org, actor=employee, version=version)
    html = _page(client, org, policy, version, "?status=acknowledged").content.decode()
    assert "Renamed Person" in html
    from advocacy.tenancy.services import membership_deactivate

    with organization_scope(org):
        membership = Membership.objects.get(organization=org, user=employee)
        membership_deactivate(organization=org, actor=hr, membership=membership)
    assert "Renamed Person" not in _page(client, org, policy, version).content.decode()


def test_a_warm_report_reads_redis_three_times_and_no_sql(org, hr, client_for, redis_commands):
    """Before the view, the organization and session, then the member, the person and the report's summary
    (fetched with them, its address names the version); while rendering, every cached fragment of the
    page (the by-team card, the two team lists, the page of people) in one more. No SQL at all."""
    team = TeamFactory(organization=org, name="Field")
    MembershipFactory(organization=org, user=UserFactory(), team=team)
    policy, version = published_policy(org, actor=hr)
    client = client_for(hr)
    for _ in range(3):  # versioned entries are stored from the second read on
        _page(client, org, policy, version, f"?team={team.pk}")
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        page = _page(client, org, policy, version, f"?team={team.pk}")
    assert redis_commands == ["MGET", "MGET", "MGET"]
    assert [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SET", "SELECT set_config"))
    ] == []
    assert b"Field" in page.content and b"1 match<" in page.content
