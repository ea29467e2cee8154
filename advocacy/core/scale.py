"""Scale data for benchmarks (`manage.py generate_scale_data`): the step decorator, the helpers
steps share, and the core's own steps (generated members in teams, small organizations beside).

A step is a function `step(organization, ctx)` that an app lists by dotted path in its registration
(`AppRegistration.scale_steps`, advocacy/core/registry.py); the command runs the steps of every
installed app in INSTALLED_APPS order (these first), each inside `organization_scope(organization)`
(one transaction, row-level security set to the organization, so bulk inserts pass the policy's WITH
CHECK). An app writes its steps in its own `scale.py`:

    from advocacy.core.scale import option, scale_step

    @scale_step(option("--content", type=int, default=0, help="content items in the organization"))
    def generate_content(organization, ctx):
        wanted = ctx.options["content"]
        ...
        ctx.log(f"content: {created} created, {wanted} in total")

`option(...)` takes the arguments of argparse's add_argument; the command adds them to its parser.
Steps top up to the requested totals (running twice with the same numbers adds nothing) and never
delete. `ctx.options` holds every option of the command; `ctx.small_organizations` the small
organizations beside it (made by `--orgs`, in this run or an earlier one; a later step may add its
data to them too, each in its own `organization_scope`); `ctx.password_hash` is the demo password
hashed once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from advocacy.demo import FIRST, LAST
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership, Organization, Team

BATCH = 1000
MEMBER_PREFIX = "scale-"  # generated people are scale-000001@<org>.example ...
SMALL_ORG_PREFIX = "scale-org-"
SMALL_ORG_SIZE = 10
MEMBERS_PER_TEAM = 50
MIN_TEAMS = 5
DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Marketing",
    "Customer Success",
    "Finance",
    "Operations",
    "Product",
    "Design",
    "Legal",
    "People",
]


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    kwargs: dict


def option(*flags: str, **kwargs) -> Option:
    return Option(flags, kwargs)


def scale_step(*options: Option) -> Callable:
    """Declare the command-line options a step reads from ctx.options."""

    def decorate(function):
        function.scale_options = options
        return function

    return decorate


@dataclass
class ScaleContext:
    options: dict
    password_hash: str
    log: Callable[[str], None] = print
    small_organizations: list = field(default_factory=list)


def batched(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def person_name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"


def ensure_users(people: list[tuple[str, str]], password_hash: str) -> dict[str, int]:
    """Users (email, full name) created when missing, with a verified primary address so they can
    sign in like anyone else. Returns email -> user id for all of them. Users are global (no RLS)."""
    User = get_user_model()
    emails = [email for email, _ in people]
    ids: dict[str, int] = {}
    for chunk in batched(emails, 5000):
        ids.update(User.objects.filter(email__in=chunk).values_list("email", "id"))
    missing = [(email, name) for email, name in people if email not in ids]
    for chunk in batched(missing):
        User.objects.bulk_create(
            [User(email=email, full_name=name, password=password_hash) for email, name in chunk],
            ignore_conflicts=True,
        )
    if missing:
        new_emails = [email for email, _ in missing]
        for chunk in batched(new_emails, 5000):
            ids.update(User.objects.filter(email__in=chunk).values_list("email", "id"))
        for chunk in batched(new_emails):
            EmailAddress.objects.bulk_create(
                [EmailAddress(user_id=ids[email], email=email, verified=True, primary=True) for email in chunk],
                ignore_conflicts=True,
            )
    return ids


def ensure_teams(organization, names: list[str]) -> list:
    Team.objects.bulk_create([Team(organization=organization, name=name) for name in names], ignore_conflicts=True)
    by_name = {team.name: team for team in Team.objects.filter(organization=organization, name__in=names)}
    return [by_name[name] for name in names]


def ensure_memberships(organization, rows: list[tuple[int, list[str], object]]) -> int:
    """Memberships (user id, roles, team) in the active organization, created when missing.
    Returns how many were created."""
    user_ids = [user_id for user_id, _, _ in rows]
    existing: set[int] = set()
    for chunk in batched(user_ids, 5000):
        existing.update(
            Membership.objects.filter(organization=organization, user_id__in=chunk).values_list("user_id", flat=True)
        )
    new = [row for row in rows if row[0] not in existing]
    for chunk in batched(new):
        Membership.objects.bulk_create(
            [
                Membership(organization=organization, user_id=user_id, roles=roles, team=team)
                for user_id, roles, team in chunk
            ],
            ignore_conflicts=True,
        )
    return len(new)


@scale_step(
    option(
        "--employees",
        type=int,
        default=0,
        metavar="N",
        help="generated members of the organization in total (tops up; never removes)",
    ),
)
def generate_members(organization, ctx: ScaleContext) -> None:
    """N employees scale-000001@<org>.example ... in teams of about 50 (at least 5 teams)."""
    wanted = ctx.options["employees"]
    if wanted <= 0:
        return
    team_count = max(MIN_TEAMS, math.ceil(wanted / MEMBERS_PER_TEAM))
    teams = ensure_teams(
        organization, [f"{DEPARTMENTS[i % len(DEPARTMENTS)]} {i // len(DEPARTMENTS) + 1}" for i in range(team_count)]
    )
    people = [(f"{MEMBER_PREFIX}{i:06d}@{organization.slug}.example", person_name(i)) for i in range(1, wanted + 1)]
    ids = ensure_users(people, ctx.password_hash)
    rows = [(ids[email], [Role.EMPLOYEE.value], teams[i % team_count]) for i, (email, _) in enumerate(people)]
    created = ensure_memberships(organization, rows)
    ctx.log(f"{organization.slug}: {created} members added, {wanted} generated members in {team_count} teams")


@scale_step(
    option(
        "--orgs",
        type=int,
        default=0,
        metavar="M",
        help=f"small organizations ({SMALL_ORG_PREFIX}001 ...) of {SMALL_ORG_SIZE} members each beside it (tops up)",
    ),
)
def generate_small_organizations(organization, ctx: ScaleContext) -> None:
    """M organizations of 10 members (the first an admin) in 2 teams, each in its own scope."""
    wanted = ctx.options["orgs"]
    if wanted <= 0:
        ctx.small_organizations = list(Organization.objects.filter(slug__startswith=SMALL_ORG_PREFIX).order_by("slug"))
        return
    slugs = [f"{SMALL_ORG_PREFIX}{i:03d}" for i in range(1, wanted + 1)]
    Organization.objects.bulk_create(
        [Organization(slug=slug, name=f"Scale Org {slug[len(SMALL_ORG_PREFIX) :]}") for slug in slugs],
        ignore_conflicts=True,
    )
    organizations = list(Organization.objects.filter(slug__in=slugs).order_by("slug"))
    people = [
        (f"{MEMBER_PREFIX}{j:02d}@{small.slug}.example", person_name(j + n))
        for n, small in enumerate(organizations)
        for j in range(1, SMALL_ORG_SIZE + 1)
    ]
    ids = ensure_users(people, ctx.password_hash)
    created = 0
    for small in organizations:
        with organization_scope(small):
            teams = ensure_teams(small, ["General", "Field"])
            rows = []
            for j in range(1, SMALL_ORG_SIZE + 1):
                roles = [Role.ADMIN.value, Role.EMPLOYEE.value] if j == 1 else [Role.EMPLOYEE.value]
                rows.append((ids[f"{MEMBER_PREFIX}{j:02d}@{small.slug}.example"], roles, teams[j % 2]))
            created += ensure_memberships(small, rows)
    ctx.small_organizations = list(Organization.objects.filter(slug__startswith=SMALL_ORG_PREFIX).order_by("slug"))
    ctx.log(f"{len(organizations)} small organizations beside {organization.slug}: {created} members added")
