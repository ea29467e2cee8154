"""HR publishes a material change to the social-media policy; an employee re-acknowledges it."""

import pytest

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from policies import services
from policies.demo import SOCIAL_V1
from policies.models import Acknowledgement
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = [
    "Ava Martin",
    "Ben Okafor",
    "Chloe Nguyen",
    "Diego Schmidt",
    "Emma Rossi",
    "Felix Kowalski",
    "Grace Silva",
    "Hugo Dubois",
    "Isla Tanaka",
    "Jonas Larsen",
    "Kira Haddad",
    "Liam Novak",
]


@pytest.fixture
def world(org, hr, employee):
    teams = [TeamFactory(organization=org, name=n) for n in ("Marketing", "Engineering", "Sales")]
    people = []
    for i, name in enumerate(NAMES):
        user = UserFactory(full_name=name, email=name.lower().replace(" ", ".") + "@acme-test.example")
        MembershipFactory(organization=org, user=user, roles=[Role.EMPLOYEE], team=teams[i % 3])
        people.append(user)
    with organization_scope(org):
        policy = services.policy_create(
            organization=org,
            actor=hr,
            title="Social media policy",
            kind="social_media",
            summary="How to talk about your work online.",
            body_markdown=SOCIAL_V1,
        )
        from policies.selectors import open_draft

        v1 = services.version_publish(
            organization=org, actor=hr, version=open_draft(organization=org, policy=policy), change_kind="material"
        )
        for user in [employee, *people[:9]]:
            services.acknowledge(organization=org, actor=user, version=v1)
    return policy, v1


def test_material_change_and_reacknowledgement(world, org, hr, employee, sign_in, screenshot):
    policy, v1 = world
    page = sign_in(hr)
    page.goto(f"{page.base}/o/{org.slug}/policies/")
    page.get_by_role("heading", name="Manage policies").wait_for()
    screenshot(page, "policies-list-hr")

    page.goto(f"{page.base}/o/{org.slug}/policies/{policy.pk}/manage/")
    page.get_by_role("button", name="New version").click()
    page.wait_for_url("**/draft/")
    editor = page.locator("#id_body_markdown")
    text = editor.input_value().replace(
        "- Use the hashtag `#employee` or a clear sentence such as “I work at Acme”.",
        "- Use the hashtag `#employee` **and** a clear sentence such as “I work at Acme”.\n"
        "- Paid partnerships must use the network's *paid partnership* label.",
    )
    editor.fill(text)
    page.locator("#preview").get_by_text("paid partnership").wait_for()
    page.fill("#id_change_summary", "Stronger disclosure rules.")
    screenshot(page, "policies-editor-preview")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()

    page.check("input[name=change_kind][value=material]")
    page.get_by_role("button", name="Publish new version").click()
    page.get_by_role("dialog").get_by_role("button", name="Publish new version").click()  # asked once
    page.get_by_text("v2 published").wait_for()

    page.goto(f"{page.base}/o/{org.slug}/policies/{policy.pk}/compare/")
    page.locator("table.diff ins").first.wait_for()
    screenshot(page, "policies-compare")

    with organization_scope(org):
        policy.refresh_from_db()
    page.goto(f"{page.base}/o/{org.slug}/policies/{policy.pk}/versions/{v1.pk}/report/")
    page.get_by_role("heading", name="By team").wait_for()
    screenshot(page, "policies-tracking-report")

    emp = sign_in(employee)
    emp.goto(f"{emp.base}/o/{org.slug}/")
    emp.get_by_text("needs your acknowledgement").wait_for()
    emp.get_by_role("link", name="Social media policy").first.click()
    emp.get_by_text("Paid partnerships must use").wait_for()
    screenshot(emp, "policies-employee-acknowledge")
    emp.check("input[name=confirm]")
    emp.get_by_role("button", name="Acknowledge").click()
    emp.get_by_text("your acknowledgement is recorded").wait_for()
    screenshot(emp, "policies-employee-acknowledged")

    with organization_scope(org):
        acks = list(Acknowledgement.objects.filter(user=employee).order_by("acknowledged_at"))
    assert [a.version_id for a in acks] == [v1.pk, policy.current_version_id]
    assert acks[1].content_sha256 != acks[0].content_sha256
    assert acks[1].user_agent  # recorded from the real browser


def test_report_of_many_teams_shows_those_needing_attention(org, hr, sign_in, screenshot):
    """With many teams the report's by-team card shows the ten with the most people pending; its link
    opens every team, which can be ordered by most pending."""
    teams = [TeamFactory(organization=org, name=f"Region {chr(65 + i)}") for i in range(14)]
    for i, team in enumerate(teams):
        for j in range(1 + i % 5):
            user = UserFactory(full_name=f"Person {i}-{j}", email=f"p{i}-{j}@acme-test.example")
            MembershipFactory(organization=org, user=user, roles=[Role.EMPLOYEE], team=team)
    with organization_scope(org):
        policy = services.policy_create(
            organization=org, actor=hr, title="Code of conduct", kind="other", summary="", body_markdown=SOCIAL_V1
        )
        from policies.selectors import open_draft

        version = services.version_publish(
            organization=org, actor=hr, version=open_draft(organization=org, policy=policy), change_kind="material"
        )
    page = sign_in(hr)
    page.goto(f"{page.base}/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/report/")
    card = page.locator("section.card", has=page.get_by_role("heading", name="By team"))
    assert card.locator("tbody tr").count() == 10
    screenshot(page, "policies-report-many-teams")
    card.get_by_role("link", name="All 15 teams").click()
    page.wait_for_url("**/report/teams/")
    assert page.locator("tbody tr").count() == 15
    page.get_by_role("link", name="Most pending first").click()
    page.wait_for_url("**/report/teams/?sort=pending")
    screenshot(page, "policies-report-teams")
