"""The analytics pages: who sees what (a refused change changes nothing), the filtered view's own address, clear
messages for bad filters, the settings form, exports (formula cells escaped, audited), the weekly summary, the
home page's headline, and a query count that does not grow with the data."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advocacy.audit.models import AuditEvent
from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from analytics.models import AnalyticsSettings, SummarySubscription
from analytics.services import rollup_range
from analytics.summary import weekly_summary_send
from tests.content_library.factories import ContentItemFactory, ShareFactory
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .data import build

pytestmark = pytest.mark.django_db
PERIOD_QUERY = "?period=custom&start=2026-11-10&end=2026-11-16"


def url(org, name, query=""):
    return reverse(name, kwargs={"org_slug": org.slug}) + query


def test_the_admin_sees_the_dashboard_with_its_figures(org, admin, client_for):
    build(org, admin)
    response = client_for(admin).get(url(org, "analytics_dashboard", PERIOD_QUERY))
    assert response.status_code == 200
    page = response.content.decode()
    assert "60%" in page  # participation
    assert "27.00" in page and "1,200 reach ÷ 1,000 × 10.00 CPM + 15 clicks × 1.00 CPC" in page
    assert "Teams that have not shared:</strong> Legal" in page
    assert "Nobody shares this" in page
    assert "A colleague" in page and "Bob" not in page.split("Top sharers")[1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=custom", "Choose the first day of the custom period."),
        ("?period=custom&start=2026-11-20&end=2026-11-10", "The first day must be on or before the last day."),
        ("?period=custom&start=2026-11-10&end=2099-01-01", "The period cannot end after today."),
        ("?period=custom&start=2020-01-01&end=2026-11-10", "A period is at most 366 days long."),
        ("?period=decade", "Select a valid choice."),
        ("?network=myspace", "Select a valid choice."),
        ("?team=abc", "That team does not exist in this organization."),
    ],
)
def test_invalid_filters_say_what_is_wrong(org, admin, client_for, query, message):
    response = client_for(admin).get(url(org, "analytics_dashboard", query))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Fix the filters above to see the figures." in page


def test_a_team_or_campaign_of_another_organization_is_refused(org, other_org, admin, client_for):
    foreign = TeamFactory(organization=other_org, name="Theirs")
    response = client_for(admin).get(url(org, "analytics_dashboard", f"?team={foreign.pk}"))
    assert "That team does not exist in this organization." in response.content.decode()
    response = client_for(admin).get(url(org, "analytics_export", f"?table=teams&team={foreign.pk}"))
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("role", "name", "status"),
    [
        ("employee", "analytics_dashboard", 403),
        ("hr", "analytics_dashboard", 403),
        ("moderator", "analytics_dashboard", 403),
        ("employee", "analytics_compliance", 403),
        ("hr", "analytics_compliance", 200),
        ("admin", "analytics_compliance", 200),
        ("employee", "analytics_impact", 200),
        ("hr", "analytics_settings", 403),
        ("employee", "analytics_export_bundle", 403),
    ],
)
def test_who_sees_which_page(request, client_for, org, role, name, status):
    member = request.getfixturevalue(role)
    assert client_for(member).get(url(org, name)).status_code == status


def test_a_refused_change_changes_nothing(org, admin, hr, employee, client_for):
    with organization_scope(org):
        AnalyticsSettings.objects.create(organization=org, cpm=5, cpc=2)
    for member in (hr, employee):
        response = client_for(member).post(url(org, "analytics_settings"), {"cpm": "99", "cpc": "9", "currency": "GBP"})
        assert response.status_code == 403
        response = client_for(member).post(url(org, "analytics_summary"), {"subscribe": "1"})
        assert response.status_code == 403
    with organization_scope(org):
        row = AnalyticsSettings.objects.get()
        assert (row.cpm, row.cpc, row.currency) == (Decimal(5), Decimal(2), "USD")
        assert not SummarySubscription.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="analytics.").exists()


def test_the_settings_form_shows_every_error_at_once_and_keeps_what_was_typed(org, admin, client_for):
    client = client_for(admin)
    response = client.post(url(org, "analytics_settings"), {"cpm": "-1", "cpc": "abc", "currency": "dollars"})
    page = response.content.decode()
    assert "Enter zero or more." in page and "Enter a number." in page and "three-letter currency code" in page
    assert 'value="dollars"' in page
    with organization_scope(org):
        assert not AnalyticsSettings.objects.exists()
    response = client.post(url(org, "analytics_settings"), {"cpm": "12.50", "cpc": "0.80", "currency": "eur"})
    assert response.status_code == 302
    with organization_scope(org):
        row = AnalyticsSettings.objects.get()
        assert (row.cpm, row.cpc, row.currency) == (Decimal("12.50"), Decimal("0.80"), "EUR")
        assert AuditEvent.objects.filter(action="analytics.settings_changed", actor=admin).count() == 1


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_exports_escape_formulas_and_are_audited(org, admin, client_for):
    data = build(org, admin)
    with organization_scope(org):
        type(data["item2"]).objects.filter(pk=data["item2"].pk).update(title='=HYPERLINK("http://evil.example")')
    rollup_range(organization=org, start=datetime.date(2026, 11, 10), end=datetime.date(2026, 11, 16))
    client = client_for(admin)
    response = client.get(url(org, "analytics_export", PERIOD_QUERY + "&table=content"))
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][0] == "content item"
    assert ['\'=HYPERLINK("http://evil.example")', "3", "12", "4.0", "8", "1200"] in rows
    headline = _csv(client.get(url(org, "analytics_export", PERIOD_QUERY + "&table=headline")))
    assert ["Shares", "4", "1", "3"] in headline
    with organization_scope(org):
        event = AuditEvent.objects.filter(action="analytics.exported").order_by("pk").first()
    assert event.data["what"] == "content" and event.data["filters"]["start"] == "2026-11-10"


def test_the_bundle_has_a_csv_per_table_the_member_may_see(org, admin, hr, client_for):
    build(org, admin)
    response = client_for(admin).get(url(org, "analytics_export_bundle", PERIOD_QUERY))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert {"headline.csv", "trend.csv", "teams.csv", "sharers.csv", "acknowledgements.csv", "training.csv"} <= set(
        names
    )
    response = client_for(hr).get(url(org, "analytics_export_bundle", PERIOD_QUERY))
    assert sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == [
        "acknowledgements.csv",
        "overdue.csv",
        "training.csv",
    ]
    assert client_for(hr).get(url(org, "analytics_export", "?table=sharers")).status_code == 403


def test_unknown_table_is_404(org, admin, client_for):
    assert client_for(admin).get(url(org, "analytics_export", "?table=secrets")).status_code == 404


def test_my_impact_shows_my_own_figures(org, admin, client_for):
    data = build(org, admin)
    response = client_for(data["alice"]).get(url(org, "analytics_impact", PERIOD_QUERY + "&team=999"))
    assert response.status_code == 200  # My impact has no team filter: the parameter is ignored
    page = response.content.decode()
    assert "My impact" in page and "Points and rank" in page
    assert response.context["mine"]["current"]["shares"] == 1
    assert response.context["mine"]["current"]["clicks"] == 10


def test_compliance_for_hr_by_policy_team_and_course(org, hr, employee, client_for):
    from advocacy.tenancy.models import Membership
    from policies.services.acknowledgements import acknowledge
    from tests.policies.factories import published_policy
    from tests.policies.training_factories import assign, published_course

    policy, version = published_policy(org, title="Social media policy")
    with organization_scope(org):
        acknowledge(organization=org, actor=hr, version=version)
    course = published_course(org, title="Posting safely")
    assign(org, course, hr, days=7)
    assign(org, course, employee, days=1)
    from policies.models import CourseAssignment

    with organization_scope(org):  # a due date that passed (the service refuses one in the past)
        CourseAssignment.objects.filter(user=employee).update(due_on=datetime.date.today() - datetime.timedelta(days=2))
    with organization_scope(org):  # everyone active is in the policy's audience (the trainers the course made too)
        members = Membership.objects.filter(organization=org, is_active=True).count()
    response = client_for(hr).get(url(org, "analytics_compliance"))
    assert response.status_code == 200
    acks, training = response.context["acknowledgements"], response.context["training"]
    assert [(r["title"], r["total"], r["acknowledged"]) for r in acks["rows"]] == [("Social media policy", members, 1)]
    assert acks["percent"] == round(100 / members, 1)
    assert [(r["title"], r["assigned"], r["completed"], r["overdue"]) for r in training["rows"]] == [
        ("Posting safely", 2, 0, 1)
    ]
    assert [p["email"] for p in training["overdue_people"]] == [employee.email]
    page = response.content.decode()
    assert "Social media policy" in page and "Posting safely" in page


def test_the_weekly_summary_reaches_subscribed_admins_once_a_week(org, admin, employee, client_for):
    build(org, admin)
    client_for(admin).post(url(org, "analytics_summary"), {"subscribe": "1"})
    with organization_scope(org):
        SummarySubscription.objects.create(organization=org, user=employee)  # not an admin: gets nothing
        assert weekly_summary_send(organization=org, today=datetime.date(2026, 11, 17)) == 1
        assert weekly_summary_send(organization=org, today=datetime.date(2026, 11, 18)) == 0
        sent = OutgoingMail.objects.get(to=admin.email)
    assert "Shares: 4 (before: 1, +300%)" in sent.body
    assert "Teams that did not share: Legal" in sent.body
    assert "period=custom&start=2026-11-10&end=2026-11-16" in sent.body


def test_the_home_page_shows_the_headline_to_admins_only(org, admin, employee, client_for):
    home = reverse("org_home", kwargs={"org_slug": org.slug})
    assert "Advocacy, last 30 days" in client_for(admin).get(home).content.decode()
    assert "Advocacy, last 30 days" not in client_for(employee).get(home).content.decode()


def _grow(org, n):
    team = TeamFactory(organization=org)
    for _ in range(n):
        user = UserFactory()
        MembershipFactory(organization=org, user=user, team=team)
        item = ContentItemFactory(organization=org)
        ShareFactory(
            organization=org,
            user=user,
            content=item,
            status="confirmed",
            confirmed_at=datetime.datetime(2026, 11, 12, 15, tzinfo=datetime.UTC),
        )
    rollup_range(organization=org, start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 20))


def _count(client, org, clear_cache):
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(org, "analytics_dashboard", PERIOD_QUERY)).status_code == 200
    return len(queries)


def test_the_dashboard_query_count_does_not_grow_with_the_data(org, admin, client_for, clear_cache):
    build(org, admin)
    client = client_for(admin)
    small = _count(client, org, clear_cache)
    _grow(org, 15)
    assert _count(client, org, clear_cache) == small
