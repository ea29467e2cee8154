"""One rule for "overdue" (policies.selectors.acknowledgement_state), and every page that lists a member's
policies says the same thing about each: the home page's banner and the policy list, for a policy due in
the past, today, later, with no due date, and acknowledged. The home page's list is cached; it still
turns overdue when the day changes without any write."""

import datetime
import re

import pytest
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from policies import selectors, services
from policies.models import PolicyVersion

from .factories import published_policy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CASES = {  # due date (days from today), acknowledged -> the state shown
    "past": (-5, False, "overdue"),
    "yesterday": (-1, False, "overdue"),
    "today": (0, False, "due"),
    "later": (10, False, "due"),
    "no due date": (None, False, "due"),
    "acknowledged late": (-5, True, "acknowledged"),
}


def state_on(html: str, title: str) -> str:
    """The state the page shows next to the policy: overdue / due / acknowledged / none."""
    start = html.index(title)
    near = html[start : start + 1500]
    found = re.search(r"Overdue · was due|Action required|Acknowledged", near)
    return {"Overdue · was due": "overdue", "Action required": "due", "Acknowledged": "acknowledged"}.get(
        found.group(0) if found else "", "none"
    )


def set_due(org, version, days):
    with organization_scope(org):
        due = None if days is None else TODAY + datetime.timedelta(days=days)
        PolicyVersion.objects.filter(pk=version.pk).update(due_on=due)  # as if the date had come
    return due


@pytest.mark.parametrize("case", list(CASES))
def test_the_home_page_and_the_policy_list_agree(case, org, hr, employee, client_for):
    days, acknowledged, expected = CASES[case]
    title = f"Policy due {case}"
    policy, version = published_policy(org, actor=hr, title=title)
    due = set_due(org, version, days)
    if acknowledged:
        with organization_scope(org):
            version.refresh_from_db()
            services.acknowledge(organization=org, actor=employee, version=version)
    client = client_for(employee)
    home = client.get(f"/o/{org.slug}/").content.decode()
    listing = client.get(f"/o/{org.slug}/policies/").content.decode()
    assert state_on(listing, title) == expected
    # the home page lists what is still to do: the same words for it, nothing once acknowledged
    if acknowledged:
        assert title not in home
    else:
        assert state_on(home, title) == expected
    if expected == "overdue":
        for html in (home, listing):
            assert f"Overdue · was due {due:%-d %b %Y}" in html
    with organization_scope(org):
        version.refresh_from_db()
        assert selectors.acknowledgement_state(version=version, acknowledged=acknowledged) == expected


def test_the_cached_home_page_turns_overdue_at_midnight(org, hr, employee, client_for, monkeypatch):
    title = "Due today"
    policy, version = published_policy(org, actor=hr, title=title)
    set_due(org, version, 0)
    client = client_for(employee)
    assert state_on(client.get(f"/o/{org.slug}/").content.decode(), title) == "due"  # the list is now cached
    tomorrow = TODAY + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert state_on(client.get(f"/o/{org.slug}/").content.decode(), title) == "overdue"
    assert state_on(client.get(f"/o/{org.slug}/policies/").content.decode(), title) == "overdue"


def test_the_policy_page_and_the_export_use_the_same_rule(org, hr, employee, client_for):
    policy, version = published_policy(org, actor=hr, title="Past due")
    set_due(org, version, -1)
    page = client_for(employee).get(f"/o/{org.slug}/policies/{policy.pk}/").content.decode()
    assert 'badge-danger">Overdue' in page
    export = client_for(hr).get(f"/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/report.csv")
    assert ",overdue," in b"".join(export.streaming_content).decode()


@pytest.mark.parametrize("case", ["yesterday", "today"])
def test_the_overdue_reminder_follows_the_same_rule(case, org, hr, employee, client_for):
    days, _, expected = CASES[case]
    policy, version = published_policy(org, actor=hr, title=f"Reminder due {case}")
    set_due(org, version, days)
    with organization_scope(org):
        sent = services.reminders_run(organization=org, today=TODAY)
    listing = client_for(employee).get(f"/o/{org.slug}/policies/").content.decode()
    assert state_on(listing, f"Reminder due {case}") == expected
    assert (sent["overdue"] > 0) == (expected == "overdue")
