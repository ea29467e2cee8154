"""Demo data for `manage.py seed_demo`: organizations acme and globex with one person per role and
~20 employees in teams. Each app declares its seeders (dotted paths) in its registration
(`AppRegistration.seeders`, advocacy/core/registry.py); a seeder receives the demo organization
(already active: its organization, people and teams) and must be idempotent."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from advocacy.core.registry import demo_seeders
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, Membership, Organization, Team

ORGS = [("acme", "Acme Corporation"), ("globex", "Globex")]
TEAMS = ["Marketing", "Engineering", "Sales", "People"]
FIRST = [
    "Ava",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Felix",
    "Grace",
    "Hugo",
    "Isla",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
]
LAST = [
    "Martin",
    "Okafor",
    "Nguyen",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Silva",
    "Dubois",
    "Tanaka",
    "Larsen",
    "Haddad",
    "Novak",
    "Fischer",
    "Moreau",
    "Ivanova",
    "Costa",
    "Berg",
    "Reyes",
    "Sato",
    "Walsh",
    "Khan",
    "Lopez",
]
ROLE_PEOPLE = [
    ("admin", "Alex Admin", [Role.ADMIN, Role.EMPLOYEE], "People"),
    ("hr", "Harper Hughes", [Role.HR, Role.EMPLOYEE], "People"),
    ("moderator", "Morgan Moss", [Role.MODERATOR, Role.EMPLOYEE], "Marketing"),
    ("employee", "Emery Evans", [Role.EMPLOYEE], "Marketing"),
]
# More people with a login of their own, beside one person per role: a second HR member, so a draft policy
# can be sent for review (nobody reviews their own draft) from the first sign-in
MORE_PEOPLE = [
    ("hr2", "Riley Reed", [Role.HR, Role.EMPLOYEE], "People"),
]
DEMO_LOGINS = [key for key, *_ in (*ROLE_PEOPLE, *MORE_PEOPLE)]  # hr2 signs in as hr2@<slug>.example


@dataclass
class DemoOrg:
    organization: Organization
    people: dict  # "admin" / "hr" / "moderator" / "employee" / "hr2" -> User; "employees" -> [User]
    teams: dict  # name -> Team


def _user(email: str, full_name: str, password: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _member(organization, user, roles, team):
    membership, _ = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"roles": roles, "team": team}
    )
    return membership


def _pending_invitations(organization, admin, teams) -> None:
    """Two people invited but not yet signed up, so the invitations page has something to show."""
    for email, name, team in (
        (f"new.hire@{organization.slug}.example", "Nina Hart", "Sales"),
        (f"contractor@{organization.slug}.example", "Omar Reid", "Engineering"),
    ):
        Invitation.objects.get_or_create(
            organization=organization,
            email=email,
            defaults={
                "full_name": name,
                "roles": [Role.EMPLOYEE],
                "team": teams[team],
                "invited_by": admin,
                "token_hash": Invitation.hash_token(Invitation.generate_token()),
            },
        )


@transaction.atomic
def seed_organization(slug: str, name: str, password: str) -> DemoOrg:
    organization, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    with organization_scope(organization):
        teams = {}
        for team_name in TEAMS:
            teams[team_name], _ = Team.objects.get_or_create(organization=organization, name=team_name)
        people: dict = {"employees": []}
        for key, full_name, roles, team_name in (*ROLE_PEOPLE, *MORE_PEOPLE):
            user = _user(f"{key}@{slug}.example", full_name, password)
            _member(organization, user, roles, teams[team_name])
            people[key] = user
        for i in range(20):
            first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
            user = _user(f"{first.lower()}.{last.lower()}@{slug}.example", f"{first} {last}", password)
            _member(organization, user, [Role.EMPLOYEE], teams[TEAMS[i % len(TEAMS)]])
            people["employees"].append(user)
        _pending_invitations(organization, people["admin"], teams)
        demo = DemoOrg(organization, people, teams)
        for seed in demo_seeders():
            seed(demo)
    return demo


def seed_all(password: str | None = None) -> list[DemoOrg]:
    password = password or settings.DEMO_PASSWORD
    return [seed_organization(slug, name, password) for slug, name in ORGS]
