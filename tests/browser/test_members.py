"""An admin manages people in a real browser: members list and filters, a role change, an invitation,
a CSV roster import and its report."""

import pytest
from playwright.sync_api import expect

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    ("Ada Lovelace", "Engineering", [Role.EMPLOYEE]),
    ("Grace Hopper", "Engineering", [Role.EMPLOYEE, Role.MODERATOR]),
    ("Katherine Johnson", "Marketing", [Role.EMPLOYEE]),
    ("Hedy Lamarr", "Marketing", [Role.EMPLOYEE, Role.HR]),
    ("Margaret Hamilton", "Sales", [Role.EMPLOYEE]),
    ("Radia Perlman", None, [Role.EMPLOYEE]),
]

ROSTER = (
    "name,email,team,roles\n"
    "Barbara Liskov,barbara@acme-test.example,Engineering,employee\n"
    "Frances Allen,frances@acme-test.example,Sales,employee;moderator\n"
    "Typo Person,typo@acme-test.example,Enginering,employee\n"
    "Ada Lovelace,ada@acme-test.example,Engineering,employee\n"
    "Broken,not-an-email,,employee\n"
)


@pytest.fixture
def eager(monkeypatch):
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture
def people(org, admin):
    teams = {name: TeamFactory(organization=org, name=name) for name in ("Engineering", "Marketing", "Sales")}
    with organization_scope(org):
        Membership.objects.filter(user=admin).update(title="Program lead", team=teams["Marketing"])
    admin.full_name = "Alex Admin"
    admin.save(update_fields=["full_name"])
    created = {}
    for name, team, roles in PEOPLE:
        email = name.split()[0].lower() + "@acme-test.example"
        user = UserFactory(email=email, full_name=name)
        created[name] = MembershipFactory(organization=org, user=user, team=teams.get(team), roles=roles)
    MembershipFactory(
        organization=org,
        user=UserFactory(email="left@acme-test.example", full_name="Former Colleague"),
        is_active=False,
    )
    InvitationFactory(organization=org, email="pending.person@acme-test.example", full_name="Pending Person")
    return created


def test_admin_manages_people(org, admin, people, sign_in, screenshot, eager):
    page = sign_in(admin)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    table = page.locator("#members-results")
    expect(table.get_by_text("Grace Hopper")).to_be_visible()
    expect(table.get_by_text("Former Colleague")).to_have_count(0)
    screenshot(page, "members-list")

    # filters update the table in place (htmx) and the address bar
    page.select_option("#id_team", label="Engineering")
    expect(table.get_by_text("Katherine Johnson")).to_have_count(0)
    expect(table.get_by_text("Ada Lovelace")).to_be_visible()
    assert "team=" in page.url
    page.fill("#id_q", "grace")
    expect(table.get_by_text("Ada Lovelace")).to_have_count(0)
    expect(table.locator("tbody tr")).to_have_count(1)
    page.select_option("#id_status", "all")
    page.get_by_role("link", name="Reset").click()
    expect(table.get_by_text("Katherine Johnson")).to_be_visible()

    # change someone's roles and team
    table.get_by_role("link", name="Katherine Johnson").click()
    expect(page.get_by_role("heading", name="Katherine Johnson")).to_be_visible()
    page.get_by_label("Moderator").check()
    page.select_option("#id_team", label="Sales")
    page.fill("#id_title", "Community lead")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved the changes to Katherine Johnson.")).to_be_visible()
    with organization_scope(org):
        katherine = Membership.objects.select_related("team").get(pk=people["Katherine Johnson"].pk)
    assert katherine.roles == ["employee", "moderator"] and katherine.team.name == "Sales"
    screenshot(page, "member-detail")

    # invite one person
    nav.get_by_role("link", name="Invitations", exact=True).click()
    page.fill("#id_email", "joan.clarke@acme-test.example")
    page.fill("#id_full_name", "Joan Clarke")
    page.get_by_label("HR").check()
    page.select_option("#id_team", label="Engineering")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to joan.clarke@acme-test.example.")).to_be_visible()
    expect(page.locator("table").get_by_text("Joan Clarke")).to_be_visible()
    with organization_scope(org):
        joan = Invitation.objects.get(email="joan.clarke@acme-test.example")
    assert sorted(joan.roles) == ["employee", "hr"]
    screenshot(page, "invitations")

    # bulk invite from a CSV roster and read the report
    page.get_by_role("link", name="Import a CSV roster").click()
    screenshot(page, "roster-import-upload")
    page.set_input_files(
        "input[name=file]", files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}]
    )
    page.get_by_role("button", name="Upload and invite").click()
    expect(page.get_by_role("heading", name="Finished")).to_be_visible()
    report = page.locator(".report-table")
    expect(report.locator("tbody tr")).to_have_count(5)
    expect(report.get_by_text("No team named “Enginering”")).to_be_visible()
    expect(report.get_by_text("Already a member")).to_be_visible()
    screenshot(page, "roster-import-report")
    page.get_by_role("link", name="Rejected").click()
    expect(report.locator("tbody tr")).to_have_count(2)
    with organization_scope(org):
        emails = set(Invitation.objects.values_list("email", flat=True))
    assert {"barbara@acme-test.example", "frances@acme-test.example"} <= emails
    assert "typo@acme-test.example" not in emails


def test_teams_settings_and_invitation_pages(org, admin, people, sign_in, new_page, screenshot):
    from advocacy.tenancy.models import Invitation as Inv

    page = sign_in(admin)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Teams", exact=True).click()
    page.fill("#id_name", "Customer Success")
    page.fill("#id_description", "Onboarding and renewals")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_text("Created the team “Customer Success”.")).to_be_visible()
    screenshot(page, "teams")
    nav.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Require two-factor authentication for admins, HR and moderators").check()
    expect(page.get_by_text("You do not use two-factor authentication yet.")).to_be_visible()
    screenshot(page, "org-settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    # the organization now requires MFA for admins: this admin is sent to set it up
    expect(page.get_by_text("requires two-factor authentication for your role")).to_be_visible()

    token = "browser-invitation-token-0123456789"
    with organization_scope(org):
        Inv.objects.filter(email="pending.person@acme-test.example").update(
            token_hash=Inv.hash_token(token), invited_by=admin
        )
    visitor = new_page()
    visitor.goto(f"{visitor.base}/invitations/{token}/")
    expect(visitor.get_by_role("heading", name="Join Acme Test")).to_be_visible()
    expect(visitor.get_by_role("link", name="Create account")).to_be_visible()
    screenshot(visitor, "invitation-accept")
