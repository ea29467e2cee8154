"""What tenancy caches (see advocacy.core.cache): read on every page under /o/<slug>/.

- the organization for a slug (before the organization is known: its key carries the slug);
- a member's membership (with its team), which grants access: a role change or a deactivation is
  seen on the very next request;
- a person's organizations for the switcher;
- the home page's counts.
"""

from advocacy.core.cache import Cached, On, request_prefetch

from .context import current_organization, organization_scope, user_scope
from .models import Membership, Organization


def _slugs(organization):
    """The slug being saved or deleted, and the one stored before (a rename must drop the old address,
    or it would keep resolving and shadow an organization later given that slug)."""
    slugs = {(organization.slug,)}
    if organization.pk is not None:
        old = Organization.objects.filter(pk=organization.pk).values_list("slug", flat=True).first()
        if old:
            slugs.add((old,))
    return slugs


def _member_ids(organization_id: int, **filters) -> list[int]:
    """User ids of an organization's members, read in its own scope wherever the write happens (in that
    organization's request, or in the operator's admin, in none)."""
    active = current_organization()
    if active is not None and active.pk == organization_id:
        return list(Membership.objects.filter(**filters).values_list("user_id", flat=True))
    with organization_scope(Organization(pk=organization_id)):
        return list(Membership.objects.filter(**filters).values_list("user_id", flat=True))


def organizations_of_person(person):
    """(organization id,) for every organization a person belongs to: the scope of entries that show their
    name or address (an `On("accounts.User", scope=organizations_of_person, ...)`). Row-level security shows a
    person their own memberships in every organization (user_scope), and nothing else."""
    with user_scope(person):
        ids = Membership.objects.unscoped().filter(user_id=person.pk).values_list("organization_id", flat=True)
        return [(organization_id,) for organization_id in ids]


def _members_of(organization):
    """The members' switchers show the organization's name."""
    return [(user_id,) for user_id in _member_ids(organization.pk)]


def _team_members(team):
    """Before a team is renamed or deleted, while its members still point at it."""
    return [(team.organization_id, user_id) for user_id in _member_ids(team.organization_id, team_id=team.pk)]


organization_by_slug_cache = Cached(
    "tenancy.org-by-slug", scope=("slug",), ttl=300, on=[On("tenancy.Organization", scope=_slugs)]
)
membership_cache = Cached(
    "tenancy.membership",
    scope=("organization", "user"),
    ttl=300,
    on=[
        On("tenancy.Membership", scope=("organization_id", "user_id")),
        On("tenancy.Team", scope=_team_members),  # a cached membership carries its team
    ],
)
switcher_cache = Cached(
    "tenancy.switcher",
    scope=("user",),
    ttl=300,
    on=[On("tenancy.Membership", scope=("user_id",)), On("tenancy.Organization", scope=_members_of)],
)
stats_cache = Cached(
    "tenancy.home-stats",
    scope=("organization",),
    ttl=60,
    on=[
        On("tenancy.Membership", scope=("organization_id",)),
        On("tenancy.Team", scope=("organization_id",)),
        On("tenancy.Invitation", scope=("organization_id",)),
    ],
)


@request_prefetch
def request_keys(request, organization, user_id: int, subpath: str) -> list[str]:
    """The membership, the switcher and, on the home page, its counts."""
    keys = membership_cache.keys((organization.pk, user_id)) + switcher_cache.keys((user_id,))
    if subpath == "":
        keys += stats_cache.keys((organization.pk,))
    return keys


def organization_by_slug(slug: str) -> Organization | None:
    return organization_by_slug_cache.get_or_compute(
        (slug,), compute=lambda: Organization.objects.filter(slug=slug).first()
    )
