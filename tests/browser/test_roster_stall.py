"""An admin finds a roster import that stalled (its worker was killed) and resumes it, in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, RosterImport

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [f"person{n}@acme-test.example" for n in range(1, 9)]


@pytest.fixture
def eager(monkeypatch):
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


def test_admin_resumes_a_stalled_import(org, admin, sign_in, screenshot, eager):
    with organization_scope(org):
        roster_import = RosterImport.objects.create(
            organization=org,
            uploaded_by=admin,
            filename="people.csv",
            content="email\n" + "\n".join(PEOPLE) + "\n",
            status="running",
            total_rows=len(PEOPLE),
            heartbeat_at=timezone.now() - timedelta(minutes=12),
        )
    page = sign_in(admin)
    page.goto(f"{page.base}/o/{org.slug}/invitations/")
    expect(page.get_by_text("Stalled", exact=True)).to_be_visible()  # the badge in the recent imports
    page.get_by_role("link", name="people.csv").click()
    expect(page.get_by_role("heading", name="Stalled")).to_be_visible()
    alert = page.get_by_role("status").filter(has_text="No progress for")
    expect(alert).to_contain_text("the worker processing it may have stopped")
    screenshot(page, "roster-import-stalled")
    alert.get_by_role("button", name="Resume").click()
    expect(page.get_by_text("The import will continue where it stopped.")).to_be_visible()
    expect(page.get_by_role("heading", name="Finished")).to_be_visible()
    screenshot(page, "roster-import-resumed")
    with organization_scope(org):
        assert sorted(Invitation.objects.values_list("email", flat=True)) == sorted(PEOPLE)
        assert RosterImport.objects.get(pk=roster_import.pk).status == "done"
