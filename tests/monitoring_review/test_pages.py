"""The queue and item pages, the member's pages, and the API: filters, overdue, counts, the same queries at two
sizes, every error at once, permission denied changes nothing, escaping, and the menus."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from monitoring.review import services
from monitoring.review.models import Appeal, Decision, Report, ReviewItem
from tests.monitoring_review.factories import flagged_item, member, policy, reported_item

pytestmark = pytest.mark.django_db


def url(org, name, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def test_the_queue_sorts_by_priority_then_due_marks_overdue_and_counts_states(org, moderator, client_for):
    low = reported_item(org, url="https://social.example/@a/1")
    high = flagged_item(org, severity="critical")
    with organization_scope(org):
        ReviewItem.objects.filter(pk=low.pk).update(due_at=timezone.now() - timedelta(hours=2), priority=1)
    page = client_for(moderator).get(url(org, "review_queue"))
    assert page.status_code == 200
    items = list(page.context["page"].object_list)
    assert [i.pk for i in items] == [high.pk, low.pk]
    assert page.context["counts"]["overdue"] == 1 and page.context["counts"]["open"] == 2
    assert b"review-row-overdue" in page.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("priority=4", "critical"),
        ("source=report", "reported"),
        ("category=confidential", "critical"),
        ("network=mastodon", "critical"),
        ("assignee=none", "both"),
        ("status=resolved", "none"),
    ],
)
def test_queue_filters(org, moderator, client_for, query, expected):
    reported = reported_item(org, url="https://social.example/@a/2")
    critical = flagged_item(org, severity="critical")
    found = {i.pk for i in client_for(moderator).get(url(org, "review_queue") + "?" + query).context["page"]}
    wanted = {"critical": {critical.pk}, "reported": {reported.pk}, "both": {critical.pk, reported.pk}, "none": set()}
    assert found == wanted[expected]


def test_team_and_assignee_filters_check_their_ids(org, other_org, moderator, client_for, team):
    user = member(org)
    with organization_scope(org):
        from advocacy.tenancy.models import Membership

        Membership.objects.filter(organization=org, user=user).update(team=team)
    mine = flagged_item(org, user=user)
    other = reported_item(org)
    with organization_scope(org):
        services.item_claim(organization=org, actor=moderator, item=other)
    client = client_for(moderator)
    assert {i.pk for i in client.get(url(org, "review_queue") + f"?team={team.pk}").context["page"]} == {mine.pk}
    assert {i.pk for i in client.get(url(org, "review_queue") + "?assignee=me").context["page"]} == {other.pk}
    from tests.factories import TeamFactory

    foreign = TeamFactory(organization=other_org, name="Theirs")
    page = client.get(url(org, "review_queue") + f"?team={foreign.pk}")
    assert page.context["filters"].team_id is None  # someone else's team is ignored, not used


def _queue_queries(client, org):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(org, "review_queue")).status_code == 200
    return len(queries)


def test_the_queue_takes_the_same_queries_at_two_sizes(org, moderator, client_for):
    client = client_for(moderator)
    for i in range(3):
        reported_item(org, url=f"https://social.example/@a/s{i}")
    flagged_item(org, text="a small leak")  # a member's item: their names are fetched for the page
    _queue_queries(client, org)  # the first request of a session warms the membership's caches
    small = _queue_queries(client, org)
    for i in range(40):
        reported_item(org, url=f"https://social.example/@a/l{i}")
    for i in range(5):
        flagged_item(org, text=f"leak {i}")
    _queue_queries(client, org)  # the writes made the cached counts stale: counted again once
    assert _queue_queries(client, org) == small


def _item_queries(client, org, item):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(org, "review_item", item_id=item.pk)).status_code == 200
    return len(queries)


def test_the_item_page_takes_the_same_queries_with_a_longer_history(org, moderator, client_for):
    client = client_for(moderator)
    item = reported_item(org, url="https://social.example/@a/h")
    _item_queries(client, org, item)  # warm the session's caches
    small = _item_queries(client, org, item)
    for i in range(5):
        reported_item(org, url="https://social.example/@a/h")
        with organization_scope(org):
            services.item_note(organization=org, actor=moderator, item=item, text=f"note {i}")
    assert _item_queries(client, org, item) == small


def test_the_item_page_highlights_matches_and_escapes_the_post(org, moderator, client_for):
    item = flagged_item(org, text="<script>alert(1)</script> the leak")
    page = client_for(moderator).get(url(org, "review_item", item_id=item.pk))
    assert b"<script>alert(1)" not in page.content
    assert b"&lt;script&gt;" in page.content
    assert b"<mark>leak</mark>" in page.content
    assert "Claim" in page.content.decode()


def test_employees_cannot_open_the_queue_and_a_denied_decision_changes_nothing(org, employee, client_for):
    item = reported_item(org)
    client = client_for(employee)
    assert client.get(url(org, "review_queue")).status_code == 403
    answer = client.post(
        url(org, "review_item_decide", item_id=item.pk),
        {"version": item.version, "outcome": "no_violation", "reasons": "x"},
    )
    assert answer.status_code == 403
    for name in ("review_item_claim", "review_item_escalate", "review_item_assign"):
        assert client.post(url(org, name, item_id=item.pk), {"to": "hr"}).status_code == 403
    with organization_scope(org):
        fresh = ReviewItem.objects.get(pk=item.pk)
        assert (fresh.state, fresh.version, fresh.decisions.count()) == ("open", item.version, 0)
    home = client.get(url(org, "review_my_record")).content.decode()
    assert "Review queue" not in home and "Report a post" in home and "My record" in home


def test_hr_reads_the_queue_but_cannot_decide(org, hr, client_for):
    item = reported_item(org)
    client = client_for(hr)
    assert client.get(url(org, "review_item", item_id=item.pk)).status_code == 200
    answer = client.post(url(org, "review_item_decide", item_id=item.pk), {"version": item.version})
    assert answer.status_code == 403


def test_a_decision_form_shows_every_error_at_once_and_keeps_what_was_typed(org, moderator, client_for):
    item = flagged_item(org)
    answer = client_for(moderator).post(
        url(org, "review_item_decide", item_id=item.pk),
        {"version": item.version, "outcome": "violation", "reasons": "My careful reasons", "suspension": "on"},
    )
    assert answer.status_code == 400
    form = answer.context["decide_form"]
    assert {"policy", "policy_section"} <= set(form.errors)
    assert "My careful reasons" in answer.content.decode()
    with organization_scope(org):
        assert not Decision.objects.filter(organization=org).exists()


def test_moderator_decides_and_the_member_sees_the_notice_and_appeals(org, moderator, hr, client_for):
    user = member(org)
    item = flagged_item(org, user=user)
    pol = policy(org)
    answer = client_for(moderator).post(
        url(org, "review_item_decide", item_id=item.pk),
        {
            "version": item.version,
            "outcome": "violation",
            "reasons": "Names an unannounced launch.",
            "policy": pol.pk,
            "policy_section": "§ 3 Confidentiality",
            "warning": "on",
            "suspension": "on",
            "suspension_days": "5",
        },
    )
    assert answer.status_code == 302
    record = client_for(user).get(url(org, "review_my_record"))
    text = record.content.decode()
    assert "Names an unannounced launch." in text and "§ 3 Confidentiality" in text
    assert "Your sharing is suspended" in text
    assert moderator.display_name not in text  # the member sees the reasons, not who decided
    with organization_scope(org):
        decision = Decision.objects.get(organization=org)
        assert decision.member_seen_at is not None
    empty = client_for(user).post(url(org, "review_appeal", decision_id=decision.pk), {"text": ""})
    assert empty.status_code == 400
    client_for(user).post(url(org, "review_appeal", decision_id=decision.pk), {"text": "It was already public."})
    with organization_scope(org):
        appeal_id = Appeal.objects.get(organization=org, decision_id=decision.pk).pk
    overturn = client_for(hr).post(
        url(org, "review_appeal_decide", appeal_id=appeal_id),
        {"decision": "overturn", "response": "Agreed, it was public."},
    )
    assert overturn.status_code == 302
    text = client_for(user).get(url(org, "review_my_record")).content.decode()
    assert "Your sharing is suspended" not in text and "overturned on appeal" in text


def test_an_employee_reports_anonymously_and_later_sees_the_outcome(org, moderator, client_for):
    reporter = member(org)
    client = client_for(reporter)
    bad = client.post(url(org, "review_report"), {"url": "nope", "description": ""})
    assert bad.status_code == 400 and {"url", "category", "description"} <= set(bad.context["form"].errors)
    good = client.post(
        url(org, "review_report"),
        {"url": "https://social.example/@x/77", "category": "offensive", "description": "Swears.", "anonymous": "on"},
    )
    assert good.status_code == 302
    assert "Under review" in client.get(url(org, "review_my_record")).content.decode()
    with organization_scope(org):
        item = Report.objects.get(organization=org).item
    page = client_for(moderator).get(url(org, "review_item", item_id=item.pk)).content.decode()
    assert "Anonymous" in page and reporter.display_name not in page
    with organization_scope(org):
        services.item_decide(
            organization=org, actor=moderator, item=item, version=item.version, outcome="no_violation", reasons="ok"
        )
    assert "no action needed" in client_for(reporter).get(url(org, "review_my_record")).content.decode()


def test_admins_set_service_levels_with_every_error_at_once(org, admin, moderator, client_for):
    assert client_for(moderator).get(url(org, "review_settings")).status_code == 403
    client = client_for(admin)
    bad = client.post(
        url(org, "review_settings"),
        {
            "critical_hours": "0",
            "high_hours": "4",
            "medium_hours": "24",
            "low_hours": "72",
            "claim_minutes": "1",
            "precision_threshold": "200",
            "legal_contact_email": "nope",
        },
    )
    assert bad.status_code == 400
    assert {"critical_hours", "claim_minutes", "precision_threshold", "legal_contact_email"} <= set(
        bad.context["form"].errors
    )
    good = client.post(
        url(org, "review_settings"),
        {
            "critical_hours": "2",
            "high_hours": "8",
            "medium_hours": "24",
            "low_hours": "96",
            "claim_minutes": "20",
            "precision_threshold": "40",
            "legal_contact_name": "Dana",
            "legal_contact_email": "dana@law.example",
        },
    )
    assert good.status_code == 302
    with organization_scope(org):
        assert services.settings_for(org).hours_for(4) == 2


def test_the_api_lists_items_decides_once_and_reports(org, moderator, employee, client_for):
    item = reported_item(org)
    other = member(org, Role.MODERATOR)
    api = f"/api/v1/o/{org.slug}/monitoring/"
    client = client_for(moderator)
    listed = client.get(api + "items/?priority=3")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [item.pk]
    decided = client.post(
        api + f"items/{item.pk}/decide/",
        {"version": item.version, "outcome": "no_violation", "reasons": "Fine."},
        content_type="application/json",
    )
    assert decided.status_code == 201
    again = client_for(other).post(
        api + f"items/{item.pk}/decide/",
        {"version": item.version, "outcome": "ignore", "reasons": "Fine."},
        content_type="application/json",
    )
    assert again.status_code == 409 and moderator.display_name in again.json()["error"]["message"]
    reporter = client_for(employee)
    assert reporter.get(api + "items/").status_code == 403
    made = reporter.post(
        api + "reports/",
        {"url": "https://social.example/@x/5", "category": "other", "description": "Hm."},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["outcome"] == "review"


def test_the_rules_page_highlights_a_rule_below_the_precision_threshold(org, moderator, client_for):
    from monitoring.review.models import ReviewSettings

    item = flagged_item(org)
    with organization_scope(org):
        services.item_decide(
            organization=org, actor=moderator, item=item, version=item.version, outcome="no_violation", reasons="Ok"
        )
        ReviewSettings.objects.create(organization=org, precision_threshold=50)
    page = client_for(moderator).get(url(org, "monitoring_rules")).content.decode()
    assert "0%" in page and "0 of 1" in page and "Below the threshold" in page
